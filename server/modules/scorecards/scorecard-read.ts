import type { EntityManager, ObjectLiteral } from "typeorm";
import { placeholders, tableName as T } from "../../db/bulk.js";
import { selectPlain } from "../../db/loaders.js";
import { Indicator, MeasureRole, Target } from "../kpis/kpi.entities.js";
import { quarterIndex, type Quarter } from "../periods/financial-year.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { PART_COLUMNS } from "./scorecard-aggregate.entities.js";
import { changeFrom, rateCell, type IndicatorRule, type RatedCell } from "./scorecard.rules.js";
import { computeScorecards, targetSeries, type CellData, type RowData, type ScorecardData, type ScorecardScope } from "./scorecard.service.js";

type Parts = Record<(typeof PART_COLUMNS)[number], number>;

/**
 * One cell from its maintained parts. The rating itself is the pure rules' (scorecard.rules.ts); this only picks
 * the parts the view asks for (accepted only, or with submitted returns too) and the group's own target.
 */
export function cellFromParts(rule: IndicatorRule, period: ReportingPeriod, parts: Parts | undefined, includeSubmitted: boolean, explicitTarget: number | null, previous: RatedCell | null): CellData & RatedCell {
  const s = includeSubmitted && parts ? 1 : 0;
  const returnsIn = parts ? parts.acceptedIn + s * parts.submittedIn : 0;
  const returnsDue = parts?.returnsDue ?? 0;
  const numerator = parts ? parts.acceptedNumerator + s * parts.submittedNumerator : 0;
  const denominator = parts ? parts.acceptedDenominator + s * parts.submittedDenominator : 0;
  const weighted = parts ? parts.acceptedWeightedTarget + s * parts.submittedWeightedTarget : 0;
  const weight = parts ? parts.acceptedTargetWeight + s * parts.submittedTargetWeight : 0;
  const reportedTargetCount = parts ? parts.acceptedTargetCount + s * parts.submittedTargetCount : 0;
  const reportedTargetSum = parts ? parts.acceptedTargetSum + s * parts.submittedTargetSum : 0;
  const total = returnsIn ? { numerator, denominator } : null;
  // Without a target of its own, a group's target follows its contracts': summed for counts, weighted by each
  // reporting contract's denominator for ratios (the same way the actual is formed). The rule is pure.
  const rated = rateCell(rule, total, { returnsIn, returnsDue }, {
    group: explicitTarget,
    allContracts: parts && returnsDue > 0 && parts.targetCount === returnsDue ? parts.targetSum : null,
    reportingContracts: reportedTargetCount === returnsIn ? reportedTargetSum : null,
    weighted: weight > 0 ? weighted / weight : null,
  });
  return {
    periodId: period.id,
    label: `${period.year} Q${period.quarter}`,
    numerator: total?.numerator ?? null,
    denominator: rule.hasDenominator ? (total?.denominator ?? null) : null,
    ...rated,
    change: changeFrom(rule, rated, previous),
    returnsIn,
    returnsDue,
    provisional: s === 1 && parts!.submittedIn > 0,
  };
}

/**
 * Scorecards from the maintained cells: the same answer as computeScorecards (which checks it), read by index
 * (office, portfolio) instead of aggregating the return values. A contract's own scorecard is small and still
 * computed from its values.
 */
