import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { Brackets } from "typeorm";
import { officeToRead } from "../../auth/access.js";
import { YearArgs } from "../../common/year-args.js";
import type { Context } from "../../context.js";
import { Contract, ContractStatus } from "../contracts/contract.entities.js";
import { IsoDateArgs } from "../contracts/contract.inputs.js";
import { addMonths, endsWithoutPlan } from "../contracts/review-window.js";
import { PlanPriority } from "../plans/plan.entities.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { OFFICE_READERS } from "../users/role.js";
import { moneySummary } from "./money.service.js";
import { MoneySummary, PortfolioMoney, PriorityMoney } from "./money.types.js";

@Resolver(() => MoneySummary)
export class MoneyResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => MoneySummary, { description: "An office's money for a financial year: by funding stream, portfolio and plan priority." })
  moneySummary(@Ctx() ctx: Context, @Args(() => YearArgs) { year }: YearArgs, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<MoneySummary> {
    return moneySummary(ctx.services.db.manager, officeToRead(ctx, officeId), year);
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => [Contract], { description: "Contracts being reviewed or re-procured, or with a review planned, soonest new start first." })
  reprocurementPipeline(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<Contract[]> {
    return ctx.services.db.manager
      .createQueryBuilder(Contract, "c")
      .where("c.officeId = :officeId", { officeId: officeToRead(ctx, officeId) })
      .andWhere(new Brackets((q) => q.where("c.status IN (:...statuses)", { statuses: [ContractStatus.UNDER_REVIEW, ContractStatus.IN_PROCUREMENT] }).orWhere("c.reviewWindow IS NOT NULL").orWhere("c.plannedStartDate IS NOT NULL")))
      .orderBy("c.plannedStartDate", "ASC")
      .addOrderBy("c.reference", "ASC")
      .getMany();
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => [Contract], { description: "Contracts still running that end within 12 months of `asOf` (or have passed their end date) with no re-procurement plan: no review window and no new start. Soonest end first." })
  async contractsEndingWithoutPlan(
    @Ctx() ctx: Context,
    @Args(() => IsoDateArgs) { asOf }: IsoDateArgs,
    @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null,
  ): Promise<Contract[]> {
    const on = asOf ?? new Date().toISOString().slice(0, 10);
    const rows = await ctx.services.db.manager
      .createQueryBuilder(Contract, "c")
      .where("c.officeId = :officeId", { officeId: officeToRead(ctx, officeId) })
      .andWhere("c.endDate IS NOT NULL")
      .andWhere("c.endDate <= :until", { until: addMonths(on, 12) })
      .orderBy("c.endDate", "ASC")
      .addOrderBy("c.reference", "ASC")
      .getMany();
    return rows.filter((c) => endsWithoutPlan(c, on));
  }
}

@Resolver(() => PortfolioMoney)
export class PortfolioMoneyResolver {
  @FieldResolver(() => Portfolio, { nullable: true, description: "Null for the pipeline and reserves." })
  portfolio(@Root() row: PortfolioMoney, @Ctx() ctx: Context): Promise<Portfolio | null> | null {
    return row.portfolioId == null ? null : ctx.loaders.byId(Portfolio).load(row.portfolioId);
  }
}

@Resolver(() => PriorityMoney)
export class PriorityMoneyResolver {
  @FieldResolver(() => PlanPriority, { nullable: true })
  priority(@Root() row: PriorityMoney, @Ctx() ctx: Context): Promise<PlanPriority | null> | null {
    return row.priorityId == null ? null : ctx.loaders.byId(PlanPriority).load(row.priorityId);
  }
}

