import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { findVisible } from "../../common/office-records.js";
import { YearArgs } from "../../common/year-args.js";
import { Office } from "../offices/office.entity.js";
import { OFFICE_READERS, OFFICE_WRITERS } from "../users/role.js";
import { FundingStream, FundingStreamYear } from "./funding.entities.js";
import { FundingStreamInput, FundingStreamYearInput } from "./funding.inputs.js";
import * as funding from "./funding.service.js";

@Resolver(() => FundingStream)
export class FundingStreamResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => [FundingStream])
  fundingStreams(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<FundingStream[]> {
    return ctx.services.db.manager.find(FundingStream, { where: { officeId: officeToRead(ctx, officeId) }, order: { id: "ASC" } });
  }

  @Authorized(...OFFICE_READERS)
  @Query(() => FundingStream)
  fundingStream(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<FundingStream> {
    return findVisible(ctx, funding.FundingStreamRecord, id);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => FundingStream)
  createFundingStream(@Ctx() ctx: Context, @Arg("input", () => FundingStreamInput) input: FundingStreamInput): Promise<FundingStream> {
    return funding.createFundingStream(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => FundingStream)
  updateFundingStream(
    @Ctx() ctx: Context,
    @Arg("id", () => Int) id: number,
    @Arg("version", () => Int) version: number,
    @Arg("input", () => FundingStreamInput) input: FundingStreamInput,
  ): Promise<FundingStream> {
    return funding.updateFundingStream(ctx, id, version, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => FundingStreamYear, { description: "Set a stream's amount for one financial year." })
  setFundingStreamYear(@Ctx() ctx: Context, @Arg("input", () => FundingStreamYearInput) input: FundingStreamYearInput): Promise<FundingStreamYear> {
    return funding.setFundingStreamYear(ctx, input);
  }

  @FieldResolver(() => Office)
  async office(@Root() stream: FundingStream, @Ctx() ctx: Context): Promise<Office> {
    return (await ctx.loaders.byId(Office).load(stream.officeId))!;
  }

  @FieldResolver(() => FundingStream, { nullable: true })
  parent(@Root() stream: FundingStream, @Ctx() ctx: Context): Promise<FundingStream | null> | null {
    return stream.parentId == null ? null : ctx.loaders.byId(FundingStream).load(stream.parentId);
  }

  @FieldResolver(() => [FundingStream], { description: "Funds held within this one." })
  children(@Root() stream: FundingStream, @Ctx() ctx: Context): Promise<FundingStream[]> {
    return ctx.loaders.manyBy(FundingStream, "parentId").load(stream.id);
  }

  @FieldResolver(() => [FundingStreamYear], { description: "Amount per financial year." })
  years(@Root() stream: FundingStream, @Ctx() ctx: Context): Promise<FundingStreamYear[]> {
    return ctx.loaders.manyBy(FundingStreamYear, "streamId", { year: "ASC" }).load(stream.id);
  }

  @FieldResolver(() => FundingStreamYear, { nullable: true, description: "Amount in one financial year." })
  async year(@Root() stream: FundingStream, @Ctx() ctx: Context, @Args(() => YearArgs) { year }: YearArgs): Promise<FundingStreamYear | null> {
    const years = await ctx.loaders.manyBy(FundingStreamYear, "streamId", { year: "ASC" }).load(stream.id);
    return years.find((y) => y.year === year) ?? null;
  }
}
