import { Arg, Args, Authorized, Ctx, FieldResolver, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Page, PageArgs, toPage, type PageResult } from "../../common/pagination.js";
import { Role } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { AuditEvent } from "./audit-event.entity.js";

@ObjectType()
class AuditEventPage extends Page(AuditEvent) {}

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER)
  @Query(() => AuditEventPage, { description: "The office's audit trail, newest first." })
  async auditEvents(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null,
    @Arg("entityType", () => String, { nullable: true }) entityType?: string | null,
    @Arg("entityId", () => Int, { nullable: true }) entityId?: number | null,
  ): Promise<PageResult<AuditEvent>> {
    const where = { officeId: officeToRead(ctx, officeId), ...(entityType ? { entityType } : {}), ...(entityId != null ? { entityId } : {}) };
    const [items, total] = await ctx.services.db.manager.findAndCount(AuditEvent, { where, order: { id: "DESC" }, take: page.first, skip: page.offset });
    return toPage(items, total, page);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who made the change." })
  user(@Root() event: AuditEvent, @Ctx() ctx: Context): Promise<User | null> | null {
    return event.userId == null ? null : ctx.loaders.byId(User).load(event.userId);
  }
}
