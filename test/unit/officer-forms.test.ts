import { CombinedError } from "@urql/core";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { mutationOutcome } from "../../dashboard/src/components/mutation-outcome.js";
import { filterContracts, filterFromParams, filterToParams, NO_FILTER } from "../../dashboard/src/features/contracts/contract-filter.js";
import { financialYearOf } from "../../dashboard/src/features/contracts/contract-labels.js";
import { nextQuarterLabel } from "../../dashboard/src/features/periods/period-labels.js";
import { penceToPounds, poundsToPence } from "../../dashboard/src/pounds.js";

const refused = (code: string, problems?: unknown[]) => new CombinedError({ graphQLErrors: [new GraphQLError("Refused.", { extensions: { code, ...(problems ? { problems } : {}) } })] });

describe("a refused write sorted into the form", () => {
  it("puts each problem beside its field and the rest in the general message", () => {
    const outcome = mutationOutcome(
      refused("BAD_USER_INPUT", [
        { field: "fundingLines.1.amountPence", rule: "maxAward", message: "Above the £3,000 cap." },
        { field: "reference", rule: "unique", message: "Already in use." },
        { field: "somethingElse", rule: "x", message: "Not a field of this form." },
      ]),
      (f) => f === "reference" || f.startsWith("fundingLines."),
    );
    expect(outcome.fields).toEqual({ "fundingLines.1.amountPence": "Above the £3,000 cap.", reference: "Already in use." });
    expect(outcome.general).toBe("Not a field of this form.");
    expect(outcome.stale).toBe(false);
  });

  it("reads a version clash as stale, to be reloaded", () => {
    const outcome = mutationOutcome(refused("CONFLICT"), () => true);
    expect(outcome.stale).toBe(true);
    expect(outcome.fields).toEqual({});
  });

  it("keeps the over-commitment rule so the form can offer the override", () => {
    const outcome = mutationOutcome(refused("BAD_USER_INPUT", [{ field: "fundingLines", rule: "overCommitted", message: "£4,500 more than it holds." }]), () => false);
    expect(outcome.problems.map((p) => p.rule)).toEqual(["overCommitted"]);
  });
});

describe("amounts typed in pounds", () => {
  it("become pence, and back", () => {
    expect(poundsToPence("40,000")).toBe(4_000_000);
    expect(poundsToPence("£12500.5")).toBe(1_250_050);
    expect(poundsToPence("forty")).toBeNull();
    expect(poundsToPence("1.234")).toBeNull();
    expect(penceToPounds(1_250_050)).toBe("12500.50");
    expect(penceToPounds(4_000_000)).toBe("40000");
  });

  it("fall in the financial year from April", () => {
    expect(financialYearOf("2024-03-31")).toBe("2023-24");
    expect(financialYearOf("2024-04-01")).toBe("2024-25");
    expect(financialYearOf("2099-12-01")).toBe("2099-00");
  });
});

describe("the contracts list's filters", () => {
  const row = (reference: string, endDate: string | null, extra: Partial<{ status: string; mechanism: string; portfolio: number }> = {}) => ({
    reference,
    title: `Service ${reference}`,
    status: (extra.status ?? "LIVE") as never,
    mechanism: (extra.mechanism ?? "GRANT") as never,
    endDate,
    portfolio: { id: extra.portfolio ?? 1, name: "Prevention" },
    provider: { id: 9, name: "Circles Southwest" },
  });
  const rows = [row("A", "2027-02-01"), row("B", "2027-09-01", { mechanism: "CONTRACTED_SERVICE" }), row("C", "2026-06-30", { portfolio: 2 }), row("D", null, { status: "PIPELINE" })];

  it("ending within N months keeps those ending from today to N months on, never ones already ended", () => {
    expect(filterContracts(rows, { ...NO_FILTER, endingWithinMonths: 3 }, "2026-12-01").map((r) => r.reference)).toEqual(["A"]);
    expect(filterContracts(rows, { ...NO_FILTER, endingWithinMonths: 12 }, "2026-12-01").map((r) => r.reference)).toEqual(["A", "B"]);
  });

  it("combines search, portfolio, status and mechanism", () => {
    expect(filterContracts(rows, { ...NO_FILTER, search: "circles" }, "2026-12-01")).toHaveLength(4);
    expect(filterContracts(rows, { ...NO_FILTER, portfolioId: 2 }, "2026-12-01").map((r) => r.reference)).toEqual(["C"]);
    expect(filterContracts(rows, { ...NO_FILTER, status: "PIPELINE" }, "2026-12-01").map((r) => r.reference)).toEqual(["D"]);
    expect(filterContracts(rows, { ...NO_FILTER, mechanism: "GRANT", search: "service a" }, "2026-12-01").map((r) => r.reference)).toEqual(["A"]);
  });

  it("survives the round trip through the address", () => {
    const filter = { ...NO_FILTER, search: "knife", portfolioId: 3, mechanism: "GRANT" as const, endingWithinMonths: 6 };
    expect(filterFromParams(filterToParams(filter, new URLSearchParams("office=1")))).toEqual(filter);
  });
});

describe("the quarter an officer opens next", () => {
  it("follows Q4 with the next year's Q1", () => {
    expect(nextQuarterLabel("2024-25 Q1")).toBe("2024-25 Q2");
    expect(nextQuarterLabel("2024-25 Q4")).toBe("2025-26 Q1");
    expect(nextQuarterLabel("2099-00 Q4")).toBe("2100-01 Q1");
    expect(nextQuarterLabel("junk")).toBeNull();
  });
});
