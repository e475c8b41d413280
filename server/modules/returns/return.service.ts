import { In, type EntityManager } from "typeorm";
import { canSee, canSeeReturn, canWriteOffice, requireUser, scopeToContracts } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { toPage, type PageArgs, type PageResult } from "../../common/pagination.js";
import { together } from "../../db/bulk.js";
import { findOnePlain } from "../../db/loaders.js";
import { updateVersioned } from "../../db/versioned.js";
import type { Emitted, UnitOfWork } from "../../db/writer.js";
import { badInput, conflict, forbidden, notFound, type FieldProblem } from "../../errors.js";
import { Topic } from "../../realtime/pubsub.js";
import { scorecardEvent } from "../scorecards/scorecard-events.js";
import { QuarterChangeKind } from "../scorecards/quarter-change.entity.js";
import { noteQuarterChange } from "../scorecards/quarter-changes.js";
import { IdempotencyRecord } from "../../realtime/domain-event.entity.js";
import { Contract } from "../contracts/contract.entities.js";
import { ContractKpi, Indicator, IndicatorMeasure, Measure, MeasureRole } from "../kpis/kpi.entities.js";
import { previousQuarter } from "../periods/financial-year.js";
import { PeriodState, ReportingPeriod } from "../periods/reporting-period.entity.js";
import { Role } from "../users/role.js";
import type { User } from "../users/user.entity.js";
import { PerformanceReturn, ReturnRevision, ReturnState, ReturnValue, type RevisionNarrative } from "./return.entities.js";
import type { MeasureCommentInput, ReturnFilter, SaveReturnInput, SubmitReturnInput } from "./return.inputs.js";
import { loadForm } from "./return-form.js";
import { canMove, findOutliers, isEditable, validateReturnValues, type Outlier } from "./return.rules.js";

/** Carried by every RETURN_CHANGED event. */
export interface ReturnChange {
  returnId: number;
  contractId: number;
  providerId: number;
  portfolioId: number;
  periodId: number;
  state: ReturnState;
  change: "CREATED" | "SUBMITTED" | "ACCEPTED" | "RETURNED" | "REOPENED";
}

/** Whether a user may see a return: the one rule, in auth/access.ts. */
export { canSeeReturn } from "../../auth/access.js";

/** The provider holding the contract, or the office's commissioning staff on its behalf. */
export function canFillIn(user: User, contract: Pick<Contract, "providerId" | "officeId">): boolean {
  if (user.role === Role.PROVIDER) return user.providerId === contract.providerId;
  return canWriteOffice(user, contract.officeId);
}

export { loadForm } from "./return-form.js";

async function valuesOf(manager: EntityManager, returnId: number): Promise<ReturnValue[]> {
  return manager.find(ReturnValue, { where: { returnId }, order: { measureId: "ASC" } });
}

/** The contract's accepted values in the quarter before this one, to spot sharp changes. */
async function previousAcceptedValues(manager: EntityManager, contract: Contract, period: ReportingPeriod): Promise<Map<number, number | null>> {
  const prior = previousQuarter({ year: period.year, quarter: period.quarter as 1 | 2 | 3 | 4 });
  const previousPeriod = await manager.findOneBy(ReportingPeriod, { officeId: period.officeId, year: prior.year, quarter: prior.quarter });
  if (!previousPeriod) return new Map();
  const previous = await manager.findOneBy(PerformanceReturn, { contractId: contract.id, periodId: previousPeriod.id, state: ReturnState.ACCEPTED });
  if (!previous) return new Map();
  return new Map((await valuesOf(manager, previous.id)).map((v) => [v.measureId, v.value]));
}

export interface Loaded {
  ret: PerformanceReturn;
  contract: Contract;
  period: ReportingPeriod;
}

async function loadReturn(uow: UnitOfWork | { manager: EntityManager }, user: User, returnId: number): Promise<Loaded> {
  return (await loadReturnWith(uow, user, returnId, async () => null)).loaded;
}

/**
 * The return, its contract and quarter, and whatever else `more` reads from the return's row, with the contract,
 * the quarter and `more` read together (one wait). Nothing is handed on unless the return is visible to the user.
 */
