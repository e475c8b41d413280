import { ReportingSchedule } from "../../modules/contracts/reporting-schedule.js";
import {
  AllocationKind,
  ContractStatus,
  FundingSource,
  LifecycleStage,
  Mechanism,
  PlanKind,
  ReportingCadence,
  type ContractSeed,
  type SeedPart,
} from "./office-seed.js";
import { gbp } from "./seed-kit.js";

/*
 * Wiltshire & Swindon, 2023-24: the commissioning plan the OPCC put to the Police and Crime Panel in February 2023
 * (seeds/002). Its figures are facts: three streams totalling £4.561m; the PCC budget split £1.802m across the
 * portfolios and pipeline plus £1.137m for the custody healthcare and SARC contracts; named contracts with their
 * OPCC contributions; four services up for re-procurement. Anything the plan does not state is marked illustrative.
 */

const YEAR = "2023-24";

const plans: SeedPart["plans"] = [
  {
    key: "pcp2022",
    kind: PlanKind.POLICE_AND_CRIME_PLAN,
    title: "Police and Crime Plan 2022-2025", // title and years illustrative; the plan is cited by its priorities
    startYear: "2022-23",
    endYear: "2024-25",
    priorities: [
      // Priority one is implied by the numbering of the other three; its wording here is illustrative.
      { key: "p1", title: "Improve policing for local communities", description: "Illustrative: the 2023-24 commissioning plan cites priorities two to four only." },
      { key: "p2", title: "Reduce violence and serious harm" },
      { key: "p3", title: "Tackle the crimes that matter most to local communities" },
      { key: "p4", title: "Improve the experience of victims and deliver justice" },
    ],
  },
  {
    key: "wcjb",
    kind: PlanKind.CRIMINAL_JUSTICE_BOARD_STRATEGY,
    title: "Wiltshire Criminal Justice Board Strategy",
    startYear: "2022-23", // illustrative
    endYear: "2024-25", // illustrative
    priorities: [
      { key: "victims", title: "Victims", description: "Victims get good-quality support that meets their needs all the way through the criminal justice system." },
      { key: "reoffending", title: "Reducing reoffending", description: "Help is there when offenders need it, so fewer reoffend and communities stay safe." },
    ],
  },
  {
    key: "csp",
    kind: PlanKind.COMMUNITY_SAFETY_PARTNERSHIP,
    title: "Swindon and Wiltshire Community Safety Partnership strategies",
    startYear: "2022-23", // illustrative
    endYear: "2024-25", // illustrative
    priorities: [
      // Taken from the partnerships' working groups the plan mentions; treating them as priorities is illustrative.
      { key: "early-intervention", title: "Early intervention and violence reduction" },
      { key: "communities", title: "Safer communities and anti-social behaviour" },
    ],
  },
  {
    key: "delivery",
    kind: PlanKind.COMMISSIONING_STRATEGY,
    title: "OPCC commissioning delivery plan 2023-24",
    startYear: YEAR,
    endYear: YEAR,
    priorities: [
      { key: "vv-victim-centred", title: "A victim-centred approach" },
      { key: "vv-vcop", title: "Victims' Code compliance and good-quality victim services" },
      { key: "vv-whole-system", title: "A whole-system response to domestic abuse and serious sexual violence" },
      { key: "rr-priority-groups", title: "Better criminal justice experience for priority groups" },
      { key: "rr-health", title: "Health and wellbeing services for offenders" },
      { key: "rr-rehabilitation", title: "Rehabilitation services" },
      { key: "rr-engagement", title: "Engagement: disproportionality, offender voice and scrutiny" },
      { key: "py-safer", title: "Safer communities and crime prevention" },
      { key: "py-early-intervention", title: "Early intervention and reducing serious violence and exploitation" },
      { key: "py-youth", title: "Youth participation and engagement" },
    ],
  },
];

