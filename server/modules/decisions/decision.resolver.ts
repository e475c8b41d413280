import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Contract } from "../contracts/contract.entities.js";
import { Role } from "../users/role.js";
import { Decision } from "./decision.entity.js";

@Resolver(() => Decision)
export class DecisionResolver {
  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.ANALYST)
  @Query(() => [Decision], { description: "Commissioning decisions, newest first. Analysts see published ones only." })
  decisions(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<Decision[]> {
    const published = ctx.user?.role === Role.ANALYST ? { published: true } : {};
    return ctx.services.db.manager.find(Decision, { where: { officeId: officeToRead(ctx, officeId), ...published }, order: { decidedOn: "DESC", id: "DESC" } });
  }

  @FieldResolver(() => Contract, { nullable: true })
  contract(@Root() decision: Decision, @Ctx() ctx: Context): Promise<Contract | null> | null {
    return decision.contractId == null ? null : ctx.loaders.byId(Contract).load(decision.contractId);
  }

  @FieldResolver(() => [Int], { description: "Ids of the performance returns the decision relied on." })
  evidenceReturnIds(@Root() decision: Decision): number[] {
    return decision.evidenceReturnIds.filter(Boolean).map(Number);
  }
}