async function loadReturnWith<X>(uow: UnitOfWork | { manager: EntityManager }, user: User, returnId: number, more: (ret: PerformanceReturn) => Promise<X>): Promise<{ loaded: Loaded; more: X }> {
  const ret = await findOnePlain(uow.manager, PerformanceReturn, { id: returnId });
  if (!ret) throw notFound("Return", returnId);
  const [contract, period, extra] = await together(uow.manager, [() => findOnePlain(uow.manager, Contract, { id: ret.contractId }), () => findOnePlain(uow.manager, ReportingPeriod, { id: ret.periodId }), () => more(ret)] as const);
  if (!contract || !canSeeReturn(user, contract, ret.state)) throw notFound("Return", returnId);
  if (!period) throw new Error(`Return ${ret.id} has no reporting period ${ret.periodId}.`);
  return { loaded: { ret, contract, period }, more: extra };
}

function change(loaded: Loaded, state: ReturnState, kind: ReturnChange["change"]): ReturnChange {
  return { returnId: loaded.ret.id, contractId: loaded.contract.id, providerId: loaded.contract.providerId, portfolioId: loaded.contract.portfolioId, periodId: loaded.period.id, state, change: kind };
}

export function narrativeOf(ret: PerformanceReturn): RevisionNarrative {
  return { achievements: ret.achievements, challenges: ret.challenges, caseStudy: ret.caseStudy, emergingRisks: ret.emergingRisks, spendPence: ret.spendPence };
}

/** Creates the return on first save; afterwards updates it while it is with the provider. No rules beyond the form's shape: drafts may be incomplete. */
export function saveReturnDraft(ctx: Context, input: SaveReturnInput): Promise<PerformanceReturn> {
  const user = requireUser(ctx);
  return ctx.services.writer.run(user, async (uow) => {
    const contract = await uow.manager.findOneBy(Contract, { id: input.contractId });
    if (!contract || !canSee(user, contract)) throw notFound("Contract", input.contractId);
    if (!canFillIn(user, contract)) throw forbidden("You cannot fill in returns for this contract.");
    const period = await uow.manager.findOneBy(ReportingPeriod, { id: input.periodId });
    if (!period || period.officeId !== contract.officeId) throw badInput("That reporting period is not this contract's office's.", [{ field: "periodId", rule: "sameOffice", message: "Choose one of the office's periods." }]);
    // A closed or frozen quarter takes no new returns; one opened for correction may still be edited.
    const underCorrection = period.state !== PeriodState.OPEN && (await uow.manager.findOneBy(PerformanceReturn, { contractId: contract.id, periodId: period.id }))?.correctionOpenedAt != null;
    if (period.state !== PeriodState.OPEN && !underCorrection) throw badInput(`${period.year} Q${period.quarter} is ${period.state.toLowerCase()}: returns can no longer be edited.`, [{ field: "periodId", rule: "periodOpen", message: "The period is not open." }]);

    const form = await loadForm(uow.manager, contract.id);
    const allowed = new Set(form.measures.map((m) => m.id));
    const strangers = input.values.filter((v) => !allowed.has(v.measureId));
    if (strangers.length) throw badInput("Some values are for measures this contract does not report.", strangers.map((v) => ({ field: `values.${v.measureId}`, rule: "inForm", message: `Measure ${v.measureId} is not on this return.` })));

    let ret = await uow.manager.findOneBy(PerformanceReturn, { contractId: contract.id, periodId: period.id });
    const narrative = {
      ...(input.achievements !== undefined ? { achievements: input.achievements } : {}),
      ...(input.challenges !== undefined ? { challenges: input.challenges } : {}),
      ...(input.caseStudy !== undefined ? { caseStudy: input.caseStudy } : {}),
      ...(input.emergingRisks !== undefined ? { emergingRisks: input.emergingRisks } : {}),
      ...(input.spendPence !== undefined ? { spendPence: input.spendPence } : {}),
    };
    let created = false;
    let before: unknown = null;
    if (!ret) {
      ret = await uow.manager.save(uow.manager.create(PerformanceReturn, { contractId: contract.id, periodId: period.id, state: ReturnState.DRAFT, ...narrative }));
      created = true;
    } else {
      if (!isEditable(ret.state)) throw conflict(`This return is ${ret.state.toLowerCase()}; it can be edited again only if it is sent back.`);
      if (input.version == null) throw conflict("This return already exists: send the version you are editing.");
      before = { ...ret, values: await valuesOf(uow.manager, ret.id) };
      ret = await updateVersioned(uow, PerformanceReturn, ret, input.version, narrative, "Return");
    }
    for (const value of input.values) {
      await uow.manager.upsert(ReturnValue, { returnId: ret.id, measureId: value.measureId, value: value.value ?? null, comment: value.comment ?? null }, ["returnId", "measureId"]);
    }
    await uow.audit(created ? "return.create" : "return.save", { type: "Return", id: ret.id, officeId: contract.officeId }, before, { ...ret, values: await valuesOf(uow.manager, ret.id) });
    if (created) await uow.emit<ReturnChange>(Topic.RETURN_CHANGED, contract.officeId, change({ ret, contract, period }, ReturnState.DRAFT, "CREATED"));
    return ret;
  });
}

