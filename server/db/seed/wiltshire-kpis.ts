import { Direction, MeasureUnit, type IndicatorSeed, type MeasureSeed, type SeedPart, type TargetSeed } from "./office-seed.js";

/*
 * Wiltshire's KPI catalogue, which contracts report which indicators, and their targets. The 2023-24 plan asks for
 * portfolio scorecards built from contract-level figures but gives no KPIs, so everything here is illustrative.
 *
 * Targets for percentages are set for the whole year (the same bar every quarter); targets for counts are set per
 * quarter, because a quarter's count is not comparable with a yearly total.
 */

const count = (code: string, name: string, description?: string): MeasureSeed => ({
  code,
  name,
  description,
  unit: MeasureUnit.COUNT,
  minValue: 0,
});

export const MEASURES: MeasureSeed[] = [
  count("REFERRALS", "Referrals received"),
  count("REFERRALS_CONTACTED_2D", "Referrals contacted within two working days", "Of the referrals received in the quarter."),
  count("CLIENTS_SUPPORTED", "Clients supported", "People given support in the quarter, new or continuing."),
  count("CASES_CLOSED", "Cases closed"),
  count("CASES_CLOSED_IMPROVED", "Cases closed with improved outcome", "Of the cases closed, those where the agreed outcome measure improved."),
  count("SURVEY_RESPONSES", "Survey responses"),
  count("SATISFIED_RESPONSES", "Satisfied responses", "Responses rating the service satisfactory or better."),
  count("HCP_REQUESTS", "Requests for a custody healthcare professional"),
  count("HCP_ATTENDED_60", "Custody healthcare requests attended within 60 minutes"),
  count("INCIDENTS_TRIAGED", "Incidents given mental health triage advice"),
  count("S136_DETENTIONS", "Section 136 detentions", "People detained under section 136 of the Mental Health Act."),
];

export const INDICATORS: IndicatorSeed[] = [
  { code: "REFERRALS_RECEIVED", name: "Referrals received", numerator: ["REFERRALS"], unit: MeasureUnit.COUNT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 20 },
  { code: "CLIENTS_SUPPORTED", name: "Clients supported", numerator: ["CLIENTS_SUPPORTED"], unit: MeasureUnit.COUNT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 20 },
  {
    code: "PCT_CONTACTED_2D",
    name: "% referrals contacted within two working days",
    numerator: ["REFERRALS_CONTACTED_2D"],
    denominator: ["REFERRALS"],
    unit: MeasureUnit.PERCENT,
    direction: Direction.HIGHER_IS_BETTER,
    amberTolerance: 5,
  },
  {
    code: "PCT_IMPROVED",
    name: "% cases closed with improved outcome",
    numerator: ["CASES_CLOSED_IMPROVED"],
    denominator: ["CASES_CLOSED"],
    unit: MeasureUnit.PERCENT,
    direction: Direction.HIGHER_IS_BETTER,
    amberTolerance: 5,
  },
  {
    code: "VICTIM_SATISFACTION",
    name: "Victim satisfaction %",
    numerator: ["SATISFIED_RESPONSES"],
    denominator: ["SURVEY_RESPONSES"],
    unit: MeasureUnit.PERCENT,
    direction: Direction.HIGHER_IS_BETTER,
    amberTolerance: 5,
  },
  {
    code: "CUSTODY_HCP_60",
    name: "% custody healthcare requests attended within 60 minutes",
    numerator: ["HCP_ATTENDED_60"],
    denominator: ["HCP_REQUESTS"],
    unit: MeasureUnit.PERCENT,
    direction: Direction.HIGHER_IS_BETTER,
    amberTolerance: 10,
  },
  { code: "MH_TRIAGE", name: "Incidents given mental health triage advice", numerator: ["INCIDENTS_TRIAGED"], unit: MeasureUnit.COUNT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 100 },
  { code: "S136", name: "Section 136 detentions", numerator: ["S136_DETENTIONS"], unit: MeasureUnit.COUNT, direction: Direction.LOWER_IS_BETTER, amberTolerance: 5 },
];

