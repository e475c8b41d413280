import { IsOptional, Length, Matches } from "class-validator";
import { Arg, Args, Authorized, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { In } from "typeorm";
import { requireUser } from "../../auth/access.js";
import { canEditProvider, loadVisible } from "../../auth/policy.js";
import type { Context } from "../../context.js";
import { Page, PageArgs, toPage, type PageResult } from "../../common/pagination.js";
import { foldCase, SearchArgs } from "../../common/search.js";
import { updateVersioned } from "../../db/versioned.js";
import { badInput, forbidden, notFound } from "../../errors.js";
import { Role } from "../users/role.js";
import { Provider, ProviderType } from "./provider.entity.js";

@InputType()
class ProviderInput {
  @Field(() => String)
  @Length(2, 200)
  name!: string;

  @Field(() => ProviderType)
  type!: ProviderType;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[0-9A-Z-]{4,20}$/, { message: "charityNumber must be a registered charity number" })
  charityNumber?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[0-9A-Z]{8}$/, { message: "companyNumber must be an 8-character Companies House number" })
  companyNumber?: string | null;
}

@ObjectType()
class ProviderPage extends Page(Provider) {}

/**
 * Providers are a register shared by every office (one charity may hold contracts with several), so
 * office staff see the whole register; a provider's own users see only their provider.
 */
@Resolver(() => Provider)
export class ProviderResolver {
  @Authorized()
  @Query(() => ProviderPage)
  async providers(@Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs, @Args(() => SearchArgs) { search }: SearchArgs): Promise<PageResult<Provider>> {
    const user = requireUser(ctx);
    const { manager } = ctx.services.db;
    const where = user.role === Role.PROVIDER ? { id: user.providerId ?? -1 } : {};
    if (!search) {
      const [items, total] = await manager.findAndCount(Provider, { where, order: { name: "ASC" }, take: page.first, skip: page.offset });
      return toPage(items, total, page);
    }
    // Matched here, not by the store's LIKE, so both stores fold case alike (see foldCase). The register holds one
    // row per organisation the offices fund (hundreds, not millions): its ids and names are read in name order,
    // and only the page's rows in full.
    const needle = foldCase(search);
    const register = await manager.find(Provider, { select: { id: true, name: true }, where, order: { name: "ASC" } });
    const matching = register.filter((p) => foldCase(p.name).includes(needle)).map((p) => p.id);
    const pageIds = matching.slice(page.offset, page.offset + page.first);
    const rows = new Map((pageIds.length ? await manager.findBy(Provider, { id: In(pageIds) }) : []).map((p) => [p.id, p]));
    return toPage(pageIds.flatMap((id) => rows.get(id) ?? []), matching.length, page);
  }

  @Authorized()
  @Query(() => Provider)
  provider(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<Provider> {
    return loadVisible(ctx, Provider, id);
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER)
  @Mutation(() => Provider)
  createProvider(@Ctx() ctx: Context, @Arg("input", () => ProviderInput) input: ProviderInput): Promise<Provider> {
    return ctx.services.writer.run(requireUser(ctx), async (uow) => {
      if (await uow.manager.existsBy(Provider, { name: input.name })) throw badInput("A provider with that name exists.", [{ field: "name", rule: "unique", message: "Already registered." }]);
      const provider = await uow.manager.save(uow.manager.create(Provider, input));
      await uow.audit("provider.create", { type: "Provider", id: provider.id, officeId: null }, null, provider);
      return provider;
    });
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER)
  @Mutation(() => Provider)
  updateProvider(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int, { description: "The version you are editing; a stale one fails with CONFLICT." }) version: number,
    @Arg("input", () => ProviderInput) input: ProviderInput,
  ): Promise<Provider> {
    return ctx.services.writer.run(requireUser(ctx), async (uow) => {
      const current = await uow.manager.findOneBy(Provider, { id });
      if (!current) throw notFound("Provider", id);
      if (!(await canEditProvider(ctx, requireUser(ctx), id))) throw forbidden("Only an office that holds a contract with this provider, or an administrator, can change its entry in the register.");
      const clash = await uow.manager.findOneBy(Provider, { name: input.name });
      if (clash && clash.id !== id) throw badInput("A provider with that name exists.", [{ field: "name", rule: "unique", message: "Already registered." }]);
      const updated = await updateVersioned(uow, Provider, current, version, input, "Provider");
      await uow.audit("provider.update", { type: "Provider", id, officeId: null }, current, updated);
      return updated;
    });
  }
}
