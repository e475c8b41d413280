import { Arg, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { OFFICE_READERS, OFFICE_WRITERS } from "../users/role.js";
import { Risk, RiskReview, RiskStatus } from "./risk.entities.js";
import { CreateRiskInput, RiskReviewInput, UpdateRiskInput } from "./risk.inputs.js";
import * as risks from "./risk.service.js";

@ObjectType({ description: "One cell of the likelihood × impact grid." })
class RiskHeatMapCell {
  @Field(() => Int)
  likelihood!: number;

  @Field(() => Int)
  impact!: number;

  @Field(() => Int, { description: "Likelihood × impact, 1–25: how the cell is coloured." })
  get score(): number {
    return this.likelihood * this.impact;
  }

  @Field(() => Int)
  count!: number;

  @Field(() => [Int])
  riskIds!: number[];
}

@ObjectType({ description: "The risk register as a 5 × 5 grid." })
class RiskHeatMap {
  @Field(() => Int)
  officeId!: number;

  @Field(() => [RiskHeatMapCell], { description: "All 25 cells, likelihood then impact ascending, empty ones included." })
  cells!: RiskHeatMapCell[];

  @Field(() => Int, { description: "Risks on the grid." })
  total!: number;

  @Field(() => Int, { description: "Of those, escalated to the corporate risk register." })
  escalated!: number;
}

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

  @Authorized(...OFFICE_READERS)
  @Query(() => RiskHeatMap, { description: "Open risks (all but CLOSED, or only the status given) counted by likelihood × impact." })
  async riskHeatMap(
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int, { nullable: true, description: "Defaults to your office." }) officeId?: number | null,
    @Arg("status", () => RiskStatus, { nullable: true }) status?: RiskStatus | null,
  ): Promise<RiskHeatMap> {
    const map = await risks.riskHeatMap(ctx, officeId, status);
    return Object.assign(new RiskHeatMap(), { ...map, cells: map.cells.map((cell) => Object.assign(new RiskHeatMapCell(), cell)) });
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Risk)
  createRisk(@Ctx() ctx: Context, @Arg("input", () => CreateRiskInput) input: CreateRiskInput): Promise<Risk> {
    return risks.createRisk(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Risk)
  updateRisk(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you are editing; a stale one fails with CONFLICT." }) version: number,
    @Arg("input", () => UpdateRiskInput) input: UpdateRiskInput,
  ): Promise<Risk> {
    return risks.updateRisk(ctx, id, version, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => Risk, { description: "Record a quarter's review (one per quarter) and make it the risk's current likelihood, impact and status." })
  reviewRisk(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you reviewed; a stale one fails with CONFLICT." }) version: number,
    @Arg("input", () => RiskReviewInput) input: RiskReviewInput,
  ): Promise<Risk> {
    return risks.reviewRisk(ctx, id, version, input);
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
