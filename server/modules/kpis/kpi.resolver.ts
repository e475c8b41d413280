import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { OFFICE_READERS, OFFICE_WRITERS } from "../users/role.js";
import { ContractKpi, Indicator, IndicatorMeasure, Measure, MeasureRole, Target } from "./kpi.entities.js";
import { CreateIndicatorInput, CreateMeasureInput, SetTargetInput, TargetKeyInput, UpdateIndicatorInput, UpdateMeasureInput } from "./kpi.inputs.js";
import * as kpis from "./kpi.service.js";

const VERSION_DESCRIPTION = "The version you are editing; a stale one fails with CONFLICT.";

@Resolver(() => Measure)
export class MeasureResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => [Measure], { description: "An office's measures by code (defaults to your office)." })
  measures(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<Measure[]> {
    return kpis.listMeasures(ctx, officeId);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Measure)
  createMeasure(@Ctx() ctx: Context, @Arg("input", () => CreateMeasureInput) input: CreateMeasureInput): Promise<Measure> {
    return kpis.createMeasure(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Measure)
  updateMeasure(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg("input", () => UpdateMeasureInput) input: UpdateMeasureInput,
  ): Promise<Measure> {
    return kpis.updateMeasure(ctx, id, version, input);
  }
}

@Resolver(() => Indicator)
export class IndicatorResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => [Indicator], { description: "An office's indicators by code (defaults to your office)." })
  indicators(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<Indicator[]> {
    return kpis.listIndicators(ctx, officeId);
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => Indicator)
  indicator(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<Indicator> {
    return kpis.findIndicator(ctx, id);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Indicator)
  createIndicator(@Ctx() ctx: Context, @Arg("input", () => CreateIndicatorInput) input: CreateIndicatorInput): Promise<Indicator> {
    return kpis.createIndicator(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Indicator)
  updateIndicator(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg("input", () => UpdateIndicatorInput) input: UpdateIndicatorInput,
  ): Promise<Indicator> {
    return kpis.updateIndicator(ctx, id, version, input);
  }

  @FieldResolver(() => [Measure], { description: "Summed for the numerator." })
  numeratorMeasures(@Root() indicator: Indicator, @Ctx() ctx: Context): Promise<Measure[]> {
    return measuresOf(ctx, indicator, MeasureRole.NUMERATOR);
  }

  @FieldResolver(() => [Measure], { description: "Summed for the denominator; empty for a plain count." })
  denominatorMeasures(@Root() indicator: Indicator, @Ctx() ctx: Context): Promise<Measure[]> {
    return measuresOf(ctx, indicator, MeasureRole.DENOMINATOR);
  }
}

/** Both roles read the same batched links, so numerator and denominator together cost one query. */
async function measuresOf(ctx: Context, indicator: Indicator, role: MeasureRole): Promise<Measure[]> {
  const links = await ctx.loaders.manyBy(IndicatorMeasure, "indicatorId").load(indicator.id);
  const rows = await ctx.loaders.byId(Measure).loadMany(links.filter((l) => l.role === role).map((l) => l.measureId));
  return rows.filter((m): m is Measure => m instanceof Measure).sort((a, b) => a.code.localeCompare(b.code));
}

@Resolver(() => ContractKpi)
export class ContractKpiResolver {
  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => [ContractKpi], { description: "Makes the contract report exactly these indicators, all of its office. Targets of indicators dropped are kept." })
  setContractKpis(
    @Ctx() ctx: Context,
    @Arg("contractId", () => Int) contractId: number,
    @Arg("indicatorIds", () => [Int]) indicatorIds: number[],
    @Arg("version", () => Int, { description: "The contract's version you are editing (its KPIs are part of it); a stale one fails with CONFLICT. The contract moves to a new version." }) version: number,
    @Arg("changeReason", () => String, { nullable: true, description: "Why, required when the contract reported in a frozen quarter (the change restates it)." }) changeReason?: string | null,
  ): Promise<ContractKpi[]> {
    return kpis.setContractKpis(ctx, contractId, indicatorIds, version, changeReason);
  }

  @FieldResolver(() => Indicator)
  async indicator(@Root() kpi: ContractKpi, @Ctx() ctx: Context): Promise<Indicator> {
    return (await ctx.loaders.byId(Indicator).load(kpi.indicatorId))!;
  }

  @FieldResolver(() => [Target], { description: "This contract's targets for this indicator, by year; the annual target before the quarters." })
  async targets(@Root() kpi: ContractKpi, @Ctx() ctx: Context): Promise<Target[]> {
    const forContract = await ctx.loaders.manyBy(Target, "contractId").load(kpi.contractId);
    return kpis.targetsInOrder(forContract.filter((t) => t.indicatorId === kpi.indicatorId));
  }
}

@Resolver(() => Target)
export class TargetResolver {
  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Target, { description: "Creates the target for (indicator, contract or portfolio, year, quarter), or changes its value." })
  setTarget(@Ctx() ctx: Context, @Arg("input", () => SetTargetInput) input: SetTargetInput): Promise<Target> {
    return kpis.setTarget(ctx, input);
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => Target, { nullable: true, description: "The target set for (indicator, contract or portfolio, year, quarter), if any; setTarget takes its version." })
  target(@Ctx() ctx: Context, @Arg("key", () => TargetKeyInput) key: TargetKeyInput): Promise<Target | null> {
    return kpis.findTarget(ctx, key);
  }
}
