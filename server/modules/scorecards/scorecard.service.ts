import { In, type EntityManager } from "typeorm";
import { Contract } from "../contracts/contract.entities.js";
import { ContractKpi, Indicator, IndicatorMeasure, MeasureRole, Target } from "../kpis/kpi.entities.js";
import { quarterIndex, type Quarter } from "../periods/financial-year.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnState, ReturnValue } from "../returns/return.entities.js";
import { isoOrNull, NOT_REPORTING } from "../returns/completeness.js";
import { isReturnDue } from "../contracts/reporting-schedule.js";
import { changeFrom, rateCell, Rag, TargetBasis, type IndicatorRule, type Sums } from "./scorecard.rules.js";
import { readScorecards } from "./scorecard-read.js";

export interface ScorecardScope {
  officeId: number;
  /** Only this portfolio (and no office total). */
  portfolioId?: number | null;
  /** Contract-level scorecards for this one contract. */
  contractId?: number | null;
  /** Only these periods (by id); all of the office's periods when absent. */
  periodIds?: number[] | null;
  /** Count submitted (not yet accepted) returns too; such cells are marked provisional. */
  includeSubmitted: boolean;
}

export interface CellData {
  periodId: number;
  label: string;
  numerator: number | null;
  denominator: number | null;
  actual: number | null;
  target: number | null;
  targetBasis: TargetBasis;
  fullTarget: number | null;
  rag: Rag;
  change: number | null;
  returnsIn: number;
  returnsDue: number;
  complete: boolean;
  provisional: boolean;
}

export interface RowData {
  indicatorId: number;
  cells: CellData[];
}

export interface ScorecardData {
  /** null for the office-wide total. */
  portfolioId: number | null;
  contractId: number | null;
  rows: RowData[];
}

interface Series {
  numerator: Float64Array;
  denominator: Float64Array;
  present: Uint8Array;
  provisional: Uint8Array;
}

const key = (...parts: (number | string | null)[]) => parts.join(":");

/**
 * Scorecards for an office: each portfolio's indicators by quarter, plus the office total; or one contract's.
 * The figures come from one aggregate query over the return values (summed per contract, quarter, indicator and
 * role), then roll up in memory by adding numerators and denominators. Four more small queries fetch the periods,
 * the contracts' KPIs, the indicators and the targets, so the number of statements does not grow with the data.
 */