export interface ReturnCheck {
  problems: FieldProblem[];
  outliers: Outlier[];
}

/** What would stop a submission now: invalid values, and sharp changes still to be explained. */
export async function checkReturn(manager: EntityManager, loaded: Loaded, acknowledged: ReadonlySet<number> = new Set()): Promise<ReturnCheck> {
  const form = await loadForm(manager, loaded.contract.id);
  const values = new Map((await valuesOf(manager, loaded.ret.id)).map((v) => [v.measureId, v.value]));
  const problems = validateReturnValues(form, values);
  const outliers = problems.length ? [] : findOutliers(form, values, await previousAcceptedValues(manager, loaded.contract, loaded.period));
  return { problems, outliers: outliers.filter((o) => !acknowledged.has(o.measureId)) };
}

export async function validateReturn(ctx: Context, returnId: number): Promise<ReturnCheck> {
  const loaded = await loadReturn({ manager: ctx.services.db.manager }, requireUser(ctx), returnId);
  return checkReturn(ctx.services.db.manager, loaded);
}

/**
 * Submits a return: validated whole, then kept as an immutable revision. A retry with the same
 * idempotency key returns the first result without doing anything.
 */
export function submitReturn(ctx: Context, input: SubmitReturnInput): Promise<PerformanceReturn> {
  const user = requireUser(ctx);
  return ctx.services.writer.run(user, async (uow) => {
    const previous = await uow.manager.findOneBy(IdempotencyRecord, { key: input.idempotencyKey, userId: user.id });
    if (previous) {
      if (previous.operation !== "submitReturn" || previous.resultId !== input.returnId) throw conflict("That idempotency key was used for a different request.");
      return uow.manager.findOneByOrFail(PerformanceReturn, { id: previous.resultId });
    }
    const loaded = await loadReturn(uow, user, input.returnId);
    const updated = await submitLoadedReturn(uow, user, loaded, input.version, new Map(input.acknowledgements.map((a) => [a.measureId, a.comment])));
    await uow.manager.insert(IdempotencyRecord, { key: input.idempotencyKey, userId: user.id, operation: "submitReturn", resultId: loaded.ret.id, createdAt: new Date() });
    return updated;
  }, { idempotent: true });
}

/**
 * The submission itself, inside the caller's transaction: the checks, the immutable revision, the state
 * change, its audit row and event. Shared by submitReturn and the CSV upload, which submits many at once.
 */
export async function submitLoadedReturn(uow: UnitOfWork, user: User, loaded: Loaded, version: number, acknowledged: ReadonlyMap<number, string>): Promise<PerformanceReturn> {
  const { ret, contract, period } = loaded;
  if (!canFillIn(user, contract)) throw forbidden("You cannot submit returns for this contract.");
  if (!canMove(ret.state, ReturnState.SUBMITTED)) throw conflict(`A ${ret.state.toLowerCase()} return cannot be submitted.`);
  if (ret.version !== version) throw conflict(`Return ${ret.id} has changed since you loaded it. Reload and try again.`);
  if (period.state !== PeriodState.OPEN && user.role === Role.PROVIDER && ret.correctionOpenedAt == null) throw badInput(`${period.year} Q${period.quarter} is closed.`, [{ field: "periodId", rule: "periodOpen", message: "The period is not open." }]);

  const check = await checkReturn(uow.manager, loaded, new Set(acknowledged.keys()));
  if (check.problems.length) throw badInput(`The return has ${check.problems.length} problem(s) to fix before it can be submitted.`, check.problems);
  if (check.outliers.length) {
    throw badInput(
      "Some figures changed sharply since last quarter: explain each before submitting.",
      check.outliers.map((o) => ({ field: `values.${o.code}`, rule: "outlier", message: `${o.code} moved from ${o.previous} to ${o.current} (${Math.round(o.change * 100)}%): add a comment to confirm it.` })),
    );
  }
  for (const [measureId, comment] of acknowledged) {
    await uow.manager.update(ReturnValue, { returnId: ret.id, measureId }, { comment });
  }
  const values = await valuesOf(uow.manager, ret.id);
  const now = new Date();
  const late = now.toISOString().slice(0, 10) > period.dueDate;
  const number = ret.revisionCount + 1;
  // The new revision and the return's new state are different rows: written together (one wait); a stale version
  // fails the return's update, and the whole unit of work with it. Then the audit row and the event, likewise.
  const [updated] = await together(uow.manager, [
    () =>
      updateVersioned(uow, PerformanceReturn, ret, version, {
        state: ReturnState.SUBMITTED,
        revisionCount: number,
        submittedAt: now,
        // Timeliness is judged by the first submission; a corrected resubmission does not make it late.
        late: ret.revisionCount === 0 ? late : ret.late,
        reviewReason: null,
      }, "Return"),
    () =>
      uow.manager.insert(ReturnRevision, {
        returnId: ret.id,
        number,
        values: values.map(({ measureId, value, comment }) => ({ measureId, value, comment })),
        narrative: narrativeOf(ret),
        submittedById: user.id,
        submittedAt: now,
        late,
      }),
  ] as const);
  await together(uow.manager, [
    () => uow.audit("return.submit", { type: "Return", id: ret.id, officeId: contract.officeId, within: { contractId: ret.contractId, periodId: ret.periodId } }, ret, { ...updated, revision: number, values }),
    () => uow.emit<ReturnChange>(Topic.RETURN_CHANGED, contract.officeId, change(loaded, ReturnState.SUBMITTED, "SUBMITTED")),
  ] as const);
  return updated;
}

