import { describe, expect, it } from "vitest";
import { formatMoney, formatMoneyShort, niceTicks } from "../../dashboard/src/format.js";

describe("money in summaries", () => {
  it("drops pence where they are noise, keeps them on small amounts that have them", () => {
    expect(formatMoney(456_100_000)).toBe("£4,561,000");
    expect(formatMoney(1_530_050)).toBe("£15,301"); // £15,300.50 in a summary: pence are noise
    expect(formatMoney(1_250)).toBe("£12.50");
    expect(formatMoney(-1_100_000)).toBe("-£11,000");
    expect(formatMoney(0)).toBe("£0");
  });

  it("gives short figures exact to the thousand", () => {
    expect(formatMoneyShort(456_100_000)).toBe("£4.561m");
    expect(formatMoneyShort(25_000_000)).toBe("£250k");
    expect(formatMoneyShort(1_530_000)).toBe("£15.3k");
    expect(formatMoneyShort(90_000)).toBe("£900");
    expect(formatMoneyShort(-1_100_000)).toBe("\u2212£11k");
  });

  it("puts chart ticks on round amounts from zero past the largest bar, so every label is exact", () => {
    expect(niceTicks(293_900_000)).toEqual([0, 100_000_000, 200_000_000, 300_000_000]);
    expect(niceTicks(8_100_000)).toEqual([0, 2_000_000, 4_000_000, 6_000_000, 8_000_000, 10_000_000]);
    expect(niceTicks(0)).toEqual([0]);
    for (const max of [1, 7, 99, 12_345, 5_000_000, 456_100_000]) {
      const ticks = niceTicks(max);
      expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(11);
      for (const t of ticks) expect(formatMoneyShort(t)).not.toMatch(/\.\d{4,}/);
    }
  });
});
