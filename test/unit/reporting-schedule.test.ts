import { describe, expect, it } from "vitest";
import { defaultReportingSchedule, isReturnDue, isShortForm, ReportingSchedule } from "../../server/modules/contracts/reporting-schedule.js";
import type { Quarter } from "../../server/modules/periods/financial-year.js";

const q = (quarter: 1 | 2 | 3 | 4, year = "2023-24"): Quarter => ({ year, quarter });
const contract = (reportingSchedule: ReportingSchedule, startDate: string | null = null, endDate: string | null = null) => ({ reportingSchedule, startDate, endDate });
const dueQuarters = (c: ReturnType<typeof contract>, year = "2023-24") => ([1, 2, 3, 4] as const).filter((n) => isReturnDue(c, q(n, year)));

describe("is a return due for contract C in period P", () => {
  it("asks a quarterly contract every quarter, a half-yearly one in Q2 and Q4, a yearly one in Q4", () => {
    expect(dueQuarters(contract(ReportingSchedule.QUARTERLY))).toEqual([1, 2, 3, 4]);
    expect(dueQuarters(contract(ReportingSchedule.HALF_YEARLY))).toEqual([2, 4]);
    expect(dueQuarters(contract(ReportingSchedule.YEARLY))).toEqual([4]);
  });

  it("asks an end-of-grant contract once, in the quarter its grant ends, and never again", () => {
    const grant = contract(ReportingSchedule.END_OF_GRANT, "2023-06-01", "2023-11-15");
    expect(dueQuarters(grant)).toEqual([3]);
    expect(dueQuarters(grant, "2024-25")).toEqual([]);
    expect(dueQuarters(grant, "2022-23")).toEqual([]);
    // Open-ended: once a year rather than never.
    expect(dueQuarters(contract(ReportingSchedule.END_OF_GRANT))).toEqual([4]);
  });

  it("asks nothing for a quarter wholly outside the contract's term, whatever the schedule", () => {
    for (const schedule of Object.values(ReportingSchedule)) {
      const c = contract(schedule, "2023-10-01", "2024-03-31");
      expect(isReturnDue(c, q(2)), schedule).toBe(false); // before it starts
      expect(isReturnDue(c, q(1, "2024-25")), schedule).toBe(false); // after it ends
    }
    // A contract that starts on the quarter's last day or ends on its first still owes that quarter.
    expect(isReturnDue(contract(ReportingSchedule.QUARTERLY, "2023-06-30", null), q(1))).toBe(true);
    expect(isReturnDue(contract(ReportingSchedule.QUARTERLY, null, "2023-04-01"), q(1))).toBe(true);
  });

  it("treats an unknown schedule as quarterly, so a typo never hides a missing return", () => {
    expect(dueQuarters({ reportingSchedule: "FORTNIGHTLY" as ReportingSchedule, startDate: null, endDate: null })).toEqual([1, 2, 3, 4]);
  });
});

describe("the default schedule by mechanism and value", () => {
  it("gives grants under £10,000 one end-of-grant report, grants under £50,000 half-yearly returns, and everything else quarterly", () => {
    expect(defaultReportingSchedule("GRANT", 3_000_00)).toBe(ReportingSchedule.END_OF_GRANT);
    expect(defaultReportingSchedule("GRANT", 9_999_99)).toBe(ReportingSchedule.END_OF_GRANT);
    expect(defaultReportingSchedule("GRANT", 10_000_00)).toBe(ReportingSchedule.HALF_YEARLY);
    expect(defaultReportingSchedule("GRANT", 49_999_99)).toBe(ReportingSchedule.HALF_YEARLY);
    expect(defaultReportingSchedule("GRANT", 50_000_00)).toBe(ReportingSchedule.QUARTERLY);
    expect(defaultReportingSchedule("CONTRACTED_SERVICE", 3_000_00)).toBe(ReportingSchedule.QUARTERLY);
    expect(defaultReportingSchedule("GRANT", null)).toBe(ReportingSchedule.QUARTERLY);
  });

  it("uses the short form only for end-of-grant reports", () => {
    expect(Object.values(ReportingSchedule).filter(isShortForm)).toEqual([ReportingSchedule.END_OF_GRANT]);
  });
});
