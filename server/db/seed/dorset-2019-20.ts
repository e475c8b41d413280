import {
  AllocationKind,
  ContractStatus,
  FundingLineStatus,
  FundingSource,
  LifecycleStage,
  Mechanism,
  PlanKind,
  type ContractSeed,
  type OfficeSeed,
  type SeedPart,
} from "./office-seed.js";
import { dorsetKpis } from "./dorset-kpis.js";
import { ProviderType } from "../../modules/providers/provider.entity.js";
import { gbp, gbpK } from "./seed-kit.js";

/*
 * Dorset, 2019/20 commissioning intentions (seeds/001). Facts reproduced exactly:
 *   - the Safer Dorset Fund holds the Priority Commissioning Scheme's four funds and the Community Grant Scheme;
 *   - the scheme's budget is £2.4m, of which £0.9m is MoJ money ring-fenced for victims and restorative justice;
 *   - 23 ongoing commitments: £810k / £178k / £745k / £0 by fund, £1,733k in all (COMMITTED funding lines);
 *   - 12 planned projects: £0 / £523k / £0 / £28k by fund, £551k in all (PLANNED funding lines);
 *   - the Community Grant Scheme runs on Police Property Act receipts, about £50k at the start of the year;
 *   - the Victim Support contract ends in October 2019 and G4S's SARC/ISVA contract in September 2020.
 * The document gives no per-project figures and no split of the £2.4m between the four funds, so those are
 * illustrative, chosen so every total above is exact. With £1.5m for the two non-MoJ funds, committed plus planned
 * spend on them (£1,511k) runs £11k over if every planned project goes ahead; the split puts that on the Local
 * Innovation Fund, where the planned projects sit.
 */

const YEAR = "2019-20";

type Pillar = "harm" | "communities" | "victims" | "future";
const pillar = (p: Pillar) => `pcp.${p}`;

/** One ongoing commitment or planned project, in the compact form the tables below use. */
interface Commitment {
  ref: string;
  title: string;
  provider: string;
  fund: "csf" | "lif" | "vcf" | "csa";
  thousands: number;
  pillar: Pillar;
  otherPillars?: Pillar[];
  mechanism: Mechanism;
  description?: string;
  coCommissioners?: string[];
  startDate?: string;
  endDate?: string;
  reprocurement?: ContractSeed["reprocurement"];
  status?: ContractStatus;
}

