import { PeriodState } from "../../modules/periods/reporting-period.entity.js";
import { ContractStatus, LifecycleStage, Mechanism, type ContractSeed, type SeedPart, type TargetSeed } from "./office-seed.js";
import type { PerformanceContract, PeriodPlan } from "./office-performance.js";
import { demoOpenQuarterDueDate } from "./demo-clock.js";
import { gbp } from "./seed-kit.js";

/*
 * Durham's commissioned services in 2018-19, their KPIs and targets, and the year's reporting quarters. The strategy
 * (seeds/004) gives the money by priority (victims £0.8m, prevention £0.5m, reoffending £0.7m) but names no
 * services: every contract, value and figure here is illustrative, chosen so each priority's funding lines fit
 * within its allocation. The indicators are the ones that answer the Key Performance Questions.
 */

const YEAR = "2018-19";

export const DURHAM_PERIODS: PeriodPlan[] = [1, 2, 3, 4].map((quarter) => ({ year: YEAR, quarter: quarter as 1 | 2 | 3 | 4, state: PeriodState.CLOSED }));

/** The demo's one open quarter for Durham: the next one, with its due date set from the day the demo is loaded (illustrative). */
export const DURHAM_OPEN_PERIOD: PeriodPlan = { year: "2019-20", quarter: 1, state: PeriodState.OPEN, dueDate: demoOpenQuarterDueDate() };

const service = (
  ref: string,
  portfolio: string,
  provider: string,
  title: string,
  mechanism: Mechanism,
  stream: string,
  pounds: number,
  extra: Partial<ContractSeed> = {},
): ContractSeed => ({
  ref,
  portfolio,
  provider,
  title,
  mechanism,
  stage: LifecycleStage.DO,
  status: ContractStatus.LIVE,
  startDate: "2018-04-01", // illustrative
  endDate: "2021-03-31", // illustrative
  mainPriority: `strategy.${portfolio}`,
  funding: [{ stream, year: YEAR, amountPence: gbp(pounds) }],
  ...extra,
});

const contracts: ContractSeed[] = [
  service("DUR-VIC-01", "victims", "wear-victim-care", "Victim referral, assessment and support service", Mechanism.CONTRACTED_SERVICE, "moj", 450_000),
  service("DUR-VIC-02", "victims", "tees-isva", "Independent sexual violence advisers", Mechanism.CONTRACTED_SERVICE, "moj", 150_000),
  service("DUR-VIC-03", "victims", "wear-victim-care", "Restorative justice for victims", Mechanism.GRANT, "discretionary", 120_000),
  service("DUR-PRE-01", "prevention", "durham-csp", "Community Safety Partnership prevention fund", Mechanism.PARTNERSHIP_AGREEMENT, "discretionary", 300_000),
  service("DUR-PRE-02", "prevention", "darlington-youth", "Youth diversion programme", Mechanism.GRANT, "discretionary", 150_000),
  // A small one-year grant: it makes one end-of-grant report (the default for grants under £10,000).
  service("DUR-PRE-03", "prevention", "shildon-residents", "Neighbourhood safety small grant, Shildon", Mechanism.GRANT, "discretionary", 5_000, { endDate: "2019-03-31" }),
  service("DUR-REO-01", "reoffending", "durham-constabulary", "Integrated offender management interventions", Mechanism.PARTNERSHIP_AGREEMENT, "discretionary", 380_000),
  service("DUR-REO-02", "reoffending", "durham-women", "Women's diversion project", Mechanism.GRANT, "discretionary", 140_000),
  service("DUR-REO-03", "reoffending", "northern-recovery", "Substance misuse interventions for offenders", Mechanism.CONTRACTED_SERVICE, "discretionary", 120_000, {
    endDate: "2019-09-30", // illustrative: ends within the year, with no re-procurement plan yet
  }),
];

