import { registerEnumType } from "type-graphql";
import { quarterDates, type Quarter } from "../periods/financial-year.js";

/**
 * Proportionate monitoring (seeds/003: reporting proportionate to the service and the funding; light reports for
 * small grants). A contract's schedule says in which quarters its provider owes a return.
 */
export enum ReportingSchedule {
  QUARTERLY = "QUARTERLY",
  HALF_YEARLY = "HALF_YEARLY",
  YEARLY = "YEARLY",
  END_OF_GRANT = "END_OF_GRANT",
}
registerEnumType(ReportingSchedule, {
  name: "ReportingSchedule",
  description: "In which quarters a contract's provider owes a performance return.",
  valuesConfig: {
    QUARTERLY: { description: "Every quarter (the default)." },
    HALF_YEARLY: { description: "Q2 (April–September) and Q4 (October–March)." },
    YEARLY: { description: "Q4 only, covering the financial year." },
    END_OF_GRANT: { description: "One short report, for the quarter in which the grant ends (Q4 of its last year when no end date is set)." },
  },
});

/** Grants below this annual value make one end-of-grant report by default. */
export const END_OF_GRANT_BELOW_PENCE = 10_000_00;
/** Grants below this (and at or above the one above) report half-yearly by default. */
export const HALF_YEARLY_BELOW_PENCE = 50_000_00;

/**
 * The schedule a new contract gets unless the officer chooses another: grants under £10,000 report once at the
 * end of the grant; grants under £50,000 half-yearly; everything else (contracted services, partnership
 * agreements, any-qualified-provider, larger grants, and any contract of unknown value) quarterly.
 */
export function defaultReportingSchedule(mechanism: string, annualValuePence: number | null | undefined): ReportingSchedule {
  if (mechanism !== "GRANT" || annualValuePence == null) return ReportingSchedule.QUARTERLY;
  if (annualValuePence < END_OF_GRANT_BELOW_PENCE) return ReportingSchedule.END_OF_GRANT;
  if (annualValuePence < HALF_YEARLY_BELOW_PENCE) return ReportingSchedule.HALF_YEARLY;
  return ReportingSchedule.QUARTERLY;
}

export interface ScheduledContract {
  reportingSchedule: ReportingSchedule | string;
  /** ISO dates; null when open-ended. */
  startDate: string | null;
  endDate: string | null;
}

/**
 * THE rule for "is a return due for contract C in period P". Completeness, scorecards (returnsDue), the
 * provider's list of returns to make and the maintained aggregates all ask this one function.
 *
 * - Nothing is due for a quarter wholly outside the contract's term.
 * - QUARTERLY: every quarter; HALF_YEARLY: Q2 and Q4; YEARLY: Q4.
 * - END_OF_GRANT: only the quarter containing the end date (Q4 of any year when no end date is set, which
 *   makes an open-ended small grant report yearly rather than never).
 */
export function isReturnDue(contract: ScheduledContract, period: Quarter): boolean {
  const { start, end } = quarterDates(period);
  if (contract.startDate && contract.startDate > end) return false;
  if (contract.endDate && contract.endDate < start) return false;
  switch (contract.reportingSchedule) {
    case ReportingSchedule.HALF_YEARLY:
      return period.quarter === 2 || period.quarter === 4;
    case ReportingSchedule.YEARLY:
      return period.quarter === 4;
    case ReportingSchedule.END_OF_GRANT:
      return contract.endDate ? contract.endDate <= end : period.quarter === 4;
    default:
      return true;
  }
}

/** Whether the schedule asks for the short form (no case study or emerging risks; figures and a summary only). */
export function isShortForm(schedule: ReportingSchedule | string): boolean {
  return schedule === ReportingSchedule.END_OF_GRANT;
}
