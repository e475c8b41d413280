import { Arg, Authorized, Ctx, Field, FieldResolver, Float, Int, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import { canReadOffice, officeToRead, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { findVisible } from "../../common/office-records.js";
import { badInput, notFound } from "../../errors.js";
import { eventStream } from "../../realtime/event-stream.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";
import { ContractRecord } from "../contracts/contract.service.js";
import { Indicator } from "../kpis/kpi.entities.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { PortfolioRecord } from "../portfolios/portfolio.service.js";
import { OFFICE_READERS, Role } from "../users/role.js";
import type { ScorecardChange } from "./scorecard-events.js";
import { provenance } from "./provenance.js";
import { changedCells, changeMoves, officePeriods, type ChangedCells } from "./scorecard-changes.js";
import { computeScorecards, type ScorecardData } from "./scorecard.service.js";
import { readScorecards } from "./scorecard-read.js";
import { isComparable } from "./scorecard.rules.js";
import { IndicatorStatus, ProvenanceEntry, Scorecard, ScorecardRow } from "./scorecard.types.js";

@ObjectType({ description: "Recomputed cells of one portfolio after a return was accepted or reopened, or a target changed." })
class ScorecardUpdate {
  @Field(() => Int)
  seq!: number;

  @Field(() => String, { description: "RETURN_ACCEPTED, RETURN_REOPENED, TARGET_CHANGED, or CELLS_CHANGED (cells moved by another change: KPIs, a new quarter, an indicator)." })
  reason!: string;

  @Field(() => Scorecard, { description: "The portfolio's scorecard for the affected quarter only." })
  scorecard!: Scorecard;
}

@ObjectType({ description: "What one change moved on an office's board: which portfolio, which quarters, and the new cells." })
class OfficeScorecardUpdate {
  @Field(() => Int)
  seq!: number;

  @Field(() => String, { description: "RETURN_ACCEPTED, RETURN_REOPENED, TARGET_CHANGED, or CELLS_CHANGED (cells moved by another change: KPIs, a new quarter, an indicator)." })
  reason!: string;

  @Field(() => Int, { description: "The portfolio whose cells moved." })
  portfolioId!: number;

  @Field(() => [Int], { description: "The quarters whose cells moved (a yearly target moves four)." })
  periodIds!: number[];

  @Field(() => [Scorecard], { description: "The portfolio's scorecard and the office total (portfolioId null), over `periodIds` only: accepted figures." })
  scorecards!: Scorecard[];
}

/** Analysts see accepted figures only: provisional ones are for the commissioning team. */
function allowProvisional(ctx: Context, requested: boolean): boolean {
  return requested && requireUser(ctx).role !== Role.ANALYST;
}

@Resolver(() => Scorecard)
export class ScorecardResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => [Scorecard], { description: "The office total (portfolioId null) and each portfolio's scorecard, over the given quarters (default: all)." })
  async scorecards(
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null,
    @Arg("portfolioId", () => Int, { nullable: true, description: "Only this portfolio." }) portfolioId?: number | null,
    @Arg("periodIds", () => [Int], { nullable: true }) periodIds?: number[] | null,
    @Arg("includeSubmitted", () => Boolean, { defaultValue: false, description: "Also count submitted returns; such cells are provisional." }) includeSubmitted = false,
  ): Promise<Scorecard[]> {
    let office = officeToRead(ctx, officeId);
    if (portfolioId != null) office = (await findVisible(ctx, PortfolioRecord, portfolioId)).officeId;
    const { scorecards, indicators } = await readScorecards(ctx.services.db.manager, { officeId: office, portfolioId, periodIds, includeSubmitted: allowProvisional(ctx, includeSubmitted) });
    // The rows' `indicator` fields then need no second look-up.
    for (const indicator of indicators) ctx.loaders.byId(Indicator).prime(indicator.id, indicator);
    return scorecards;
  }

  @Authorized()
  @Query(() => Scorecard, { nullable: true, description: "One contract's own indicators by quarter (providers: their own contracts)." })
  async contractScorecard(
    @Ctx() ctx: Context,
    @Arg("contractId", () => Int) contractId: number,
    @Arg("includeSubmitted", () => Boolean, { defaultValue: false }) includeSubmitted = false,
  ): Promise<Scorecard | null> {
    const contract = await findVisible(ctx, ContractRecord, contractId);
    const { scorecards } = await computeScorecards(ctx.services.db.manager, { officeId: contract.officeId, contractId, includeSubmitted: allowProvisional(ctx, includeSubmitted) });
    return scorecards[0] ?? null;
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => [ProvenanceEntry], { description: "The contracts, returns, values and people behind one scorecard cell." })
  async scorecardProvenance(
    @Ctx() ctx: Context,
    @Arg("indicatorId", () => Int) indicatorId: number,
    @Arg("periodId", () => Int) periodId: number,
    @Arg("portfolioId", () => Int, { nullable: true, description: "Omit for the office total." }) portfolioId?: number | null,
    @Arg("contractId", () => Int, { nullable: true }) contractId?: number | null,
    @Arg("includeSubmitted", () => Boolean, { defaultValue: false }) includeSubmitted = false,
  ): Promise<ProvenanceEntry[]> {
    const period = await ctx.loaders.byId(ReportingPeriod).load(periodId);
    if (!period || !canReadOffice(requireUser(ctx), period.officeId)) throw notFound("ReportingPeriod", periodId);
    if (portfolioId != null && (await findVisible(ctx, PortfolioRecord, portfolioId)).officeId !== period.officeId) throw notFound("Portfolio", portfolioId);
    // Ids of nothing (or of another office's rows) are NOT_FOUND like the quarter's, not an empty list (red18).
    const indicator = await ctx.loaders.byId(Indicator).load(indicatorId);
    if (!indicator || indicator.officeId !== period.officeId) throw notFound("Indicator", indicatorId);
    if (contractId != null && (await findVisible(ctx, ContractRecord, contractId)).officeId !== period.officeId) throw notFound("Contract", contractId);
    return provenance(ctx.services.db.manager, { officeId: period.officeId, portfolioId: portfolioId ?? null, contractId: contractId ?? null, indicatorId, periodId, includeSubmitted: allowProvisional(ctx, includeSubmitted) });
  }

  @Authorized(...OFFICE_READERS)
  @Subscription(() => ScorecardUpdate, {
    description: "Pushes a portfolio's recomputed cells for a quarter when a return is accepted or reopened, or a target changes.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const portfolio = await findVisible(ctx, PortfolioRecord, args.portfolioId as number);
      const period = await ctx.loaders.byId(ReportingPeriod).load(args.periodId as number);
      if (!period || period.officeId !== portfolio.officeId) throw notFound("ReportingPeriod", args.periodId as number);
      const previous = await previousQuarter(ctx, period);
      return eventStream(ctx, {
        topic: Topic.SCORECARD_CHANGED,
        officeId: portfolio.officeId,
        since: args.since as number | null,
        visible: (event, viewer) => {
          const change = event.payload as ScorecardChange;
          return canReadOffice(viewer, event.officeId) && change.portfolioId === portfolio.id && changeMoves(change, period, previous);
        },
      });
    },
  })
  async scorecardChanged(
    @Root() event: PublishedEvent<ScorecardChange>,
    @Ctx() ctx: Context,
    @Arg("portfolioId", () => Int) portfolioId: number,
    @Arg("periodId", () => Int) periodId: number,
    @Arg("since", () => Int, { nullable: true }) _since?: number | null,
  ): Promise<ScorecardUpdate> {
    const carried = carriedScorecard(event, portfolioId, periodId);
    if (carried) return { seq: event.seq, reason: event.payload.reason, scorecard: carried };
    const { scorecards } = await readScorecards(ctx.services.db.manager, { officeId: event.officeId, portfolioId, periodIds: [periodId], includeSubmitted: false });
    return { seq: event.seq, reason: event.payload.reason, scorecard: scorecards[0] ?? { portfolioId, contractId: null, rows: [] } };
  }

  @Authorized(...OFFICE_READERS)
  @Subscription(() => OfficeScorecardUpdate, {
    description: "One stream per board: every scorecard change of the office (optionally of one quarter), saying which portfolio moved, with its new cells and the office total's.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const officeId = officeToRead(ctx, args.officeId as number);
      let period: ReportingPeriod | null = null;
      let previous: ReportingPeriod | null = null;
      if (args.periodId != null) {
        period = await ctx.loaders.byId(ReportingPeriod).load(args.periodId as number);
        if (!period || period.officeId !== officeId) throw notFound("ReportingPeriod", args.periodId as number);
        previous = await previousQuarter(ctx, period);
      }
      return eventStream(ctx, {
        topic: Topic.SCORECARD_CHANGED,
        officeId,
        since: args.since as number | null,
        visible: (event, viewer) => canReadOffice(viewer, event.officeId) && (period == null || changeMoves(event.payload as ScorecardChange, period, previous)),
      });
    },
  })
  async officeScorecardChanged(
    @Root() event: PublishedEvent<ScorecardChange>,
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int) _officeId: number,
    @Arg("periodId", () => Int, { nullable: true, description: "Only changes that touch this quarter." }) periodId?: number | null,
    @Arg("since", () => Int, { nullable: true, description: "Replay events after this sequence number first." }) _since?: number | null,
  ): Promise<OfficeScorecardUpdate> {
    const changed = await changedCells(ctx.services.db.manager, event);
    const only = (ids: number[]) => (periodId == null ? ids : ids.filter((id) => id === periodId));
    const scorecards = periodId == null ? changed.scorecards : changed.scorecards.map((s) => ({ ...s, rows: s.rows.map((row) => ({ ...row, cells: row.cells.filter((cell) => cell.periodId === periodId) })) }));
    return { seq: event.seq, reason: event.payload.reason, portfolioId: changed.portfolioId, periodIds: only(changed.periodIds), scorecards };
  }

  @FieldResolver(() => Portfolio, { nullable: true })
  portfolio(@Root() scorecard: Scorecard, @Ctx() ctx: Context): Promise<Portfolio | null> | null {
    return scorecard.portfolioId == null ? null : ctx.loaders.byId(Portfolio).load(scorecard.portfolioId);
  }
}