export const DURHAM_SHARE_OF: Record<string, string> = {
  VICTIMS_CONTACTED_2D: "VICTIMS_REFERRED",
  VICTIMS_COPING_BETTER: "VICTIM_CASES_CLOSED",
  INTERVENTION_COMPLETIONS: "INTERVENTION_STARTS",
  COMPLETERS_NOT_REOFFENDING: "INTERVENTION_COMPLETIONS",
};

export const DURHAM_KPI_CONTRACTS: PerformanceContract[] = [
  { contract: "DUR-VIC-01", provider: "wear-victim-care", targets: { PCT_VICTIMS_CONTACTED_2D: 90, PCT_COPING_BETTER: 75 }, volumes: { VICTIMS_REFERRED: 1400, VICTIM_CASES_CLOSED: 700 }, rates: { VICTIMS_CONTACTED_2D: [0.84, 0.92], VICTIMS_COPING_BETTER: [0.71, 0.78] } },
  { contract: "DUR-VIC-02", provider: "tees-isva", targets: { PCT_COPING_BETTER: 75 }, volumes: { VICTIM_CASES_CLOSED: 90 }, rates: { VICTIMS_COPING_BETTER: [0.74, 0.8] } },
  { contract: "DUR-VIC-03", provider: "wear-victim-care", targets: { PCT_COPING_BETTER: 70 }, volumes: { VICTIM_CASES_CLOSED: 45 }, rates: { VICTIMS_COPING_BETTER: [0.62, 0.7] } },
  { contract: "DUR-PRE-01", provider: "durham-csp", targets: { PEOPLE_ENGAGED: 1200, ASB_INCIDENTS: 900 }, volumes: { PEOPLE_ENGAGED: 1180, ASB_INCIDENTS: 950 } },
  { contract: "DUR-PRE-02", provider: "darlington-youth", targets: { PEOPLE_ENGAGED: 300 }, volumes: { PEOPLE_ENGAGED: 310 } },
  { contract: "DUR-PRE-03", provider: "shildon-residents", targets: { PEOPLE_ENGAGED: 200 }, volumes: { PEOPLE_ENGAGED: 240 } },
  { contract: "DUR-REO-01", provider: "durham-constabulary", targets: { PCT_COMPLETED: 65, PCT_NOT_REOFFENDING: 70 }, volumes: { INTERVENTION_STARTS: 160 }, rates: { INTERVENTION_COMPLETIONS: [0.58, 0.68], COMPLETERS_NOT_REOFFENDING: [0.66, 0.73] } },
  { contract: "DUR-REO-02", provider: "durham-women", targets: { PCT_COMPLETED: 60 }, volumes: { INTERVENTION_STARTS: 40 }, rates: { INTERVENTION_COMPLETIONS: [0.55, 0.66] } },
  { contract: "DUR-REO-03", provider: "northern-recovery", targets: { PCT_COMPLETED: 55, PCT_NOT_REOFFENDING: 65 }, volumes: { INTERVENTION_STARTS: 70 }, rates: { INTERVENTION_COMPLETIONS: [0.48, 0.57], COMPLETERS_NOT_REOFFENDING: [0.6, 0.66] } },
];

const PERCENT = new Set(["PCT_VICTIMS_CONTACTED_2D", "PCT_COPING_BETTER", "PCT_COMPLETED", "PCT_NOT_REOFFENDING"]);

const targets: TargetSeed[] = DURHAM_KPI_CONTRACTS.flatMap((kc) =>
  Object.entries(kc.targets).flatMap(([indicator, value]) =>
    PERCENT.has(indicator)
      ? [{ indicator, contract: kc.contract, year: YEAR, value }]
      : // The small grant's one report covers its whole year, so its count target is the year's.
        kc.contract === "DUR-PRE-03"
        ? [{ indicator, contract: kc.contract, year: YEAR, quarter: 4, value }]
        : [1, 2, 3, 4].map((quarter) => ({ indicator, contract: kc.contract, year: YEAR, quarter, value })),
  ),
);

export const durhamServices: SeedPart = {
  contracts,
  contractKpis: DURHAM_KPI_CONTRACTS.map((kc) => ({ contract: kc.contract, indicators: Object.keys(kc.targets) })),
  targets,
};
