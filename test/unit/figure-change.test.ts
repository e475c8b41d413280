import { describe, expect, it } from "vitest";
import { figureChange, figuresOffTarget, formatPercentChange, previousAccepted, targetText } from "../../dashboard/src/features/returns/figure-change.js";

const cell = (over: Partial<Parameters<typeof targetText>[0]>) => ({ actual: 10, target: 12, fullTarget: 12, targetBasis: "ALL_CONTRACTS", rag: "RED", complete: true, returnsIn: 1, returnsDue: 1, ...over });
const n = (v: number) => String(v);

describe("a return review's arithmetic", () => {
  it("gives the change from the previous figure, absolute and relative", () => {
    expect(figureChange(452, 474)).toEqual({ absolute: -22, percent: (-22 / 474) * 100 });
    expect(figureChange(5, 0)).toEqual({ absolute: 5, percent: null });
    expect(figureChange(null, 3)).toEqual({ absolute: null, percent: null });
    expect(figureChange(3, undefined)).toEqual({ absolute: null, percent: null });
  });

  it("writes a percentage change with a real minus sign, and nothing to compare as a dash", () => {
    expect(formatPercentChange(12.345)).toBe("+12.3%");
    expect(formatPercentChange(-4.64)).toBe("\u22124.6%");
    expect(formatPercentChange(0.01)).toBe("No change");
    expect(formatPercentChange(null)).toBe("–");
  });

  it("compares with the latest accepted return before this quarter, never a later or unaccepted one", () => {
    const r = (label: string, state = "ACCEPTED") => ({ state, period: { id: 0, label }, values: [] });
    const returns = [r("2023-24 Q3"), r("2024-25 Q1", "SUBMITTED"), r("2023-24 Q4"), r("2024-25 Q2"), r("2024-25 Q1")];
    expect(previousAccepted(returns, "2024-25 Q1")?.period.label).toBe("2023-24 Q4");
    expect(previousAccepted([r("2023-24 Q4", "RETURNED")], "2024-25 Q1")).toBeNull();
  });

  it("states the target under the incomplete-quarter rule", () => {
    expect(targetText(cell({}), n)).toBe("12");
    expect(targetText(cell({ target: 5, fullTarget: 12, targetBasis: "REPORTING_CONTRACTS", complete: false }), n)).toBe("5 (reporting contracts only; full quarter 12)");
    expect(targetText(cell({ target: null, fullTarget: 12, targetBasis: "NONE", complete: false, returnsIn: 0 }), n)).toBe("Not rated until all returns are in (full quarter 12)");
    expect(targetText(cell({ target: null, fullTarget: null, targetBasis: "NONE" }), n)).toBe("No target");
  });

  it("lists figures off target, then near target, for the confirmation", () => {
    const figures = [{ name: "a", cell: cell({ rag: "GREEN" }) }, { name: "b", cell: cell({ rag: "RED" }) }, { name: "c", cell: cell({ rag: "AMBER" }) }, { name: "d", cell: cell({ rag: "NO_TARGET" }) }];
    const { off, near } = figuresOffTarget(figures);
    expect([off.map((f) => f.name), near.map((f) => f.name)]).toEqual([["b"], ["c"]]);
  });
});
