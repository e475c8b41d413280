import { In, type EntityManager } from "typeorm";
import { Contract } from "../contracts/contract.entities.js";
import { ContractKpi, Indicator, IndicatorMeasure, MeasureRole, Target } from "../kpis/kpi.entities.js";
import { quarterIndex, type Quarter } from "../periods/financial-year.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnState, ReturnValue } from "../returns/return.entities.js";
import { NOT_REPORTING } from "../returns/completeness.js";
import { actual, add, rag, Rag, ZERO, type IndicatorRule, type Sums } from "./scorecard.rules.js";

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
  rag: Rag;
  change: number | null;
  returnsIn: number;
  returnsDue: number;
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

interface Part {
  sums: Sums;
  provisional: boolean;
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
    .select(["k.contractId AS \"contractId\"", "k.indicatorId AS \"indicatorId\"", "c.portfolioId AS \"portfolioId\""])
    .where("c.officeId = :officeId", { officeId: scope.officeId })
    .andWhere("c.status NOT IN (:...idle)", { idle: NOT_REPORTING });
  if (scope.portfolioId != null) kpiQuery.andWhere("c.portfolioId = :portfolioId", { portfolioId: scope.portfolioId });
  if (scope.contractId != null) kpiQuery.andWhere("c.id = :contractId", { contractId: scope.contractId });
  const kpis = (await kpiQuery.getRawMany()).map((r) => ({ contractId: Number(r.contractId), indicatorId: Number(r.indicatorId), portfolioId: Number(r.portfolioId) }));
  const indicatorIds = [...new Set(kpis.map((k) => k.indicatorId))];
  const contractIds = [...new Set(kpis.map((k) => k.contractId))];
  if (!periods.length || !kpis.length) return { periods, indicators: [], scorecards: [] };

  const sumQuery = scorecardSums(manager, scope, periods.map((p) => p.id));
  const [sums, indicators, denominators, targets] = await Promise.all([
    sumQuery.getRawMany(),
    manager.find(Indicator, { where: { id: In(indicatorIds) }, order: { code: "ASC" } }),
    manager.find(IndicatorMeasure, { where: { indicatorId: In(indicatorIds), role: MeasureRole.DENOMINATOR } }),
    manager.find(Target, { where: { indicatorId: In(indicatorIds) } }),
  ]);

  // Contract-level parts: contract × period × indicator → sums.
  const parts = new Map<string, Part>();
  for (const row of sums) {
    const k = key(row.contractId, row.periodId, row.indicatorId);
    const part = parts.get(k) ?? { sums: ZERO, provisional: false };
    const total = Number(row.total ?? 0);
    parts.set(k, {
      sums: add(part.sums, row.role === MeasureRole.NUMERATOR ? { numerator: total, denominator: 0 } : { numerator: 0, denominator: total }),
      provisional: part.provisional || row.state !== ReturnState.ACCEPTED,
    });
  }

  const withDenominator = new Set(denominators.map((d) => d.indicatorId));
  const rules = new Map<number, IndicatorRule>(indicators.map((i) => [i.id, { factor: i.factor, direction: i.direction, amberTolerance: i.amberTolerance, hasDenominator: withDenominator.has(i.id) }]));
  const targetOf = targetLookup(targets, withDenominator);

