import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Float, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import { canReadOffice, officeToFollow, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Page, PageArgs, type PageResult } from "../../common/pagination.js";
import { visibleLength } from "../../common/validators.js";
import { badInput, notFound } from "../../errors.js";
import { eventStream } from "../../realtime/event-stream.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";
import { Contract } from "../contracts/contract.entities.js";
import { Measure } from "../kpis/kpi.entities.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { OFFICE_WRITERS, Role } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { PerformanceReturn, ReturnRevision, ReturnState, ReturnValue } from "./return.entities.js";
import { MeasureCommentInput, ReturnFilter, SaveReturnInput, SubmitReturnInput } from "./return.inputs.js";
import { diffRevisions } from "./return.rules.js";
import { Completeness, completeness } from "./completeness.js";
import { reportedMeasures } from "./return-form.js";
import * as returns from "./return.service.js";

@ObjectType()
class ReturnPage extends Page(PerformanceReturn) {}

@ObjectType({ description: "A problem with one field: shown beside it in the form." })
class FieldProblemType {
  @Field(() => String)
  field!: string;

  @Field(() => String)
  rule!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType({ description: "A figure that moved sharply since the previous accepted quarter: the provider must explain it to submit." })
class OutlierType {
  @Field(() => Int)
  measureId!: number;

  @Field(() => String)
  code!: string;

  @Field(() => Float)
  previous!: number;

  @Field(() => Float)
  current!: number;

  @Field(() => Float, { description: "Relative change, e.g. 0.8 for +80%." })
  change!: number;
}

@ObjectType()
class ReturnCheckResult {
  @Field(() => [FieldProblemType])
  problems!: FieldProblemType[];

  @Field(() => [OutlierType])
  outliers!: OutlierType[];
}

@ObjectType()
class RevisionValueType {
  @Field(() => Int)
  measureId!: number;

  @Field(() => Float, { nullable: true })
  value!: number | null;

  @Field(() => String, { nullable: true })
  comment!: string | null;
}

@ObjectType()
class MeasureComment {
  @Field(() => Int)
  measureId!: number;

  @Field(() => String)
  comment!: string;
}

@ObjectType()
class RevisionChangeType {
  @Field(() => String, { description: 'e.g. "values.referrals_received", "comments.referrals_received" or "achievements".' })
  field!: string;

  @Field(() => Int, { nullable: true })
  measureId!: number | null;

  @Field(() => String, { nullable: true })
  before!: string | null;

  @Field(() => String, { nullable: true })
  after!: string | null;
}

@ObjectType({ description: "A return changed state." })
class ReturnChanged {
  @Field(() => Int, { description: "Sequence number: resubscribe with `since` set to the last one seen to catch up." })
  seq!: number;

  @Field(() => String, { description: "CREATED, SUBMITTED, ACCEPTED, RETURNED or REOPENED." })
  change!: string;

  @Field(() => ReturnState)
  state!: ReturnState;

  @Field(() => Int)
  returnId!: number;

  @Field(() => Int)
  contractId!: number;

  @Field(() => Int)
  portfolioId!: number;

  @Field(() => Int)
  periodId!: number;

  @Field(() => PerformanceReturn, { nullable: true, description: "The return as it is now (null if you may no longer see it)." })
  performanceReturn!: PerformanceReturn | null;
}

@Resolver(() => PerformanceReturn)
export class ReturnResolver {
  @Authorized()
  @Query(() => ReturnPage, { complexity: ({ args, childComplexity }) => 1 + (args.first ?? 50) * childComplexity })
  returns(@Ctx() ctx: Context, @Args(() => ReturnFilter) filter: ReturnFilter, @Args(() => PageArgs) page: PageArgs): Promise<PageResult<PerformanceReturn>> {
    return returns.listReturns(ctx, filter, page);
  }

