import { describe, expect, it } from "vitest";
import { Direction } from "../../server/modules/kpis/kpi.entities.js";
import { actual, add, rag, Rag } from "../../server/modules/scorecards/scorecard.rules.js";

const percent = { factor: 100, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5, hasDenominator: true };
const lowerCount = { factor: 1, direction: Direction.LOWER_IS_BETTER, amberTolerance: 5, hasDenominator: false };

describe("scorecard rules", () => {
  it("rolls up by summing numerators and denominators, not by averaging percentages", () => {
    const small = { numerator: 9, denominator: 10 }; // 90%
    const large = { numerator: 50, denominator: 100 }; // 50%
    expect(actual(percent, add(small, large))).toBeCloseTo((59 / 110) * 100, 10);
    expect(actual(percent, add(small, large))).not.toBeCloseTo((90 + 50) / 2, 1);
  });

  it("has no value without data or with a zero denominator; counts are plain sums", () => {
    expect(actual(percent, null)).toBeNull();
    expect(actual(percent, { numerator: 0, denominator: 0 })).toBeNull();
    expect(actual(lowerCount, { numerator: 42, denominator: 0 })).toBe(42);
  });

  it("rates green at target, amber within the tolerance, red beyond, in the indicator's direction", () => {
    expect(rag(percent, 90, 90)).toBe(Rag.GREEN);
    expect(rag(percent, 86, 90)).toBe(Rag.AMBER);
    expect(rag(percent, 85, 90)).toBe(Rag.AMBER);
    expect(rag(percent, 84.9, 90)).toBe(Rag.RED);
    expect(rag(lowerCount, 40, 45)).toBe(Rag.GREEN);
    expect(rag(lowerCount, 50, 45)).toBe(Rag.AMBER);
    expect(rag(lowerCount, 51, 45)).toBe(Rag.RED);
  });

  it("is grey without data and says when there is no target", () => {
    expect(rag(percent, null, 90)).toBe(Rag.GREY);
    expect(rag(percent, 70, null)).toBe(Rag.NO_TARGET);
  });
});
