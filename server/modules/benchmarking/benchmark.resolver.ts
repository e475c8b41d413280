import { Arg, Authorized, Ctx, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { OFFICE_READERS } from "../users/role.js";
import { benchmarks } from "./benchmark.service.js";
import { Benchmarks } from "./benchmark.types.js";

@Resolver(() => Benchmarks)
export class BenchmarkResolver {
  // Office readers only (Commissioner, officers, analysts, administrators): providers never see benchmarks.
  @Authorized(...OFFICE_READERS)
  @Query(() => Benchmarks, { description: "Your office's indicator figures beside the other sharing offices' and the median, by quarter (accepted returns only)." })
  benchmarks(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<Benchmarks> {
    return benchmarks(ctx, officeId);
  }
}
