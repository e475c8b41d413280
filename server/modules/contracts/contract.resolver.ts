import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import { canSee, officeToFollow } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Page, PageArgs, type PageResult } from "../../common/pagination.js";
import { eventStream } from "../../realtime/event-stream.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";
import { FundingStream } from "../funding/funding.entities.js";
import { ContractKpi, Measure } from "../kpis/kpi.entities.js";
import { Office } from "../offices/office.entity.js";
import { PlanPriority } from "../plans/plan.entities.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { Provider } from "../providers/provider.entity.js";
import { reportedMeasures } from "../returns/return-form.js";
import { OFFICE_WRITERS } from "../users/role.js";
import { CoCommissioner, Contract, ContractPriority, ContractSpend, FundingLine } from "./contract.entities.js";
import { ContractFilter, ContractInput } from "./contract.inputs.js";
import * as contracts from "./contract.service.js";
import { isReturnDue, isShortForm, ReportingSchedule } from "./reporting-schedule.js";
import { PeriodState, ReportingPeriod } from "../periods/reporting-period.entity.js";
import type { Quarter } from "../periods/financial-year.js";
import { NOT_REPORTING } from "../returns/completeness.js";
import { ReprocurementDue, endsWithoutPlan, reprocurementDue } from "./review-window.js";
import { YearArgs } from "../../common/year-args.js";
import { IsoDateArgs } from "./contract.inputs.js";
import { GraphQLSafeInt } from "graphql-scalars";

const today = () => new Date().toISOString().slice(0, 10);

@ObjectType()
class ContractPage extends Page(Contract) {}

@ObjectType({ description: "A contract was created or changed." })
class ContractChanged {
  @Field(() => Int, { description: "Sequence number: subscribe with `since` set to the last one you saw to catch up after a reconnect." })
  seq!: number;

  @Field(() => String, { description: "CREATED or UPDATED." })
  change!: string;

  @Field(() => Contract)
  contract!: Contract;
}

@Resolver(() => Contract)
export class ContractResolver {
  @Authorized()
  @Query(() => ContractPage, { complexity: ({ args, childComplexity }) => 1 + (args.first ?? 50) * childComplexity })
  contracts(@Ctx() ctx: Context, @Args(() => ContractFilter) filter: ContractFilter, @Args(() => PageArgs) page: PageArgs): Promise<PageResult<Contract>> {
    return contracts.listContracts(ctx, filter, page);
  }

  @Authorized()
  @Query(() => Contract)
  contract(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<Contract> {
    return contracts.findContract(ctx, id);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Contract, { description: "The contract's office is its portfolio's office." })
  createContract(@Ctx() ctx: Context, @Arg("input", () => ContractInput) input: ContractInput): Promise<Contract> {
    return contracts.createContract(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Contract)
  updateContract(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you are editing; a stale one fails with CONFLICT." }) version: number,
    @Arg("input", () => ContractInput) input: ContractInput,
  ): Promise<Contract> {
    return contracts.updateContract(ctx, id, version, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Contract, { description: "Set how often the contract's provider reports (proportionate monitoring). A stale version fails with CONFLICT." })
  setReportingSchedule(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int) version: number,
    @Arg("schedule", () => ReportingSchedule) schedule: ReportingSchedule,
  ): Promise<Contract> {
    return contracts.setReportingSchedule(ctx, id, version, schedule);
  }

  @Authorized()
  @Subscription(() => ContractChanged, {
    description: "Contracts of an office as they are created and changed (provider users: their own only).",
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      const officeId = officeToFollow(ctx, args.officeId as number);
      return eventStream(ctx, {
        topic: Topic.CONTRACT_CHANGED,
        officeId,
        since: args.since as number | null,
        visible: (event, viewer) => canSee(viewer, { officeId: event.officeId, providerId: (event.payload as contracts.ContractChange).providerId }),
      });
    },
  })
  async contractChanged(
    @Root() event: PublishedEvent<contracts.ContractChange>,
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int) _officeId: number,
    @Arg("since", () => Int, { nullable: true, description: "Replay events after this sequence number first." }) _since?: number | null,
  ): Promise<ContractChanged> {
    const contract = await ctx.services.db.manager.findOneByOrFail(Contract, { id: event.payload.contractId });
    return { seq: event.seq, change: event.payload.change, contract };
  }

  @FieldResolver(() => Office)
  async office(@Root() c: Contract, @Ctx() ctx: Context): Promise<Office> {
    return (await ctx.loaders.byId(Office).load(c.officeId))!;
  }

  @FieldResolver(() => Portfolio)
  async portfolio(@Root() c: Contract, @Ctx() ctx: Context): Promise<Portfolio> {
    return (await ctx.loaders.byId(Portfolio).load(c.portfolioId))!;
  }

  @FieldResolver(() => Provider)
  async provider(@Root() c: Contract, @Ctx() ctx: Context): Promise<Provider> {
    return (await ctx.loaders.byId(Provider).load(c.providerId))!;
  }

  @FieldResolver(() => PlanPriority, { nullable: true })
  mainPriority(@Root() c: Contract, @Ctx() ctx: Context): Promise<PlanPriority | null> | null {
    return c.mainPriorityId == null ? null : ctx.loaders.byId(PlanPriority).load(c.mainPriorityId);
  }