// The 23 commitments already approved for 2019/20. Named services are the document's; the rest are illustrative.
const ONGOING: Commitment[] = [
  // Commissioner's Safety Fund: £810k
  { ref: "DOR-CSF-01", title: "Weymouth Community Safety Accreditation Scheme (CSAS)", provider: "weymouth-tc", fund: "csf", thousands: 45, pillar: "communities", otherPillars: ["harm"], mechanism: Mechanism.GRANT },
  { ref: "DOR-CSF-02", title: "Safer Schools and Communities Team", provider: "dorset-police", fund: "csf", thousands: 200, pillar: "harm", otherPillars: ["communities"], mechanism: Mechanism.PARTNERSHIP_AGREEMENT, description: "Prevention officers in schools; affected by the break-up of the alliance Prevention Department." },
  { ref: "DOR-CSF-03", title: "Community Circles for people convicted of sexual offences", provider: "circles-southwest", fund: "csf", thousands: 45, pillar: "victims", otherPillars: ["harm"], mechanism: Mechanism.GRANT },
  { ref: "DOR-CSF-04", title: "Community Safety Partnership grant – BCP", provider: "bcp-council", fund: "csf", thousands: 120, pillar: "harm", otherPillars: ["communities"], mechanism: Mechanism.PARTNERSHIP_AGREEMENT }, // illustrative
  { ref: "DOR-CSF-05", title: "Community Safety Partnership grant – Dorset", provider: "dorset-council", fund: "csf", thousands: 110, pillar: "harm", otherPillars: ["communities"], mechanism: Mechanism.PARTNERSHIP_AGREEMENT }, // illustrative
  { ref: "DOR-CSF-06", title: "Youth offending service contribution", provider: "dorset-yos", fund: "csf", thousands: 90, pillar: "victims", mechanism: Mechanism.PARTNERSHIP_AGREEMENT }, // illustrative
  { ref: "DOR-CSF-07", title: "Drug and alcohol treatment for offenders", provider: "harbourside-recovery", fund: "csf", thousands: 80, pillar: "victims", otherPillars: ["harm"], mechanism: Mechanism.CONTRACTED_SERVICE }, // illustrative
  { ref: "DOR-CSF-08", title: "Integrated offender management", provider: "dorset-police", fund: "csf", thousands: 50, pillar: "victims", mechanism: Mechanism.PARTNERSHIP_AGREEMENT }, // illustrative
  { ref: "DOR-CSF-09", title: "Mental health street triage", provider: "dorset-healthcare", fund: "csf", thousands: 70, pillar: "harm", mechanism: Mechanism.PARTNERSHIP_AGREEMENT }, // illustrative
  // Local Innovation Fund: £178k (all illustrative)
  { ref: "DOR-LIF-01", title: "Domestic abuse perpetrator programme pilot", provider: "dorset-da-support", fund: "lif", thousands: 60, pillar: "victims", otherPillars: ["harm"], mechanism: Mechanism.GRANT },
  { ref: "DOR-LIF-02", title: "Rural crime community engagement", provider: "dorset-police", fund: "lif", thousands: 18, pillar: "communities", mechanism: Mechanism.PARTNERSHIP_AGREEMENT },
  { ref: "DOR-LIF-03", title: "Neighbourhood Watch development", provider: "dorset-council", fund: "lif", thousands: 20, pillar: "communities", mechanism: Mechanism.GRANT },
  { ref: "DOR-LIF-04", title: "Digital safeguarding referrals", provider: "dorset-police", fund: "lif", thousands: 40, pillar: "future", otherPillars: ["harm"], mechanism: Mechanism.PARTNERSHIP_AGREEMENT },
  { ref: "DOR-LIF-05", title: "Custody mental health liaison pilot", provider: "dorset-healthcare", fund: "lif", thousands: 40, pillar: "harm", mechanism: Mechanism.PARTNERSHIP_AGREEMENT },
  // Victims Core Fund: £745k
  {
    ref: "DOR-VCF-01",
    title: "Services for victims of crime",
    provider: "victim-support",
    fund: "vcf",
    thousands: 210, // April to October 2019 only; illustrative
    pillar: "victims",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    description: "Ends October 2019; going to market from May 2019 with the South West Police Procurement Department.",
    startDate: "2015-04-01", // illustrative
    endDate: "2019-10-31",
    status: ContractStatus.UNDER_REVIEW,
    reprocurement: { reviewWindow: "Market engagement from May 2019", plannedStartDate: "2019-11-01", potentialValuePence: gbp(360_000) }, // potential value illustrative
  },
  {
    ref: "DOR-VCF-02",
    title: "Sexual Assault Referral Centre (SARC) and ISVA service",
    provider: "g4s",
    fund: "vcf",
    thousands: 260, // illustrative
    pillar: "victims",
    otherPillars: ["harm"],
    mechanism: Mechanism.CONTRACTED_SERVICE,
    description: "Ends September 2020; re-commissioning with NHS England and South West Police Procurement from late 2019.",
    coCommissioners: ["NHS England"],
    startDate: "2016-10-01", // illustrative
    endDate: "2020-09-30",
    reprocurement: { reviewWindow: "Late 2019 to summer 2020", plannedStartDate: "2020-10-01", potentialValuePence: gbp(260_000) }, // illustrative
  },
  { ref: "DOR-VCF-03", title: "Restorative justice service", provider: "restorative-dorset", fund: "vcf", thousands: 90, pillar: "victims", mechanism: Mechanism.GRANT },
  { ref: "DOR-VCF-04", title: "Independent domestic violence advisers", provider: "dorset-da-support", fund: "vcf", thousands: 85, pillar: "victims", otherPillars: ["harm"], mechanism: Mechanism.CONTRACTED_SERVICE }, // illustrative
  { ref: "DOR-VCF-05", title: "Domestic abuse outreach", provider: "dorset-da-support", fund: "vcf", thousands: 30, pillar: "victims", mechanism: Mechanism.GRANT }, // illustrative
  { ref: "DOR-VCF-06", title: "Hate crime victim support", provider: "coastline-wellbeing", fund: "vcf", thousands: 15, pillar: "victims", otherPillars: ["communities"], mechanism: Mechanism.GRANT }, // illustrative
  { ref: "DOR-VCF-07", title: "Young victims' service", provider: "purbeck-youth", fund: "vcf", thousands: 25, pillar: "victims", mechanism: Mechanism.GRANT }, // illustrative
  { ref: "DOR-VCF-08", title: "Counselling for survivors of sexual abuse", provider: "dorset-rape-crisis", fund: "vcf", thousands: 20, pillar: "victims", mechanism: Mechanism.GRANT }, // illustrative
  { ref: "DOR-VCF-09", title: "Support for victims of modern slavery", provider: "coastline-wellbeing", fund: "vcf", thousands: 10, pillar: "victims", otherPillars: ["harm"], mechanism: Mechanism.GRANT }, // illustrative
];

