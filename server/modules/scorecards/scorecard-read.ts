import { In, type EntityManager, type ObjectLiteral } from "typeorm";
import { placeholders, tableName as T, together } from "../../db/bulk.js";
import { selectPlain } from "../../db/loaders.js";
import { Indicator, IndicatorMeasure, MeasureRole, Target } from "../kpis/kpi.entities.js";
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
    // rated's fields one by one (not spread): the same object, built in one step for each of a full office's cells.
    actual: rated.actual,
    target: rated.target,
    targetBasis: rated.targetBasis,
    fullTarget: rated.fullTarget,
    rag: rated.rag,
    complete: rated.complete,
    change: changeFrom(rule, rated, previous),
    returnsIn,
    returnsDue,
    provisional: s === 1 && parts!.submittedIn > 0,
  };
}

const part = (value: unknown) => (value === undefined ? 0 : Number(value));

/**
 * A maintained cell's parts from its row (0 for the columns a view did not select), as one object literal: a full
 * office is 12,240 rows, and filling an object column by column cost more than reading them.
 */
function partsOf(row: Record<string, unknown>): Parts {
  return {
    returnsDue: part(row.returnsDue),
    targetCount: part(row.targetCount),
    targetSum: part(row.targetSum),
    acceptedIn: part(row.acceptedIn),
    acceptedNumerator: part(row.acceptedNumerator),
    acceptedDenominator: part(row.acceptedDenominator),
    acceptedTargetCount: part(row.acceptedTargetCount),
    acceptedTargetSum: part(row.acceptedTargetSum),
    acceptedWeightedTarget: part(row.acceptedWeightedTarget),
    acceptedTargetWeight: part(row.acceptedTargetWeight),
    submittedIn: part(row.submittedIn),
    submittedNumerator: part(row.submittedNumerator),
    submittedDenominator: part(row.submittedDenominator),
    submittedTargetCount: part(row.submittedTargetCount),
    submittedTargetSum: part(row.submittedTargetSum),
    submittedWeightedTarget: part(row.submittedWeightedTarget),
    submittedTargetWeight: part(row.submittedTargetWeight),
  };
}

type Groups = Map<number, Map<number, Map<number, Parts>>>;

function groupOf(groups: Groups, portfolioId: number, indicatorId: number): Map<number, Parts> {
  let byIndicator = groups.get(portfolioId);
  if (!byIndicator) groups.set(portfolioId, (byIndicator = new Map()));
  let byPeriod = byIndicator.get(indicatorId);
  if (!byPeriod) byIndicator.set(indicatorId, (byPeriod = new Map()));
  return byPeriod;
}

/** Only the parts a view adds up: the accepted-only view never needs the submitted columns. */
const wantedParts = (includeSubmitted: boolean) => (includeSubmitted ? PART_COLUMNS : PART_COLUMNS.filter((c) => !c.startsWith("submitted")));

/** The maintained cells one row each. */
async function rowParts(manager: EntityManager, where: string, values: unknown[], includeSubmitted: boolean): Promise<Groups> {
  const rows: Record<string, unknown>[] = await manager.query(`SELECT "portfolioId", "indicatorId", "periodId", ${wantedParts(includeSubmitted).map((c) => `"${c}"`).join(", ")} FROM ${T(manager, "scorecard_cell")} WHERE ${where} AND "returnsDue" > 0`, values);
  const groups: Groups = new Map();
  for (const row of rows) groupOf(groups, Number(row.portfolioId), Number(row.indicatorId)).set(Number(row.periodId), partsOf(row));
  return groups;
}

/** The parts' order in a packed cell, after its periodId (packedParts reads them back by these positions): the columns' own order. */
const PACKED_ORDER = PART_COLUMNS;

