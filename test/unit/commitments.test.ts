import { describe, expect, it } from "vitest";
import { commitmentRefused, overCommitmentWarning, overCommittedPence, rollUp } from "../../server/modules/money/commitments.js";

const k = (pounds: number) => pounds * 100_000; // £k in pence
const figures = (amountPence: number, committedPence = 0, plannedPence = 0) => ({ amountPence, allocatedPence: 0, committedPence, plannedPence, spentPence: 0 });

describe("money that adds up (rules)", () => {
  it("rolls a parent up from its funds, through more than one level, without touching the inputs", () => {
    const streams = [
      { id: 1, parentId: null },
      { id: 2, parentId: 1 },
      { id: 3, parentId: 1 },
      { id: 4, parentId: 3 },
    ];
    const own = new Map([
      [1, figures(0)],
      [2, figures(k(810), k(810))],
      [3, figures(k(690), k(178), k(523))],
      [4, figures(k(50))],
    ]);
    const rolled = rollUp(streams, own);
    expect(rolled.get(1)).toMatchObject({ amountPence: k(1550), committedPence: k(988), plannedPence: k(523) });
    expect(rolled.get(3)!.amountPence).toBe(k(740));
    expect(own.get(1)!.amountPence).toBe(0);
  });

  it("measures over-commitment as committed plus planned beyond the amount", () => {
    expect(overCommittedPence(k(690), k(178), k(523))).toBe(k(11));
    expect(overCommittedPence(k(810), k(810), 0)).toBe(0);
    expect(overCommitmentWarning({ amountPence: k(810), committedPence: k(810), plannedPence: 0 })).toBeNull();
  });

  it("refuses only changes that add to a budget beyond what it holds", () => {
    expect(commitmentRefused(k(2939), k(2900), k(7900))).toBe(true);
    expect(commitmentRefused(k(2939), k(2900), k(2939))).toBe(false);
    // Already over (old data): an edit that leaves it as it was, or reduces it, passes; a penny more does not.
    expect(commitmentRefused(k(690), k(701), k(701))).toBe(false);
    expect(commitmentRefused(k(690), k(701), k(700))).toBe(false);
    expect(commitmentRefused(k(690), k(701), k(701) + 1)).toBe(true);
  });
});