// The 12 projects the PCC intends to deliver in 2019/20 if they come to fruition. Amounts illustrative.
const PLANNED: Commitment[] = [
  { ref: "DOR-NEW-01", title: "Adult return home interviews", provider: "coastline-wellbeing", fund: "lif", thousands: 45, pillar: "harm", mechanism: Mechanism.CONTRACTED_SERVICE, description: "Interviews after an adult goes missing, referring vulnerable people on to reduce repeat incidents." },
  { ref: "DOR-NEW-02", title: "Knife crime prevention for young people", provider: "purbeck-youth", fund: "lif", thousands: 40, pillar: "harm", mechanism: Mechanism.GRANT },
  { ref: "DOR-NEW-03", title: "County lines response", provider: "dorset-police", fund: "lif", thousands: 60, pillar: "harm", otherPillars: ["communities"], mechanism: Mechanism.PARTNERSHIP_AGREEMENT },
  {
    ref: "DOR-NEW-04",
    title: "Fly-tipping analyst post",
    provider: "environment-agency",
    fund: "lif",
    thousands: 20,
    pillar: "communities",
    otherPillars: ["future"],
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    description: "Jointly commissioned after the PCC's fly-tipping problem-solving forum: maps the problem, tracks trends and identifies offenders.",
    coCommissioners: ["Environment Agency"],
  },
  {
    ref: "DOR-NEW-05",
    title: "Through the Gate programme",
    provider: "circles-southwest", // illustrative
    fund: "lif",
    thousands: 50,
    pillar: "victims",
    otherPillars: ["harm"],
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    description: "Fills the gap left by the end of national funding for sex offender behaviour courses.",
    coCommissioners: ["National Probation Service", "HMP The Verne"],
  },
  { ref: "DOR-NEW-06", title: "Complainant advocate in court", provider: "dorset-opcc", fund: "lif", thousands: 45, pillar: "victims", mechanism: Mechanism.CONTRACTED_SERVICE, description: "A project manager to implement the Home Office-funded scoping work and act as the first complainant advocate." },
  { ref: "DOR-NEW-07", title: "Youth early intervention programme", provider: "afc-bournemouth", fund: "lif", thousands: 35, pillar: "victims", otherPillars: ["harm"], mechanism: Mechanism.GRANT },
  { ref: "DOR-NEW-08", title: "Homelessness support partnership", provider: "safe-haven-housing", fund: "lif", thousands: 80, pillar: "harm", otherPillars: ["communities"], mechanism: Mechanism.GRANT }, // illustrative
  { ref: "DOR-NEW-09", title: "Anti-social behaviour problem-solving projects", provider: "dorset-council", fund: "lif", thousands: 30, pillar: "communities", mechanism: Mechanism.GRANT }, // illustrative
  { ref: "DOR-NEW-10", title: "Offender management capability", provider: "dorset-police", fund: "lif", thousands: 70, pillar: "victims", mechanism: Mechanism.PARTNERSHIP_AGREEMENT }, // illustrative
  { ref: "DOR-NEW-11", title: "Road traffic collision evidence capture technology", provider: "roadsafe-tech", fund: "lif", thousands: 48, pillar: "future", mechanism: Mechanism.CONTRACTED_SERVICE, description: "Follows the Immersion Project with Devon and Cornwall PCC on halving officer time at collisions." },
  { ref: "DOR-NEW-12", title: "Child and young person ISVA", provider: "dorset-rape-crisis", fund: "csa", thousands: 28, pillar: "victims", otherPillars: ["harm"], mechanism: Mechanism.GRANT },
];

