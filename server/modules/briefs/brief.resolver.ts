import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Contract } from "../contracts/contract.entities.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { OFFICE_READERS, OFFICE_WRITERS } from "../users/role.js";
import { BriefContractInput, BriefScoresInput, SubmitBriefInput } from "./brief.inputs.js";
import { briefTotal } from "./brief.rules.js";
import * as briefs from "./brief.service.js";
import { BriefState, ProjectBrief } from "./project-brief.entity.js";

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

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => ProjectBrief, { description: "Propose a service. It waits in SUBMITTED until it is scored." })
  submitBrief(@Ctx() ctx: Context, @Arg("input", () => SubmitBriefInput) input: SubmitBriefInput): Promise<ProjectBrief> {
    return briefs.submitBrief(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => ProjectBrief, { description: "Score (or rescore, until it is decided) a brief on the 0–3 matrix; it becomes SCORED." })
  scoreBrief(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you scored; a stale one fails with CONFLICT." }) version: number,
    @Arg("scores", () => BriefScoresInput) scores: BriefScoresInput,
  ): Promise<ProjectBrief> {
    return briefs.scoreBrief(ctx, id, version, scores);
  }

  @Authorized(...briefs.BRIEF_DECIDERS)
  @Mutation(() => ProjectBrief, { description: "Approve a scored brief: creates its contract (PIPELINE, stage PLAN) in the same transaction." })
  approveBrief(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you approved; a stale one fails with CONFLICT." }) version: number,
    @Arg("contract", () => BriefContractInput) contract: BriefContractInput,
  ): Promise<ProjectBrief> {
    return briefs.approveBrief(ctx, id, version, contract);
  }

  @Authorized(...briefs.BRIEF_DECIDERS)
  @Mutation(() => ProjectBrief, { description: "Decline a scored brief, with the reason." })
  declineBrief(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you declined; a stale one fails with CONFLICT." }) version: number,
    @Arg("reason", () => String) reason: string,
  ): Promise<ProjectBrief> {
    return briefs.declineBrief(ctx, id, version, reason);
  }

  @FieldResolver(() => Int, { nullable: true, description: "Business need × drivers × deliverability (0–27); null until scored." })
  totalScore(@Root() brief: ProjectBrief): number | null {
    return briefTotal(brief);
  }

  @FieldResolver(() => String, { nullable: true, description: "Why the Commissioner declined it; null unless DECLINED." })
  declineReason(@Root() brief: ProjectBrief, @Ctx() ctx: Context): Promise<string | null> {
    return briefs.declineReason(ctx, brief);
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
