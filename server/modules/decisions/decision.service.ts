import { In, type EntityManager } from "typeorm";
import { assertCanWriteOffice, canSee, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { createRecord, type RecordKind } from "../../common/office-records.js";
import { loadForUpdate, updateVersioned } from "../../db/versioned.js";
import { badInput, conflict, forbidden, notFound, type FieldProblem } from "../../errors.js";
import type { UnitOfWork } from "../../db/writer.js";
import { Topic } from "../../realtime/pubsub.js";
import { Contract, ContractStatus } from "../contracts/contract.entities.js";
import type { ContractChange } from "../contracts/contract.service.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnState } from "../returns/return.entities.js";
import { noteContractChangeToFrozenQuarters } from "../scorecards/quarter-changes.js";
import { Role } from "../users/role.js";
import { Decision, DecisionKind } from "./decision.entity.js";
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

/** A cited return's state, and its contract's latest accepted return (by quarter), for the evidence rules. */
export interface EvidenceState {
  returnId: number;
  state: ReturnState;
}

/**
 * Decisions rest on figures that have been checked: a draft (or a return sent back to its provider) is never
 * evidence. A decision to decommission is taken on the last performance report (003): it names its contract and
 * cites at least that contract's latest accepted return.
 */
export function decommissionEvidenceProblems(decision: Pick<Decision, "kind" | "contractId">, returnIds: readonly number[], states: readonly EvidenceState[], latestAcceptedId: number | null): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stateOf = new Map(states.map((s) => [s.returnId, s.state]));
  returnIds.forEach((id, i) => {
    const state = stateOf.get(id);
    if (state === ReturnState.DRAFT || state === ReturnState.RETURNED) problems.push({ field: `evidenceReturnIds.${i}`, rule: "notDraft", message: `Return ${id} is ${state === ReturnState.DRAFT ? "a draft" : "back with its provider"}: cite submitted or accepted figures.` });
  });
  if (decision.kind !== DecisionKind.DECOMMISSION) return problems;
  if (decision.contractId == null) return [...problems, { field: "contractId", rule: "required", message: "Name the contract to decommission." }];
  if (latestAcceptedId == null) return [...problems, { field: "evidenceReturnIds", rule: "acceptedReturnRequired", message: "The contract has no accepted return: a decision to decommission needs its latest performance report." }];
  if (!returnIds.includes(latestAcceptedId)) problems.push({ field: "evidenceReturnIds", rule: "latestAcceptedReturn", message: `Cite the contract's latest accepted return (${latestAcceptedId}).` });
  return problems;
}

/** The contract's accepted return for its latest quarter. */
async function latestAcceptedReturn(manager: EntityManager, contractId: number): Promise<number | null> {
  const row = await manager
    .createQueryBuilder(PerformanceReturn, "r")
    .innerJoin(ReportingPeriod, "p", "p.id = r.periodId")
    .select("r.id", "id")
    .where("r.contractId = :contractId AND r.state = :accepted", { contractId, accepted: ReturnState.ACCEPTED })
    .orderBy("p.year", "DESC")
    .addOrderBy("p.quarter", "DESC")
    .limit(1)
    .getRawOne();
  return row ? Number(row.id) : null;
}

/** Moves the decided contract's status, audited: recorded puts it under review, published decommissions it. */
async function moveContractStatus(uow: UnitOfWork, decision: Decision, to: ContractStatus): Promise<void> {
  if (decision.kind !== DecisionKind.DECOMMISSION || decision.contractId == null) return;
  const contract = await uow.manager.findOneByOrFail(Contract, { id: decision.contractId });
  if (contract.status === to || contract.status === ContractStatus.DECOMMISSIONED || contract.status === ContractStatus.ENDED) return;
  const after = await updateVersioned(uow, Contract, contract, contract.version, { status: to }, "Contract");
  // Decommissioning takes the contract out of the figures, frozen quarters included: the decision is the cause.
  if (to === ContractStatus.DECOMMISSIONED) await noteContractChangeToFrozenQuarters(uow, contract, [contract.portfolioId], `Decision ${decision.id}: ${decision.title}`);
  await uow.audit("contract.status", { type: "Contract", id: contract.id, officeId: contract.officeId }, { status: contract.status }, { status: to, decisionId: decision.id });
  await uow.emit<ContractChange>(Topic.CONTRACT_CHANGED, contract.officeId, { contractId: contract.id, providerId: after.providerId, change: "UPDATED" });
}

export const DecisionRecord: RecordKind<Decision> = {
  entity: Decision,
  label: LABEL,
  officeOf: (decision) => decision.officeId,
  async check(decision, uow) {
    const problems = await decisionEvidenceProblems(decision, uow.manager);
    if (problems.length) throw badInput("The decision cites records it cannot rely on.", problems);
  },
};

/** Everything wrong with a decision's contract and evidence, as it stands now (checked on record and on publish). */
async function decisionEvidenceProblems(decision: Decision, manager: EntityManager): Promise<FieldProblem[]> {
    const uow = { manager };
    const problems: FieldProblem[] = [];
    if (decision.contractId != null) {
      const contract = await uow.manager.findOneBy(Contract, { id: decision.contractId });
      if (contract?.officeId !== decision.officeId) problems.push({ field: "contractId", rule: "sameOffice", message: `Contract ${decision.contractId} is not one of this office's.` });
    }
    const ids = decision.evidenceReturnIds.filter(Boolean).map(Number);
    const sources: (EvidenceSource & { state: ReturnState })[] = ids.length
      ? (
          await uow.manager
            .createQueryBuilder(PerformanceReturn, "r")
            .innerJoin(Contract, "c", "c.id = r.contractId")
            .select(["r.id AS \"returnId\"", "r.contractId AS \"contractId\"", "c.officeId AS \"officeId\"", "r.state AS state"])
            .where({ id: In(ids) })
            .getRawMany()
        ).map((row) => ({ returnId: Number(row.returnId), contractId: Number(row.contractId), officeId: Number(row.officeId), state: row.state as ReturnState }))
      : [];
    const located = evidenceProblems(decision, ids, sources);
    problems.push(...located);
    if (!located.length && !problems.length) {
      const latest = decision.kind === DecisionKind.DECOMMISSION && decision.contractId != null ? await latestAcceptedReturn(uow.manager, decision.contractId) : null;
      problems.push(...decommissionEvidenceProblems(decision, ids, sources, latest));
    }
    return problems;
}

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
  }, (decision, uow) => moveContractStatus(uow, decision, ContractStatus.UNDER_REVIEW));
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
    // The evidence may have moved since the decision was recorded (a cited return reopened, a later one accepted):
    // a decommissioning is published only on the contract's latest accepted return as it stands now.
    if (decision.kind === DecisionKind.DECOMMISSION) {
      const problems = await decisionEvidenceProblems(decision, uow.manager);
      if (problems.length) {
        throw badInput("The decision's evidence no longer holds: its cited return is not the contract's latest accepted return. Record a new decision on the current figures.", [
          { field: "evidenceReturnIds", rule: "evidenceChanged", message: "The evidence changed after the decision was recorded." },
          ...problems,
        ]);
      }
    }
    const updated = await updateVersioned(uow, Decision, decision, version, { published: true }, LABEL);
    await uow.audit("decision.publish", { type: LABEL, id, officeId: decision.officeId }, decision, updated);
    await moveContractStatus(uow, updated, ContractStatus.DECOMMISSIONED);
    return updated;
  });
}