  // Groups: one per portfolio, plus the office (or one per contract at contract level).
  const groups = new Map<string, { portfolioId: number | null; contractId: number | null; members: typeof kpis }>();
  const addTo = (portfolioId: number | null, contractId: number | null, member: (typeof kpis)[number]) => {
    const k = key(portfolioId, contractId);
    const group = groups.get(k) ?? { portfolioId, contractId, members: [] };
    group.members.push(member);
    groups.set(k, group);
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
      const members = group.members.filter((m) => m.indicatorId === indicator.id);
      if (!members.length) continue;
      const rule = rules.get(indicator.id)!;
      const cells: CellData[] = [];
      let previous: number | null = null;
      for (const period of periods) {
        let total: Sums | null = null;
        let provisional = false;
        let returnsIn = 0;
        const weighted = { target: 0, weight: 0, count: 0, sum: 0 };
        for (const member of members) {
          const part = parts.get(key(member.contractId, period.id, indicator.id));
          const contractTarget = targetOf({ contractId: member.contractId }, indicator.id, period);
          if (contractTarget != null) weighted.sum += contractTarget;
          if (contractTarget != null) weighted.count += 1;
          if (!part) continue;
          returnsIn += 1;
          total = add(total ?? ZERO, part.sums);
          provisional ||= part.provisional;
          if (contractTarget != null && rule.hasDenominator) {
            weighted.target += contractTarget * part.sums.denominator;
            weighted.weight += part.sums.denominator;
          }
        }
        const value = actual(rule, total);
        const explicit = group.contractId != null ? targetOf({ contractId: group.contractId }, indicator.id, period) : group.portfolioId != null ? targetOf({ portfolioId: group.portfolioId }, indicator.id, period) : null;
        // Without a target of its own, a group's target follows its contracts': summed for counts, weighted by
        // each contract's denominator for ratios (the same way the actual is formed).
        const derived = rule.hasDenominator ? (weighted.weight > 0 ? weighted.target / weighted.weight : null) : weighted.count === members.length ? weighted.sum : null;
        const target = explicit ?? derived;
        cells.push({
          periodId: period.id,
          label: `${period.year} Q${period.quarter}`,
          numerator: total?.numerator ?? null,
          denominator: rule.hasDenominator ? (total?.denominator ?? null) : null,
          actual: value,
          target,
          rag: rag(rule, value, target),
          change: value != null && previous != null ? value - previous : null,
          returnsIn,
          returnsDue: members.length,
          provisional,
        });
        previous = value;
      }
      rows.push({ indicatorId: indicator.id, cells });
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
 * A quarter's own target if set, else the year's. A yearly target for a count covers four quarters, so each
 * quarter is judged against a quarter of it; a yearly target for a ratio applies to every quarter as it is.
 */
function targetLookup(targets: Target[], ratios: ReadonlySet<number>) {
  const byKey = new Map<string, number>();
  for (const t of targets) byKey.set(key(t.indicatorId, t.contractId, t.portfolioId, t.year, t.quarter), t.value);
  return (owner: { contractId?: number; portfolioId?: number }, indicatorId: number, period: ReportingPeriod): number | null => {
    const c = owner.contractId ?? null;
    const p = owner.portfolioId ?? null;
    const quarterly = byKey.get(key(indicatorId, c, p, period.year, period.quarter));
    if (quarterly != null) return quarterly;
    const yearly = byKey.get(key(indicatorId, c, p, period.year, null));
    if (yearly == null) return null;
    return ratios.has(indicatorId) ? yearly : yearly / 4;
  };
}

const officeCellsByContext = new WeakMap<object, Map<number, Promise<Map<number, CellData>>>>();

/** The office-wide cell of every indicator in one quarter, computed once per request however many fields ask. */
export function officeCellsForPeriod(manager: EntityManager, requestKey: object, period: { id: number; officeId: number }): Promise<Map<number, CellData>> {
  let perPeriod = officeCellsByContext.get(requestKey);
  if (!perPeriod) officeCellsByContext.set(requestKey, (perPeriod = new Map()));
  let cells = perPeriod.get(period.id);
  if (!cells) {
    cells = computeScorecards(manager, { officeId: period.officeId, periodIds: [period.id], includeSubmitted: false }).then(({ scorecards }) => {
      const office = scorecards.find((s) => s.portfolioId == null && s.contractId == null);
      return new Map((office?.rows ?? []).map((row) => [row.indicatorId, row.cells[0]]));
    });
    perPeriod.set(period.id, cells);
  }
  return cells;
}
