import { AllocationKind, BriefDriver, BriefState, FundingSource, ReportingCadence, type SeedPart } from "./office-seed.js";
import { gbp } from "./seed-kit.js";

/*
 * Wiltshire & Swindon, 2020-21 commissioning intentions (seeds/000): the Community Safety Fund (£2,122,021) and the
 * MoJ-funded Victims Fund (£841,710), £50,000 held for the incoming Commissioner's pledges, and project briefs scored
 * business need × drivers × deliverability.
 *
 * The three 2020-21 portfolio areas are the same Portfolio rows as the 2023-24 portfolios, not separate ones:
 * Demand and Prevention became Prevention & Youth, Criminal Justice System and Re-Offending became Reducing
 * Reoffending & Criminal Justice, and Victims and Vulnerability kept its name. Each is the same standing team under
 * the same commissioning-lead role, and keeping one row is what lets an allocation be compared year on year (the
 * 2023-24 plan itself compares portfolio budgets with earlier years). Separate rows would also give the office two
 * "Victims and Vulnerability" portfolios. The name used in 2020-21 survives in each allocation's label and in the
 * portfolio's description.
 *
 * The streams, by contrast, are kept under the names they had in 2020-21: the two documents name them differently,
 * and a stream's name is what its funder and the Panel reports use.
 *
 * The split of the Community Safety Fund between portfolio areas is illustrative (the appendices with the detail
 * are not in the source); the fund total, the Victims Fund and the £50,000 reserve are the document's.
 */

const YEAR = "2020-21";

export const wiltshire2020: SeedPart = {
  streams: [
    {
      key: "csf",
      name: "Community Safety Fund",
      source: FundingSource.PCC_BUDGET,
      years: [{ year: YEAR, amountPence: gbp(2_122_021), note: "Set by the Medium Term Financial Strategy." }],
    },
    {
      key: "vf",
      name: "Victims Fund",
      source: FundingSource.MOJ_VICTIMS_GRANT,
      ringFencedPurpose: "Support services for victims of crime, restorative justice and specialist services for victims of sexual offences",
      funderReportingCadence: ReportingCadence.HALF_YEARLY, // illustrative
      years: [{ year: YEAR, amountPence: gbp(841_710), note: "Wholly funded by the Ministry of Justice." }],
    },
  ],
  allocations: [
    {
      stream: "csf",
      portfolio: "py",
      kind: AllocationKind.PORTFOLIO,
      year: YEAR,
      label: "Demand and Prevention: allocation pending the area's commissioning intentions",
      amountPence: gbp(700_000), // illustrative
    },
    {
      stream: "csf",
      portfolio: "rr",
      kind: AllocationKind.PORTFOLIO,
      year: YEAR,
      label: "Criminal Justice System and Re-Offending",
      amountPence: gbp(620_000), // illustrative
    },
    {
      stream: "csf",
      portfolio: "vv",
      kind: AllocationKind.PORTFOLIO,
      year: YEAR,
      label: "Victims and Vulnerability",
      amountPence: gbp(752_021), // illustrative: the rest of the fund
    },
    {
      stream: "csf",
      kind: AllocationKind.RESERVED,
      year: YEAR,
      label: "Held for the new Commissioner's election pledges",
      amountPence: gbp(50_000),
    },
    {
      stream: "vf",
      portfolio: "vv",
      kind: AllocationKind.PORTFOLIO,
      year: YEAR,
      label: "Victims and Vulnerability: victims' services",
      amountPence: gbp(841_710),
    },
  ],
  // Illustrative briefs of the kind the Commissioning Performance Board scored in January 2020.
  briefs: [
    {
      portfolio: "py",
      title: "Mental health control room triage – continuation",
      summary: "2020-21: keep mental health specialists in the control room so officers get advice at the scene and fewer people are detained under section 136.",
      drivers: [BriefDriver.EFFECTIVENESS, BriefDriver.EFFICIENCY],
      scores: [3, 3, 2],
      proposedValuePence: gbp(115_000),
      state: BriefState.APPROVED,
      contract: "WSW-PY-05",
    },
    {
      portfolio: "rr",
      title: "Offender housing support worker",
      summary: "2020-21: a worker to help people leaving prison into settled housing, with a view to Probation sharing the cost.",
      drivers: [BriefDriver.EFFECTIVENESS, BriefDriver.ECONOMIC],
      scores: [2, 3, 3],
      proposedValuePence: gbp(25_000),
      state: BriefState.APPROVED,
      contract: "WSW-RR-06",
    },
    {
      portfolio: "vv",
      title: "Independent sexual violence advisers – re-procurement",
      summary: "2020-21: re-procure the ISVA service as the current agreement ends, aligning it with the SARC pathway.",
      drivers: [BriefDriver.REPROCUREMENT, BriefDriver.COMPLIANCE],
      scores: [3, 2, 3],
      proposedValuePence: gbp(230_000),
      state: BriefState.APPROVED,
      contract: "WSW-VV-06",
    },
    {
      portfolio: "rr",
      title: "Out-of-court disposal pathway for women",
      summary: "2020-21: a pathway that diverts women who offend to support rather than prosecution where that is appropriate.",
      drivers: [BriefDriver.EFFECTIVENESS],
      scores: [2, 2, 2],
      proposedValuePence: gbp(30_000),
      state: BriefState.APPROVED,
      contract: "WSW-RR-07",
    },
    {
      portfolio: "py",
      title: "Youth diversion sports programme – Salisbury",
      summary: "2020-21: evening sports sessions for young people at risk of offending in south Wiltshire.",
      drivers: [BriefDriver.EFFECTIVENESS],
      scores: [2, 1, 2],
      proposedValuePence: gbp(18_000),
      state: BriefState.SCORED,
    },
    {
      portfolio: "py",
      title: "Town-centre CCTV upgrade",
      summary: "2020-21: new cameras for a town centre; no evidence that crime there needed it, so not pursued.",
      drivers: [BriefDriver.EFFICIENCY],
      scores: [0, 1, 2],
      proposedValuePence: gbp(60_000),
      state: BriefState.DECLINED,
    },
    {
      portfolio: "vv",
      title: "Restorative justice awareness campaign",
      summary: "2020-21: raise awareness of restorative justice among victims and frontline officers.",
      drivers: [BriefDriver.EFFECTIVENESS, BriefDriver.COMPLIANCE],
      proposedValuePence: gbp(12_000),
      state: BriefState.SUBMITTED,
    },
  ],
};
