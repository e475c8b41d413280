import { describe, expect, it } from "vitest";
import { biggestChanges, changeSize, exceptions, shortfall, type AttentionCell } from "../../server/modules/scorecards/attention.rules.js";
import { Rag } from "../../server/modules/scorecards/scorecard.rules.js";

const cell = (over: Partial<AttentionCell>): AttentionCell => ({ portfolioId: 1, indicatorId: 1, periodId: 1, direction: "HIGHER_IS_BETTER", rag: Rag.GREEN, actual: 50, target: 50, change: null, isRatio: false, ...over });

describe("what needs attention first", () => {
  it("lists red before amber, the largest shortfall first, and leaves out green, grey and untargeted cells", () => {
    const list = exceptions([
      cell({ indicatorId: 1, rag: Rag.AMBER, actual: 48, target: 50 }),
      cell({ indicatorId: 2, rag: Rag.RED, actual: 30, target: 50 }),
      cell({ indicatorId: 3, rag: Rag.RED, actual: 10, target: 50 }),
      cell({ indicatorId: 4, rag: Rag.GREEN }),
      cell({ indicatorId: 5, rag: Rag.GREY, actual: null }),
      cell({ indicatorId: 6, rag: Rag.NO_TARGET, target: null }),
    ]);
    expect(list.map((c) => c.indicatorId)).toEqual([3, 2, 1]);
  });

  it("measures a shortfall in the indicator's direction", () => {
    expect(shortfall({ actual: 40, target: 50, direction: "HIGHER_IS_BETTER" })).toBeCloseTo(0.2);
    expect(shortfall({ actual: 60, target: 50, direction: "LOWER_IS_BETTER" })).toBeCloseTo(0.2);
    expect(shortfall({ actual: 60, target: 50, direction: "HIGHER_IS_BETTER" })).toBe(0);
    expect(shortfall({ actual: 60, target: null, direction: "HIGHER_IS_BETTER" })).toBe(0);
  });

  it("ranks changes comparably: points for ratios, relative for counts; worse news first on a tie", () => {
    expect(changeSize({ actual: 70, change: -5, isRatio: true })).toBeCloseTo(0.05);
    expect(changeSize({ actual: 120, change: 20, isRatio: false })).toBeCloseTo(0.2);
    expect(changeSize({ actual: 5, change: 5, isRatio: false })).toBe(1); // from zero
    expect(changeSize({ actual: 5, change: 0, isRatio: false })).toBeNull();
    const ranked = biggestChanges(
      [
        cell({ indicatorId: 1, actual: 70, change: -5, isRatio: true }),
        cell({ indicatorId: 2, actual: 120, change: 20 }),
        cell({ indicatorId: 3, actual: 80, change: -20 }), // 100 → 80: the same size as 100 → 120, but worse news
        cell({ indicatorId: 4, actual: 100, change: null }),
        cell({ indicatorId: 5, actual: 101, change: 1 }),
      ],
      3,
    );
    expect(ranked.map((c) => c.indicatorId)).toEqual([3, 2, 1]);
  });
});