async function review(
  ctx: Context,
  returnId: number,
  version: number,
  to: ReturnState,
  kind: ReturnChange["change"],
  details: { reason?: string; measureComments?: MeasureCommentInput[] },
): Promise<PerformanceReturn> {
  const user = requireUser(ctx);
  return ctx.services.writer.run(user, async (uow) => {
    // The revision under review and the form are read with the contract (one wait), checked after the rules below.
    const { loaded, more } = await loadReturnWith(uow, user, returnId, (r) => together(uow.manager, [() => findOnePlain(uow.manager, ReturnRevision, { returnId: r.id, number: r.revisionCount }), async () => (kind !== "REOPENED" ? loadForm(uow.manager, r.contractId) : null)] as const));
    const { ret, contract } = loaded;
    if (!canWriteOffice(user, contract.officeId)) throw forbidden("Only the office's commissioning staff review returns.");
    if (!canMove(ret.state, to) || (kind === "REOPENED") !== (ret.state === ReturnState.ACCEPTED)) throw conflict(`A ${ret.state.toLowerCase()} return cannot be ${kind.toLowerCase()}.`);
    const now = new Date();
    const [revision, form] = more;
    if (!revision) throw new Error(`Return ${ret.id} has no revision ${ret.revisionCount}.`);
    if (form) {
      const measureIds = new Set(form.measures.map((m) => m.id));
      const stray = (details.measureComments ?? []).filter((c) => !measureIds.has(c.measureId));
      if (stray.length) throw badInput("Comments must be on measures of this return.", stray.map((c) => ({ field: `measureComments.${c.measureId}`, rule: "inForm", message: `Measure ${c.measureId} is not on this return.` })));
      // One comment per measure: the revision keeps them by measure, so a second would be lost there but not in the audit or the mail.
      const seen = new Set<number>();
      const twice = [...new Set((details.measureComments ?? []).filter((c) => seen.has(c.measureId) || !seen.add(c.measureId)).map((c) => c.measureId))];
      if (twice.length) throw badInput("Give each measure at most one comment.", twice.map((id) => ({ field: `measureComments.${id}`, rule: "oneComment", message: `Measure ${id} has more than one comment.` })));
    }
    // Reopening in a closed or frozen quarter opens the return for correction; accepting it again closes that.
    const settled = loaded.period.state !== PeriodState.OPEN;
    const correction =
      kind === "REOPENED" && settled
        ? { correctionReason: details.reason ?? null, correctionOpenedById: user.id, correctionOpenedAt: now }
        : to === ReturnState.ACCEPTED && ret.correctionOpenedAt != null
          ? { correctionReason: null, correctionOpenedById: null, correctionOpenedAt: null }
          : {};
    // The revision's outcome and the return's new state are different rows: written together (one wait). A stale
    // version fails the return's update, and the whole unit of work with it.
    const [updated] = await together(uow.manager, [
      () =>
        updateVersioned(uow, PerformanceReturn, ret, version, {
          state: to,
          reviewReason: details.reason ?? null,
          acceptedAt: to === ReturnState.ACCEPTED ? now : null,
          acceptedById: to === ReturnState.ACCEPTED ? user.id : null,
          ...correction,
        }, "Return"),
      async () => {
        if (!form) return;
        await uow.manager.update(ReturnRevision, { id: revision.id }, {
          outcome: to,
          reviewedById: user.id,
          reviewedAt: now,
          reviewReason: details.reason ?? null,
          measureComments: details.measureComments?.length ? Object.fromEntries(details.measureComments.map((c) => [String(c.measureId), c.comment])) : null,
        });
      },
    ] as const);
    if (settled && (kind === "REOPENED" || (to === ReturnState.ACCEPTED && ret.correctionOpenedAt != null))) {
      await noteQuarterChange(uow, loaded.period.id, {
        officeId: contract.officeId,
        kind: kind === "REOPENED" ? QuarterChangeKind.RETURN_REOPENED : QuarterChangeKind.RETURN_CORRECTED,
        portfolioId: contract.portfolioId,
        contractId: contract.id,
        returnId: ret.id,
        reason: kind === "REOPENED" ? details.reason : ret.correctionReason,
      });
    }
    // The audit row, the events (in their order) and the provider's mail (the outbox, server/modules/mail/) touch
    // different rows and none reads another's: sent together, they commit with the decision.
    await together(uow.manager, [
      () => uow.audit(`return.${kind.toLowerCase()}`, { type: "Return", id: ret.id, officeId: contract.officeId, within: { contractId: ret.contractId, periodId: ret.periodId } }, ret, { ...updated, ...details }),
      () => {
        const events: Emitted[] = [{ topic: Topic.RETURN_CHANGED, officeId: contract.officeId, payload: change(loaded, to, kind) satisfies ReturnChange }];
        const { year, quarter } = loaded.period;
        if (to === ReturnState.ACCEPTED || kind === "REOPENED") events.push(scorecardEvent(contract.officeId, { portfolioId: contract.portfolioId, year, quarter, reason: to === ReturnState.ACCEPTED ? "RETURN_ACCEPTED" : "RETURN_REOPENED" }));
        return uow.emitAll(events);
      },
      async () => {
        if (kind === "ACCEPTED" || kind === "RETURNED") await ctx.services.mail.onReturnReviewed(uow, { ...loaded, kind, version: updated.version, reason: details.reason, measureComments: details.measureComments });
      },
    ] as const);
    return updated;
  });
}

