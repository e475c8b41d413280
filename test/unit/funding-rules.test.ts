import { describe, expect, it } from "vitest";
import { fundingRuleBreaches, type Award } from "../../server/modules/money/funding-rules.js";
import { ProviderType } from "../../server/modules/providers/provider.entity.js";

const propertyActFund = { name: "Police Property Act Fund", ringFencedPurpose: null, maxAwardPence: 300_000, oneOffOnly: true, eligibleRecipientTypes: [ProviderType.VOLUNTARY_COMMUNITY] };
const victimsGrant = { name: "MoJ Victims Grant", ringFencedPurpose: "Victims' services", maxAwardPence: null, oneOffOnly: false, eligibleRecipientTypes: [] };
const award = (over: Partial<Award> = {}): Award => ({ amountPence: 250_000, year: "2023-24", providerType: ProviderType.VOLUNTARY_COMMUNITY, portfolioId: 1, otherYearsFunded: [], portfoliosAllocated: [], ...over });
const rules = (stream: Parameters<typeof fundingRuleBreaches>[0], a: Award) => fundingRuleBreaches(stream, a).map((b) => b.rule);

describe("funding rules", () => {
  it("accepts an award within every rule", () => {
    expect(rules(propertyActFund, award())).toEqual([]);
    expect(rules(propertyActFund, award({ amountPence: 300_000 }))).toEqual([]);
  });

  it("caps the Police Property Act Fund at £3,000, one year only, voluntary and community groups only", () => {
    expect(rules(propertyActFund, award({ amountPence: 300_001 }))).toEqual(["maxAward"]);
    expect(rules(propertyActFund, award({ otherYearsFunded: ["2022-23"] }))).toEqual(["oneOffOnly"]);
    expect(rules(propertyActFund, award({ otherYearsFunded: ["2023-24"] }))).toEqual([]);
    expect(rules(propertyActFund, award({ providerType: ProviderType.PRIVATE }))).toEqual(["eligibleRecipient"]);
  });

  it("keeps a ring-fenced stream to the portfolios it is allocated to", () => {
    expect(rules(victimsGrant, award({ portfolioId: 2, portfoliosAllocated: [1] }))).toEqual(["ringFenced"]);
    expect(rules(victimsGrant, award({ portfolioId: 1, portfoliosAllocated: [1] }))).toEqual([]);
  });
});