export async function computeScorecards(manager: EntityManager, scope: ScorecardScope): Promise<{ periods: ReportingPeriod[]; indicators: Indicator[]; scorecards: ScorecardData[] }> {
  const periodQuery = manager.createQueryBuilder(ReportingPeriod, "p").where("p.officeId = :officeId", { officeId: scope.officeId });
  if (scope.periodIds) periodQuery.andWhere("p.id IN (:...periodIds)", { periodIds: scope.periodIds.length ? scope.periodIds : [-1] });
  const periods = (await periodQuery.getMany()).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));

  const kpiQuery = manager
    .createQueryBuilder(ContractKpi, "k")
    .innerJoin(Contract, "c", "c.id = k.contractId")
    .select(["k.contractId AS \"contractId\"", "k.indicatorId AS \"indicatorId\"", "c.portfolioId AS \"portfolioId\"", "c.reportingSchedule AS \"reportingSchedule\"", "c.startDate AS \"startDate\"", "c.endDate AS \"endDate\""])
    .where("c.officeId = :officeId", { officeId: scope.officeId })
    .andWhere("c.status NOT IN (:...idle)", { idle: NOT_REPORTING });
  if (scope.portfolioId != null) kpiQuery.andWhere("c.portfolioId = :portfolioId", { portfolioId: scope.portfolioId });
  if (scope.contractId != null) kpiQuery.andWhere("c.id = :contractId", { contractId: scope.contractId });
  const kpiRows = await kpiQuery.getRawMany();
  const kpis = kpiRows.map((r) => ({ contractId: Number(r.contractId), indicatorId: Number(r.indicatorId), portfolioId: Number(r.portfolioId) }));
  const indicatorIds = [...new Set(kpis.map((k) => k.indicatorId))];
  if (!periods.length || !kpis.length) return { periods, indicators: [], scorecards: [] };

  const sumQuery = scorecardSums(manager, scope, periods.map((p) => p.id));
  const [sums, indicators, denominators, targets] = await Promise.all([
    sumQuery.getRawMany(),
    manager.find(Indicator, { where: { id: In(indicatorIds) }, order: { code: "ASC" } }),
    manager.find(IndicatorMeasure, { where: { indicatorId: In(indicatorIds), role: MeasureRole.DENOMINATOR } }),
    manager.find(Target, { where: { indicatorId: In(indicatorIds) } }),
  ]);

  // Contract-level figures as numeric series over the periods, so the rollup below does arithmetic on arrays
  // rather than building keys: an office of 2,000 contracts over 40 quarters is about a million additions.
  const P = periods.length;
  // Which contracts owe a return in which period: the one rule (isReturnDue), asked once per contract and period.
  const dueIn = new Map<number, Uint8Array>();
  for (const r of kpiRows) {
    const contractId = Number(r.contractId);
    if (dueIn.has(contractId)) continue;
    const contract = { reportingSchedule: String(r.reportingSchedule), startDate: isoOrNull(r.startDate), endDate: isoOrNull(r.endDate) };
    dueIn.set(contractId, Uint8Array.from(periods, (period) => (isReturnDue(contract, period as Quarter) ? 1 : 0)));
  }
  const periodIndex = new Map(periods.map((period, i) => [period.id, i]));
  const series = new Map<number, Map<number, Series>>(); // indicator → contract → series
  const seriesOf = (indicatorId: number, contractId: number): Series => {
    let byContract = series.get(indicatorId);
    if (!byContract) series.set(indicatorId, (byContract = new Map()));
    let one = byContract.get(contractId);
    if (!one) byContract.set(contractId, (one = { numerator: new Float64Array(P), denominator: new Float64Array(P), present: new Uint8Array(P), provisional: new Uint8Array(P) }));
    return one;
  };
  for (const row of sums) {
    const one = seriesOf(Number(row.indicatorId), Number(row.contractId));
    const p = periodIndex.get(Number(row.periodId))!;
    const total = Number(row.total ?? 0);
    if (row.role === MeasureRole.NUMERATOR) one.numerator[p] += total;
    else one.denominator[p] += total;
    one.present[p] = 1;
    if (row.state !== ReturnState.ACCEPTED) one.provisional[p] = 1;
  }

  const withDenominator = new Set(denominators.map((d) => d.indicatorId));
  const rules = new Map<number, IndicatorRule>(indicators.map((i) => [i.id, { factor: i.factor, direction: i.direction, amberTolerance: i.amberTolerance, hasDenominator: withDenominator.has(i.id) }]));
  const targetsOf = targetSeries(targets, periods, withDenominator);

  // Groups: one per portfolio, plus the office (or one per contract at contract level), each with its
  // contracts per indicator.
  const groups = new Map<string, { portfolioId: number | null; contractId: number | null; members: Map<number, number[]> }>();
  const addTo = (portfolioId: number | null, contractId: number | null, kpi: (typeof kpis)[number]) => {
    const k = key(portfolioId, contractId);
    let group = groups.get(k);
    if (!group) groups.set(k, (group = { portfolioId, contractId, members: new Map() }));
    let list = group.members.get(kpi.indicatorId);
    if (!list) group.members.set(kpi.indicatorId, (list = []));
    list.push(kpi.contractId);
  };
  for (const kpi of kpis) {
    if (scope.contractId != null) addTo(kpi.portfolioId, kpi.contractId, kpi);
    else {
      addTo(kpi.portfolioId, null, kpi);
      if (scope.portfolioId == null) addTo(null, null, kpi);
    }
  }

  const scorecards: ScorecardData[] = [];
  for (const group of groups.values()) {
    const rows: RowData[] = [];
    for (const indicator of indicators) {
      const members = group.members.get(indicator.id);
      if (!members) continue;
      const rule = rules.get(indicator.id)!;
      const memberSeries = members.map((contractId) => series.get(indicator.id)?.get(contractId));
      const memberTargets = members.map((contractId) => targetsOf({ contractId }, indicator.id));
      const explicitTargets = group.contractId != null ? targetsOf({ contractId: group.contractId }, indicator.id) : group.portfolioId != null ? targetsOf({ portfolioId: group.portfolioId }, indicator.id) : undefined;
      const cells: CellData[] = [];
      let previous: { actual: number | null; complete: boolean } | null = null;
      for (let p = 0; p < P; p++) {
        let numerator = 0;
        let denominator = 0;
        let provisional = false;
        let returnsIn = 0;
        let returnsDue = 0;
        let targetSum = 0;
        let targetCount = 0;
        let reportedTargetSum = 0;
        let reportedTargetCount = 0;
        let weightedTarget = 0;
        let weight = 0;
        for (let m = 0; m < members.length; m++) {
          const due = dueIn.get(members[m])![p];
          returnsDue += due;
          const contractTarget = memberTargets[m]?.[p];
          const hasTarget = contractTarget !== undefined && !Number.isNaN(contractTarget);
          // A contract that owes no return this quarter adds nothing to the group's target either.
          if (hasTarget && due) {
            targetSum += contractTarget;
            targetCount += 1;
          }
          const one = memberSeries[m];
          // Only a return the contract owes counts: its schedule decides, as it does for returnsDue.
          if (!due || !one || !one.present[p]) continue;
          returnsIn += 1;
          if (hasTarget) {
            reportedTargetSum += contractTarget;
            reportedTargetCount += 1;
          }
          numerator += one.numerator[p];
          denominator += one.denominator[p];
          if (one.provisional[p]) provisional = true;
          if (hasTarget && rule.hasDenominator) {
            weightedTarget += contractTarget * one.denominator[p];
            weight += one.denominator[p];
          }
        }
        const total: Sums | null = returnsIn ? { numerator, denominator } : null;
        const explicit = explicitTargets && !Number.isNaN(explicitTargets[p]) ? explicitTargets[p] : null;
        // Without a target of its own, a group's target follows its contracts': summed for counts, weighted by
        // each contract's denominator for ratios (the same way the actual is formed). The rule is pure.
        const rated = rateCell(rule, total, { returnsIn, returnsDue }, {
          group: explicit,
          allContracts: targetCount === returnsDue && returnsDue > 0 ? targetSum : null,
          reportingContracts: reportedTargetCount === returnsIn ? reportedTargetSum : null,
          weighted: weight > 0 ? weightedTarget / weight : null,
        });
        const value = rated.actual;
        const period = periods[p];
        cells.push({
          periodId: period.id,
          label: `${period.year} Q${period.quarter}`,
          numerator: total?.numerator ?? null,
          denominator: rule.hasDenominator ? (total?.denominator ?? null) : null,
          actual: value,
          target: rated.target,
          targetBasis: rated.targetBasis,
          fullTarget: rated.fullTarget,
          rag: rated.rag,
          change: changeFrom(rule, rated, previous),
          returnsIn,
          returnsDue,
          complete: rated.complete,
          provisional,
        });
        previous = rated;
      }
      // An indicator that none of the group's contracts owes in these quarters has no row (as in the maintained cells).
      if (cells.some((cell) => cell.returnsDue > 0)) rows.push({ indicatorId: indicator.id, cells });
    }
    scorecards.push({ portfolioId: group.portfolioId, contractId: group.contractId, rows });
  }
  scorecards.sort((a, b) => (a.portfolioId ?? -1) - (b.portfolioId ?? -1) || (a.contractId ?? -1) - (b.contractId ?? -1));
  return { periods, indicators, scorecards };
}

