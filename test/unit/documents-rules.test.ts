import { describe, expect, it } from "vitest";
import { decommissionEvidenceProblems } from "../../server/modules/decisions/decision.service.js";
import { DecisionKind } from "../../server/modules/decisions/decision.entity.js";
import { awardsOf, fundingRuleBreaches } from "../../server/modules/money/funding-rules.js";
import { ProviderType } from "../../server/modules/providers/provider.entity.js";
import { ReturnState } from "../../server/modules/returns/return.entities.js";

const propertyActFund = { name: "Police Property Act Fund", ringFencedPurpose: null, maxAwardPence: 300_000, oneOffOnly: true, eligibleRecipientTypes: [ProviderType.VOLUNTARY_COMMUNITY] };

describe("the documents' rules (003), as pure functions", () => {
  it("adds a contract's lines from one stream in one year into one award", () => {
    const awards = awardsOf([
      { streamId: 7, year: "2023-24", amountPence: 200_000 },
      { streamId: 8, year: "2023-24", amountPence: 50_000 },
      { streamId: 7, year: "2023-24", amountPence: 200_000 },
    ]);
    expect(awards).toEqual([
      { streamId: 7, year: "2023-24", amountPence: 400_000, firstIndex: 0, lines: 2 },
      { streamId: 8, year: "2023-24", amountPence: 50_000, firstIndex: 1, lines: 1 },
    ]);
    const base = { year: "2023-24", providerType: ProviderType.VOLUNTARY_COMMUNITY, portfolioId: 1, otherYearsFunded: [], portfoliosAllocated: [] };
    expect(fundingRuleBreaches(propertyActFund, { ...base, amountPence: awards[0].amountPence }).map((b) => b.rule)).toEqual(["maxAward"]);
    expect(fundingRuleBreaches(propertyActFund, { ...base, amountPence: 100_000, recipientOtherAwards: [{ contractReference: "WSW-X", year: "2022-23" }] }).map((b) => b.rule)).toEqual(["oneAwardPerRecipient"]);
  });

  it("never takes a draft as evidence, and decommissions only on the latest accepted return", () => {
    const states = [
      { returnId: 1, state: ReturnState.ACCEPTED },
      { returnId: 2, state: ReturnState.ACCEPTED },
      { returnId: 3, state: ReturnState.DRAFT },
      { returnId: 4, state: ReturnState.RETURNED },
    ];
    const decommission = { kind: DecisionKind.DECOMMISSION, contractId: 9 };
    const rules = (ids: number[], latest: number | null, d: { kind: DecisionKind; contractId: number | null } = decommission) => decommissionEvidenceProblems(d, ids, states, latest).map((p) => p.rule);
    expect(rules([2], 2)).toEqual([]);
    expect(rules([1], 2)).toEqual(["latestAcceptedReturn"]);
    expect(rules([3, 2], 2)).toEqual(["notDraft"]);
    expect(rules([4, 2], 2)).toEqual(["notDraft"]);
    expect(rules([], null)).toEqual(["acceptedReturnRequired"]);
    expect(rules([2], 2, { kind: DecisionKind.DECOMMISSION, contractId: null })).toEqual(["required"]);
    // Other decisions need no particular return, but still no drafts.
    expect(rules([], null, { kind: DecisionKind.EXTEND, contractId: 9 })).toEqual([]);
    expect(rules([3], null, { kind: DecisionKind.EXTEND, contractId: 9 })).toEqual(["notDraft"]);
  });
});
