import { PeriodState } from "../../modules/periods/reporting-period.entity.js";
import { Direction, MeasureUnit, type SeedPart, type TargetSeed } from "./office-seed.js";
import type { PerformanceContract, PeriodPlan } from "./office-performance.js";
import { demoOpenQuarterDueDate } from "./demo-clock.js";

/*
 * Dorset's KPIs, which commitments report them, their targets and the 2019-20 reporting quarters. The 2019/20
 * intentions (seeds/001) set no KPIs, so everything here is illustrative; the money figures are untouched.
 * All four quarters of 2019-20 ended long ago, so they are closed, as they would be; 2020-21 Q1 is the one open quarter.
 */

const YEAR = "2019-20";

export const DORSET_PERIODS: PeriodPlan[] = [1, 2, 3, 4].map((quarter) => ({ year: YEAR, quarter: quarter as 1 | 2 | 3 | 4, state: PeriodState.CLOSED }));

/** The demo's one open quarter for Dorset: the next one, with its due date set from the day the demo is loaded (illustrative). */
export const DORSET_OPEN_PERIOD: PeriodPlan = { year: "2020-21", quarter: 1, state: PeriodState.OPEN, dueDate: demoOpenQuarterDueDate() };

export const DORSET_SHARE_OF: Record<string, string> = {
  CONTACTED_2D: "REFERRALS",
  CLOSED_IMPROVED: "CASES_CLOSED",
  COMPLETIONS: "STARTS",
};

/** The commitments that report KPIs (illustrative). DOR-VCF-06 is a £15k grant: it reports half-yearly by default. */
export const DORSET_KPI_CONTRACTS: PerformanceContract[] = [
  { contract: "DOR-CSF-02", provider: "dorset-police", targets: { PEOPLE_REACHED: 1500 }, volumes: { PEOPLE_REACHED: 1520 } },
  { contract: "DOR-CSF-07", provider: "harbourside-recovery", targets: { PCT_COMPLETED: 60 }, volumes: { STARTS: 85 }, rates: { COMPLETIONS: [0.52, 0.63] } },
  { contract: "DOR-CSF-09", provider: "dorset-healthcare", targets: { INCIDENTS_TRIAGED: 400 }, volumes: { INCIDENTS_TRIAGED: 410 } },
  { contract: "DOR-LIF-01", provider: "dorset-da-support", targets: { PCT_COMPLETED: 55 }, volumes: { STARTS: 30 }, rates: { COMPLETIONS: [0.45, 0.58] } },
  { contract: "DOR-VCF-02", provider: "g4s", targets: { REFERRALS_RECEIVED: 120, PCT_CONTACTED_2D: 90 }, volumes: { REFERRALS: 118 }, rates: { CONTACTED_2D: [0.86, 0.92] } },
  { contract: "DOR-VCF-03", provider: "restorative-dorset", targets: { REFERRALS_RECEIVED: 60, PCT_IMPROVED: 70 }, volumes: { REFERRALS: 58, CASES_CLOSED: 40 }, rates: { CLOSED_IMPROVED: [0.66, 0.74] } },
  { contract: "DOR-VCF-04", provider: "dorset-da-support", targets: { REFERRALS_RECEIVED: 260, PCT_CONTACTED_2D: 90, PCT_IMPROVED: 75 }, volumes: { REFERRALS: 255, CASES_CLOSED: 150 }, rates: { CONTACTED_2D: [0.82, 0.91], CLOSED_IMPROVED: [0.7, 0.77] } },
  { contract: "DOR-VCF-06", provider: "coastline-wellbeing", targets: { REFERRALS_RECEIVED: 40, PCT_IMPROVED: 70 }, volumes: { REFERRALS: 42, CASES_CLOSED: 30 }, rates: { CLOSED_IMPROVED: [0.6, 0.7] } },
];

const PERCENT = new Set(["PCT_CONTACTED_2D", "PCT_IMPROVED", "PCT_COMPLETED"]);

const targets: TargetSeed[] = DORSET_KPI_CONTRACTS.flatMap((kc) =>
  Object.entries(kc.targets).flatMap(([indicator, value]) =>
    PERCENT.has(indicator) ? [{ indicator, contract: kc.contract, year: YEAR, value }] : [1, 2, 3, 4].map((quarter) => ({ indicator, contract: kc.contract, year: YEAR, quarter, value })),
  ),
);

export const dorsetKpis: SeedPart = {
  measures: [
    { code: "REFERRALS", name: "Referrals received", unit: MeasureUnit.COUNT, minValue: 0 },
    { code: "CONTACTED_2D", name: "Referrals contacted within two working days", unit: MeasureUnit.COUNT, minValue: 0 },
    { code: "CASES_CLOSED", name: "Cases closed", unit: MeasureUnit.COUNT, minValue: 0 },
    { code: "CLOSED_IMPROVED", name: "Cases closed with improved coping and recovery", unit: MeasureUnit.COUNT, minValue: 0 },
    { code: "STARTS", name: "People starting a programme", unit: MeasureUnit.COUNT, minValue: 0 },
    { code: "COMPLETIONS", name: "People completing a programme", unit: MeasureUnit.COUNT, minValue: 0 },
    { code: "PEOPLE_REACHED", name: "Young people reached by prevention sessions", unit: MeasureUnit.COUNT, minValue: 0 },
    { code: "INCIDENTS_TRIAGED", name: "Incidents given mental health triage advice", unit: MeasureUnit.COUNT, minValue: 0 },
  ],
  indicators: [
    { code: "REFERRALS_RECEIVED", name: "Referrals received", numerator: ["REFERRALS"], unit: MeasureUnit.COUNT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 20 },
    { code: "PCT_CONTACTED_2D", name: "% referrals contacted within two working days", numerator: ["CONTACTED_2D"], denominator: ["REFERRALS"], unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 },
    { code: "PCT_IMPROVED", name: "% cases closed with improved coping and recovery", numerator: ["CLOSED_IMPROVED"], denominator: ["CASES_CLOSED"], unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 },
    { code: "PCT_COMPLETED", name: "% programme completions", numerator: ["COMPLETIONS"], denominator: ["STARTS"], unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 },
    { code: "PEOPLE_REACHED", name: "Young people reached by prevention sessions", numerator: ["PEOPLE_REACHED"], unit: MeasureUnit.COUNT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 150 },
    { code: "INCIDENTS_TRIAGED", name: "Incidents given mental health triage advice", numerator: ["INCIDENTS_TRIAGED"], unit: MeasureUnit.COUNT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 40 },
  ],
  contractKpis: DORSET_KPI_CONTRACTS.map((kc) => ({ contract: kc.contract, indicators: Object.keys(kc.targets) })),
  targets: [...targets, { indicator: "PCT_IMPROVED", portfolio: "pcs", year: YEAR, value: 75 }],
};
