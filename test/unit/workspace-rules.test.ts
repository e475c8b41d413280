import { GraphQLError } from "graphql";
import { CombinedError } from "urql";
import { describe, expect, it } from "vitest";
import { mutationOutcome } from "../../dashboard/src/components/mutation-outcome.js";
import { briefProduct, poundsToPence } from "../../dashboard/src/features/briefs/brief-format.js";
import { matchesRiskFilters, riskRating, type RiskFilters } from "../../dashboard/src/features/risks/risk-data.js";

const refused = (code: string, problems?: { field: string; rule: string; message: string }[]) =>
  new CombinedError({ graphQLErrors: [new GraphQLError("Refused.", { extensions: { code, ...(problems ? { problems } : {}) } })] });

describe("mutationOutcome: a refusal sorted into the form", () => {
  it("puts each problem beside its field, by the input's top-level name", () => {
    const outcome = mutationOutcome(refused("BAD_USER_INPUT", [
      { field: "evidenceReturnIds.1", rule: "sameContract", message: "Return 9 is for another contract." },
      { field: "title", rule: "isLength", message: "Too short." },
    ]), ["title", "evidenceReturnIds"]);
    expect(outcome).toMatchObject({ fields: { evidenceReturnIds: "Return 9 is for another contract.", title: "Too short." }, general: null, stale: false });
  });

  it("says for the whole form what names no field of it", () => {
    const outcome = mutationOutcome(refused("BAD_USER_INPUT", [{ field: "officeId", rule: "required", message: "Say which office." }]), ["title"]);
    expect(outcome.general).toBe("Say which office.");
    expect(outcome.fields).toEqual({});
  });

  it("treats CONFLICT as a version clash to reload, not an error", () => {
    expect(mutationOutcome(refused("CONFLICT"), ["title"])).toEqual({ fields: {}, problems: [], general: null, stale: true });
  });

  it("words other codes from the code, never the message", () => {
    expect(mutationOutcome(refused("FORBIDDEN"), []).general).toBe("Your role does not allow this.");
  });
});

describe("brief scores and amounts", () => {
  it("multiplies the three scores, a zero anywhere sinking the brief", () => {
    expect(briefProduct(2, 3, 2)).toBe(12);
    expect(briefProduct(3, 0, 3)).toBe(0);
    expect(briefProduct(3, null, 3)).toBeNull();
  });
  it("reads pounds as typed into integer pence", () => {
    expect(poundsToPence("24,000")).toBe(2_400_000);
    expect(poundsToPence("£12.5")).toBe(1250);
    expect(poundsToPence("")).toBeNull();
    expect(poundsToPence("twelve")).toBeNaN();
  });
});

describe("the risk register's filters", () => {
  const none: RiskFilters = { portfolio: null, owner: null, rating: null, status: null, likelihood: null, impact: null };
  const risk = { portfolio: { id: 3 }, ownerName: "Maria Milton", score: 16, status: "MITIGATING" as const, likelihood: 4, impact: 4 };
  it("keeps a risk only when it passes every filter given", () => {
    expect(matchesRiskFilters(risk, none)).toBe(true);
    expect(matchesRiskFilters(risk, { ...none, portfolio: "3", owner: "Maria Milton", rating: "high", status: "ACTIVE", likelihood: 4, impact: 4 })).toBe(true);
    expect(matchesRiskFilters(risk, { ...none, portfolio: "none" })).toBe(false);
    expect(matchesRiskFilters(risk, { ...none, impact: 3 })).toBe(false);
    expect(matchesRiskFilters({ ...risk, status: "CLOSED" }, { ...none, status: "ACTIVE" })).toBe(false);
  });
  it("bands scores as the heat map does", () => {
    expect([1, 4, 5, 9, 10, 16, 17, 25].map((s) => riskRating(s).key)).toEqual(["low", "low", "medium", "medium", "high", "high", "very-high", "very-high"]);
  });
});