function toContract(c: Commitment, status: FundingLineStatus): ContractSeed {
  const planned = status === FundingLineStatus.PLANNED;
  return {
    ref: c.ref,
    portfolio: "pcs",
    provider: c.provider,
    title: c.title,
    description: c.description,
    mechanism: c.mechanism,
    stage: planned ? LifecycleStage.PLAN : c.status === ContractStatus.UNDER_REVIEW ? LifecycleStage.REVIEW : LifecycleStage.DO,
    status: c.status ?? (planned ? ContractStatus.PIPELINE : ContractStatus.LIVE),
    startDate: c.startDate ?? (planned ? undefined : "2018-04-01"), // illustrative
    endDate: c.endDate,
    mainPriority: pillar(c.pillar),
    otherPriorities: (c.otherPillars ?? []).map(pillar),
    coCommissioners: (c.coCommissioners ?? []).map((partnerName) => ({ partnerName })),
    funding: [{ stream: c.fund, year: YEAR, amountPence: gbpK(c.thousands), status }],
    reprocurement: c.reprocurement,
  };
}

/*
 * Two more figures from the 2019/20 intentions, both from 2018/19: the £15,300 pledged to the Immersion Project
 * with Devon and Cornwall PCC, and the £250k Wellbeing Fund allocated to the Force. Neither is a 2019/20
 * commitment, so neither has a 2019/20 funding line: the pledge is a 2018/19 commitment of the PCC's money, the
 * Wellbeing Fund a stream of its own with its 2018/19 allocation.
 */
const dorsetEarlier: SeedPart = {
  streams: [
    {
      key: "wellbeing",
      name: "Wellbeing Fund",
      source: FundingSource.PCC_BUDGET,
      ringFencedPurpose: "Wellbeing activities for police officers and staff",
      years: [{ year: "2018-19", amountPence: gbp(250_000), note: "Allocated to the Force in 2018/19; 21 initiatives designed, nearly £200k requested to date, £39k spent in 2018/19 and the rest in 2019/20." }],
    },
  ],
  allocations: [{ stream: "wellbeing", kind: AllocationKind.RESERVED, year: "2018-19", label: "Force wellbeing activities", amountPence: gbp(250_000) }],
  contracts: [
    {
      ref: "DOR-IMM-01",
      portfolio: "pcs",
      provider: "devon-cornwall-opcc",
      title: "Immersion Project: road traffic collision evidence capture",
      description: "Pledged in 2018/19 with Devon and Cornwall PCC: ways to cut police officer time at road traffic collisions by 50% through better evidence capture and recording.",
      mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
      stage: LifecycleStage.REVIEW,
      status: ContractStatus.ENDED,
      startDate: "2018-04-01", // illustrative
      endDate: "2019-03-31", // illustrative
      annualValuePence: gbp(15_300),
      // 001: "the PCC pledged £15,300" in 2018/19 — Dorset's own money, so a 2018-19 line from the PCC's budget
      // (the Commissioner's Safety Fund; the document names no fund). It leaves 2019-20's figures as they were.
      funding: [{ stream: "csf", year: "2018-19", amountPence: gbp(15_300), status: FundingLineStatus.COMMITTED }],
      mainPriority: pillar("future"),
      coCommissioners: [{ partnerName: "Police and Crime Commissioner for Devon and Cornwall" }],
    },
  ],
};

