import { describe, expect, it } from "vitest";
import { Direction } from "../../server/modules/kpis/kpi.entities.js";
import { changeFrom, isComplete, Rag, rateCell, TargetBasis } from "../../server/modules/scorecards/scorecard.rules.js";

const referrals = { factor: 1, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 20, hasDenominator: false };
const contacted = { factor: 100, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5, hasDenominator: true };

describe("the incomplete-quarter rating rule", () => {
  // Wiltshire, whole office, "Referrals received", 2023-24 Q4: 2,606 from 2 of 10 returns; the ten contracts'
  // quarterly targets add up to 4,670, the two that reported (VV-01 and VV-06) to 2,400 + 210 = 2,610.
  const wiltshireQ4 = { group: null, allContracts: 4670, reportingContracts: 2610, weighted: null };

  it("does not judge a count from 2 of 10 returns against the full quarter's target", () => {
    const cell = rateCell(referrals, { numerator: 2606, denominator: 0 }, { returnsIn: 2, returnsDue: 10 }, wiltshireQ4);
    expect(cell.complete).toBe(false);
    expect(cell.actual).toBe(2606);
    expect(cell.target).toBe(2610);
    expect(cell.targetBasis).toBe(TargetBasis.REPORTING_CONTRACTS);
    expect(cell.fullTarget).toBe(4670);
    // 4 short of the reporting contracts' 2,610: within the amber tolerance of 20, not "−2,064, off target".
    expect(cell.rag).toBe(Rag.AMBER);
  });

  it("judges the same count against the full target once every return is in", () => {
    const cell = rateCell(referrals, { numerator: 4600, denominator: 0 }, { returnsIn: 10, returnsDue: 10 }, { ...wiltshireQ4, reportingContracts: 4670 });
    expect(cell.complete).toBe(true);
    expect(cell.target).toBe(4670);
    expect(cell.targetBasis).toBe(TargetBasis.ALL_CONTRACTS);
    expect(cell.rag).toBe(Rag.RED);
  });

  it("gives an incomplete count no RAG when only a group-wide target exists or a reporting contract has none", () => {
    const groupOnly = rateCell(referrals, { numerator: 20, denominator: 0 }, { returnsIn: 1, returnsDue: 3 }, { group: 45, allContracts: null, reportingContracts: null, weighted: null });
    expect(groupOnly.rag).toBe(Rag.NO_TARGET);
    expect(groupOnly.target).toBeNull();
    expect(groupOnly.targetBasis).toBe(TargetBasis.NONE);
    expect(groupOnly.fullTarget).toBe(45);
    // Complete, the same group target applies.
    const complete = rateCell(referrals, { numerator: 44, denominator: 0 }, { returnsIn: 3, returnsDue: 3 }, { group: 45, allContracts: null, reportingContracts: null, weighted: null });
    expect([complete.rag, complete.targetBasis]).toEqual([Rag.AMBER, TargetBasis.GROUP]);
  });

  it("keeps a ratio's RAG over the reporting contracts, marked incomplete", () => {
    const weighted = rateCell(contacted, { numerator: 80, denominator: 100 }, { returnsIn: 1, returnsDue: 4 }, { group: null, allContracts: null, reportingContracts: null, weighted: 90 });
    expect(weighted).toMatchObject({ actual: 80, target: 90, rag: Rag.RED, complete: false, targetBasis: TargetBasis.REPORTING_CONTRACTS });
    const group = rateCell(contacted, { numerator: 88, denominator: 100 }, { returnsIn: 1, returnsDue: 4 }, { group: 90, allContracts: null, reportingContracts: null, weighted: 85 });
    expect(group).toMatchObject({ target: 90, rag: Rag.AMBER, complete: false, targetBasis: TargetBasis.GROUP });
  });

  it("is grey with no returns at all, and incomplete", () => {
    const cell = rateCell(referrals, null, { returnsIn: 0, returnsDue: 10 }, wiltshireQ4);
    expect([cell.rag, cell.complete, cell.target]).toEqual([Rag.GREY, false, null]);
  });

  it("derives the flag for cells frozen before it existed", () => {
    expect(isComplete({ returnsIn: 2, returnsDue: 10 })).toBe(false);
    expect(isComplete({ returnsIn: 10, returnsDue: 10 })).toBe(true);
  });

  it("gives no change from the previous quarter for an incomplete count, but does for a ratio", () => {
    expect(changeFrom(referrals, { actual: 2606, complete: false }, { actual: 4670, complete: true })).toBeNull();
    expect(changeFrom(referrals, { actual: 4600, complete: true }, { actual: 4670, complete: true })).toBe(-70);
    expect(changeFrom(contacted, { actual: 80, complete: false }, { actual: 90, complete: true })).toBe(-10);
  });
});