/** Measures whose value is a share of another measure: numerator → the count it is a share of. */
export const SHARE_OF: Record<string, string> = {
  REFERRALS_CONTACTED_2D: "REFERRALS",
  CASES_CLOSED_IMPROVED: "CASES_CLOSED",
  SATISFIED_RESPONSES: "SURVEY_RESPONSES",
  HCP_ATTENDED_60: "HCP_REQUESTS",
};

export interface KpiContract {
  contract: string;
  /** indicator code → target (a percentage for the year, or a count per quarter). */
  targets: Record<string, number>;
  /** Typical quarterly count for each counted measure the indicators need. */
  volumes: Record<string, number>;
  /** For each share measure: its rate in the first reported quarter and in the last, drawn as a straight trend. */
  rates?: Record<string, [number, number]>;
  /** Multiplies volumes from the first quarter to the last (e.g. 0.8 for a steady fall). */
  volumeTrend?: number;
}

export const KPI_CONTRACTS: KpiContract[] = [
  // Victims & Vulnerability
  {
    contract: "WSW-VV-01",
    targets: { REFERRALS_RECEIVED: 2400, PCT_CONTACTED_2D: 90, CLIENTS_SUPPORTED: 1100 },
    volumes: { REFERRALS: 2380, CLIENTS_SUPPORTED: 1120 },
    rates: { REFERRALS_CONTACTED_2D: [0.88, 0.93] },
  },
  {
    contract: "WSW-VV-03",
    targets: { REFERRALS_RECEIVED: 650, CLIENTS_SUPPORTED: 420, PCT_IMPROVED: 75 },
    volumes: { REFERRALS: 640, CLIENTS_SUPPORTED: 410, CASES_CLOSED: 300 },
    rates: { CASES_CLOSED_IMPROVED: [0.73, 0.79] },
  },
  {
    contract: "WSW-VV-05",
    targets: { REFERRALS_RECEIVED: 90, CLIENTS_SUPPORTED: 80 },
    volumes: { REFERRALS: 92, CLIENTS_SUPPORTED: 78 },
  },
  {
    contract: "WSW-VV-06",
    targets: { REFERRALS_RECEIVED: 210, CLIENTS_SUPPORTED: 380, PCT_IMPROVED: 75 },
    volumes: { REFERRALS: 225, CLIENTS_SUPPORTED: 395, CASES_CLOSED: 120 },
    rates: { CASES_CLOSED_IMPROVED: [0.7, 0.77] },
  },
  {
    contract: "WSW-VV-08",
    targets: { REFERRALS_RECEIVED: 320, PCT_IMPROVED: 75 },
    volumes: { REFERRALS: 310, CASES_CLOSED: 180 },
    rates: { CASES_CLOSED_IMPROVED: [0.76, 0.8] },
  },
  {
    contract: "WSW-VV-09",
    targets: { REFERRALS_RECEIVED: 450, PCT_CONTACTED_2D: 90, PCT_IMPROVED: 70 },
    volumes: { REFERRALS: 470, CASES_CLOSED: 260 },
    rates: { REFERRALS_CONTACTED_2D: [0.84, 0.9], CASES_CLOSED_IMPROVED: [0.66, 0.72] },
  },
  {
    contract: "WSW-VV-12",
    // About 170 responses a month, as the plan expects.
    targets: { VICTIM_SATISFACTION: 80 },
    volumes: { SURVEY_RESPONSES: 510 },
    rates: { SATISFIED_RESPONSES: [0.77, 0.81] },
  },
  // Reducing Reoffending & Criminal Justice
  {
    contract: "WSW-RR-01",
    // The provider's recruitment problems show as a red start that improves through the year.
    targets: { CUSTODY_HCP_60: 85 },
    volumes: { HCP_REQUESTS: 1900 },
    rates: { HCP_ATTENDED_60: [0.62, 0.83] },
  },
  {
    contract: "WSW-RR-02",
    targets: { REFERRALS_RECEIVED: 45, PCT_IMPROVED: 60 },
    volumes: { REFERRALS: 42, CASES_CLOSED: 30 },
    rates: { CASES_CLOSED_IMPROVED: [0.55, 0.64] },
  },
  {
    contract: "WSW-RR-03",
    targets: { REFERRALS_RECEIVED: 140, PCT_IMPROVED: 55 },
    volumes: { REFERRALS: 150, CASES_CLOSED: 90 },
    rates: { CASES_CLOSED_IMPROVED: [0.52, 0.58] },
  },
  {
    contract: "WSW-RR-04",
    targets: { REFERRALS_RECEIVED: 110, PCT_IMPROVED: 55 },
    volumes: { REFERRALS: 104, CASES_CLOSED: 70 },
    rates: { CASES_CLOSED_IMPROVED: [0.48, 0.55] },
  },
  {
    contract: "WSW-RR-05",
    targets: { REFERRALS_RECEIVED: 40, PCT_IMPROVED: 60 },
    volumes: { REFERRALS: 38, CASES_CLOSED: 25 },
    rates: { CASES_CLOSED_IMPROVED: [0.56, 0.64] },
  },
  // Prevention & Youth
  {
    contract: "WSW-PY-03",
    targets: { CLIENTS_SUPPORTED: 280 },
    volumes: { CLIENTS_SUPPORTED: 290 },
  },
  {
    contract: "WSW-PY-05",
    targets: { MH_TRIAGE: 1200, S136: 45 },
    volumes: { INCIDENTS_TRIAGED: 1230, S136_DETENTIONS: 50 },
    volumeTrend: 0.9,
  },
];