const streams: SeedPart["streams"] = [
  {
    key: "pcc",
    name: "PCC Commissioning Budget",
    source: FundingSource.PCC_BUDGET,
    years: [
      {
        year: YEAR,
        amountPence: gbp(2_939_000),
        note: "£1.802m core budget plus £1.137m for the custody healthcare and SARC contracts taken over from Wiltshire Police in 2022.",
      },
    ],
  },
  {
    key: "moj",
    name: "Ministry of Justice Victims Grant",
    source: FundingSource.MOJ_VICTIMS_GRANT,
    ringFencedPurpose: "Services for victims of crime, including victims of sexual violence and domestic abuse",
    funderReportingCadence: ReportingCadence.HALF_YEARLY, // cadence illustrative: the plan says only "regularly"
    years: [{ year: YEAR, amountPence: gbp(1_367_000), note: "Multi-year settlement for core victims' services." }],
  },
  {
    key: "ho-svd",
    name: "Home Office Serious Violence Duty Grant",
    source: FundingSource.HOME_OFFICE_GRANT,
    ringFencedPurpose: "Discharging the Serious Violence Duty with the specified authorities",
    funderReportingCadence: ReportingCadence.QUARTERLY, // cadence illustrative
    years: [{ year: YEAR, amountPence: gbp(255_000) }],
  },
];

const portfolios: SeedPart["portfolios"] = [
  {
    key: "py",
    name: "Prevention & Youth",
    leadName: "Kelly Cullen",
    description:
      "Preventable causes of police demand, offending by young people, and services that divert young people from the criminal justice system. Known as Demand and Prevention in 2020-21.",
    priorities: ["pcp2022.p2", "pcp2022.p3", "csp.early-intervention", "csp.communities", "delivery.py-safer", "delivery.py-early-intervention", "delivery.py-youth", "pcp2017.prevent"],
  },
  {
    key: "vv",
    name: "Victims & Vulnerability",
    leadName: "Maria Milton",
    description:
      "Makes sure victims and vulnerable people get what they are entitled to and need, through services commissioned directly or with partners.",
    priorities: ["pcp2022.p2", "pcp2022.p4", "wcjb.victims", "delivery.vv-victim-centred", "delivery.vv-vcop", "delivery.vv-whole-system", "pcp2017.vulnerable", "pcp2017.victims"],
  },
  {
    key: "rr",
    name: "Reducing Reoffending & Criminal Justice",
    leadName: "Caz Deverill-Hart",
    description:
      "Help, rehabilitation and support for offenders, and work with partners on a more effective criminal justice system. Known as Criminal Justice System and Re-Offending in 2020-21.",
    priorities: ["pcp2022.p4", "wcjb.reoffending", "delivery.rr-priority-groups", "delivery.rr-health", "delivery.rr-rehabilitation", "delivery.rr-engagement", "pcp2017.prevent"],
  },
];

