import { assertCanWriteOffice, requireUser } from "../../auth/access.js";
import { assertWritableOffice } from "../../common/office-records.js";
import type { Context } from "../../context.js";
import { updateVersioned } from "../../db/versioned.js";
import { badInput, conflict, notFound } from "../../errors.js";
import { defaultDueDate, parseQuarter, quarterDates } from "./financial-year.js";
import { PeriodState, ReportingPeriod } from "./reporting-period.entity.js";

/** Opens a quarter for returns. The due date defaults to one month after the quarter ends. */
export function openReportingPeriod(ctx: Context, officeId: number, label: string, dueDate?: string | null): Promise<ReportingPeriod> {
  const quarter = parseQuarter(label);
  const { start, end } = quarterDates(quarter);
  const due = dueDate ?? defaultDueDate(quarter);
  if (due < end) throw badInput("Returns cannot be due before the quarter ends.", [{ field: "dueDate", rule: "afterQuarter", message: `Choose a date after ${end}.` }]);
  return ctx.services.writer.run(requireUser(ctx), async (uow) => {
    await assertWritableOffice(ctx, uow.manager, officeId);
    if (await uow.manager.existsBy(ReportingPeriod, { officeId, year: quarter.year, quarter: quarter.quarter })) throw conflict(`${label} is already open or closed for this office.`);
    const period = await uow.manager.save(uow.manager.create(ReportingPeriod, { officeId, year: quarter.year, quarter: quarter.quarter, startDate: start, endDate: end, dueDate: due, state: PeriodState.OPEN }));
    await uow.audit("period.open", { type: "ReportingPeriod", id: period.id, officeId }, null, period);
    return period;
  });
}

/** Closes a quarter: providers can no longer edit or submit its returns. Officers can still review them. */
export function closeReportingPeriod(ctx: Context, id: number, version: number): Promise<ReportingPeriod> {
  return ctx.services.writer.run(requireUser(ctx), async (uow) => {
    const period = await uow.manager.findOneBy(ReportingPeriod, { id });
    if (!period) throw notFound("ReportingPeriod", id);
    assertCanWriteOffice(ctx, period.officeId);
    if (period.state !== PeriodState.OPEN) throw conflict(`The period is already ${period.state.toLowerCase()}.`);
    const closed = await updateVersioned(uow, ReportingPeriod, period, version, { state: PeriodState.CLOSED, closedAt: new Date() }, "ReportingPeriod");
    await uow.audit("period.close", { type: "ReportingPeriod", id, officeId: period.officeId }, period, closed);
    return closed;
  });
}
