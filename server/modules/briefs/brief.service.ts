import { assertCanWriteOffice, canSee, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { createRecord, type RecordKind } from "../../common/office-records.js";
import { visibleLength } from "../../common/validators.js";
import { loadForUpdate, updateVersioned } from "../../db/versioned.js";
import type { UnitOfWork } from "../../db/writer.js";
import { badInput, conflict, forbidden, notFound, type FieldProblem } from "../../errors.js";
import { Topic } from "../../realtime/pubsub.js";
import { AuditEvent } from "../audit/audit-event.entity.js";
import { Contract, ContractStatus, LifecycleStage } from "../contracts/contract.entities.js";
import type { ContractChange } from "../contracts/contract.service.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { Provider } from "../providers/provider.entity.js";
import { Role } from "../users/role.js";
import type { BriefContractInput, BriefScoresInput, SubmitBriefInput } from "./brief.inputs.js";
import { approvalPortfolio, briefMoveRefusal, scoreProblems } from "./brief.rules.js";
import { BriefState, ProjectBrief } from "./project-brief.entity.js";
import { defaultReportingSchedule } from "../contracts/reporting-schedule.js";

/** Approving or declining commits the office's money, so it is the Commissioner's call (or an administrator's). */
export const BRIEF_DECIDERS = [Role.ADMIN, Role.COMMISSIONER];

const LABEL = "ProjectBrief";

export const BriefRecord: RecordKind<ProjectBrief> = {
  entity: ProjectBrief,
  label: LABEL,
  officeOf: (brief) => brief.officeId,
  async check(brief, uow) {
    if (brief.portfolioId == null) return;
    const portfolio = await uow.manager.findOneBy(Portfolio, { id: brief.portfolioId });
    // One answer for "no such portfolio" and "another office's": we do not confirm other offices' ids.
    if (portfolio?.officeId !== brief.officeId) throw badInput("A brief can only propose a service for a portfolio of its own office.", [{ field: "portfolioId", rule: "sameOffice", message: `Portfolio ${brief.portfolioId} is not one of this office's.` }]);
  },
};

export async function submitBrief(ctx: Context, input: SubmitBriefInput): Promise<ProjectBrief> {
  const user = requireUser(ctx);
  let officeId = input.officeId ?? user.officeId;
  // Administrators have no home office: a portfolio is enough to say which office they mean.
  if (officeId == null && input.portfolioId != null) officeId = (await ctx.services.db.manager.findOneBy(Portfolio, { id: input.portfolioId }))?.officeId ?? null;
  if (officeId == null) throw badInput("Say which office the brief is for.", [{ field: "officeId", rule: "required", message: "officeId is required for a user without a home office." }]);
  return createRecord(ctx, BriefRecord, {
    officeId,
    portfolioId: input.portfolioId ?? null,
    title: input.title,
    summary: input.summary,
    drivers: [...new Set(input.drivers)],
    proposedValuePence: input.proposedValuePence ?? null,
    state: BriefState.SUBMITTED,
    businessNeedScore: null,
    driversScore: null,
    deliverabilityScore: null,
    contractId: null,
  });
}

interface Move {
  patch: Partial<ProjectBrief>;
  /** Recorded in the audit row beside the brief: what the brief's own columns cannot hold. */
  detail?: Record<string, unknown>;
}

/**
 * Every change after submission moves the brief along its state machine: load it inside the write
 * transaction, refuse what the caller may not see or change, a stale version or a move the machine does not
 * allow (CONFLICT), then apply the move's own work and audit it, all or nothing.
 */
function moveBrief(ctx: Context, id: number, version: number, to: BriefState, verb: string, work: (brief: ProjectBrief, uow: UnitOfWork) => Promise<Move>): Promise<ProjectBrief> {
  const user = requireUser(ctx);
  return ctx.services.writer.run(user, async (uow) => {
    const brief = await loadForUpdate(uow, ProjectBrief, id, LABEL);
    if (!canSee(user, brief)) throw notFound(LABEL, id);
    assertCanWriteOffice(ctx, brief.officeId);
    if (brief.version !== version) throw conflict(`${LABEL} ${id} has changed since you loaded it (version ${brief.version}, you had ${version}). Reload and try again.`);
    const refusal = briefMoveRefusal(brief.state, to);
    if (refusal) throw conflict(refusal);
    const { patch, detail } = await work(brief, uow);
    const updated = await updateVersioned(uow, ProjectBrief, brief, version, { ...patch, state: to }, LABEL);
    await uow.audit(`project_brief.${verb}`, { type: LABEL, id, officeId: brief.officeId }, brief, { ...updated, ...detail });
    return updated;
  });
}

export function scoreBrief(ctx: Context, id: number, version: number, scores: BriefScoresInput): Promise<ProjectBrief> {
  const problems = scoreProblems(scores);
  if (problems.length) throw badInput("Each score is a whole number from 0 to 3.", problems);
  const { businessNeedScore, driversScore, deliverabilityScore } = scores;
  return moveBrief(ctx, id, version, BriefState.SCORED, "score", async () => ({ patch: { businessNeedScore, driversScore, deliverabilityScore } }));
}

function assertDecider(ctx: Context): void {
  if (!BRIEF_DECIDERS.includes(requireUser(ctx).role)) throw forbidden("Only the Commissioner can approve or decline a brief.");
}

/**
 * Inserts the approved brief's contract in the approval's own transaction. contract.service's createContract
 * cannot be called here: it opens its own writer transaction, which on SQLite would queue behind this one
 * forever. So the same checks as createContract (portfolio of the office, provider exists, reference unique in
 * the office) are made here, and the same audit row and CONTRACT_CHANGED event are written.
 */
async function insertContract(uow: UnitOfWork, brief: ProjectBrief, input: BriefContractInput): Promise<Contract> {
  const { manager } = uow;
  const chosen = approvalPortfolio(brief, input.portfolioId);
  const problems: FieldProblem[] = [...chosen.problems];
  if (chosen.portfolioId != null && brief.portfolioId == null) {
    const portfolio = await manager.findOneBy(Portfolio, { id: chosen.portfolioId });
    if (portfolio?.officeId !== brief.officeId) problems.push({ field: "portfolioId", rule: "sameOffice", message: `Portfolio ${chosen.portfolioId} is not one of this office's.` });
  }
  if (!(await manager.existsBy(Provider, { id: input.providerId }))) problems.push({ field: "providerId", rule: "exists", message: `Provider ${input.providerId} does not exist.` });
  if (await manager.existsBy(Contract, { officeId: brief.officeId, reference: input.reference })) problems.push({ field: "reference", rule: "unique", message: "Another contract in this office has that reference." });
  if (problems.length) throw badInput("The brief cannot become a contract yet.", problems);

  const contract = await manager.save(
    Contract,
    manager.create(Contract, {
      officeId: brief.officeId,
      portfolioId: chosen.portfolioId!,
      providerId: input.providerId,
      reference: input.reference,
      title: brief.title,
      description: brief.summary,
      mechanism: input.mechanism,
      stage: LifecycleStage.PLAN,
      status: ContractStatus.PIPELINE,
      startDate: input.startDate ?? null,
      endDate: null,
      annualValuePence: brief.proposedValuePence,
      mainPriorityId: null,
      reviewWindow: null,
      reviewStartDate: null,
      reviewEndDate: null,
      reportingSchedule: defaultReportingSchedule(input.mechanism, brief.proposedValuePence),
      plannedStartDate: null,
      potentialValuePence: null,
    }),
  );
  await uow.audit("contract.create", { type: "Contract", id: contract.id, officeId: contract.officeId }, null, { ...contract, fromBriefId: brief.id });
  await uow.emit<ContractChange>(Topic.CONTRACT_CHANGED, contract.officeId, { contractId: contract.id, providerId: contract.providerId, change: "CREATED" });
  return contract;
}

/** Approval and the contract it creates commit together: never an approved brief without its contract, or the reverse. */
export function approveBrief(ctx: Context, id: number, version: number, input: BriefContractInput): Promise<ProjectBrief> {
  assertDecider(ctx);
  return moveBrief(ctx, id, version, BriefState.APPROVED, "approve", async (brief, uow) => {
    const contract = await insertContract(uow, brief, input);
    return { patch: { contractId: contract.id, portfolioId: contract.portfolioId } };
  });
}

export const DECLINE_REASON_MAX = 2000;

/** The reason has no column on the brief (the schema is fixed), so it lives in the decline's audit row. */
export function declineBrief(ctx: Context, id: number, version: number, reason: string): Promise<ProjectBrief> {
  assertDecider(ctx);
  const trimmed = reason.trim();
  if (!visibleLength(trimmed)) throw badInput("Say why the brief is declined.", [{ field: "reason", rule: "required", message: "A reason is required." }]);
  if (trimmed.length > DECLINE_REASON_MAX) throw badInput("The reason is too long.", [{ field: "reason", rule: "length", message: `At most ${DECLINE_REASON_MAX} characters.` }]);
  return moveBrief(ctx, id, version, BriefState.DECLINED, "decline", async () => ({ patch: {}, detail: { reason: trimmed } }));
}

/** The reason given when the brief was declined, from the decline's audit row. */
export async function declineReason(ctx: Context, brief: ProjectBrief): Promise<string | null> {
  if (brief.state !== BriefState.DECLINED) return null;
  const event = await ctx.services.db.manager.findOne(AuditEvent, { where: { entityType: LABEL, entityId: brief.id, action: "project_brief.decline" }, order: { id: "DESC" } });
  const reason = (event?.after as { reason?: unknown } | null)?.reason;
  return typeof reason === "string" ? reason : null;
}