export const dorset: OfficeSeed = {
  office: { name: "Dorset", code: "dorset", commissionerTitle: "Police and Crime Commissioner for Dorset" },
  parts: [
    {
      plans: [
        {
          key: "pcp",
          kind: PlanKind.POLICE_AND_CRIME_PLAN,
          title: "Police and Crime Plan 2017-2021",
          startYear: "2017-18",
          endYear: "2020-21",
          priorities: [
            { key: "harm", title: "Protecting People at Risk of Harm" },
            { key: "communities", title: "Working with our Communities" },
            { key: "victims", title: "Supporting Victims, Witnesses and Reducing Reoffending" },
            { key: "future", title: "Transforming for the Future" },
          ],
        },
      ],
      streams: [
        // Parent first: the Safer Dorset Fund is the sum of the streams below it.
        { key: "sdf", name: "Safer Dorset Fund", source: FundingSource.OTHER },
        {
          key: "csf",
          name: "Commissioner's Safety Fund",
          source: FundingSource.PCC_BUDGET,
          parent: "sdf",
          years: [{ year: YEAR, amountPence: gbpK(810), note: "Illustrative share of the £1.5m non-MoJ budget: pays for ongoing long-term agreements." }],
        },
        {
          key: "lif",
          name: "Local Innovation Fund",
          source: FundingSource.PCC_BUDGET,
          parent: "sdf",
          years: [{ year: YEAR, amountPence: gbpK(690), note: "Illustrative share of the £1.5m non-MoJ budget: new and innovative services." }],
        },
        {
          key: "vcf",
          name: "Victims Core Fund",
          source: FundingSource.MOJ_VICTIMS_GRANT,
          parent: "sdf",
          ringFencedPurpose: "Services for victims of crime and restorative justice",
          years: [{ year: YEAR, amountPence: gbpK(850), note: "Illustrative share of the £0.9m MoJ grant." }],
        },
        {
          key: "csa",
          name: "Victims Fund – CSA Element",
          source: FundingSource.MOJ_VICTIMS_GRANT,
          parent: "sdf",
          ringFencedPurpose: "Services for victims of child sexual abuse",
          years: [{ year: YEAR, amountPence: gbpK(50), note: "Illustrative share of the £0.9m MoJ grant." }],
        },
        {
          key: "cgs",
          name: "Community Grant Scheme",
          source: FundingSource.POLICE_PROPERTY_ACT,
          parent: "sdf",
          eligibleRecipientTypes: [ProviderType.VOLUNTARY_COMMUNITY],
          years: [{ year: YEAR, amountPence: gbpK(50), variable: true, note: "Expected opening balance; depends on receipts from the sale of unclaimed recovered property." }],
        },
        {
          // Outside the Safer Dorset Fund: the OPCC's share of a £1m fund governed with Dorset Police.
          key: "innovation-reserve",
          name: "Police and Crime Plan reserve – joint Innovation Fund",
          source: FundingSource.RESERVE,
          years: [
            {
              year: YEAR,
              amountPence: gbpK(250),
              note: "Towards a £1m fund with Dorset Police; the rest comes from £500k recurring force efficiencies and £250k general balances.",
            },
          ],
        },
      ],
      portfolios: [
        {
          key: "pcs",
          name: "Priority Commissioning Scheme",
          leadName: "Lewis Gool",
          description: "Grant agreements and contracts funded from the four Priority Commissioning Scheme funds.",
          priorities: ["pcp.harm", "pcp.communities", "pcp.victims", "pcp.future"],
        },
        {
          key: "cgs",
          name: "Community Grant Scheme",
          leadName: null,
          description: "Small grants, mainly to voluntary and community groups, from Police Property Act receipts.",
          priorities: ["pcp.communities"],
        },
      ],
      allocations: [
        { stream: "csf", portfolio: "pcs", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Commissioner's Safety Fund", amountPence: gbpK(810) },
        { stream: "lif", portfolio: "pcs", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Local Innovation Fund", amountPence: gbpK(690) },
        { stream: "vcf", portfolio: "pcs", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Victims Core Fund", amountPence: gbpK(850) },
        { stream: "csa", portfolio: "pcs", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Victims Fund – CSA Element", amountPence: gbpK(50) },
        { stream: "cgs", portfolio: "cgs", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Community grants", amountPence: gbpK(50) },
      ],
      contracts: [
        ...ONGOING.map((c) => toContract(c, FundingLineStatus.COMMITTED)),
        ...PLANNED.map((c) => toContract(c, FundingLineStatus.PLANNED)),
      ],
    },
    dorsetEarlier,
    dorsetKpis,
  ],
};

/** Exposed for the seed's own tests. */
export const DORSET_COUNTS = { ongoing: ONGOING.length, planned: PLANNED.length };
