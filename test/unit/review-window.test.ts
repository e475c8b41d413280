import { describe, expect, it } from "vitest";
import { addMonths, endsWithoutPlan, parseReviewWindow, ReprocurementDue, reprocurementDue } from "../../server/modules/contracts/review-window.js";

describe("review windows written as text become dates", () => {
  it("reads the documents' windows", () => {
    expect(parseReviewWindow("March to May 2023")).toEqual({ startDate: "2023-03-01", endDate: "2023-05-31" });
    expect(parseReviewWindow("April to December 2023")).toEqual({ startDate: "2023-04-01", endDate: "2023-12-31" });
    expect(parseReviewWindow("Market engagement from May 2019")).toEqual({ startDate: "2019-05-01", endDate: "2019-07-31" });
    expect(parseReviewWindow("Late 2019 to summer 2020")).toEqual({ startDate: "2019-09-01", endDate: "2020-08-31" });
  });

  it("puts a start month after the end month in the year before, and handles leap years", () => {
    expect(parseReviewWindow("November to February 2024")).toEqual({ startDate: "2023-11-01", endDate: "2024-02-29" });
    expect(parseReviewWindow("November 2023 to February 2024")).toEqual({ startDate: "2023-11-01", endDate: "2024-02-29" });
  });

  it("gives null for text that is not a window, rather than guessing", () => {
    for (const text of ["", "tbc", "soon", "March to May", "Marchember to May 2023", null, undefined]) expect(parseReviewWindow(text), String(text)).toBeNull();
  });
});

const plan = { status: "UNDER_REVIEW", endDate: "2024-03-31", reviewStartDate: "2023-07-01", reviewEndDate: "2023-11-30", plannedStartDate: "2024-04-01" };

describe("due and overdue re-procurement", () => {
  it("is upcoming before the window, due inside it, overdue after it while still under review, done once it is not", () => {
    expect(reprocurementDue(plan, "2023-06-30")).toBe(ReprocurementDue.UPCOMING);
    expect(reprocurementDue(plan, "2023-07-01")).toBe(ReprocurementDue.DUE);
    expect(reprocurementDue(plan, "2023-11-30")).toBe(ReprocurementDue.DUE);
    expect(reprocurementDue(plan, "2023-12-01")).toBe(ReprocurementDue.OVERDUE);
    expect(reprocurementDue({ ...plan, status: "IN_PROCUREMENT" }, "2024-05-01")).toBe(ReprocurementDue.OVERDUE);
    expect(reprocurementDue({ ...plan, status: "LIVE" }, "2024-05-01")).toBe(ReprocurementDue.DONE);
    expect(reprocurementDue({ ...plan, reviewStartDate: null, reviewEndDate: null, plannedStartDate: null }, "2023-07-01")).toBe(ReprocurementDue.NOT_PLANNED);
  });

  it("flags a running contract that ends within 12 months with no plan, and only that", () => {
    const bare = { status: "LIVE", endDate: "2024-03-31", reviewStartDate: null, reviewEndDate: null, plannedStartDate: null };
    expect(endsWithoutPlan(bare, "2023-03-31")).toBe(true); // exactly 12 months ahead
    expect(endsWithoutPlan(bare, "2023-03-30")).toBe(false); // a day more than 12 months ahead
    expect(endsWithoutPlan(bare, "2024-06-01")).toBe(true); // already past its end, still running
    expect(endsWithoutPlan({ ...bare, status: "ENDED" }, "2024-01-01")).toBe(false);
    expect(endsWithoutPlan({ ...bare, endDate: null }, "2024-01-01")).toBe(false);
    expect(endsWithoutPlan({ ...bare, reviewStartDate: "2023-09-01" }, "2024-01-01")).toBe(false);
    expect(endsWithoutPlan({ ...bare, plannedStartDate: "2024-04-01" }, "2024-01-01")).toBe(false);
  });

  it("adds months clamped to the month's end", () => {
    expect(addMonths("2023-08-31", 6)).toBe("2024-02-29");
    expect(addMonths("2023-01-15", 12)).toBe("2024-01-15");
  });
});
