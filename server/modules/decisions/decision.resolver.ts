import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { officeToRead, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Contract } from "../contracts/contract.entities.js";
import { PerformanceReturn } from "../returns/return.entities.js";
import { canSeeReturn } from "../returns/return.service.js";
import { Role } from "../users/role.js";
import { Decision } from "./decision.entity.js";
import { RecordDecisionInput } from "./decision.inputs.js";
import * as decisions from "./decision.service.js";

const evidenceIds = (decision: Decision): number[] => decision.evidenceReturnIds.filter(Boolean).map(Number);

@Resolver(() => Decision)
export class DecisionResolver {
  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.ANALYST)
  @Query(() => [Decision], { description: "Commissioning decisions, newest first. Analysts see published ones only." })
  decisions(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<Decision[]> {
    const published = ctx.user?.role === Role.ANALYST ? { published: true } : {};
    return ctx.services.db.manager.find(Decision, { where: { officeId: officeToRead(ctx, officeId), ...published }, order: { decidedOn: "DESC", id: "DESC" } });
  }

  @Authorized(...decisions.DECISION_RECORDERS)
  @Mutation(() => Decision, { description: "Record a decision, unpublished. The evidence must be the office's own returns (the contract's, when one is named)." })
  recordDecision(@Ctx() ctx: Context, @Arg("input", () => RecordDecisionInput) input: RecordDecisionInput): Promise<Decision> {
    return decisions.recordDecision(ctx, input);
  }

  @Authorized(...decisions.DECISION_PUBLISHERS)
  @Mutation(() => Decision, { description: "Publish a decision: the Panel's analysts see it from then on." })
  publishDecision(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you are publishing; a stale one fails with CONFLICT." }) version: number,
  ): Promise<Decision> {
    return decisions.publishDecision(ctx, id, version);
  }

  @FieldResolver(() => Contract, { nullable: true })
  contract(@Root() decision: Decision, @Ctx() ctx: Context): Promise<Contract | null> | null {
    return decision.contractId == null ? null : ctx.loaders.byId(Contract).load(decision.contractId);
  }

  @FieldResolver(() => [Int], { description: "Ids of the performance returns the decision relied on." })
  evidenceReturnIds(@Root() decision: Decision): number[] {
    return evidenceIds(decision);
  }

  @FieldResolver(() => [PerformanceReturn], { description: "The performance returns the decision relied on, those you may see (analysts: accepted ones)." })
  async evidence(@Root() decision: Decision, @Ctx() ctx: Context): Promise<PerformanceReturn[]> {
    const user = requireUser(ctx);
    const loaded = await ctx.loaders.byId(PerformanceReturn).loadMany(evidenceIds(decision));
    const returns = loaded.filter((r): r is PerformanceReturn => r instanceof PerformanceReturn);
    const contracts = await ctx.loaders.byId(Contract).loadMany(returns.map((r) => r.contractId));
    return returns.filter((r, i) => {
      const contract = contracts[i];
      return contract instanceof Contract && canSeeReturn(user, contract, r.state);
    });
  }
}
