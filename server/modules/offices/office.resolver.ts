import { IsOptional, Length, Matches } from "class-validator";
import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, Query, Resolver } from "type-graphql";
import { In } from "typeorm";
import { isCrossOffice, requireUser } from "../../auth/access.js";
import { loadVisible, providerOffices } from "../../auth/policy.js";
import type { Context } from "../../context.js";
import { updateVersioned } from "../../db/versioned.js";
import { badInput, notFound } from "../../errors.js";
import { Role } from "../users/role.js";
import { Office } from "./office.entity.js";

@InputType()
class CreateOfficeInput {
  @Field(() => String)
  @Length(2, 120)
  name!: string;

  @Field(() => String, { description: "Lower-case letters, digits and hyphens." })
  @Matches(/^[a-z0-9-]{2,40}$/)
  code!: string;

  @Field(() => String)
  @Length(2, 200)
  commissionerTitle!: string;
}

@InputType()
class UpdateOfficeInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 120)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 200)
  commissionerTitle?: string;
}

@Resolver(() => Office)
export class OfficeResolver {
  @Authorized()
  @Query(() => [Office], { description: "Offices the caller can see: their own; every office for administrators; for providers, those they hold contracts with." })
  async offices(@Ctx() ctx: Context): Promise<Office[]> {
    const user = requireUser(ctx);
    const manager = ctx.services.db.manager;
    if (isCrossOffice(user)) return manager.find(Office, { order: { name: "ASC" } });
    if (user.role === Role.PROVIDER) {
      return manager.find(Office, { where: { id: In([...(await providerOffices(ctx))]) }, order: { name: "ASC" } });
    }
    return user.officeId == null ? [] : manager.find(Office, { where: { id: user.officeId } });
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.ANALYST)
  @Query(() => Office)
  async office(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<Office> {
    return loadVisible(ctx, Office, id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Office)
  async createOffice(@Ctx() ctx: Context, @Arg("input", () => CreateOfficeInput) input: CreateOfficeInput): Promise<Office> {
    return ctx.services.writer.run(requireUser(ctx), async (uow) => {
      if (await uow.manager.existsBy(Office, [{ name: input.name }, { code: input.code }])) {
        throw badInput("An office with that name or code exists.", [{ field: "code", rule: "unique", message: "Already in use." }]);
      }
      const office = await uow.manager.save(uow.manager.create(Office, input));
      await uow.audit("office.create", { type: "Office", id: office.id, officeId: office.id }, null, office);
      return office;
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Office)
  async updateOffice(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you are editing; a stale one fails with CONFLICT." }) version: number,
    @Arg("input", () => UpdateOfficeInput) input: UpdateOfficeInput,
  ): Promise<Office> {
    return ctx.services.writer.run(requireUser(ctx), async (uow) => {
      const office = await uow.manager.findOneBy(Office, { id });
      if (!office) throw notFound("Office", id);
      if (input.name && input.name !== office.name && (await uow.manager.existsBy(Office, { name: input.name }))) {
        throw badInput("An office with that name exists.", [{ field: "name", rule: "unique", message: "Already in use." }]);
      }
      const updated = await updateVersioned(uow, Office, office, version, Object.fromEntries(Object.entries(input).filter(([, v]) => v != null)) as Partial<Office>, "Office");
      await uow.audit("office.update", { type: "Office", id, officeId: id }, office, updated);
      return updated;
    });
  }
}