/** The most quarters a sparkline shows: a whole scorecard's worth. */
const MAX_TREND = 40;

@Resolver(() => ScorecardRow)
export class ScorecardRowResolver {
  @FieldResolver(() => Indicator)
  async indicator(@Root() row: ScorecardRow, @Ctx() ctx: Context): Promise<Indicator> {
    return (await ctx.loaders.byId(Indicator).load(row.indicatorId))!;
  }

  @FieldResolver(() => [Float], { nullable: "items", description: "The actuals of the last quarters shown (oldest first), for a sparkline; null where a count is incomplete (a partial sum is not a fall)." })
  trend(@Root() row: ScorecardRow, @Arg("last", () => Int, { defaultValue: 8, description: `How many of the latest quarters: none for 0, at most ${MAX_TREND}; a negative count is BAD_USER_INPUT.` }) last: number): (number | null)[] {
    // Checked here, per row, not by a validated argument class: a full office's scorecard has hundreds of rows.
    if (last < 0) throw badInput("`last` counts quarters: 0 or more.", [{ field: "last", rule: "min", message: "Give 0 or more." }]);
    if (last === 0) return [];
    // A count's cells have no denominator; a ratio's have one whenever they have returns.
    return row.cells.slice(-Math.min(last, MAX_TREND)).map((cell) => (isComparable({ hasDenominator: cell.denominator != null }, cell) ? cell.actual : null));
  }
}