  @Authorized()
  @Query(() => PerformanceReturn)
  performanceReturn(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<PerformanceReturn> {
    return returns.findReturn(ctx, id);
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.ANALYST)
  @Query(() => [Completeness], { description: "Returns due, submitted on time, late, missing and accepted for a period: the office total first, then each portfolio." })
  async returnCompleteness(@Ctx() ctx: Context, @Arg("periodId", () => Int) periodId: number): Promise<Completeness[]> {
    const period = await ctx.loaders.byId(ReportingPeriod).load(periodId);
    if (!period || !canReadOffice(requireUser(ctx), period.officeId)) throw notFound("ReportingPeriod", periodId);
    return completeness(ctx.services.db.manager, period.officeId, period.id);
  }

  @Authorized()
  @Query(() => ReturnCheckResult, { description: "What would stop this return being submitted now: invalid values and unexplained sharp changes." })
  validateReturn(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<ReturnCheckResult> {
    return returns.validateReturn(ctx, id);
  }

  @Authorized()
  @Query(() => [RevisionChangeType], { description: "What changed between two submissions of a return." })
  async returnDiff(@Ctx() ctx: Context, @Arg("returnId", () => Int) returnId: number, @Arg("from", () => Int) from: number, @Arg("to", () => Int) to: number): Promise<RevisionChangeType[]> {
    await returns.findReturn(ctx, returnId);
    const revisions = await ctx.loaders.manyBy(ReturnRevision, "returnId").load(returnId);
    const a = revisions.find((r) => r.number === from);
    const b = revisions.find((r) => r.number === to);
    if (!a || !b) throw badInput("No such revision.", [{ field: a ? "to" : "from", rule: "exists", message: `This return has revisions 1 to ${revisions.length}.` }]);
    const measures = await ctx.loaders.byId(Measure).loadMany([...new Set([...a.values, ...b.values].map((v) => v.measureId))]);
    const codes = new Map(measures.filter((m): m is Measure => m instanceof Measure).map((m) => [m.id, m.code]));
    return diffRevisions(a, b, (id) => codes.get(id) ?? String(id));
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.PROVIDER)
  @Mutation(() => PerformanceReturn, { description: "Create or update a draft (or a sent-back return). Safe to call repeatedly for autosave." })
  saveReturnDraft(@Ctx() ctx: Context, @Arg("input", () => SaveReturnInput) input: SaveReturnInput): Promise<PerformanceReturn> {
    return returns.saveReturnDraft(ctx, input);
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.PROVIDER)
  @Mutation(() => PerformanceReturn, { description: "Submit a return. Rejected whole (BAD_USER_INPUT naming each field and rule) if any value is invalid or a sharp change is unexplained." })
  submitReturn(@Ctx() ctx: Context, @Arg("input", () => SubmitReturnInput) input: SubmitReturnInput): Promise<PerformanceReturn> {
    return returns.submitReturn(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => PerformanceReturn)
  acceptReturn(@Ctx() ctx: Context, @Arg("id", () => Int) id: number, @Arg("version", () => Int) version: number): Promise<PerformanceReturn> {
    return returns.acceptReturn(ctx, id, version);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => PerformanceReturn, { description: "Send a submitted return back to the provider with a reason and comments on particular measures." })
  sendBackReturn(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int) version: number,
    @Arg("reason", () => String) reason: string,
    @Arg("measureComments", () => [MeasureCommentInput], { defaultValue: [] }) measureComments: MeasureCommentInput[],
  ): Promise<PerformanceReturn> {
    if (visibleLength(reason) < 3) throw badInput("Say why the return is being sent back.", [{ field: "reason", rule: "required", message: "A reason is required." }]);
    return returns.sendBackReturn(ctx, id, version, reason.trim(), measureComments);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => PerformanceReturn, { description: "Reopen an accepted return so the provider can correct it. Needs a reason." })
  reopenReturn(@Ctx() ctx: Context, @Arg("id", () => Int) id: number, @Arg("version", () => Int) version: number, @Arg("reason", () => String) reason: string): Promise<PerformanceReturn> {
    if (visibleLength(reason) < 3) throw badInput("Say why the return is being reopened.", [{ field: "reason", rule: "required", message: "A reason is required." }]);
    return returns.reopenReturn(ctx, id, version, reason.trim());
  }

  @Authorized()
  @Subscription(() => ReturnChanged, {
    description: "Every change of state of the office's returns that you may see. With `since`, first replays what you missed.",
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      const officeId = officeToFollow(ctx, args.officeId as number);
      return eventStream(ctx, {
        topic: Topic.RETURN_CHANGED,
        officeId,
        since: args.since as number | null,
        visible: (event, viewer) => {
          const change = event.payload as returns.ReturnChange;
          return returns.canSeeReturn(viewer, { officeId: event.officeId, providerId: change.providerId }, change.state);
        },
      });
    },
  })
  async returnChanged(
    @Root() event: PublishedEvent<returns.ReturnChange>,
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int) _officeId: number,
    @Arg("since", () => Int, { nullable: true }) _since?: number | null,
  ): Promise<ReturnChanged> {
    const { payload } = event;
    const current = await ctx.services.db.manager.findOneBy(PerformanceReturn, { id: payload.returnId });
    const contract = current && (await ctx.loaders.byId(Contract).load(current.contractId));
    const visible = current && contract && returns.canSeeReturn(requireUser(ctx), contract, current.state) ? current : null;
    return { seq: event.seq, change: payload.change, state: payload.state, returnId: payload.returnId, contractId: payload.contractId, portfolioId: payload.portfolioId, periodId: payload.periodId, performanceReturn: visible };
  }

