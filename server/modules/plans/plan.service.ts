import type { EntityManager } from "typeorm";
import { canSee, officeToRead, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { createRecord, findVisible, updateRecord, type RecordKind } from "../../common/office-records.js";
import type { UnitOfWork } from "../../db/writer.js";
import { badInput } from "../../errors.js";
import { checkIndicatorsOfOffice } from "../kpis/kpi.service.js";
import { Office } from "../offices/office.entity.js";
import { KeyPerformanceQuestion, KpqIndicator, PlanPriority, StrategicPlan } from "./plan.entities.js";
import type {
  CreateKeyPerformanceQuestionInput,
  CreatePlanPriorityInput,
  CreateStrategicPlanInput,
  UpdateKeyPerformanceQuestionInput,
  UpdatePlanPriorityInput,
  UpdateStrategicPlanInput,
} from "./plan.inputs.js";

function unknownParent(field: string, label: string, id: number) {
  return badInput(`Unknown ${label.toLowerCase()}.`, [{ field, rule: "exists", message: `${label} ${id} does not exist.` }]);
}

async function planOffice(manager: EntityManager, planId: number): Promise<number> {
  const plan = await manager.findOneBy(StrategicPlan, { id: planId });
  if (!plan) throw unknownParent("planId", "Plan", planId);
  return plan.officeId;
}

/** Priorities carry no office of their own: it is their plan's. */
async function priorityOffice(manager: EntityManager, priorityId: number): Promise<number> {
  const row = await manager
    .createQueryBuilder(PlanPriority, "p")
    .innerJoin(StrategicPlan, "s", "s.id = p.planId")
    .select("s.officeId", "officeId")
    .where("p.id = :id", { id: priorityId })
    .getRawOne<{ officeId: number | string }>();
  if (!row) throw unknownParent("priorityId", "Priority", priorityId);
  return Number(row.officeId);
}

/**
 * The office a new child record goes in, checked before the write so that a parent the caller cannot
 * see reads as unknown (BAD_USER_INPUT) rather than confirming it exists with FORBIDDEN.
 */
async function visibleParentOffice(ctx: Context, field: string, label: string, id: number, officeOf: (manager: EntityManager, id: number) => Promise<number>): Promise<number> {
  const officeId = await officeOf(ctx.services.db.manager, id);
  if (!canSee(requireUser(ctx), { officeId })) throw unknownParent(field, label, id);
  return officeId;
}

function checkYears(plan: StrategicPlan): void {
  // "2023-24" strings sort in time order, so plain comparison is enough.
  if (plan.endYear < plan.startYear) throw badInput("A plan cannot end before it starts.", [{ field: "endYear", rule: "afterStart", message: "endYear must not be before startYear." }]);
}

export const PlanRecord: RecordKind<StrategicPlan> = {
  entity: StrategicPlan,
  label: "StrategicPlan",
  officeOf: (plan) => plan.officeId,
  check: async (plan) => checkYears(plan),
};

export const PriorityRecord: RecordKind<PlanPriority> = {
  entity: PlanPriority,
  label: "PlanPriority",
  officeOf: (priority, manager) => planOffice(manager, priority.planId),
};

const questionKind = (indicatorIds: readonly number[] | null | undefined): RecordKind<KeyPerformanceQuestion> => ({
  entity: KeyPerformanceQuestion,
  label: "KeyPerformanceQuestion",
  officeOf: (question, manager) => priorityOffice(manager, question.priorityId),
  check: async (question, uow) => checkIndicatorsOfOffice(uow.manager, await priorityOffice(uow.manager, question.priorityId), indicatorIds, "indicatorIds"),
});

/** The links are not columns of the question, so its own audit row would not show them changing. */
async function replaceIndicators(uow: UnitOfWork, question: KeyPerformanceQuestion, indicatorIds: readonly number[]): Promise<void> {
  const { manager } = uow;
  const before = (await manager.find(KpqIndicator, { where: { questionId: question.id }, order: { indicatorId: "ASC" } })).map((l) => l.indicatorId);
  const after = [...new Set(indicatorIds)].sort((a, b) => a - b);
  if (before.join() === after.join()) return;
  await manager.delete(KpqIndicator, { questionId: question.id });
  if (after.length) await manager.insert(KpqIndicator, after.map((indicatorId) => ({ questionId: question.id, indicatorId })));
  const officeId = await priorityOffice(manager, question.priorityId);
  await uow.audit("key_performance_question.indicators", { type: "KeyPerformanceQuestion", id: question.id, officeId }, { indicatorIds: before }, { indicatorIds: after });
}

// ── Plans ──────────────────────────────────────────────────────────────────────

export function listPlans(ctx: Context, officeId: number | null | undefined): Promise<StrategicPlan[]> {
  return ctx.services.db.manager.find(StrategicPlan, { where: { officeId: officeToRead(ctx, officeId) }, order: { startYear: "DESC", title: "ASC", id: "ASC" } });
}

export function findPlan(ctx: Context, id: number): Promise<StrategicPlan> {
  return findVisible(ctx, PlanRecord, id);
}

export async function createPlan(ctx: Context, input: CreateStrategicPlanInput): Promise<StrategicPlan> {
  const officeId = officeToRead(ctx, input.officeId);
  // Only administrators can name an office other than their own, so only they can name one that does not exist.
  if (!(await ctx.services.db.manager.existsBy(Office, { id: officeId }))) throw unknownParent("officeId", "Office", officeId);
  const { officeId: _office, ...columns } = input;
  return createRecord(ctx, PlanRecord, { ...columns, officeId });
}

export function updatePlan(ctx: Context, id: number, version: number, input: UpdateStrategicPlanInput): Promise<StrategicPlan> {
  return updateRecord(ctx, PlanRecord, id, version, {
    kind: input.kind ?? undefined,
    title: input.title ?? undefined,
    startYear: input.startYear ?? undefined,
    endYear: input.endYear ?? undefined,
  });
}

// ── Priorities ─────────────────────────────────────────────────────────────────

export async function createPriority(ctx: Context, input: CreatePlanPriorityInput): Promise<PlanPriority> {
  await visibleParentOffice(ctx, "planId", "Plan", input.planId, planOffice);
  let position = input.position;
  if (position == null) {
    // Read outside the write: two priorities added at once may share a position, and then sort by id.
    const last = await ctx.services.db.manager.findOne(PlanPriority, { where: { planId: input.planId }, order: { position: "DESC" } });
    position = last ? last.position + 1 : 0;
  }
  return createRecord(ctx, PriorityRecord, { planId: input.planId, title: input.title, description: input.description ?? null, position });
}

export function updatePriority(ctx: Context, id: number, version: number, input: UpdatePlanPriorityInput): Promise<PlanPriority> {
  return updateRecord(ctx, PriorityRecord, id, version, {
    title: input.title ?? undefined,
    description: input.description,
    position: input.position ?? undefined,
  });
}

/** A plan's priorities in their order (the shared loader may have been created with another order). */
export function byPosition(priorities: PlanPriority[]): PlanPriority[] {
  return [...priorities].sort((a, b) => a.position - b.position || a.id - b.id);
}

// ── Key Performance Questions ─────────────────────────────────────────────────

export async function createQuestion(ctx: Context, input: CreateKeyPerformanceQuestionInput): Promise<KeyPerformanceQuestion> {
  await visibleParentOffice(ctx, "priorityId", "Priority", input.priorityId, priorityOffice);
  return createRecord(ctx, questionKind(input.indicatorIds), { priorityId: input.priorityId, question: input.question }, async (question, uow) => {
    if (input.indicatorIds) await replaceIndicators(uow, question, input.indicatorIds);
  });
}

export function updateQuestion(ctx: Context, id: number, version: number, input: UpdateKeyPerformanceQuestionInput): Promise<KeyPerformanceQuestion> {
  return updateRecord(ctx, questionKind(input.indicatorIds), id, version, { question: input.question ?? undefined }, async (question, uow) => {
    if (input.indicatorIds) await replaceIndicators(uow, question, input.indicatorIds);
  });
}
