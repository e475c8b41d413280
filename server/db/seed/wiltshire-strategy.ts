import { ProviderType } from "../../modules/providers/provider.entity.js";
import { FundingSource, PlanKind, type SeedPart } from "./office-seed.js";
import { gbp } from "./seed-kit.js";

/*
 * Wiltshire & Swindon's Commissioning Strategy 2017-2021 (seeds/003): the Police and Crime Plan it served, its ten
 * principles, and the two small grant funds whose award rules the product enforces. The four commissioning
 * mechanisms it describes are the Mechanism enum, so they need no rows.
 */

export const wiltshireStrategy: SeedPart = {
  plans: [
    {
      key: "pcp2017",
      kind: PlanKind.POLICE_AND_CRIME_PLAN,
      title: "Police and Crime Plan 2017-2021",
      startYear: "2017-18",
      endYear: "2020-21",
      priorities: [
        { key: "prevent", title: "Prevent crime and keep people safe" },
        { key: "vulnerable", title: "Protect the most vulnerable people in society" },
        { key: "victims", title: "Put victims, witnesses and communities at the heart of everything we do" },
        { key: "quality", title: "Secure a quality service that is trusted and efficient" },
      ],
    },
    {
      key: "strategy2017",
      kind: PlanKind.COMMISSIONING_STRATEGY,
      title: "PCC Commissioning Strategy 2017-2021",
      startYear: "2017-18",
      endYear: "2020-21",
      // The ten principles, summarised in our words.
      priorities: [
        { key: "need", title: "Commission only where there is a clear need or the duty is the PCC's alone" },
        { key: "understand", title: "Understand need through evidence, outside help and professional judgement" },
        { key: "engage", title: "Engage providers, including the voluntary and community sector, in planning" },
        { key: "outcomes", title: "Put outcomes for victims, witnesses and communities first" },
        { key: "services", title: "Commission services, not providers" },
        { key: "existing", title: "Prefer existing structures that already work well" },
        { key: "joint", title: "Join up with other commissioners" },
        { key: "proportionate", title: "Set clear, proportionate outcomes for every service" },
        { key: "performance", title: "Manage performance to improve outcomes without perverse incentives" },
        { key: "fair", title: "Commission lawfully, openly and fairly, open to a diverse range of providers" },
      ],
    },
  ],
  streams: [
    {
      key: "ppa-fund",
      name: "Police Property Act Fund",
      source: FundingSource.POLICE_PROPERTY_ACT,
      // Administered with the Wiltshire Community Foundation: small community grants, one year only, £3,000 at most.
      maxAwardPence: gbp(3_000),
      oneOffOnly: true,
      eligibleRecipientTypes: [ProviderType.VOLUNTARY_COMMUNITY],
    },
    {
      key: "pcc-community-fund",
      name: "PCC Community Fund",
      // Funded from unallocated underspends of the Commissioner's budget; the amount varies, so no year is seeded.
      source: FundingSource.PCC_BUDGET,
      oneOffOnly: true,
      eligibleRecipientTypes: [ProviderType.VOLUNTARY_COMMUNITY],
    },
  ],
};
