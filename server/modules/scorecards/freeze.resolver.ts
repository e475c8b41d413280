import { GraphQLSafeInt } from "graphql-scalars";
import { Arg, Authorized, Ctx, Field, FieldResolver, Float, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { assertCanWriteOffice, canReadOffice, officeToRead, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { updateVersioned } from "../../db/versioned.js";
import { conflict, notFound } from "../../errors.js";
import { moneySummary } from "../money/money.service.js";
import { MoneySummary } from "../money/money.types.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { PeriodState, ReportingPeriod } from "../periods/reporting-period.entity.js";
import { OFFICE_READERS, OFFICE_WRITERS } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { QuarterSnapshot } from "./quarter-snapshot.entity.js";
import { computeScorecards, type ScorecardData } from "./scorecard.service.js";
import { Scorecard } from "./scorecard.types.js";
import { isComplete, Rag, TargetBasis } from "./scorecard.rules.js";
import { QuarterChange, QuarterChangeKind } from "./quarter-change.entity.js";

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

  @Field(() => Float, { nullable: true })
  frozenTarget!: number | null;

  @Field(() => Float, { nullable: true })
  currentTarget!: number | null;

  @Field(() => Rag)
  frozenRag!: Rag;

  @Field(() => Rag)
  currentRag!: Rag;

  @Field(() => [QuarterChange], { description: "What changed it since the freeze: who, when and why (corrected returns, target changes)." })
  causes!: QuarterChange[];
}

@ObjectType({ description: "A money figure that differs from what the Panel was shown at the freeze (funding lines changed since)." })
class MoneyRestatement {
  @Field(() => String, { description: "STREAM or PORTFOLIO." })
  kind!: "STREAM" | "PORTFOLIO";

  @Field(() => Int, { nullable: true, description: "The stream's or portfolio's id (null: the pipeline and reserves)." })
  id!: number | null;

  @Field(() => String, { description: "The stream's or portfolio's name." })
  name!: string;

  @Field(() => String, { description: "committedPence, plannedPence, amountPence or allocatedPence." })
  figure!: string;

  @Field(() => GraphQLSafeInt)
  frozenPence!: number;

  @Field(() => GraphQLSafeInt)
  currentPence!: number;

  @Field(() => [QuarterChange], { description: "The funding changes since the freeze: who, when and why." })
  causes!: QuarterChange[];
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

  @Field(() => [Restatement], { description: "Cells whose figures, target or rating changed after the freeze, e.g. a return corrected and accepted again, or a target changed." })
  restatements!: Restatement[];

  @Field(() => [MoneyRestatement], { description: "Money figures that changed after the freeze." })
  moneyRestatements!: MoneyRestatement[];

  @Field(() => [QuarterChange], { description: "Every change to the quarter's figures since it was closed: corrections opened and accepted, targets and funding changed." })
  changes!: QuarterChange[];
}

async function snapshotOf(ctx: Context, period: ReportingPeriod): Promise<SnapshotPayload> {
  const manager = ctx.services.db.manager;
  const { scorecards } = await computeScorecards(manager, { officeId: period.officeId, periodIds: [period.id], includeSubmitted: false });
  return { scorecards, money: await moneySummary(manager, period.officeId, period.year) };
}

const CELL_CAUSES = new Set([QuarterChangeKind.RETURN_REOPENED, QuarterChangeKind.RETURN_CORRECTED, QuarterChangeKind.TARGET_CHANGED, QuarterChangeKind.CONTRACT_CHANGED]);

/** Compares the frozen cells with the same cells computed now: figures, returns counted, target and rating. */
function restatements(frozen: ScorecardData[], now: ScorecardData[], changes: QuarterChange[] = []): Restatement[] {
  const result: Restatement[] = [];
  const key = (s: ScorecardData, indicatorId: number) => `${s.portfolioId}:${indicatorId}`;
  const current = new Map(now.flatMap((s) => s.rows.map((r) => [key(s, r.indicatorId), r.cells[0]] as const)));
  for (const scorecard of frozen) {
    for (const row of scorecard.rows) {
      const before = row.cells[0];
      const after = current.get(key(scorecard, row.indicatorId));
      const same =
        after && after.actual === before.actual && after.numerator === before.numerator && after.denominator === before.denominator && after.returnsIn === before.returnsIn && after.target === before.target && after.rag === before.rag;
      if (!same) {
        const causes = changes.filter((c) => CELL_CAUSES.has(c.kind) && (scorecard.portfolioId == null || c.portfolioId === scorecard.portfolioId) && (c.indicatorId == null || c.indicatorId === row.indicatorId));
        result.push({
          portfolioId: scorecard.portfolioId,
          indicatorId: row.indicatorId,
          frozenActual: before.actual,
          currentActual: after?.actual ?? null,
          frozenReturnsIn: before.returnsIn,
          currentReturnsIn: after?.returnsIn ?? 0,
          frozenTarget: before.target,
          currentTarget: after?.target ?? null,
          frozenRag: before.rag,
          currentRag: after?.rag ?? Rag.GREY,
          causes,
        });
      }
    }
  }
  return result;
}

/** Compares the frozen money with the money now, stream by stream and portfolio by portfolio. */
function moneyRestatements(frozen: MoneySummary, now: MoneySummary, changes: QuarterChange[], portfolioNames: ReadonlyMap<number, string>): MoneyRestatement[] {
  const funding = changes.filter((c) => c.kind === QuarterChangeKind.FUNDING_CHANGED || c.kind === QuarterChangeKind.CONTRACT_CHANGED);
  const result: MoneyRestatement[] = [];
  const compare = <R extends object>(kind: "STREAM" | "PORTFOLIO", before: R[], after: R[], idOf: (r: R) => number | null, nameOf: (r: R | undefined, id: number | null) => string, figures: (keyof R & string)[], causesOf: (id: number | null) => QuarterChange[]) => {
    const nowById = new Map(after.map((r) => [idOf(r), r]));
    const ids = new Set([...before.map(idOf), ...after.map(idOf)]);
    for (const id of ids) {
      const b = before.find((r) => idOf(r) === id);
      const a = nowById.get(id);
      for (const figure of figures) {
        const frozenPence = Number(b?.[figure] ?? 0);
        const currentPence = Number(a?.[figure] ?? 0);
        if (frozenPence !== currentPence) result.push({ kind, id, name: nameOf(a ?? b, id), figure, frozenPence, currentPence, causes: causesOf(id) });
      }
    }
  };
  compare("STREAM", frozen.streams, now.streams, (s) => s.streamId, (s, id) => s?.name ?? `Stream ${id}`, ["amountPence", "committedPence", "plannedPence"], () => funding);
  compare("PORTFOLIO", frozen.portfolios, now.portfolios, (p) => p.portfolioId ?? null, (_p, id) => (id == null ? "Pipeline and reserves" : (portfolioNames.get(id) ?? `Portfolio ${id}`)), ["allocatedPence", "committedPence", "plannedPence"], (id) => funding.filter((c) => c.portfolioId === id));
  return result;
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
  const manager = ctx.services.db.manager;
  const [now, money, changes, portfolios] = await Promise.all([
    computeScorecards(manager, { officeId: period.officeId, periodIds: [period.id], includeSubmitted: false }),
    moneySummary(manager, period.officeId, period.year),
    manager.find(QuarterChange, { where: { periodId: period.id }, order: { at: "ASC", id: "ASC" } }),
    manager.find(Portfolio, { where: { officeId: period.officeId } }),
  ]);
  const since = changes.filter((c) => c.at >= snapshot.frozenAt);
  return {
    period,
    frozenAt: snapshot.frozenAt,
    frozenById: snapshot.frozenById,
    scorecards: payload.scorecards,
    money: payload.money,
    restatements: restatements(payload.scorecards, now.scorecards, since),
    moneyRestatements: moneyRestatements(payload.money, money, since, new Map(portfolios.map((p) => [p.id, p.name]))),
    changes,
  };
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

  @Authorized(...OFFICE_READERS)
  @Query(() => [QuarterChange], { description: "Changes to a closed or frozen quarter's figures (corrections, targets, funding), oldest first." })
  async quarterChanges(@Ctx() ctx: Context, @Arg("periodId", () => Int) periodId: number): Promise<QuarterChange[]> {
    const period = await ctx.loaders.byId(ReportingPeriod).load(periodId);
    if (!period || !canReadOffice(requireUser(ctx), period.officeId)) throw notFound("ReportingPeriod", periodId);
    return ctx.services.db.manager.find(QuarterChange, { where: { periodId }, order: { at: "ASC", id: "ASC" } });
  }

  @FieldResolver(() => User, { description: "Who froze it." })
  async frozenBy(@Root() quarter: FrozenQuarter, @Ctx() ctx: Context): Promise<User> {
    return (await ctx.loaders.byId(User).load(quarter.frozenById))!;
  }
}

@Resolver(() => QuarterChange)
export class QuarterChangeResolver {
  @FieldResolver(() => User, { nullable: true, description: "Who made the change." })
  by(@Root() change: QuarterChange, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.byId(User).load(change.userId);
  }
}
