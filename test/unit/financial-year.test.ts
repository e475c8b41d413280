import { describe, expect, it } from "vitest";
import { defaultDueDate, isFinancialYear, isQuarterLabel, parseQuarter, previousQuarter, quarterDates, quarterIndex } from "../../server/modules/periods/financial-year.js";

describe("financial years and quarters", () => {
  it("accepts only consecutive April-to-March years", () => {
    expect(isFinancialYear("2023-24")).toBe(true);
    expect(isFinancialYear("1999-00")).toBe(false);
    expect(isFinancialYear("2099-00")).toBe(true);
    for (const bad of ["2023-25", "2023/24", "23-24", "2023-2024", "", "2023-24 ", null, 2023]) expect(isFinancialYear(bad)).toBe(false);
  });

  it("parses quarter labels and rejects malformed ones", () => {
    expect(parseQuarter("2023-24 Q2")).toEqual({ year: "2023-24", quarter: 2 });
    for (const bad of ["2023-24 Q5", "2023-24 Q0", "2023-24Q2", "2023-25 Q1", "Q1 2023-24"]) expect(isQuarterLabel(bad)).toBe(false);
    expect(() => parseQuarter("2023-24 Q9")).toThrow(RangeError);
  });

  it("knows the dates of each quarter: Q1 is April to June, Q4 January to March of the next calendar year", () => {
    expect(quarterDates({ year: "2023-24", quarter: 1 })).toEqual({ start: "2023-04-01", end: "2023-06-30" });
    expect(quarterDates({ year: "2023-24", quarter: 2 })).toEqual({ start: "2023-07-01", end: "2023-09-30" });
    expect(quarterDates({ year: "2023-24", quarter: 3 })).toEqual({ start: "2023-10-01", end: "2023-12-31" });
    expect(quarterDates({ year: "2023-24", quarter: 4 })).toEqual({ start: "2024-01-01", end: "2024-03-31" });
  });

  it("makes returns due one calendar month after the quarter ends", () => {
    expect(defaultDueDate({ year: "2023-24", quarter: 1 })).toBe("2023-07-30");
    expect(defaultDueDate({ year: "2023-24", quarter: 3 })).toBe("2024-01-31");
    expect(defaultDueDate({ year: "2023-24", quarter: 4 })).toBe("2024-04-30");
  });

  it("orders quarters across year boundaries", () => {
    expect(previousQuarter({ year: "2024-25", quarter: 1 })).toEqual({ year: "2023-24", quarter: 4 });
    expect(quarterIndex({ year: "2023-24", quarter: 4 })).toBeLessThan(quarterIndex({ year: "2024-25", quarter: 1 }));
  });
});
