import { In } from "typeorm";
import { assertCanWriteOffice, canSee, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { createRecord, type RecordKind } from "../../common/office-records.js";
import { loadForUpdate, updateVersioned } from "../../db/versioned.js";
import { badInput, conflict, forbidden, notFound, type FieldProblem } from "../../errors.js";
import { Contract } from "../contracts/contract.entities.js";
import { PerformanceReturn } from "../returns/return.entities.js";
import { Role } from "../users/role.js";
import { Decision } from "./decision.entity.js";
import type { RecordDecisionInput } from "./decision.inputs.js";

/** Officers draft decisions for the record; publishing one speaks for the Commissioner. */
export const DECISION_RECORDERS = [Role.ADMIN, Role.COMMISSIONER, Role.OFFICER];
export const DECISION_PUBLISHERS = [Role.ADMIN, Role.COMMISSIONER];

const LABEL = "Decision";

/** Where each cited return belongs. */
export interface EvidenceSource {
  returnId: number;
  contractId: number;
  officeId: number;
}

/**
 * A decision may rely only on its own office's returns, and on its contract's when it names one: evidence
 * from elsewhere would be published under this office's name. A return that does not exist and one of
 * another office get the same answer, so the error confirms nothing about other offices.
 */
export function evidenceProblems(decision: Pick<Decision, "officeId" | "contractId">, returnIds: readonly number[], sources: readonly EvidenceSource[]): FieldProblem[] {
  const byId = new Map(sources.map((s) => [s.returnId, s]));
  return returnIds.flatMap((id, i): FieldProblem[] => {
    const source = byId.get(id);
    const field = `evidenceReturnIds.${i}`;
    if (!source || source.officeId !== decision.officeId) return [{ field, rule: "sameOffice", message: `Return ${id} is not one of this office's.` }];
    if (decision.contractId != null && source.contractId !== decision.contractId) return [{ field, rule: "sameContract", message: `Return ${id} is for another contract than the one decided on.` }];
    return [];
  });
}

export const DecisionRecord: RecordKind<Decision> = {
  entity: Decision,
  label: LABEL,
  officeOf: (decision) => decision.officeId,
  async check(decision, uow) {
    const problems: FieldProblem[] = [];
    if (decision.contractId != null) {
      const contract = await uow.manager.findOneBy(Contract, { id: decision.contractId });
      if (contract?.officeId !== decision.officeId) problems.push({ field: "contractId", rule: "sameOffice", message: `Contract ${decision.contractId} is not one of this office's.` });
    }
    const ids = decision.evidenceReturnIds.filter(Boolean).map(Number);
    const sources: { returnId: number; contractId: number; officeId: number }[] = ids.length
      ? (
          await uow.manager
            .createQueryBuilder(PerformanceReturn, "r")
            .innerJoin(Contract, "c", "c.id = r.contractId")
            .select(["r.id AS \"returnId\"", "r.contractId AS \"contractId\"", "c.officeId AS \"officeId\""])
            .where({ id: In(ids) })
            .getRawMany()
        ).map((row) => ({ returnId: Number(row.returnId), contractId: Number(row.contractId), officeId: Number(row.officeId) }))
      : [];
    problems.push(...evidenceProblems(decision, ids, sources));
    if (problems.length) throw badInput("The decision cites records it cannot rely on.", problems);
  },
};

export async function recordDecision(ctx: Context, input: RecordDecisionInput): Promise<Decision> {
  const user = requireUser(ctx);
  let officeId = input.officeId ?? user.officeId;
  // Administrators have no home office: the contract decided on says which office they mean.
  if (officeId == null && input.contractId != null) officeId = (await ctx.services.db.manager.findOneBy(Contract, { id: input.contractId }))?.officeId ?? null;
  if (officeId == null) throw badInput("Say which office took the decision.", [{ field: "officeId", rule: "required", message: "officeId is required for a user without a home office." }]);
  return createRecord(ctx, DecisionRecord, {
    officeId,
    contractId: input.contractId ?? null,
    kind: input.kind,
    title: input.title,
    rationale: input.rationale,
    evidenceReturnIds: [...new Set(input.evidenceReturnIds)].map(String),
    decidedOn: input.decidedOn,
    decidedById: user.id,
    published: false,
  });
}

/** Publishing is one-way: once the Panel and the public may have read a decision, it is not quietly withdrawn. */
export function publishDecision(ctx: Context, id: number, version: number): Promise<Decision> {
  const user = requireUser(ctx);
  if (!DECISION_PUBLISHERS.includes(user.role)) throw forbidden("Only the Commissioner can publish a decision.");
  return ctx.services.writer.run(user, async (uow) => {
    const decision = await loadForUpdate(uow, Decision, id, LABEL);
    if (!canSee(user, decision)) throw notFound(LABEL, id);
    assertCanWriteOffice(ctx, decision.officeId);
    if (decision.version !== version) throw conflict(`${LABEL} ${id} has changed since you loaded it (version ${decision.version}, you had ${version}). Reload and try again.`);
    if (decision.published) throw conflict(`${LABEL} ${id} is already published.`);
    const updated = await updateVersioned(uow, Decision, decision, version, { published: true }, LABEL);
    await uow.audit("decision.publish", { type: LABEL, id, officeId: decision.officeId }, decision, updated);
    return updated;
  });
}
