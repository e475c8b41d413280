import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Contract } from "../contracts/contract.entities.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { OFFICE_READERS } from "../users/role.js";
import { BriefState, ProjectBrief } from "./project-brief.entity.js";

/** Business need × drivers × deliverability, each 0–3: 0–27, or null until all three are scored. */
export function briefTotal(brief: Pick<ProjectBrief, "businessNeedScore" | "driversScore" | "deliverabilityScore">): number | null {
  const { businessNeedScore: need, driversScore: drivers, deliverabilityScore: deliverability } = brief;
  return need == null || drivers == null || deliverability == null ? null : need * drivers * deliverability;
}

@Resolver(() => ProjectBrief)
export class ProjectBriefResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => [ProjectBrief])
  projectBriefs(
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null,
    @Arg("state", () => BriefState, { nullable: true }) state?: BriefState | null,
  ): Promise<ProjectBrief[]> {
    return ctx.services.db.manager.find(ProjectBrief, { where: { officeId: officeToRead(ctx, officeId), ...(state ? { state } : {}) }, order: { id: "ASC" } });
  }

  @FieldResolver(() => Int, { nullable: true, description: "Business need × drivers × deliverability (0–27); null until scored." })
  totalScore(@Root() brief: ProjectBrief): number | null {
    return briefTotal(brief);
  }

  @FieldResolver(() => Portfolio, { nullable: true })
  portfolio(@Root() brief: ProjectBrief, @Ctx() ctx: Context): Promise<Portfolio | null> | null {
    return brief.portfolioId == null ? null : ctx.loaders.byId(Portfolio).load(brief.portfolioId);
  }

  @FieldResolver(() => Contract, { nullable: true, description: "The contract an approved brief became." })
  contract(@Root() brief: ProjectBrief, @Ctx() ctx: Context): Promise<Contract | null> | null {
    return brief.contractId == null ? null : ctx.loaders.byId(Contract).load(brief.contractId);
  }
}