  @FieldResolver(() => [PlanPriority], { description: "Other plan priorities the service serves." })
  async otherPriorities(@Root() c: Contract, @Ctx() ctx: Context): Promise<PlanPriority[]> {
    const links = await ctx.loaders.manyBy(ContractPriority, "contractId").load(c.id);
    const rows = await ctx.loaders.byId(PlanPriority).loadMany(links.map((l) => l.priorityId));
    return rows.filter((p): p is PlanPriority => p instanceof PlanPriority);
  }

  @FieldResolver(() => ReprocurementDue, { nullable: true, description: "Where its re-procurement stands on `asOf` (ISO date; today when omitted): not planned, upcoming, due, overdue or done. Null for provider users: the office's plan." })
  reprocurementDue(@Root() c: Contract, @Args(() => IsoDateArgs) { asOf }: IsoDateArgs): ReprocurementDue {
    return reprocurementDue(c, asOf ?? today());
  }

  @FieldResolver(() => Boolean, { nullable: true, description: "Still running, ends within 12 months of `asOf` (or has passed its end date), and has no re-procurement plan. Null for provider users." })
  endsWithoutPlan(@Root() c: Contract, @Args(() => IsoDateArgs) { asOf }: IsoDateArgs): boolean {
    return endsWithoutPlan(c, asOf ?? today());
  }

  @FieldResolver(() => [Int], { description: "Ids of the office's open quarters in which this contract owes a return under its reporting schedule (isReturnDue)." })
  async returnsDueIn(@Root() c: Contract, @Ctx() ctx: Context): Promise<number[]> {
    const periods = await ctx.loaders.manyBy(ReportingPeriod, "officeId", { id: "ASC" }).load(c.officeId);
    return periods.filter((p) => p.state === PeriodState.OPEN && isReturnDue(c, p as Quarter)).map((p) => p.id);
  }

  @FieldResolver(() => Boolean, { description: "Whether the contract owes a return for the quarter (its status, term and reporting schedule): what completeness, scorecards and chasers count." })
  async returnDue(@Root() c: Contract, @Ctx() ctx: Context, @Arg("periodId", () => Int) periodId: number): Promise<boolean> {
    const period = await ctx.loaders.byId(ReportingPeriod).load(periodId);
    if (!period || period.officeId !== c.officeId || NOT_REPORTING.includes(c.status)) return false;
    return isReturnDue(c, period as Quarter);
  }

  @FieldResolver(() => Boolean, { description: "Whether its returns use the short form (end-of-grant reports): figures and a summary, no case study or emerging risks." })
  shortForm(@Root() c: Contract): boolean {
    return isShortForm(c.reportingSchedule);
  }

  @FieldResolver(() => GraphQLSafeInt, { nullable: true, description: "The office's money for the contract in a financial year: its committed and planned funding lines, the figures the money summary adds up. Null when it has none that year." })
  async fundingPence(@Root() c: Contract, @Ctx() ctx: Context, @Args(() => YearArgs) { year }: YearArgs): Promise<number | null> {
    // The office's money: the access policy answers null to provider users.
    const lines = (await ctx.loaders.manyBy(FundingLine, "contractId", { year: "ASC", id: "ASC" }).load(c.id)).filter((l) => l.year === year);
    return lines.length ? lines.reduce((sum, l) => sum + l.amountPence, 0) : null;
  }

  @FieldResolver(() => [FundingLine])
  fundingLines(@Root() c: Contract, @Ctx() ctx: Context): Promise<FundingLine[]> {
    return ctx.loaders.manyBy(FundingLine, "contractId", { year: "ASC", id: "ASC" }).load(c.id);
  }

  @FieldResolver(() => [CoCommissioner])
  coCommissioners(@Root() c: Contract, @Ctx() ctx: Context): Promise<CoCommissioner[]> {
    return ctx.loaders.manyBy(CoCommissioner, "contractId").load(c.id);
  }

  @FieldResolver(() => [ContractSpend], { description: "Actual spend by quarter." })
  spend(@Root() c: Contract, @Ctx() ctx: Context): Promise<ContractSpend[]> {
    return ctx.loaders.manyBy(ContractSpend, "contractId", { year: "ASC", quarter: "ASC" }).load(c.id);
  }

  @FieldResolver(() => [Measure], { description: "The measures its provider reports each quarter: those behind its KPIs." })
  reportedMeasures(@Root() c: Contract, @Ctx() ctx: Context): Promise<Measure[]> {
    return reportedMeasures(ctx, c.id);
  }

  @FieldResolver(() => [ContractKpi], { description: "The indicators this contract reports, and so the measures in its returns." })
  kpis(@Root() c: Contract, @Ctx() ctx: Context): Promise<ContractKpi[]> {
    return ctx.loaders.manyBy(ContractKpi, "contractId").load(c.id);
  }
}

@Resolver(() => FundingLine)
export class FundingLineResolver {
  @FieldResolver(() => FundingStream)
  async stream(@Root() line: FundingLine, @Ctx() ctx: Context): Promise<FundingStream> {
    return (await ctx.loaders.byId(FundingStream).load(line.streamId))!;
  }
}
