import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { notFound } from "../../errors.js";
import { Indicator } from "../kpis/kpi.entities.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { officeCellsForPeriod } from "../scorecards/scorecard.service.js";
import { IndicatorStatus } from "../scorecards/scorecard.types.js";
import { OFFICE_READERS, OFFICE_WRITERS } from "../users/role.js";
import { KeyPerformanceQuestion, KpqIndicator, PlanPriority, StrategicPlan } from "./plan.entities.js";
import {
  CreateKeyPerformanceQuestionInput,
  CreatePlanPriorityInput,
  CreateStrategicPlanInput,
  UpdateKeyPerformanceQuestionInput,
  UpdatePlanPriorityInput,
  UpdateStrategicPlanInput,
} from "./plan.inputs.js";
import * as plans from "./plan.service.js";

const VERSION_DESCRIPTION = "The version you are editing; a stale one fails with CONFLICT.";

@Resolver(() => StrategicPlan)
export class StrategicPlanResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => [StrategicPlan], { description: "An office's plans, newest first (defaults to your office)." })
  strategicPlans(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<StrategicPlan[]> {
    return plans.listPlans(ctx, officeId);
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => StrategicPlan)
  strategicPlan(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<StrategicPlan> {
    return plans.findPlan(ctx, id);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => StrategicPlan)
  createStrategicPlan(@Ctx() ctx: Context, @Arg("input", () => CreateStrategicPlanInput) input: CreateStrategicPlanInput): Promise<StrategicPlan> {
    return plans.createPlan(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => StrategicPlan)
  updateStrategicPlan(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg("input", () => UpdateStrategicPlanInput) input: UpdateStrategicPlanInput,
  ): Promise<StrategicPlan> {
    return plans.updatePlan(ctx, id, version, input);
  }

  @FieldResolver(() => [PlanPriority], { description: "In the plan's order." })
  async priorities(@Root() plan: StrategicPlan, @Ctx() ctx: Context): Promise<PlanPriority[]> {
    return plans.byPosition(await ctx.loaders.manyBy(PlanPriority, "planId", { position: "ASC", id: "ASC" }).load(plan.id));
  }
}

@Resolver(() => PlanPriority)
export class PlanPriorityResolver {
  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => PlanPriority)
  createPlanPriority(@Ctx() ctx: Context, @Arg("input", () => CreatePlanPriorityInput) input: CreatePlanPriorityInput): Promise<PlanPriority> {
    return plans.createPriority(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => PlanPriority)
  updatePlanPriority(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg("input", () => UpdatePlanPriorityInput) input: UpdatePlanPriorityInput,
  ): Promise<PlanPriority> {
    return plans.updatePriority(ctx, id, version, input);
  }

  @FieldResolver(() => StrategicPlan)
  async plan(@Root() priority: PlanPriority, @Ctx() ctx: Context): Promise<StrategicPlan> {
    return (await ctx.loaders.byId(StrategicPlan).load(priority.planId))!;
  }

  @FieldResolver(() => [KeyPerformanceQuestion])
  keyPerformanceQuestions(@Root() priority: PlanPriority, @Ctx() ctx: Context): Promise<KeyPerformanceQuestion[]> {
    return ctx.loaders.manyBy(KeyPerformanceQuestion, "priorityId").load(priority.id);
  }
}

@Resolver(() => KeyPerformanceQuestion)
export class KeyPerformanceQuestionResolver {
  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => KeyPerformanceQuestion)
  createKeyPerformanceQuestion(
    @Ctx() ctx: Context,
    @Arg("input", () => CreateKeyPerformanceQuestionInput) input: CreateKeyPerformanceQuestionInput,
  ): Promise<KeyPerformanceQuestion> {
    return plans.createQuestion(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => KeyPerformanceQuestion)
  updateKeyPerformanceQuestion(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg("input", () => UpdateKeyPerformanceQuestionInput) input: UpdateKeyPerformanceQuestionInput,
  ): Promise<KeyPerformanceQuestion> {
    return plans.updateQuestion(ctx, id, version, input);
  }

  @FieldResolver(() => PlanPriority)
  async priority(@Root() question: KeyPerformanceQuestion, @Ctx() ctx: Context): Promise<PlanPriority> {
    return (await ctx.loaders.byId(PlanPriority).load(question.priorityId))!;
  }

  @FieldResolver(() => [IndicatorStatus], { description: "The status of each of its indicators in a quarter (office-wide scorecard cells)." })
  async status(@Root() question: KeyPerformanceQuestion, @Ctx() ctx: Context, @Arg("periodId", () => Int) periodId: number): Promise<IndicatorStatus[]> {
    const period = await ctx.loaders.byId(ReportingPeriod).load(periodId);
    const plan = await ctx.loaders.byId(StrategicPlan).load((await ctx.loaders.byId(PlanPriority).load(question.priorityId))!.planId);
    if (!period || period.officeId !== plan?.officeId) throw notFound("ReportingPeriod", periodId);
    const cells = await officeCellsForPeriod(ctx.services.db.manager, ctx, period);
    const links = await ctx.loaders.manyBy(KpqIndicator, "questionId").load(question.id);
    return links.map((link) => ({ indicatorId: link.indicatorId, cell: cells.get(link.indicatorId) ?? null }));
  }

  @FieldResolver(() => [Indicator], { description: "The indicators that answer the question." })
  async indicators(@Root() question: KeyPerformanceQuestion, @Ctx() ctx: Context): Promise<Indicator[]> {
    const links = await ctx.loaders.manyBy(KpqIndicator, "questionId").load(question.id);
    const rows = await ctx.loaders.byId(Indicator).loadMany(links.map((l) => l.indicatorId));
    return rows.filter((i): i is Indicator => i instanceof Indicator).sort((a, b) => a.code.localeCompare(b.code));
  }
}