export function acceptReturn(ctx: Context, returnId: number, version: number): Promise<PerformanceReturn> {
  return review(ctx, returnId, version, ReturnState.ACCEPTED, "ACCEPTED", {});
}

export function sendBackReturn(ctx: Context, returnId: number, version: number, reason: string, measureComments: MeasureCommentInput[]): Promise<PerformanceReturn> {
  return review(ctx, returnId, version, ReturnState.RETURNED, "RETURNED", { reason, measureComments });
}

export function reopenReturn(ctx: Context, returnId: number, version: number, reason: string): Promise<PerformanceReturn> {
  return review(ctx, returnId, version, ReturnState.RETURNED, "REOPENED", { reason });
}

export async function listReturns(ctx: Context, filter: ReturnFilter, page: PageArgs): Promise<PageResult<PerformanceReturn>> {
  const user = requireUser(ctx);
  const query = ctx.services.db.manager.createQueryBuilder(PerformanceReturn, "r").innerJoin(Contract, "c", "c.id = r.contractId");
  scopeToContracts(ctx, query, "c", filter.officeId);
  if (user.role === Role.ANALYST) query.andWhere("r.state = :accepted", { accepted: ReturnState.ACCEPTED });
  if (filter.periodId != null) query.andWhere("r.periodId = :periodId", { periodId: filter.periodId });
  if (filter.contractId != null) query.andWhere("r.contractId = :contractId", { contractId: filter.contractId });
  if (filter.portfolioId != null) query.andWhere("c.portfolioId = :portfolioId", { portfolioId: filter.portfolioId });
  if (filter.state != null) query.andWhere("r.state = :state", { state: filter.state });
  const [items, total] = await query.orderBy("r.periodId", "DESC").addOrderBy("r.contractId", "ASC").take(page.first).skip(page.offset).getManyAndCount();
  return toPage(items, total, page);
}

export async function findReturn(ctx: Context, id: number): Promise<PerformanceReturn> {
  return (await loadReturn({ manager: ctx.services.db.manager }, requireUser(ctx), id)).ret;
}