/**
 * The same cells, one row per portfolio × indicator holding its quarters as JSON arrays of numbers
 * ([periodId, ...PACKED_ORDER], 0 for the columns the view does not add up). A full office is 12,240 cells × 13
 * columns, and the drivers' building of one object per row, column by column, was most of the read (on SQLite
 * ~45 ms of ~70 ms CPU; on PostgreSQL node-postgres parses every column of every row); JSON.parse builds the same
 * numbers in a fraction of that. Each value is written so that it reads back as the same double: on SQLite
 * printf('%!.17g'), 17 significant digits, which SQLite (3.43+) renders exactly; on PostgreSQL float8's own text,
 * which is what node-postgres parses for the row-by-row read too (shortest exact since PostgreSQL 12).
 * Null when the text is not JSON (an infinite or NaN value, say): the caller then reads the rows.
 */
async function packedParts(manager: EntityManager, where: string, values: unknown[], includeSubmitted: boolean): Promise<Groups | null> {
  const wanted = new Set<string>(wantedParts(includeSubmitted));
  const postgres = manager.connection.options.type === "postgres";
  const text = (c: string) => (postgres ? `"${c}"::text` : `printf('%!.17g', "${c}")`);
  const cell = [`"periodId"`, ...PACKED_ORDER.map((c) => (wanted.has(c) ? text(c) : "'0'"))].join(" || ',' || ");
  const rows: { portfolioId: unknown; indicatorId: unknown; cells: string }[] = await manager.query(
    `SELECT "portfolioId", "indicatorId", '[[' || ${postgres ? "string_agg" : "group_concat"}(${cell}, '],[') || ']]' AS cells FROM ${T(manager, "scorecard_cell")} WHERE ${where} AND "returnsDue" > 0 GROUP BY "portfolioId", "indicatorId"`,
    values,
  );
  const groups: Groups = new Map();
  try {
    for (const row of rows) {
      const byPeriod = groupOf(groups, Number(row.portfolioId), Number(row.indicatorId));
      for (const v of JSON.parse(row.cells) as number[][]) {
        if (v.length !== PACKED_ORDER.length + 1) return null;
        byPeriod.set(v[0], {
          returnsDue: v[1],
          targetCount: v[2],
          targetSum: v[3],
          acceptedIn: v[4],
          acceptedNumerator: v[5],
          acceptedDenominator: v[6],
          acceptedTargetCount: v[7],
          acceptedTargetSum: v[8],
          acceptedWeightedTarget: v[9],
          acceptedTargetWeight: v[10],
          submittedIn: v[11],
          submittedNumerator: v[12],
          submittedDenominator: v[13],
          submittedTargetCount: v[14],
          submittedTargetSum: v[15],
          submittedWeightedTarget: v[16],
          submittedTargetWeight: v[17],
        });
      }
    }
  } catch {
    return null;
  }
  return groups;
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
  options: {
    rowsOfEveryQuarter?: boolean;
    /** Only these groups' scorecards (portfolio ids, 0 for the office total), instead of the scope's. */
    groups?: readonly number[];
    /** The office's quarters, oldest first, when the caller has them already (filtered here to `periodIds`). */
    officePeriods?: readonly ReportingPeriod[];
    /** Read the cells row by row, as when the packed text is not JSON (tests compare both reads). */
    rowByRow?: boolean;
  } = {},
): Promise<{ periods: ReportingPeriod[]; indicators: Indicator[]; scorecards: ScorecardData[] }> {
  if (scope.contractId != null) return computeScorecards(manager, scope);
  const scopeGroups = (where: string, p: ReturnType<typeof placeholders>) => {
    if (options.groups) return `${where} AND "portfolioId" IN (${p.list(options.groups.length ? options.groups : [-1])})`;
    return scope.portfolioId != null ? `${where} AND "portfolioId" = ${p.add(scope.portfolioId)}` : where;
  };
  // group (portfolio, 0 for the office) → indicator → period → parts
  const cellGroups = async (periodIds: readonly number[] | null): Promise<Groups> => {
    const p = placeholders(manager);
    let where = scopeGroups(`"officeId" = ${p.add(scope.officeId)}`, p);
    if (periodIds) where += ` AND "periodId" IN (${p.list(periodIds)})`;
    const packed = options.rowByRow ? null : await packedParts(manager, where, p.values, scope.includeSubmitted);
    return packed ?? rowParts(manager, where, p.values, scope.includeSubmitted);
  };
  const distinctQuery = () => {
    const all = placeholders(manager);
    const whereAll = scopeGroups(`"officeId" = ${all.add(scope.officeId)}`, all);
    return manager.query(`SELECT DISTINCT "portfolioId", "indicatorId" FROM ${T(manager, "scorecard_cell")} WHERE ${whereAll} AND "returnsDue" > 0`, all.values) as Promise<Record<string, unknown>[]>;
  };
  const everyQuarter = Boolean(options.rowsOfEveryQuarter && scope.periodIds);
  let periods: ReportingPeriod[];
  let groups: Groups;
  let everyRow: Record<string, unknown>[] = [];
  let known: [Indicator[], IndicatorMeasure[], Target[]] | null = null;
  if (options.officePeriods) {
    // The quarters are known: the cells (and every row's keys) are read side by side, in one round trip.
    const ids = scope.periodIds ? new Set(scope.periodIds) : null;
    periods = options.officePeriods.filter((x) => !ids || ids.has(x.id));
    if (!periods.length) return { periods, indicators: [], scorecards: [] };
    // With the groups known too, the office's indicators, their denominators and the groups' targets go along.
    const groupPortfolios = options.groups?.filter((id) => id !== 0) ?? [];
    const reference = options.groups
      ? () =>
          together(manager, [
          () => manager.find(Indicator, { where: { officeId: scope.officeId }, order: { code: "ASC" } }),
          () => manager
            .createQueryBuilder(IndicatorMeasure, "im")
            .where("im.role = :role", { role: MeasureRole.DENOMINATOR })
            .andWhere(`im.indicatorId IN (SELECT i.id FROM ${T(manager, "indicator")} i WHERE i."officeId" = :officeId)`, { officeId: scope.officeId })
            .getMany(),
          () => (groupPortfolios.length ? manager.find(Target, { where: { portfolioId: In(groupPortfolios) } }) : Promise.resolve([])),
        ] as const)
      : async () => null;
    [groups, everyRow, known] = await together(manager, [() => cellGroups(scope.periodIds ? periods.map((x) => x.id) : null), () => (everyQuarter ? distinctQuery() : Promise.resolve([])), reference] as const);
  } else {
    periods = (await periodsOf(manager, scope.officeId, scope.periodIds)).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
    if (!periods.length) return { periods, indicators: [], scorecards: [] };
    groups = await cellGroups(scope.periodIds ? periods.map((x) => x.id) : null);
    if (!groups.size && !everyQuarter) return { periods, indicators: [], scorecards: [] };
    if (everyQuarter) everyRow = await distinctQuery();
  }
  if (!groups.size && !everyQuarter) return { periods, indicators: [], scorecards: [] };
  if (everyQuarter) {
    for (const row of everyRow) {
      const portfolioId = Number(row.portfolioId);
      let byIndicator = groups.get(portfolioId);
      if (!byIndicator) groups.set(portfolioId, (byIndicator = new Map()));
      if (!byIndicator.has(Number(row.indicatorId))) byIndicator.set(Number(row.indicatorId), new Map());
    }
    if (!groups.size) return { periods, indicators: [], scorecards: [] };
  }
  const indicatorIds = [...new Set([...groups.values()].flatMap((byIndicator) => [...byIndicator.keys()]))];
  const portfolioIds = [...groups.keys()].filter((id) => id !== 0);
  const shown = new Set(indicatorIds);
  const [indicators, withDenominator, targets] = known
    ? [known[0].filter((indicator) => shown.has(indicator.id)), new Set(known[1].map((d) => d.indicatorId)), known[2]]
    : await Promise.all([indicatorsOf(manager, indicatorIds), withDenominators(manager, indicatorIds), groupTargets(manager, indicatorIds, portfolioIds, periods)]);
  const targetsOf = targetSeries(targets, periods, withDenominator);

  const scorecards: ScorecardData[] = [];
  for (const portfolioId of [...groups.keys()].sort((a, b) => a - b)) {
    if (scope.portfolioId != null && !options.groups && portfolioId === 0) continue;
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