const allocations: SeedPart["allocations"] = [
  // PCC budget: the £1.802m core split …
  { stream: "pcc", portfolio: "py", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Core budget", amountPence: gbp(567_000) },
  { stream: "pcc", portfolio: "vv", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Core budget", amountPence: gbp(667_000) },
  { stream: "pcc", portfolio: "rr", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Core budget", amountPence: gbp(419_000) },
  { stream: "pcc", kind: AllocationKind.PIPELINE, year: YEAR, label: "Pipeline: new services developed during the year", amountPence: gbp(149_000) },
  // … and the £1.137m for the two contracts transferred from Wiltshire Police.
  { stream: "pcc", portfolio: "vv", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "SARC contract", amountPence: gbp(318_000) },
  { stream: "pcc", portfolio: "rr", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Custody healthcare contract", amountPence: gbp(819_000) },
  { stream: "moj", portfolio: "vv", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Core victims' services", amountPence: gbp(1_367_000) },
  // The grant is £0.255m but the plan says £0.254m was secured for partners: £1,000 stays unallocated so both hold.
  { stream: "ho-svd", portfolio: "py", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Serious Violence Duty: partner delivery", amountPence: gbp(254_000) },
];

const committed = (stream: string, pounds: number) => [{ stream, year: YEAR, amountPence: gbp(pounds) }];

const victimsContracts: ContractSeed[] = [
  {
    ref: "WSW-VV-01",
    portfolio: "vv",
    provider: "wiltshire-police",
    title: "Victim and restorative services (Horizon)",
    description: "Victim and witness care, including restorative justice, run by Wiltshire Police's Horizon team.",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.REVIEW,
    status: ContractStatus.UNDER_REVIEW,
    startDate: "2020-04-01", // illustrative
    annualValuePence: gbp(500_000),
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.victims"],
    funding: committed("moj", 500_000),
    reprocurement: { reviewWindow: "March to May 2023", plannedStartDate: "2023-06-01", potentialValuePence: gbp(500_000) },
  },
  {
    ref: "WSW-VV-02",
    portfolio: "vv",
    provider: "brightpath", // illustrative
    title: "Children victims of crime service",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.IN_PROCUREMENT,
    startDate: "2020-04-01", // illustrative
    endDate: "2024-03-31",
    annualValuePence: gbp(120_000),
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.victims"],
    funding: committed("moj", 120_000),
    reprocurement: { reviewWindow: "April to August 2023", plannedStartDate: "2024-04-01", potentialValuePence: gbp(120_000) },
  },
  {
    ref: "WSW-VV-03",
    portfolio: "vv",
    provider: "victim-support", // illustrative: the plan does not name the current provider
    title: "Adult victims of crime service",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.REVIEW,
    status: ContractStatus.UNDER_REVIEW,
    startDate: "2020-04-01", // illustrative
    endDate: "2024-03-31",
    annualValuePence: gbp(220_000),
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.victims"],
    funding: committed("moj", 220_000),
    reprocurement: { reviewWindow: "July to November 2023", plannedStartDate: "2024-04-01", potentialValuePence: gbp(220_000) },
  },
  {
    ref: "WSW-VV-04",
    portfolio: "vv",
    provider: "harbour", // illustrative
    title: "Domestic abuse advocacy Swindon & refuge/safe spaces",
    description: "Co-commissioned with Swindon Borough Council: about £270k a year, of which the OPCC pays £90k.",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.IN_PROCUREMENT,
    startDate: "2021-04-01", // illustrative
    endDate: "2024-03-31",
    annualValuePence: gbp(270_000),
    mainPriority: "pcp2022.p2",
    otherPriorities: ["pcp2022.p4"],
    // The council's share is what is left of the c£270k once the OPCC's £90k is taken out.
    coCommissioners: [{ partnerName: "Swindon Borough Council", annualContributionPence: gbp(180_000) }],
    funding: committed("pcc", 90_000),
    reprocurement: { reviewWindow: "April to December 2023", plannedStartDate: "2024-04-01", potentialValuePence: gbp(90_000) },
  },
  {
    ref: "WSW-VV-05",
    portfolio: "vv",
    provider: "kestrel", // illustrative
    title: "Sexual Assault Referral Centre (SARC)",
    description: "Co-commissioned with NHS England in autumn 2022; the OPCC's £318k moved from Wiltshire Police's budget.",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-10-01", // "autumn 2022"; exact date illustrative
    endDate: "2027-09-30", // illustrative
    mainPriority: "pcp2022.p2",
    otherPriorities: ["pcp2022.p4", "wcjb.victims"],
    coCommissioners: [{ partnerName: "NHS England" }],
    funding: committed("pcc", 318_000),
  },
  {
    ref: "WSW-VV-06",
    portfolio: "vv",
    provider: "willow", // illustrative
    title: "Independent sexual violence advisers (ISVA)",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-04-01", // illustrative
    endDate: "2025-03-31", // illustrative
    annualValuePence: gbp(230_000), // illustrative
    mainPriority: "pcp2022.p2",
    otherPriorities: ["pcp2022.p4", "wcjb.victims"],
    funding: committed("moj", 230_000), // illustrative split of the MoJ grant
  },
  {
    ref: "WSW-VV-07",
    portfolio: "vv",
    provider: "willow", // illustrative
    title: "Sexual abuse counselling and therapy",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-04-01", // illustrative
    endDate: "2025-03-31", // illustrative
    annualValuePence: gbp(117_000), // illustrative
    mainPriority: "pcp2022.p4",
    funding: committed("moj", 117_000), // illustrative
  },
  {
    ref: "WSW-VV-08",
    portfolio: "vv",
    provider: "harbour", // illustrative
    title: "Domestic abuse outreach and recovery – Wiltshire",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-04-01", // illustrative
    endDate: "2025-03-31", // illustrative
    annualValuePence: gbp(180_000), // illustrative
    mainPriority: "pcp2022.p2",
    otherPriorities: ["pcp2022.p4"],
    funding: committed("moj", 180_000), // illustrative
  },
  {
    ref: "WSW-VV-09",
    portfolio: "vv",
    provider: "harbour", // illustrative
    title: "Independent domestic violence advisers (IDVA) – Wiltshire",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-04-01", // illustrative
    endDate: "2025-03-31", // illustrative
    annualValuePence: gbp(210_000), // illustrative
    mainPriority: "pcp2022.p2",
    otherPriorities: ["pcp2022.p4", "wcjb.victims"],
    funding: committed("pcc", 210_000), // illustrative
  },
  {
    ref: "WSW-VV-10",
    portfolio: "vv",
    provider: "willow", // illustrative
    title: "Young people's ISVA and counselling",
    mechanism: Mechanism.GRANT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01", // illustrative
    endDate: "2024-03-31", // illustrative
    annualValuePence: gbp(120_000), // illustrative
    mainPriority: "pcp2022.p4",
    funding: committed("pcc", 120_000), // illustrative
  },
  {
    ref: "WSW-VV-11",
    portfolio: "vv",
    provider: "willow", // illustrative
    title: "Stalking advocacy service",
    mechanism: Mechanism.GRANT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01", // illustrative
    endDate: "2024-03-31", // illustrative
    annualValuePence: gbp(60_000), // illustrative
    mainPriority: "pcp2022.p2",
    funding: committed("pcc", 60_000), // illustrative
  },
  {
    ref: "WSW-VV-12",
    portfolio: "vv",
    provider: "insight", // illustrative: the plan says only "a third-party supplier"
    title: "Victim Voice survey",
    description: "Survey of victims' experience from report to court and of the support they received; designed with Wiltshire Police, about 170 responses a month.",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2025-03-31", // illustrative
    annualValuePence: gbp(25_000),
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.victims"],
    coCommissioners: [{ partnerName: "Wiltshire Police" }],
    funding: committed("pcc", 25_000),
  },
];

const reoffendingContracts: ContractSeed[] = [
  {
    ref: "WSW-RR-01",
    portfolio: "rr",
    provider: "sw-custody-health", // illustrative
    title: "Custody healthcare",
    description:
      "Healthcare professionals in custody, procured with the other South West forces and awarded in autumn 2022; the provider has struggled to recruit qualified staff.",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-11-01", // "autumn 2022"; exact date illustrative
    endDate: "2027-10-31", // illustrative
    annualValuePence: gbp(818_000),
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.reoffending"],
    // The portfolio allocation for the contract is £819k; the contract itself costs £818k a year.
    funding: committed("pcc", 818_000),
  },
  {
    ref: "WSW-RR-02",
    portfolio: "rr",
    provider: "clearwater", // illustrative
    title: "Mental health treatment requirements",
    description: "Mental health support programmes that courts can require as part of a community order.",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2026-03-31", // illustrative
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.reoffending"],
    coCommissioners: [{ partnerName: "NHS England" }],
    funding: committed("pcc", 40_000),
  },
  {
    ref: "WSW-RR-03",
    portfolio: "rr",
    provider: "pathways-recovery", // illustrative
    title: "Substance misuse service – Wiltshire",
    description: "Drug and alcohol support for offenders.",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2026-03-31", // illustrative
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.reoffending"],
    coCommissioners: [{ partnerName: "Wiltshire Council" }],
    funding: committed("pcc", 105_000),
  },
  {
    ref: "WSW-RR-04",
    portfolio: "rr",
    provider: "new-leaf", // illustrative
    title: "Substance misuse service – Swindon",
    description: "Drug and alcohol support for offenders.",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2026-03-31", // illustrative
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.reoffending"],
    coCommissioners: [{ partnerName: "Swindon Borough Council" }],
    funding: committed("pcc", 70_000),
  },
  {
    ref: "WSW-RR-05",
    portfolio: "rr",
    provider: "turnaround", // illustrative
    title: "Domestic abuse serial perpetrator support",
    description: "Behaviour-change work with men and women who have been abusive or coercive towards partners or family.",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2026-03-31", // illustrative
    mainPriority: "pcp2022.p2",
    otherPriorities: ["pcp2022.p4", "wcjb.reoffending"],
    coCommissioners: [{ partnerName: "Probation Service" }],
    funding: committed("pcc", 70_000),
  },
  {
    ref: "WSW-RR-06",
    portfolio: "rr",
    provider: "wiltshire-council", // illustrative: the council hosting the post
    title: "Offender housing support worker",
    description: "Helps people leaving prison find and keep somewhere to live.",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-04-01", // illustrative
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.reoffending"],
    coCommissioners: [{ partnerName: "Probation Service" }],
    funding: committed("pcc", 25_000), // illustrative
  },
  {
    ref: "WSW-RR-07",
    portfolio: "rr",
    provider: "nova-women", // illustrative
    title: "Out-of-court disposal pathway for women",
    mechanism: Mechanism.GRANT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01", // illustrative
    endDate: "2024-03-31", // illustrative
    annualValuePence: gbp(30_000), // illustrative
    mainPriority: "pcp2022.p4",
    otherPriorities: ["wcjb.reoffending"],
    funding: committed("pcc", 30_000), // illustrative
  },
  {
    ref: "WSW-RR-08",
    portfolio: "rr",
    provider: "change-online", // illustrative
    title: "Online intervention hub",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-04-01", // illustrative
    annualValuePence: gbp(15_000), // illustrative
    mainPriority: "pcp2022.p4",
    funding: committed("pcc", 15_000), // illustrative
  },
  {
    ref: "WSW-RR-09",
    portfolio: "rr",
    provider: "appropriate-adults", // illustrative
    title: "Appropriate adults in police interviews",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2021-04-01", // illustrative
    mainPriority: "pcp2022.p4",
    coCommissioners: [{ partnerName: "Wiltshire Council" }, { partnerName: "Swindon Borough Council" }],
    funding: committed("pcc", 40_000), // illustrative
  },
];

const preventionContracts: ContractSeed[] = [
  {
    ref: "WSW-PY-01",
    portfolio: "py",
    provider: "wiltshire-council",
    title: "Wiltshire Youth Justice Service contribution",
    description: "The OPCC's statutory contribution to the youth justice service (about £180k a year).",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2024-03-31",
    mainPriority: "pcp2022.p2",
    otherPriorities: ["csp.early-intervention"],
    funding: committed("pcc", 180_000),
  },
  {
    ref: "WSW-PY-02",
    portfolio: "py",
    provider: "swindon-council",
    title: "Swindon Youth Justice Service contribution",
    description: "The OPCC's statutory contribution to the youth justice service (about £80k a year).",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2024-03-31",
    mainPriority: "pcp2022.p2",
    otherPriorities: ["csp.early-intervention"],
    funding: committed("pcc", 80_000),
  },
  {
    ref: "WSW-PY-03",
    portfolio: "py",
    provider: "football-trust", // illustrative
    title: "Premier League Kicks – Swindon and north Wiltshire",
    description: "Football-based activities and interventions for young people.",
    mechanism: Mechanism.GRANT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2024-03-31",
    // A £27k grant would default to half-yearly returns; the office agreed quarterly monitoring (illustrative).
    reportingSchedule: ReportingSchedule.QUARTERLY,
    annualValuePence: gbp(27_000),
    mainPriority: "pcp2022.p2",
    otherPriorities: ["csp.early-intervention"],
    funding: committed("pcc", 27_000),
  },
  {
    ref: "WSW-PY-04",
    portfolio: "py",
    provider: "street-doctors",
    title: "Street Doctors first-aid training for young people",
    description: "Young people learn to respond to knife and head injuries caused by violence. Paid for in full in 2022-23.",
    mechanism: Mechanism.GRANT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2022-09-01", // illustrative
    mainPriority: "pcp2022.p2",
    otherPriorities: ["csp.early-intervention"],
  },
  {
    ref: "WSW-PY-05",
    portfolio: "py",
    provider: "wessex-mh", // illustrative
    title: "Mental health control room triage",
    description: "Mental health specialists in the force control room advise on incidents and help send the right health response.",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2020-04-01", // illustrative
    annualValuePence: gbp(122_000),
    mainPriority: "pcp2022.p3",
    otherPriorities: ["pcp2022.p2"],
    funding: committed("pcc", 122_000),
  },
  {
    ref: "WSW-PY-06",
    portfolio: "py",
    provider: "community-alert", // illustrative
    title: "Community messaging system",
    description: "Free local crime alerts and prevention advice sent by Wiltshire Police.",
    mechanism: Mechanism.CONTRACTED_SERVICE,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2021-04-01", // illustrative
    annualValuePence: gbp(17_000),
    mainPriority: "pcp2022.p3",
    otherPriorities: ["csp.communities"],
    funding: committed("pcc", 17_000),
  },
  {
    ref: "WSW-PY-07",
    portfolio: "py",
    provider: "nightsafe", // illustrative
    title: "Taxi marshals",
    description: "Marshals at taxi ranks at night to prevent violence and help women and girls feel safer.",
    mechanism: Mechanism.GRANT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2024-03-31",
    annualValuePence: gbp(11_000),
    mainPriority: "pcp2022.p2",
    otherPriorities: ["pcp2022.p3", "csp.communities"],
    funding: committed("pcc", 11_000),
  },
  {
    ref: "WSW-PY-08",
    portfolio: "py",
    provider: "wiltshire-council", // illustrative: lead partner holding the money for the steering group
    title: "Serious Violence Duty – partner delivery",
    description: "Home Office money for the duty holders, split between labour and non-labour costs and overseen by the steering group of both Community Safety Partnerships.",
    mechanism: Mechanism.PARTNERSHIP_AGREEMENT,
    stage: LifecycleStage.DO,
    status: ContractStatus.LIVE,
    startDate: "2023-04-01",
    endDate: "2024-03-31",
    annualValuePence: gbp(254_000),
    mainPriority: "pcp2022.p2",
    otherPriorities: ["csp.early-intervention"],
    coCommissioners: [{ partnerName: "Swindon Borough Council" }],
    funding: committed("ho-svd", 254_000),
  },
];

/** Portfolios also serve the 2017-2021 plan, so wiltshire-strategy.ts must be seeded before this part. */
export const wiltshire2023: SeedPart = {
  plans,
  streams,
  portfolios,
  allocations,
  contracts: [...victimsContracts, ...reoffendingContracts, ...preventionContracts],
};