/**
 * The one aggregate behind every scorecard: return values summed per contract, quarter, state, indicator and
 * role. Exported so the benchmark can time the same SQL without GraphQL.
 */
export function scorecardSums(manager: EntityManager, scope: ScorecardScope, periodIds: number[]) {
  const states = scope.includeSubmitted ? [ReturnState.ACCEPTED, ReturnState.SUBMITTED] : [ReturnState.ACCEPTED];
  const sumQuery = manager
    .createQueryBuilder(ReturnValue, "v")
    .innerJoin(PerformanceReturn, "r", "r.id = v.returnId")
    .innerJoin(Contract, "c", "c.id = r.contractId")
    .innerJoin(ContractKpi, "k", "k.contractId = c.id")
    .innerJoin(IndicatorMeasure, "im", "im.indicatorId = k.indicatorId AND im.measureId = v.measureId")
    .select(["r.contractId AS \"contractId\"", "r.periodId AS \"periodId\"", "r.state AS state", "im.indicatorId AS \"indicatorId\"", "im.role AS role", "SUM(v.value) AS total"])
    .where("c.officeId = :officeId", { officeId: scope.officeId })
    .andWhere("c.status NOT IN (:...idle)", { idle: NOT_REPORTING })
    .andWhere("r.state IN (:...states)", { states })
    .andWhere("r.periodId IN (:...periodIds)", { periodIds })
    .groupBy("r.contractId")
    .addGroupBy("r.periodId")
    .addGroupBy("r.state")
    .addGroupBy("im.indicatorId")
    .addGroupBy("im.role");
  if (scope.portfolioId != null) sumQuery.andWhere("c.portfolioId = :portfolioId", { portfolioId: scope.portfolioId });
  if (scope.contractId != null) sumQuery.andWhere("c.id = :contractId", { contractId: scope.contractId });
  return sumQuery;
}