@Resolver(() => IndicatorStatus)
export class IndicatorStatusResolver {
  @FieldResolver(() => Indicator)
  async indicator(@Root() status: IndicatorStatus, @Ctx() ctx: Context): Promise<Indicator> {
    return (await ctx.loaders.byId(Indicator).load(status.indicatorId))!;
  }
}

/**
 * The portfolio's scorecard for one quarter from the cells the write transaction put in the event (no statement
 * per event), exactly as the read of that one quarter gives it: its rows due in the quarter, and no change from
 * the previous quarter (a one-quarter read has none). Null when the event carries no cells for it.
 */
function carriedScorecard(event: PublishedEvent<ScorecardChange & { cells?: ChangedCells }>, portfolioId: number, periodId: number): ScorecardData | null {
  const cells = event.payload.cells;
  if (!cells || cells.portfolioId !== portfolioId || !cells.periodIds.includes(periodId)) return null;
  const scorecard = cells.scorecards.find((s) => s.portfolioId === portfolioId && s.contractId == null);
  if (!scorecard) return { portfolioId, contractId: null, rows: [] };
  const rows = scorecard.rows.flatMap((row) => {
    const cell = row.cells.find((c) => c.periodId === periodId);
    return cell && cell.returnsDue > 0 ? [{ indicatorId: row.indicatorId, cells: [{ ...cell, change: null }] }] : [];
  });
  return { portfolioId, contractId: null, rows };
}

/** The quarter before this one in its office (whose changes move this one's "change from the previous quarter"). */
async function previousQuarter(ctx: Context, period: ReportingPeriod): Promise<ReportingPeriod | null> {
  const periods = await officePeriods(ctx.services.db.manager, period.officeId);
  const i = periods.findIndex((p) => p.id === period.id);
  return i > 0 ? periods[i - 1] : null;
}