const PERCENT_INDICATORS = new Set(INDICATORS.filter((i) => i.unit === MeasureUnit.PERCENT).map((i) => i.code));
// 2022-23 too: the quarter frozen for the Panel (2022-23 Q4) is rated against the same illustrative bars.
const TARGET_YEARS = ["2022-23", "2023-24", "2024-25"];

function contractTargets(kc: KpiContract): TargetSeed[] {
  return Object.entries(kc.targets).flatMap(([indicator, value]) =>
    TARGET_YEARS.flatMap((year) =>
      PERCENT_INDICATORS.has(indicator)
        ? [{ indicator, contract: kc.contract, year, value }]
        : [1, 2, 3, 4].map((quarter) => ({ indicator, contract: kc.contract, year, quarter, value })),
    ),
  );
}

/** Portfolio-level bars the Commissioner reviews each quarter (illustrative). */
const PORTFOLIO_TARGETS: TargetSeed[] = TARGET_YEARS.flatMap((year) => [
  { indicator: "PCT_IMPROVED", portfolio: "vv", year, value: 75 },
  { indicator: "PCT_CONTACTED_2D", portfolio: "vv", year, value: 90 },
  { indicator: "VICTIM_SATISFACTION", portfolio: "vv", year, value: 80 },
  { indicator: "PCT_IMPROVED", portfolio: "rr", year, value: 58 },
  { indicator: "CUSTODY_HCP_60", portfolio: "rr", year, value: 85 },
  ...[1, 2, 3, 4].map((quarter) => ({ indicator: "S136", portfolio: "py", year, quarter, value: 45 })),
]);

export const wiltshireKpis: SeedPart = {
  measures: MEASURES,
  indicators: INDICATORS,
  contractKpis: KPI_CONTRACTS.map((kc) => ({ contract: kc.contract, indicators: Object.keys(kc.targets) })),
  targets: [...KPI_CONTRACTS.flatMap(contractTargets), ...PORTFOLIO_TARGETS],
};
