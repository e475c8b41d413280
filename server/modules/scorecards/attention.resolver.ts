import { Arg, Authorized, Ctx, Field, FieldResolver, Float, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { canReadOffice, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { findVisible } from "../../common/office-records.js";
import { notFound } from "../../errors.js";
import { Indicator, MeasureRole, IndicatorMeasure } from "../kpis/kpi.entities.js";
import { quarterIndex, type Quarter } from "../periods/financial-year.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { PortfolioRecord } from "../portfolios/portfolio.service.js";
import { Completeness, completeness } from "../returns/completeness.js";
import { OFFICE_READERS, Role } from "../users/role.js";
import { biggestChanges, exceptions, type AttentionCell } from "./attention.rules.js";
import { Rag } from "./scorecard.rules.js";
import { computeScorecards } from "./scorecard.service.js";

@ObjectType({ description: "One portfolio's cell that needs attention, with what the board needs to link to it." })
class AttentionItem {
  @Field(() => Int)
  portfolioId!: number;

  @Field(() => Int)
  indicatorId!: number;

  @Field(() => Int)
  periodId!: number;

  @Field(() => Rag)
  rag!: Rag;

  @Field(() => Float, { nullable: true })
  actual!: number | null;

  @Field(() => Float, { nullable: true })
  target!: number | null;

  @Field(() => Float, { nullable: true, description: "Change from the previous quarter." })
  change!: number | null;

  @Field(() => Int)
  returnsIn!: number;

  @Field(() => Int)
  returnsDue!: number;
}

@ObjectType({ description: "What needs attention in a quarter, first: indicators off and near target, the biggest changes since last quarter, returns outstanding." })
class BoardAttention {
  @Field(() => ReportingPeriod)
  period!: ReportingPeriod;

  @Field(() => ReportingPeriod, { nullable: true, description: "The quarter the changes are measured from." })
  previous!: ReportingPeriod | null;

  @Field(() => Int, { description: "Portfolio indicators off target (red)." })
  offTarget!: number;

  @Field(() => Int, { description: "Portfolio indicators near target (amber)." })
  nearTarget!: number;

  @Field(() => Int)
  onTarget!: number;

  @Field(() => Int, { description: "Portfolio indicators with no figures or no target." })
  unrated!: number;

  @Field(() => [AttentionItem], { description: "Off target first, then near target; the largest shortfall first." })
  exceptions!: AttentionItem[];

  @Field(() => [AttentionItem], { description: "The five biggest changes since the previous quarter (points for ratios, relative for counts)." })
  biggestChanges!: AttentionItem[];

  @Field(() => Completeness, { description: "The office's returns for the quarter: due, missing, submitted and accepted." })
  returns!: Completeness;
}

@Resolver(() => AttentionItem)
export class AttentionItemResolver {
  @FieldResolver(() => Portfolio)
  async portfolio(@Root() item: AttentionItem, @Ctx() ctx: Context): Promise<Portfolio> {
    return (await ctx.loaders.byId(Portfolio).load(item.portfolioId))!;
  }

  @FieldResolver(() => Indicator)
  async indicator(@Root() item: AttentionItem, @Ctx() ctx: Context): Promise<Indicator> {
    return (await ctx.loaders.byId(Indicator).load(item.indicatorId))!;
  }
}

@Resolver(() => BoardAttention)
export class BoardAttentionResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => BoardAttention, { description: "The board's opening summary for a quarter: what needs attention, each item naming its cell." })
  async boardAttention(
    @Ctx() ctx: Context,
    @Arg("periodId", () => Int) periodId: number,
    @Arg("portfolioId", () => Int, { nullable: true, description: "Only this portfolio's indicators (returns stay office-wide)." }) portfolioId?: number | null,
    @Arg("includeSubmitted", () => Boolean, { defaultValue: false, description: "Also count submitted returns (not for analysts)." }) includeSubmitted = false,
  ): Promise<BoardAttention> {
    const user = requireUser(ctx);
    const manager = ctx.services.db.manager;
    const period = await manager.findOneBy(ReportingPeriod, { id: periodId });
    if (!period || !canReadOffice(user, period.officeId)) throw notFound("ReportingPeriod", periodId);
    // A portfolio of nothing, or of another office, is NOT_FOUND, as for scorecards: not a board of zeros (red18).
    if (portfolioId != null && (await findVisible(ctx, PortfolioRecord, portfolioId)).officeId !== period.officeId) throw notFound("Portfolio", portfolioId);
    const periods = (await manager.findBy(ReportingPeriod, { officeId: period.officeId })).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
    const previous = periods[periods.findIndex((p) => p.id === period.id) - 1] ?? null;
    const { scorecards, indicators } = await computeScorecards(manager, {
      officeId: period.officeId,
      periodIds: previous ? [previous.id, period.id] : [period.id],
      includeSubmitted: includeSubmitted && user.role !== Role.ANALYST,
    });
    const ratios = new Set((await manager.findBy(IndicatorMeasure, { role: MeasureRole.DENOMINATOR })).map((m) => m.indicatorId));
    const direction = new Map(indicators.map((i) => [i.id, i.direction]));
    const cells = scorecards
      .filter((s) => s.portfolioId != null && (portfolioId == null || s.portfolioId === portfolioId))
      .flatMap((s) =>
        s.rows.map((row) => {
          const cell = row.cells.find((c) => c.periodId === period.id)!;
          return { ...cell, portfolioId: s.portfolioId!, indicatorId: row.indicatorId, direction: direction.get(row.indicatorId)!, isRatio: ratios.has(row.indicatorId) } satisfies AttentionCell & Record<string, unknown>;
        }),
      )
      // A row the previous quarter brought in that nobody owes this quarter is not this quarter's indicator: the
      // quarter's own scorecard has no row for it either.
      .filter((c) => c.returnsDue > 0);
    const [returns] = await completeness(manager, period.officeId, period.id);
    const count = (rag: Rag) => cells.filter((c) => c.rag === rag).length;
    return {
      period,
      previous,
      offTarget: count(Rag.RED),
      nearTarget: count(Rag.AMBER),
      onTarget: count(Rag.GREEN),
      unrated: cells.length - count(Rag.RED) - count(Rag.AMBER) - count(Rag.GREEN),
      exceptions: exceptions(cells),
      biggestChanges: biggestChanges(cells),
      returns,
    };
  }
}
