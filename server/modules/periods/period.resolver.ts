import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { officeToRead, requireUser } from "../../auth/access.js";
import { providerOffices } from "../../auth/policy.js";
import type { Context } from "../../context.js";
import { badInput, forbidden } from "../../errors.js";
import { isQuarterLabel } from "./financial-year.js";
import { Office } from "../offices/office.entity.js";
import { DATE_RANGE, isIsoDate } from "../../common/validators.js";
import { OptionalYearArgs } from "../../common/year-args.js";
import { OFFICE_WRITERS, Role } from "../users/role.js";
import { closeReportingPeriod, openReportingPeriod } from "./period.service.js";
import { ReportingPeriod } from "./reporting-period.entity.js";

@Resolver(() => ReportingPeriod)
export class ReportingPeriodResolver {
  @Authorized()
  @Query(() => [ReportingPeriod], { description: "An office's reporting quarters, newest first. Provider users: offices they hold contracts with." })
  async reportingPeriods(
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null,
    @Args(() => OptionalYearArgs) { year }: OptionalYearArgs = {},
  ): Promise<ReportingPeriod[]> {
    const user = requireUser(ctx);
    let office: number;
    if (user.role === Role.PROVIDER) {
      if (officeId == null) throw forbidden("Provider users must name an office.");
      if (!(await providerOffices(ctx)).has(officeId)) throw forbidden("You hold no contracts with that office.");
      office = officeId;
    } else {
      office = officeToRead(ctx, officeId);
    }
    return ctx.services.db.manager.find(ReportingPeriod, { where: { officeId: office, ...(year ? { year } : {}) }, order: { year: "DESC", quarter: "DESC" } });
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => ReportingPeriod, { description: 'Open a quarter ("2024-25 Q1") for returns.' })
  openReportingPeriod(
    @Ctx() ctx: Context,
    @Arg("quarter", () => String) quarter: string,
    @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null,
    @Arg("dueDate", () => String, { nullable: true, description: "ISO date; defaults to one month after the quarter ends." }) dueDate?: string | null,
  ): Promise<ReportingPeriod> {
    const problems = [
      ...(isQuarterLabel(quarter) ? [] : [{ field: "quarter", rule: "quarter", message: 'Use the form "2024-25 Q1".' }]),
      ...(dueDate == null || isIsoDate(dueDate) ? [] : [{ field: "dueDate", rule: "date", message: `Use a date such as 2024-07-31, from ${DATE_RANGE.from} to ${DATE_RANGE.to}.` }]),
    ];
    if (problems.length) throw badInput("The period is not valid.", problems);
    return openReportingPeriod(ctx, officeToRead(ctx, officeId), quarter, dueDate);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => ReportingPeriod)
  closeReportingPeriod(@Ctx() ctx: Context, @Arg("id", () => Int) id: number, @Arg("version", () => Int) version: number): Promise<ReportingPeriod> {
    return closeReportingPeriod(ctx, id, version);
  }

  @FieldResolver(() => Office)
  async office(@Root() period: ReportingPeriod, @Ctx() ctx: Context): Promise<Office> {
    return (await ctx.loaders.byId(Office).load(period.officeId))!;
  }
}