  @FieldResolver(() => Contract)
  async contract(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<Contract> {
    return (await ctx.loaders.byId(Contract).load(ret.contractId))!;
  }

  @FieldResolver(() => ReportingPeriod)
  async period(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<ReportingPeriod> {
    return (await ctx.loaders.byId(ReportingPeriod).load(ret.periodId))!;
  }

  @FieldResolver(() => [ReturnValue], { description: "Current values (the draft, or the last submission)." })
  values(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<ReturnValue[]> {
    return ctx.loaders.manyBy(ReturnValue, "returnId", { measureId: "ASC" }).load(ret.id);
  }

  @FieldResolver(() => [Measure], { description: "The measures this return must report: those behind the contract's KPIs." })
  requiredMeasures(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<Measure[]> {
    return reportedMeasures(ctx, ret.contractId);
  }

  @FieldResolver(() => [ReturnRevision], { description: "Every submission, oldest first." })
  revisions(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<ReturnRevision[]> {
    return ctx.loaders.manyBy(ReturnRevision, "returnId", { number: "ASC" }).load(ret.id);
  }

  @FieldResolver(() => User, { nullable: true })
  acceptedBy(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<User | null> | null {
    return ret.acceptedById == null ? null : ctx.loaders.byId(User).load(ret.acceptedById);
  }
}

@Resolver(() => ReturnValue)
export class ReturnValueResolver {
  @FieldResolver(() => Measure)
  async measure(@Root() value: ReturnValue, @Ctx() ctx: Context): Promise<Measure> {
    return (await ctx.loaders.byId(Measure).load(value.measureId))!;
  }
}

@Resolver(() => ReturnRevision)
export class ReturnRevisionResolver {
  @FieldResolver(() => [RevisionValueType], { description: "The values as submitted." })
  values(@Root() revision: ReturnRevision): RevisionValueType[] {
    return revision.values;
  }

  @FieldResolver(() => String, { nullable: true })
  achievements(@Root() revision: ReturnRevision): string | null {
    return revision.narrative.achievements;
  }

  @FieldResolver(() => String, { nullable: true })
  challenges(@Root() revision: ReturnRevision): string | null {
    return revision.narrative.challenges;
  }

  @FieldResolver(() => [MeasureComment], { description: "The reviewer's comments on particular measures when it was sent back." })
  measureComments(@Root() revision: ReturnRevision): MeasureComment[] {
    return Object.entries(revision.measureComments ?? {}).map(([measureId, comment]) => ({ measureId: Number(measureId), comment }));
  }

  @FieldResolver(() => User)
  async submittedBy(@Root() revision: ReturnRevision, @Ctx() ctx: Context): Promise<User> {
    return (await ctx.loaders.byId(User).load(revision.submittedById))!;
  }

  @FieldResolver(() => User, { nullable: true })
  reviewedBy(@Root() revision: ReturnRevision, @Ctx() ctx: Context): Promise<User | null> | null {
    return revision.reviewedById == null ? null : ctx.loaders.byId(User).load(revision.reviewedById);
  }
}