/**
 * Each owner's (contract's or portfolio's) target for an indicator in every period: a quarter's own target if
 * set, else the year's. A yearly target for a count covers four quarters, so each quarter is judged against a
 * quarter of it; a yearly target for a ratio applies to every quarter as it is. NaN where there is none.
 */
export function targetSeries(targets: Target[], periods: ReportingPeriod[], ratios: ReadonlySet<number>) {
  const byOwner = new Map<string, Float64Array>();
  // Years first, then quarters, so a quarter's own target overrides its year's.
  const ordered = [...targets].sort((a, b) => (a.quarter == null ? 0 : 1) - (b.quarter == null ? 0 : 1));
  for (const t of ordered) {
    const owner = key(t.indicatorId, t.contractId, t.portfolioId);
    let values = byOwner.get(owner);
    if (!values) byOwner.set(owner, (values = new Float64Array(periods.length).fill(Number.NaN)));
    periods.forEach((period, p) => {
      if (period.year !== t.year) return;
      if (t.quarter == null) values![p] = ratios.has(t.indicatorId) ? t.value : t.value / 4;
      else if (t.quarter === period.quarter) values![p] = t.value;
    });
  }
  return (owner: { contractId?: number; portfolioId?: number }, indicatorId: number): Float64Array | undefined =>
    byOwner.get(key(indicatorId, owner.contractId ?? null, owner.portfolioId ?? null));
}

const officeCellsByContext = new WeakMap<object, Map<number, Promise<Map<number, CellData>>>>();

/** The office-wide cell of every indicator in one quarter, computed once per request however many fields ask. */
export function officeCellsForPeriod(manager: EntityManager, requestKey: object, period: { id: number; officeId: number }): Promise<Map<number, CellData>> {
  let perPeriod = officeCellsByContext.get(requestKey);
  if (!perPeriod) officeCellsByContext.set(requestKey, (perPeriod = new Map()));
  let cells = perPeriod.get(period.id);
  if (!cells) {
    cells = readScorecards(manager, { officeId: period.officeId, periodIds: [period.id], includeSubmitted: false }).then(({ scorecards }) => {
      const office = scorecards.find((s) => s.portfolioId == null && s.contractId == null);
      return new Map((office?.rows ?? []).map((row) => [row.indicatorId, row.cells[0]]));
    });
    perPeriod.set(period.id, cells);
  }
  return cells;
}
