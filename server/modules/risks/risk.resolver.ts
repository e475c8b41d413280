import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { OFFICE_READERS } from "../users/role.js";
import { Risk, RiskReview, RiskStatus } from "./risk.entities.js";

@Resolver(() => Risk)
export class RiskResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => [Risk], { description: "The office's commissioning risk register, highest score first." })
  async risks(
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null,
    @Arg("status", () => RiskStatus, { nullable: true }) status?: RiskStatus | null,
  ): Promise<Risk[]> {
    const rows = await ctx.services.db.manager.find(Risk, { where: { officeId: officeToRead(ctx, officeId), ...(status ? { status } : {}) }, order: { id: "ASC" } });
    return rows.sort((a, b) => b.score - a.score || a.id - b.id);
  }

  @FieldResolver(() => Portfolio, { nullable: true })
  portfolio(@Root() risk: Risk, @Ctx() ctx: Context): Promise<Portfolio | null> | null {
    return risk.portfolioId == null ? null : ctx.loaders.byId(Portfolio).load(risk.portfolioId);
  }

  @FieldResolver(() => [RiskReview], { description: "Quarterly reviews, oldest first." })
  reviews(@Root() risk: Risk, @Ctx() ctx: Context): Promise<RiskReview[]> {
    return ctx.loaders.manyBy(RiskReview, "riskId", { year: "ASC", quarter: "ASC", id: "ASC" }).load(risk.id);
  }
}
