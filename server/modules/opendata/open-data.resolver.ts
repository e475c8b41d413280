import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { OFFICE_READERS, Role } from "../users/role.js";
import { OpenDataSettingsInput } from "./open-data.inputs.js";
import { OfficeOpenData } from "./open-data-settings.entity.js";
import * as openData from "./open-data.service.js";

@Resolver(() => OfficeOpenData)
export class OpenDataResolver {
  @Authorized(...OFFICE_READERS)
  @Query(() => OfficeOpenData, { description: "The office's open-data choices (version 0: never set, so nothing is published or shared)." })
  openDataSettings(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<OfficeOpenData> {
    return openData.openDataSettings(ctx, officeId);
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER)
  @Mutation(() => OfficeOpenData, { description: "Choose whether the office publishes its transparency page and open data, and whether it shares benchmarks." })
  setOpenDataSettings(
    @Ctx() ctx: Context,
    @Arg("input", () => OpenDataSettingsInput) input: OpenDataSettingsInput,
    @Arg("version", () => Int, { description: "The version you are editing (0 if never set); a stale one fails with CONFLICT." }) version: number,
  ): Promise<OfficeOpenData> {
    return openData.setOpenDataSettings(ctx, input, version);
  }
}
