import { In, type EntityManager } from "typeorm";
import { placeholders, tableName as T, together } from "../../db/bulk.js";
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
  options: {
    rowsOfEveryQuarter?: boolean;
    /** Only these groups' scorecards (portfolio ids, 0 for the office total), instead of the scope's. */
    groups?: readonly number[];
    /** The office's quarters, oldest first, when the caller has them already (filtered here to `periodIds`). */
    officePeriods?: readonly ReportingPeriod[];
  } = {},
): Promise<{ periods: ReportingPeriod[]; indicators: Indicator[]; scorecards: ScorecardData[] }> {
  if (scope.contractId != null) return computeScorecards(manager, scope);
  const scopeGroups = (where: string, p: ReturnType<typeof placeholders>) => {
    if (options.groups) return `${where} AND "portfolioId" IN (${p.list(options.groups.length ? options.groups : [-1])})`;
    return scope.portfolioId != null ? `${where} AND "portfolioId" = ${p.add(scope.portfolioId)}` : where;
  };
  // Only the parts this view adds up: the accepted-only view never needs the submitted columns.
  const wanted = scope.includeSubmitted ? PART_COLUMNS : PART_COLUMNS.filter((c) => !c.startsWith("submitted"));
  const cellQuery = (periodIds: readonly number[] | null) => {
    const p = placeholders(manager);
    let where = scopeGroups(`"officeId" = ${p.add(scope.officeId)}`, p);
    if (periodIds) where += ` AND "periodId" IN (${p.list(periodIds)})`;
    return manager.query(`SELECT "portfolioId", "indicatorId", "periodId", ${wanted.map((c) => `"${c}"`).join(", ")} FROM ${T(manager, "scorecard_cell")} WHERE ${where} AND "returnsDue" > 0`, p.values) as Promise<Record<string, unknown>[]>;
  };
  const distinctQuery = () => {
    const all = placeholders(manager);
    const whereAll = scopeGroups(`"officeId" = ${all.add(scope.officeId)}`, all);
    return manager.query(`SELECT DISTINCT "portfolioId", "indicatorId" FROM ${T(manager, "scorecard_cell")} WHERE ${whereAll} AND "returnsDue" > 0`, all.values) as Promise<Record<string, unknown>[]>;
  };
  const everyQuarter = Boolean(options.rowsOfEveryQuarter && scope.periodIds);
  let periods: ReportingPeriod[];
  let rows: Record<string, unknown>[];
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
    [rows, everyRow, known] = await together(manager, [() => cellQuery(scope.periodIds ? periods.map((x) => x.id) : null), () => (everyQuarter ? distinctQuery() : Promise.resolve([])), reference] as const);
  } else {
    const periodQuery = manager.createQueryBuilder(ReportingPeriod, "p").where("p.officeId = :officeId", { officeId: scope.officeId });
    if (scope.periodIds) periodQuery.andWhere("p.id IN (:...periodIds)", { periodIds: scope.periodIds.length ? scope.periodIds : [-1] });
    periods = (await periodQuery.getMany()).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
    if (!periods.length) return { periods, indicators: [], scorecards: [] };
    rows = await cellQuery(scope.periodIds ? periods.map((x) => x.id) : null);
    if (!rows.length && !everyQuarter) return { periods, indicators: [], scorecards: [] };
    if (everyQuarter) everyRow = await distinctQuery();
  }
  if (!rows.length && !everyQuarter) return { periods, indicators: [], scorecards: [] };

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
  const [indicators, denominators, targets] = known
    ? [known[0].filter((indicator) => shown.has(indicator.id)), known[1], known[2]]
    : await Promise.all([
        manager.find(Indicator, { where: { id: In(indicatorIds) }, order: { code: "ASC" } }),
        manager.find(IndicatorMeasure, { where: { indicatorId: In(indicatorIds), role: MeasureRole.DENOMINATOR } }),
        portfolioIds.length ? manager.find(Target, { where: { indicatorId: In(indicatorIds), portfolioId: In(portfolioIds) } }) : Promise.resolve([]),
      ]);
  const withDenominator = new Set(denominators.map((d) => d.indicatorId));
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

