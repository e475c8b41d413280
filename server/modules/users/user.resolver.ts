import { Arg, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Office } from "../offices/office.entity.js";
import { Provider } from "../providers/provider.entity.js";
import { Role, USER_MANAGERS } from "./role.js";
import { CreateUserInput, UpdateUserInput } from "./user.inputs.js";
import { User } from "./user.entity.js";
import * as users from "./user.service.js";

@ObjectType()
class AuthPayload {
  @Field(() => String, { description: "Send as `Authorization: Bearer <token>` over HTTP, or as connectionParams.authorization over WebSocket." })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}

@Resolver(() => User)
export class UserResolver {
  @Mutation(() => AuthPayload, { description: "Exchange an email and password for a signed, expiring token." })
  async login(@Ctx() ctx: Context, @Arg("email", () => String) email: string, @Arg("password", () => String) password: string): Promise<AuthPayload> {
    const payload = await users.login(ctx, email, password);
    // The rest of this answer (the user, their office) is read as the user who just signed in.
    ctx.user = payload.user;
    return payload;
  }

  @Query(() => User, { nullable: true, description: "The signed-in user, or null." })
  me(@Ctx() ctx: Context): User | null {
    return ctx.user;
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER)
  @Query(() => [User], { description: "Users of an office (administrators: any office)." })
  users(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<User[]> {
    const office = officeToRead(ctx, officeId);
    return ctx.services.db.manager.find(User, { where: { officeId: office }, order: { name: "ASC" } });
  }

  @Authorized(...USER_MANAGERS)
  @Mutation(() => User, { description: "Administrators: any user. The Commissioner: staff of their own office (COMMISSIONER, OFFICER, ANALYST)." })
  createUser(@Ctx() ctx: Context, @Arg("input", () => CreateUserInput) input: CreateUserInput): Promise<User> {
    return users.createUser(ctx, input);
  }

  @Authorized(...USER_MANAGERS)
  @Mutation(() => User, { description: "Administrators: any user. The Commissioner: their own office's staff, who stay its staff. Nobody deactivates or re-roles themselves." })
  updateUser(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you are editing; a stale one fails with CONFLICT." }) version: number,
    @Arg("input", () => UpdateUserInput) input: UpdateUserInput,
  ): Promise<User> {
    return users.updateUser(ctx, id, version, input);
  }

  @FieldResolver(() => Office, { nullable: true })
  office(@Root() user: User, @Ctx() ctx: Context): Promise<Office | null> | null {
    return user.officeId == null ? null : ctx.loaders.byId(Office).load(user.officeId);
  }

  @FieldResolver(() => Provider, { nullable: true })
  provider(@Root() user: User, @Ctx() ctx: Context): Promise<Provider | null> | null {
    return user.providerId == null ? null : ctx.loaders.byId(Provider).load(user.providerId);
  }
}
