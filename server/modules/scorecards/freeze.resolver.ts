import { Arg, Authorized, Ctx, Field, FieldResolver, Float, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { assertCanWriteOffice, canReadOffice, officeToRead, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { updateVersioned } from "../../db/versioned.js";
import { conflict, notFound } from "../../errors.js";
import { moneySummary } from "../money/money.service.js";
import { MoneySummary } from "../money/money.types.js";
import { PeriodState, ReportingPeriod } from "../periods/reporting-period.entity.js";
import { OFFICE_READERS, OFFICE_WRITERS } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { QuarterSnapshot } from "./quarter-snapshot.entity.js";
import { computeScorecards, type ScorecardData } from "./scorecard.service.js";
import { Scorecard } from "./scorecard.types.js";
import { isComplete, TargetBasis } from "./scorecard.rules.js";

interface SnapshotPayload {
  scorecards: ScorecardData[];
  money: MoneySummary;
}

@ObjectType({ description: "A figure accepted after the freeze that differs from what the Panel was shown." })
class Restatement {
  @Field(() => Int, { nullable: true, description: "Null for the office total." })
  portfolioId!: number | null;

  @Field(() => Int)
  indicatorId!: number;

  @Field(() => Float, { nullable: true })
  frozenActual!: number | null;

  @Field(() => Float, { nullable: true })
  currentActual!: number | null;

  @Field(() => Int)
  frozenReturnsIn!: number;

  @Field(() => Int)
  currentReturnsIn!: number;
}

@ObjectType({ description: "A frozen quarter: the scorecards and money as the Panel was shown them, and any later restatements." })
class FrozenQuarter {
  @Field(() => ReportingPeriod)
  period!: ReportingPeriod;

  @Field(() => Date)
  frozenAt!: Date;

  frozenById!: number;

  @Field(() => [Scorecard])
  scorecards!: Scorecard[];

  @Field(() => MoneySummary, { description: "Money for the quarter's financial year, at the freeze." })
  money!: MoneySummary;

  @Field(() => [Restatement], { description: "Cells whose figures changed after the freeze, e.g. a return corrected and accepted again." })
  restatements!: Restatement[];
}

async function snapshotOf(ctx: Context, period: ReportingPeriod): Promise<SnapshotPayload> {
  const manager = ctx.services.db.manager;
  const { scorecards } = await computeScorecards(manager, { officeId: period.officeId, periodIds: [period.id], includeSubmitted: false });
  return { scorecards, money: await moneySummary(manager, period.officeId, period.year) };
}

/** Compares the frozen cells with the same cells computed now. */
function restatements(frozen: ScorecardData[], now: ScorecardData[]): Restatement[] {
  const changes: Restatement[] = [];
  const key = (s: ScorecardData, indicatorId: number) => `${s.portfolioId}:${indicatorId}`;
  const current = new Map(now.flatMap((s) => s.rows.map((r) => [key(s, r.indicatorId), r.cells[0]] as const)));
  for (const scorecard of frozen) {
    for (const row of scorecard.rows) {
      const before = row.cells[0];
      const after = current.get(key(scorecard, row.indicatorId));
      const same = after && after.actual === before.actual && after.numerator === before.numerator && after.denominator === before.denominator && after.returnsIn === before.returnsIn;
      if (!same) {
        changes.push({ portfolioId: scorecard.portfolioId, indicatorId: row.indicatorId, frozenActual: before.actual, currentActual: after?.actual ?? null, frozenReturnsIn: before.returnsIn, currentReturnsIn: after?.returnsIn ?? 0 });
      }
    }
  }
  return changes;
}

/** Snapshots frozen before the incomplete-quarter rule carry no flag or basis: both follow from what they hold. */
function withRatingFields(scorecards: ScorecardData[]): ScorecardData[] {
  return scorecards.map((s) => ({
    ...s,
    rows: s.rows.map((r) => ({
      ...r,
      cells: r.cells.map((c) => ({ ...c, complete: isComplete(c), targetBasis: c.targetBasis ?? (c.target == null ? TargetBasis.NONE : TargetBasis.ALL_CONTRACTS), fullTarget: c.fullTarget === undefined ? c.target : c.fullTarget })),
    })),
  }));
}

async function toFrozenQuarter(ctx: Context, snapshot: QuarterSnapshot): Promise<FrozenQuarter> {
  const period = (await ctx.loaders.byId(ReportingPeriod).load(snapshot.periodId))!;
  const stored = snapshot.payload as SnapshotPayload;
  const payload = { ...stored, scorecards: withRatingFields(stored.scorecards) };
  const now = await computeScorecards(ctx.services.db.manager, { officeId: period.officeId, periodIds: [period.id], includeSubmitted: false });
  return { period, frozenAt: snapshot.frozenAt, frozenById: snapshot.frozenById, scorecards: payload.scorecards, money: payload.money, restatements: restatements(payload.scorecards, now.scorecards) };
}

@Resolver(() => FrozenQuarter)
export class FreezeResolver {
  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => FrozenQuarter, { description: "Freeze a closed quarter for the Panel: its scorecards and money are kept as they are now." })
  async freezePeriod(@Ctx() ctx: Context, @Arg("id", () => Int) id: number, @Arg("version", () => Int) version: number): Promise<FrozenQuarter> {
    const user = requireUser(ctx);
    const period = await ctx.services.db.manager.findOneBy(ReportingPeriod, { id });
    if (!period || !canReadOffice(user, period.officeId)) throw notFound("ReportingPeriod", id);
    assertCanWriteOffice(ctx, period.officeId);
    const payload = await snapshotOf(ctx, period);
    const snapshot = await ctx.services.writer.run(user, async (uow) => {
      const current = await uow.manager.findOneByOrFail(ReportingPeriod, { id });
      if (current.state !== PeriodState.CLOSED) throw conflict(`Only a closed quarter can be frozen; this one is ${current.state.toLowerCase()}.`);
      const frozen = await updateVersioned(uow, ReportingPeriod, current, version, { state: PeriodState.FROZEN, frozenAt: new Date() }, "ReportingPeriod");
      const row = await uow.manager.save(uow.manager.create(QuarterSnapshot, { periodId: id, frozenAt: frozen.frozenAt!, frozenById: user.id, payload }));
      await uow.audit("period.freeze", { type: "ReportingPeriod", id, officeId: period.officeId }, current, frozen);
      return row;
    });
    return toFrozenQuarter(ctx, snapshot);
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => [FrozenQuarter], { description: "The office's frozen quarters, newest first, each with its restatements." })
  async frozenQuarters(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<FrozenQuarter[]> {
    const office = officeToRead(ctx, officeId);
    const snapshots = await ctx.services.db.manager
      .createQueryBuilder(QuarterSnapshot, "s")
      .innerJoin(ReportingPeriod, "p", "p.id = s.periodId")
      .where("p.officeId = :office", { office })
      .orderBy("p.year", "DESC")
      .addOrderBy("p.quarter", "DESC")
      .getMany();
    return Promise.all(snapshots.map((s) => toFrozenQuarter(ctx, s)));
  }

  @FieldResolver(() => User, { description: "Who froze it." })
  async frozenBy(@Root() quarter: FrozenQuarter, @Ctx() ctx: Context): Promise<User> {
    return (await ctx.loaders.byId(User).load(quarter.frozenById))!;
  }
}