export async function readScorecards(
  manager: EntityManager,
  scope: ScorecardScope,
  /**
   * rowsOfEveryQuarter: with `periodIds`, still give every row the whole view has (a portfolio × indicator due in
   * any quarter), its cells in these quarters blank where nothing is due: the cells a full read shows there.
   */
  options: { rowsOfEveryQuarter?: boolean } = {},
): Promise<{ periods: ReportingPeriod[]; indicators: Indicator[]; scorecards: ScorecardData[] }> {
  if (scope.contractId != null) return computeScorecards(manager, scope);
  const periods = (await periodsOf(manager, scope.officeId, scope.periodIds)).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
  if (!periods.length) return { periods, indicators: [], scorecards: [] };

  const p = placeholders(manager);
  let where = `"officeId" = ${p.add(scope.officeId)}`;
  if (scope.portfolioId != null) where += ` AND "portfolioId" = ${p.add(scope.portfolioId)}`;
  if (scope.periodIds) where += ` AND "periodId" IN (${p.list(periods.map((x) => x.id))})`;
  // Only the parts this view adds up: the accepted-only view never needs the submitted columns.
  const wanted = scope.includeSubmitted ? PART_COLUMNS : PART_COLUMNS.filter((c) => !c.startsWith("submitted"));
  const rows: Record<string, unknown>[] = await manager.query(`SELECT "portfolioId", "indicatorId", "periodId", ${wanted.map((c) => `"${c}"`).join(", ")} FROM ${T(manager, "scorecard_cell")} WHERE ${where} AND "returnsDue" > 0`, p.values);
  if (!rows.length && !(options.rowsOfEveryQuarter && scope.periodIds)) return { periods, indicators: [], scorecards: [] };

  // group (portfolio, 0 for the office) → indicator → period → parts
  const groups = new Map<number, Map<number, Map<number, Parts>>>();
  for (const row of rows) {
    const portfolioId = Number(row.portfolioId);
    const indicatorId = Number(row.indicatorId);
    let byIndicator = groups.get(portfolioId);
    if (!byIndicator) groups.set(portfolioId, (byIndicator = new Map()));
    let byPeriod = byIndicator.get(indicatorId);
    if (!byPeriod) byIndicator.set(indicatorId, (byPeriod = new Map()));
    const parts = {} as Parts;
    for (const column of PART_COLUMNS) parts[column] = row[column] === undefined ? 0 : Number(row[column]);
    byPeriod.set(Number(row.periodId), parts);
  }
  if (options.rowsOfEveryQuarter && scope.periodIds) {
    const all = placeholders(manager);
    let whereAll = `"officeId" = ${all.add(scope.officeId)}`;
    if (scope.portfolioId != null) whereAll += ` AND "portfolioId" = ${all.add(scope.portfolioId)}`;
    for (const row of await manager.query(`SELECT DISTINCT "portfolioId", "indicatorId" FROM ${T(manager, "scorecard_cell")} WHERE ${whereAll} AND "returnsDue" > 0`, all.values)) {
      const portfolioId = Number(row.portfolioId);
      let byIndicator = groups.get(portfolioId);
      if (!byIndicator) groups.set(portfolioId, (byIndicator = new Map()));
      if (!byIndicator.has(Number(row.indicatorId))) byIndicator.set(Number(row.indicatorId), new Map());
    }
    if (!groups.size) return { periods, indicators: [], scorecards: [] };
  }
  const indicatorIds = [...new Set([...groups.values()].flatMap((byIndicator) => [...byIndicator.keys()]))];
  const portfolioIds = [...groups.keys()].filter((id) => id !== 0);
  const [indicators, withDenominator, targets] = await Promise.all([indicatorsOf(manager, indicatorIds), withDenominators(manager, indicatorIds), groupTargets(manager, indicatorIds, portfolioIds, periods)]);
  const targetsOf = targetSeries(targets, periods, withDenominator);

  const scorecards: ScorecardData[] = [];
  for (const portfolioId of [...groups.keys()].sort((a, b) => a - b)) {
    if (scope.portfolioId != null && portfolioId === 0) continue;
    const byIndicator = groups.get(portfolioId)!;
    const out: RowData[] = [];
    for (const indicator of indicators) {
      const byPeriod = byIndicator.get(indicator.id);
      if (!byPeriod) continue;
      const rule: IndicatorRule = { factor: indicator.factor, direction: indicator.direction, amberTolerance: indicator.amberTolerance, hasDenominator: withDenominator.has(indicator.id) };
      const explicit = portfolioId === 0 ? undefined : targetsOf({ portfolioId }, indicator.id);
      const cells: CellData[] = [];
      let previous: RatedCell | null = null;
      periods.forEach((period, i) => {
        const own = explicit && !Number.isNaN(explicit[i]) ? explicit[i] : null;
        const cell = cellFromParts(rule, period, byPeriod.get(period.id), scope.includeSubmitted, own, previous);
        cells.push(cell);
        previous = cell;
      });
      out.push({ indicatorId: indicator.id, cells });
    }
    scorecards.push({ portfolioId: portfolioId === 0 ? null : portfolioId, contractId: null, rows: out });
  }
  return { periods, indicators, scorecards };
}


/*
 * The quarters, indicators, denominators and group targets of a read: small statements written out by hand. As
 * TypeORM queries, building each statement and hydrating its few rows cost more CPU than SQLite took to run it (a
 * board's read is one portfolio, a handful of indicators). The rows are hydrated as TypeORM does (selectPlain), so
 * they are the objects a find gives (the indicators are primed into the request's loader and answered as `indicator`).
 */
async function plain<T extends ObjectLiteral>(manager: EntityManager, entity: new () => T, where: string, values: unknown[], orderBy?: string): Promise<T[]> {
  const rows = await selectPlain(manager, entity, where, values, orderBy);
  if (!rows) throw new Error(`${entity.name} is no longer a plain entity: read it through TypeORM in scorecard-read.ts.`);
  return rows;
}

async function periodsOf(manager: EntityManager, officeId: number, periodIds: number[] | null | undefined): Promise<ReportingPeriod[]> {
  const p = placeholders(manager);
  let where = `"officeId" = ${p.add(officeId)}`;
  if (periodIds) where += ` AND "id" IN (${periodIds.length ? p.list(periodIds) : p.add(-1)})`;
  return plain(manager, ReportingPeriod, where, p.values);
}

async function indicatorsOf(manager: EntityManager, ids: number[]): Promise<Indicator[]> {
  if (!ids.length) return [];
  const p = placeholders(manager);
  return plain(manager, Indicator, `"id" IN (${p.list(ids)})`, p.values, `"code" ASC`);
}

async function withDenominators(manager: EntityManager, indicatorIds: number[]): Promise<Set<number>> {
  if (!indicatorIds.length) return new Set();
  const p = placeholders(manager);
  const rows: { indicatorId: unknown }[] = await manager.query(`SELECT DISTINCT "indicatorId" FROM ${T(manager, "indicator_measure")} WHERE "indicatorId" IN (${p.list(indicatorIds)}) AND "role" = ${p.add(MeasureRole.DENOMINATOR)}`, p.values);
  return new Set(rows.map((row) => Number(row.indicatorId)));
}

/** Only the years in view: targetSeries uses no other (a board shows six quarters of the office's many years). */
async function groupTargets(manager: EntityManager, indicatorIds: number[], portfolioIds: number[], periods: ReportingPeriod[]): Promise<Target[]> {
  if (!indicatorIds.length || !portfolioIds.length) return [];
  const p = placeholders(manager);
  const years = [...new Set(periods.map((period) => period.year))];
  return plain(manager, Target, `"indicatorId" IN (${p.list(indicatorIds)}) AND "portfolioId" IN (${p.list(portfolioIds)}) AND "year" IN (${p.list(years)})`, p.values);
}
