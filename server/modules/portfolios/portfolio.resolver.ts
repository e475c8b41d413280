import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { findVisible } from "../../common/office-records.js";
import { OptionalYearArgs } from "../../common/year-args.js";
import { FundingStream } from "../funding/funding.entities.js";
import { Office } from "../offices/office.entity.js";
import { PlanPriority } from "../plans/plan.entities.js";
import { OFFICE_READERS, OFFICE_WRITERS } from "../users/role.js";
import { Portfolio, PortfolioAllocation, PortfolioPriority } from "./portfolio.entities.js";
import { AllocationInput, PortfolioInput } from "./portfolio.inputs.js";
import * as portfolios from "./portfolio.service.js";

@Resolver(() => Portfolio)
export class PortfolioResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => [Portfolio])
  portfolios(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<Portfolio[]> {
    return ctx.services.db.manager.find(Portfolio, { where: { officeId: officeToRead(ctx, officeId) }, order: { name: "ASC" } });
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => Portfolio)
  portfolio(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<Portfolio> {
    return findVisible(ctx, portfolios.PortfolioRecord, id);
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => [PortfolioAllocation], { name: "allocations", description: "Every allocation of an office, including the pipeline and reserves, optionally for one year." })
  officeAllocations(
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null,
    @Args(() => OptionalYearArgs) { year }: OptionalYearArgs = {},
  ): Promise<PortfolioAllocation[]> {
    const query = ctx.services.db.manager
      .createQueryBuilder(PortfolioAllocation, "a")
      .innerJoin(FundingStream, "s", "s.id = a.streamId")
      .where("s.officeId = :officeId", { officeId: officeToRead(ctx, officeId) });
    if (year) query.andWhere("a.year = :year", { year });
    return query.orderBy("a.year", "ASC").addOrderBy("a.id", "ASC").getMany();
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Portfolio)
  createPortfolio(@Ctx() ctx: Context, @Arg("input", () => PortfolioInput) input: PortfolioInput): Promise<Portfolio> {
    return portfolios.createPortfolio(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Portfolio)
  updatePortfolio(@Ctx() ctx: Context, @Arg("id", () => Int) id: number, @Arg("version", () => Int) version: number, @Arg("input", () => PortfolioInput) input: PortfolioInput): Promise<Portfolio> {
    return portfolios.updatePortfolio(ctx, id, version, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => PortfolioAllocation, { description: "Give money from a funding stream to a portfolio, the pipeline or a reserve. Refused if the stream would be over-allocated." })
  createAllocation(@Ctx() ctx: Context, @Arg("input", () => AllocationInput) input: AllocationInput): Promise<PortfolioAllocation> {
    return portfolios.createAllocation(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => PortfolioAllocation)
  updateAllocation(@Ctx() ctx: Context, @Arg("id", () => Int) id: number, @Arg("version", () => Int) version: number, @Arg("input", () => AllocationInput) input: AllocationInput): Promise<PortfolioAllocation> {
    return portfolios.updateAllocation(ctx, id, version, input);
  }

  @FieldResolver(() => Office)
  async office(@Root() portfolio: Portfolio, @Ctx() ctx: Context): Promise<Office> {
    return (await ctx.loaders.byId(Office).load(portfolio.officeId))!;
  }

  @FieldResolver(() => [PlanPriority])
  async priorities(@Root() portfolio: Portfolio, @Ctx() ctx: Context): Promise<PlanPriority[]> {
    const links = await ctx.loaders.manyBy(PortfolioPriority, "portfolioId").load(portfolio.id);
    const rows = await ctx.loaders.byId(PlanPriority).loadMany(links.map((l) => l.priorityId));
    return rows.filter((p): p is PlanPriority => p instanceof PlanPriority);
  }

  @FieldResolver(() => [PortfolioAllocation], { description: "Money given to this portfolio, optionally for one year." })
  async allocations(@Root() portfolio: Portfolio, @Ctx() ctx: Context, @Args(() => OptionalYearArgs) { year }: OptionalYearArgs): Promise<PortfolioAllocation[]> {
    const rows = await ctx.loaders.manyBy(PortfolioAllocation, "portfolioId").load(portfolio.id);
    return year ? rows.filter((a) => a.year === year) : rows;
  }
}

@Resolver(() => PortfolioAllocation)
export class AllocationResolver {
  @FieldResolver(() => FundingStream)
  async stream(@Root() allocation: PortfolioAllocation, @Ctx() ctx: Context): Promise<FundingStream> {
    return (await ctx.loaders.byId(FundingStream).load(allocation.streamId))!;
  }

  @FieldResolver(() => Portfolio, { nullable: true })
  portfolio(@Root() allocation: PortfolioAllocation, @Ctx() ctx: Context): Promise<Portfolio | null> | null {
    return allocation.portfolioId == null ? null : ctx.loaders.byId(Portfolio).load(allocation.portfolioId);
  }
}
