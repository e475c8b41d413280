import { describe, expect, it } from "vitest";
import { approvalPortfolio, BRIEF_TOTAL_MAX, briefMoveRefusal, briefTotal, canMoveBrief, scoreProblems } from "../../server/modules/briefs/brief.rules.js";
import { BriefState } from "../../server/modules/briefs/project-brief.entity.js";

const scores = (businessNeedScore: number | null, driversScore: number | null, deliverabilityScore: number | null) => ({ businessNeedScore, driversScore, deliverabilityScore });

describe("brief scoring matrix", () => {
  it("multiplies business need, drivers and deliverability", () => {
    expect(briefTotal(scores(2, 3, 2))).toBe(12);
    expect(briefTotal(scores(3, 3, 3))).toBe(27);
    expect(BRIEF_TOTAL_MAX).toBe(27);
    expect(briefTotal(scores(1, 1, 1))).toBe(1);
  });

  it("sinks a brief that scores zero anywhere", () => {
    expect(briefTotal(scores(0, 3, 3))).toBe(0);
    expect(briefTotal(scores(3, 3, 0))).toBe(0);
  });

  it("has no total until all three are scored", () => {
    expect(briefTotal(scores(null, null, null))).toBeNull();
    expect(briefTotal(scores(2, null, 2))).toBeNull();
    expect(briefTotal(scores(2, 3, null))).toBeNull();
  });

  it("accepts whole numbers 0–3 and names each field outside that", () => {
    expect(scoreProblems(scores(0, 3, 2))).toEqual([]);
    expect(scoreProblems(scores(4, -1, 1.5)).map((p) => [p.field, p.rule])).toEqual([
      ["businessNeedScore", "range"],
      ["driversScore", "range"],
      ["deliverabilityScore", "range"],
    ]);
    expect(scoreProblems(scores(1, null, 1)).map((p) => [p.field, p.rule])).toEqual([["driversScore", "required"]]);
  });
});

describe("brief state machine", () => {
  const { SUBMITTED, SCORED, APPROVED, DECLINED } = BriefState;

  it("goes SUBMITTED → SCORED → APPROVED or DECLINED, rescoring allowed while SCORED", () => {
    expect(canMoveBrief(SUBMITTED, SCORED)).toBe(true);
    expect(canMoveBrief(SCORED, SCORED)).toBe(true);
    expect(canMoveBrief(SCORED, APPROVED)).toBe(true);
    expect(canMoveBrief(SCORED, DECLINED)).toBe(true);
  });

  it("decides only scored briefs, and never reopens a decided one", () => {
    expect(canMoveBrief(SUBMITTED, APPROVED)).toBe(false);
    expect(canMoveBrief(SUBMITTED, DECLINED)).toBe(false);
    for (const decided of [APPROVED, DECLINED]) {
      for (const to of Object.values(BriefState)) expect(canMoveBrief(decided, to), `${decided} → ${to}`).toBe(false);
    }
    expect(canMoveBrief(SCORED, SUBMITTED)).toBe(false);
  });

  it("explains a refused move", () => {
    expect(briefMoveRefusal(SCORED, APPROVED)).toBeNull();
    expect(briefMoveRefusal(SUBMITTED, APPROVED)).toMatch(/not been scored/);
    expect(briefMoveRefusal(APPROVED, SCORED)).toMatch(/already approved.*rescored/);
    expect(briefMoveRefusal(DECLINED, APPROVED)).toMatch(/already declined/);
  });
});

describe("the portfolio an approved brief's contract sits in", () => {
  it("is the brief's own", () => {
    expect(approvalPortfolio({ portfolioId: 7 }, undefined)).toEqual({ portfolioId: 7, problems: [] });
    expect(approvalPortfolio({ portfolioId: 7 }, 7)).toEqual({ portfolioId: 7, problems: [] });
  });

  it("cannot be switched at approval", () => {
    expect(approvalPortfolio({ portfolioId: 7 }, 8).problems).toEqual([expect.objectContaining({ field: "portfolioId", rule: "sameAsBrief" })]);
  });

  it("must be named for a brief without one", () => {
    expect(approvalPortfolio({ portfolioId: null }, null).problems).toEqual([expect.objectContaining({ field: "portfolioId", rule: "required" })]);
    expect(approvalPortfolio({ portfolioId: null }, 3)).toEqual({ portfolioId: 3, problems: [] });
  });
});
