import type { EntityManager } from "typeorm";
import { chunks, insertRows, integers, placeholders, returningRows, runInOrder, tableName as T, together } from "../../db/bulk.js";
import type { UnitOfWork } from "../../db/writer.js";
import type { ContractStatus } from "../contracts/contract.entities.js";
import { MeasureRole, Target } from "../kpis/kpi.entities.js";
import type { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { isReturnDue, type ScheduledContract } from "../contracts/reporting-schedule.js";
import type { Quarter } from "../periods/financial-year.js";
import { isoOrNull, NOT_REPORTING } from "../returns/completeness.js";
import { ReturnState } from "../returns/return.entities.js";
import { PART_COLUMNS } from "./scorecard-aggregate.entities.js";
import { announceMovedCells, carryChangedCells, officePeriodsOnce, type MovedCells } from "./scorecard-changes.js";
import { targetSeries } from "./scorecard.service.js";

/*
 * Scorecards as maintained state. Each due contract × indicator × quarter has a row of parts (sums of its
 * accepted and submitted values, and its target's share); each portfolio × indicator × quarter cell, and the
 * office's (portfolioId 0), is the column-wise sum of its members' rows. Every unit of work that audits a change
 * that can move them (a return, a contract, a target, an indicator, a new period) refreshes the rows it touched
 * and re-sums the cells they belong to, inside the same transaction: a scorecard read is then an index lookup.
 * computeScorecards (scorecard.service.ts) stays as the from-scratch oracle that checks these tables.
 */

/**
 * Whether contract C owes a return for period P here: a reporting contract (by status) whose schedule and term ask
 * for one (the one rule, `isReturnDue` in reporting-schedule.ts, shared with completeness and chasers).
 */
export function owesReturn(contract: { status: ContractStatus | string } & ScheduledContract, period: Pick<ReportingPeriod, "year" | "quarter">): boolean {
  return !NOT_REPORTING.includes(contract.status as ContractStatus) && isReturnDue(contract, period as Quarter);
}

const CONTRACT_TABLE = "scorecard_contract_cell";
/** Up to this many contract × quarters, refreshContracts deletes the old rows with RETURNING (see there). */
const FEW_CONTRACT_QUARTERS = 64;
const GROUP_TABLE = "scorecard_cell";
const CONTRACT_COLUMNS = ["contractId", "indicatorId", "periodId", "officeId", "portfolioId", "target", ...PART_COLUMNS] as const;
const GROUP_KEYS = ["officeId", "portfolioId", "indicatorId", "periodId"] as const;
const q = (column: string) => `"${column}"`;
/** PostgreSQL sums integers as bigint, which the driver hands back as strings. */
const num = (value: unknown) => (value == null ? 0 : Number(value));

interface Affected {
  offices: Set<number>;
  portfolios: Set<number>;
  periods: Set<number>;
  /** office → portfolio → quarters whose cells were re-summed (from the rows removed and the rows written). */
  moved: MovedCells;
}

function moved(affected: Affected, officeId: number, portfolioId: number, periodId: number): void {
  affected.offices.add(officeId);
  affected.portfolios.add(portfolioId);
  affected.periods.add(periodId);
  let office = affected.moved.get(officeId);
  if (!office) affected.moved.set(officeId, (office = new Map()));
  let periods = office.get(portfolioId);
  if (!periods) office.set(portfolioId, (periods = new Set()));
  periods.add(periodId);
}

/** The raw inputs of a set of contracts' rows, read in a fixed number of statements. */
async function contractRows(manager: EntityManager, contractIds: readonly number[], periodIds: readonly number[] | null): Promise<unknown[][]> {
  // Six independent reads, sent together: one wait for the database instead of six in a row (each table's rows
  // are found from the contract ids alone, the offices and indicators by subquery).
  const contractsOf = () => {
    const p = placeholders(manager);
    return manager.query(`SELECT id, "officeId", "portfolioId", status, "reportingSchedule", "startDate", "endDate" FROM ${T(manager, "contract")} WHERE id IN (${p.list(contractIds)})`, p.values);
  };
  const periodsOf = () => {
    const p = placeholders(manager);
    return manager.query(
      `SELECT id, "officeId", year, quarter FROM ${T(manager, "reporting_period")} WHERE "officeId" IN (SELECT "officeId" FROM ${T(manager, "contract")} WHERE id IN (${p.list(contractIds)}))${periodIds ? ` AND id IN (${p.list(periodIds.length ? periodIds : [-1])})` : ""}`,
      p.values,
    );
  };
  const kpiRead = () => {
    const p = placeholders(manager);
    return manager.query(`SELECT "contractId", "indicatorId" FROM ${T(manager, "contract_kpi")} WHERE "contractId" IN (${p.list(contractIds)})`, p.values);
  };
  const denominatorsOf = () => {
    const p = placeholders(manager);
    // Placeholders are numbered in the order they are added: build the clauses in the order they appear.
    const role = p.add(MeasureRole.DENOMINATOR);
    return manager.query(
      `SELECT DISTINCT "indicatorId" FROM ${T(manager, "indicator_measure")} WHERE role = ${role} AND "indicatorId" IN (SELECT "indicatorId" FROM ${T(manager, "contract_kpi")} WHERE "contractId" IN (${p.list(contractIds)}))`,
      p.values,
    );
  };
  const sumsOf = () => {
    const p = placeholders(manager);
    const contractList = p.list(contractIds);
    const states = p.list([ReturnState.ACCEPTED, ReturnState.SUBMITTED]);
    return manager.query(
      `SELECT r."contractId" AS "contractId", r."periodId" AS "periodId", r.state AS state, im."indicatorId" AS "indicatorId", im.role AS role, SUM(v.value) AS total
         FROM ${T(manager, "return_value")} v
         JOIN ${T(manager, "performance_return")} r ON r.id = v."returnId"
         JOIN ${T(manager, "contract_kpi")} k ON k."contractId" = r."contractId"
         JOIN ${T(manager, "indicator_measure")} im ON im."indicatorId" = k."indicatorId" AND im."measureId" = v."measureId"
        WHERE r."contractId" IN (${contractList}) AND r.state IN (${states})${periodIds ? ` AND r."periodId" IN (${p.list(periodIds.length ? periodIds : [-1])})` : ""}
        GROUP BY r."contractId", r."periodId", r.state, im."indicatorId", im.role`,
      p.values,
    ) as Promise<Record<string, unknown>[]>;
  };
  const [contractRecords, periodRecords, kpiRecords, denominatorRecords, targets, sums] = await together(manager, [
    contractsOf,
    periodsOf,
    kpiRead,
    denominatorsOf,
    () => manager.createQueryBuilder(Target, "t").where("t.contractId IN (:...ids)", { ids: contractIds }).getMany(),
    sumsOf,
  ] as const);
  const contracts: ({ id: number; officeId: number; portfolioId: number; status: string } & ScheduledContract)[] = contractRecords.map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    officeId: Number(r.officeId),
    portfolioId: Number(r.portfolioId),
    status: String(r.status),
    reportingSchedule: String(r.reportingSchedule),
    startDate: isoOrNull(r.startDate),
    endDate: isoOrNull(r.endDate),
  }));
  if (!contracts.length) return [];
  const officeIds = [...new Set(contracts.map((c) => c.officeId))];
  const periods: Pick<ReportingPeriod, "id" | "officeId" | "year" | "quarter">[] = periodRecords.map((r: Record<string, unknown>) => ({ id: Number(r.id), officeId: Number(r.officeId), year: String(r.year), quarter: Number(r.quarter) }));
  if (!periods.length) return [];
  const kpis: { contractId: number; indicatorId: number }[] = kpiRecords.map((r: Record<string, unknown>) => ({ contractId: Number(r.contractId), indicatorId: Number(r.indicatorId) }));
  if (!kpis.length) return [];
  const withDenominator = new Set<number>(denominatorRecords.map((r: Record<string, unknown>) => Number(r.indicatorId)));

  // contract:indicator:period → [accepted?, numerator, denominator]
  const reported = new Map<string, { accepted: boolean; numerator: number; denominator: number }>();
  for (const row of sums) {
    const k = `${row.contractId}:${row.indicatorId}:${row.periodId}`;
    let one = reported.get(k);
    if (!one) reported.set(k, (one = { accepted: row.state === ReturnState.ACCEPTED, numerator: 0, denominator: 0 }));
    if (row.role === MeasureRole.NUMERATOR) one.numerator += num(row.total);
    else one.denominator += num(row.total);
  }

  const kpisOf = new Map<number, number[]>();
  for (const k of kpis) {
    let list = kpisOf.get(k.contractId);
    if (!list) kpisOf.set(k.contractId, (list = []));
    list.push(k.indicatorId);
  }
  const rows: unknown[][] = [];
  for (const officeId of officeIds) {
    const officePeriods = periods.filter((period) => period.officeId === officeId) as ReportingPeriod[];
    const targetsOf = targetSeries(targets, officePeriods, withDenominator);
    for (const contract of contracts) {
      if (contract.officeId !== officeId) continue;
      // Whether each quarter owes a return is the contract's, not the indicator's: asked once per quarter.
      const owed = officePeriods.map((period) => owesReturn(contract, period));
      for (const indicatorId of kpisOf.get(contract.id) ?? []) {
        const ratio = withDenominator.has(indicatorId);
        const series = targetsOf({ contractId: contract.id }, indicatorId);
        officePeriods.forEach((period, i) => {
          if (!owed[i]) return;
          const t = series?.[i];
          const target = t === undefined || Number.isNaN(t) ? null : t;
          const has = target != null ? 1 : 0;
          const value = reported.get(`${contract.id}:${indicatorId}:${period.id}`);
          // [in, numerator, denominator, targetCount, targetSum, weightedTarget, weight] for one state
          const part = (wanted: boolean) => {
            if (!value || value.accepted !== wanted) return [0, 0, 0, 0, 0, 0, 0];
            const weight = has && ratio ? value.denominator : 0;
            return [1, value.numerator, value.denominator, has, target ?? 0, weight ? target! * weight : 0, weight];
          };
          rows.push([contract.id, indicatorId, period.id, officeId, contract.portfolioId, target, 1, has, target ?? 0, ...part(true), ...part(false)]);
        });
      }
    }
  }
  return rows;
}

/**
 * Rebuilds the rows of these contracts (in these periods, or all) from the raw values, then re-sums their cells.
 * Resolves to the portfolio cells it re-summed (office → portfolio → quarters), which decide what the live path announces.
 */
export async function refreshContracts(manager: EntityManager, contractIds: readonly number[], periodIds: readonly number[] | null): Promise<MovedCells> {
  const ids = [...new Set(contractIds)];
  const affected: Affected = { offices: new Set(), portfolios: new Set(), periods: new Set(), moved: new Map() };
  if (!ids.length || (periodIds && !periodIds.length)) return affected.moved;
  for (const chunk of chunks(ids, 400)) {
    const p = placeholders(manager);
    const where = `"contractId" IN (${p.list(chunk)})${periodIds ? ` AND "periodId" IN (${p.list(periodIds)})` : ""}`;
    // The replacements come from the raw values alone and never read this table, so the rows being replaced go
    // while they are read. A few contract × quarters (an accept, a submit): deleted there and then, the DELETE
    // naming the cells they were in (one wait for both). Many (a KPI change, a new quarter, a bulk upload): their
    // cells read as DISTINCT beside the replacements, then deleted, rather than a row back per deleted row.
    const table = T(manager, CONTRACT_TABLE);
    const few = periodIds != null && chunk.length * periodIds.length <= FEW_CONTRACT_QUARTERS;
    const [previous, rows] = await together(manager, [
      () => (few ? returningRows(manager, `DELETE FROM ${table} WHERE ${where} RETURNING "officeId", "portfolioId", "periodId"`, p.values) : (manager.query(`SELECT DISTINCT "officeId", "portfolioId", "periodId" FROM ${table} WHERE ${where}`, p.values) as Promise<Record<string, unknown>[]>)),
      () => contractRows(manager, chunk, periodIds),
    ] as const);
    if (!few) await manager.query(`DELETE FROM ${table} WHERE ${where}`, p.values);
    for (const old of previous) moved(affected, Number(old.officeId), Number(old.portfolioId), Number(old.periodId));
    for (const row of rows) moved(affected, row[3] as number, row[4] as number, row[2] as number);
    await insertRows(manager, CONTRACT_TABLE, CONTRACT_COLUMNS, rows);
  }
  await resumCells(manager, affected);
  return affected.moved;
}

/** Re-sums every portfolio cell and office cell in the affected portfolios × quarters from the contract rows. */
async function resumCells(manager: EntityManager, affected: Affected): Promise<void> {
  if (!affected.offices.size || !affected.periods.size) return;
  const offices = [...affected.offices];
  const periods = [...affected.periods];
  const sums = PART_COLUMNS.map((c) => `SUM(${q(c)})`).join(", ");
  const columns = [...GROUP_KEYS, ...PART_COLUMNS].map(q).join(", ");
  const cells = T(manager, GROUP_TABLE);
  // Four statements in order, in one trip to the database (the ids are integers, written in).
  const inOffices = `"officeId" IN (${integers(offices)})`;
  const inPeriods = `"periodId" IN (${integers(periods)})`;
  const statements: string[] = [];
  if (affected.portfolios.size) {
    const inPortfolios = `"portfolioId" IN (${integers([...affected.portfolios])})`;
    statements.push(
      `DELETE FROM ${cells} WHERE ${inOffices} AND ${inPortfolios} AND ${inPeriods}`,
      `INSERT INTO ${cells} (${columns}) SELECT "officeId", "portfolioId", "indicatorId", "periodId", ${sums} FROM ${T(manager, CONTRACT_TABLE)}
        WHERE ${inPortfolios} AND ${inPeriods} GROUP BY "officeId", "portfolioId", "indicatorId", "periodId"`,
    );
  }
  statements.push(
    `DELETE FROM ${cells} WHERE ${inOffices} AND "portfolioId" = 0 AND ${inPeriods}`,
    `INSERT INTO ${cells} (${columns}) SELECT "officeId", 0, "indicatorId", "periodId", ${sums} FROM ${cells}
      WHERE ${inOffices} AND "portfolioId" <> 0 AND ${inPeriods} GROUP BY "officeId", "indicatorId", "periodId"`,
  );
  await runInOrder(manager, statements);
}

/** Every office's rows and cells from scratch: for the migration, after a bulk load, and after seeding. */
export async function rebuildScorecardAggregates(manager: EntityManager, officeIds?: readonly number[]): Promise<void> {
  const offices: number[] = officeIds ? [...officeIds] : (await manager.query(`SELECT id FROM ${T(manager, "office")} ORDER BY id`)).map((r: { id: unknown }) => Number(r.id));
  for (const officeId of offices) {
    let p = placeholders(manager);
    await manager.query(`DELETE FROM ${T(manager, CONTRACT_TABLE)} WHERE "officeId" = ${p.add(officeId)}`, p.values);
    p = placeholders(manager);
    await manager.query(`DELETE FROM ${T(manager, GROUP_TABLE)} WHERE "officeId" = ${p.add(officeId)}`, p.values);
    p = placeholders(manager);
    const contractIds = (await manager.query(`SELECT id FROM ${T(manager, "contract")} WHERE "officeId" = ${p.add(officeId)} ORDER BY id`, p.values)).map((r: { id: unknown }) => Number(r.id));
    await refreshContracts(manager, contractIds, null);
  }
}

/** Audited return changes that leave the return in a state no scorecard counts. */
const DRAFT_ONLY = new Set(["return.create", "return.save"]);

/**
 * Called by the writer inside every unit of work, before commit: refreshes what the audited changes can move.
 * Keyed on the audit trail's entity types, so a new write path that audits its change is covered without
 * knowing about scorecards.
 */
export async function maintainScorecards(uow: UnitOfWork): Promise<void> {
  // The quarters of the offices whose cells may move are read once, alongside the refresh's first reads (the
  // quarters a unit of work opens are in before this runs), for both steps after the refresh.
  const periodsOf = officePeriodsOnce(uow.manager);
  // (SQLite only: on PostgreSQL a transaction's client takes one statement at a time.)
  if (uow.manager.connection.options.type === "sqlite") {
    for (const change of uow.changes) if (change.officeId != null && movesCells(change)) void periodsOf(change.officeId).catch(() => undefined);
  }
  const movedCells = await refreshChanged(uow);
  // The cells just re-summed decide what is announced: any of them no scorecard event of this unit of work
  // covers gets its own event (a KPI set, a new quarter, an indicator's direction), whatever the mutation emitted.
  await announceMovedCells(uow, movedCells, periodsOf);
  // The events announcing the change carry the cells just re-summed (scorecard-changes.ts).
  await carryChangedCells(uow.manager, uow.published, periodsOf);
}

/** Whether refreshChanged refreshes anything for this audited change. */
function movesCells(change: { action: string; type: string }): boolean {
  if (change.type === "Return") return !DRAFT_ONLY.has(change.action);
  return change.type === "Contract" || change.type === "Target" || change.type === "Indicator" || (change.type === "ReportingPeriod" && change.action === "period.open");
}

function mergeMoved(into: MovedCells, from: MovedCells): void {
  for (const [officeId, portfolios] of from) {
    let office = into.get(officeId);
    if (!office) into.set(officeId, (office = new Map()));
    for (const [portfolioId, periods] of portfolios) {
      let set = office.get(portfolioId);
      if (!set) office.set(portfolioId, (set = new Set()));
      for (const id of periods) set.add(id);
    }
  }
}

async function refreshChanged(uow: UnitOfWork): Promise<MovedCells> {
  const changes = uow.changes;
  const movedCells: MovedCells = new Map();
  if (!changes.length) return movedCells;
  const { manager } = uow;
  const allPeriods = new Set<number>();
  const byPeriod = new Map<number, Set<number>>();
  const returnIds: number[] = [];
  const targetIds: number[] = [];
  const indicatorIds: number[] = [];
  const openedPeriods: number[] = [];
  const inPeriod = (periodId: number, contractId: number) => {
    let set = byPeriod.get(periodId);
    if (!set) byPeriod.set(periodId, (set = new Set()));
    set.add(contractId);
  };
  for (const change of changes) {
    // Saving a draft never moves a cell: only submitted and accepted returns count, and neither can be edited.
    if (!movesCells(change)) continue;
    if (change.type === "Return") {
      if (change.within) inPeriod(change.within.periodId, change.within.contractId);
      else returnIds.push(change.id);
    }
    else if (change.type === "Contract") allPeriods.add(change.id);
    else if (change.type === "Target") targetIds.push(change.id);
    else if (change.type === "Indicator") indicatorIds.push(change.id);
    else if (change.type === "ReportingPeriod" && change.action === "period.open") openedPeriods.push(change.id);
  }
  for (const chunk of chunks([...new Set(returnIds)])) {
    const p = placeholders(manager);
    for (const r of await manager.query(`SELECT "contractId", "periodId" FROM ${T(manager, "performance_return")} WHERE id IN (${p.list(chunk)})`, p.values)) inPeriod(Number(r.periodId), Number(r.contractId));
  }
  if (targetIds.length) {
    const p = placeholders(manager);
    const rows = await manager.query(
      `SELECT t."contractId" AS "contractId", rp.id AS "periodId" FROM ${T(manager, "target")} t JOIN ${T(manager, "contract")} c ON c.id = t."contractId" JOIN ${T(manager, "reporting_period")} rp ON rp."officeId" = c."officeId" AND rp.year = t.year WHERE t.id IN (${p.list(targetIds)})`,
      p.values,
    );
    for (const r of rows) inPeriod(Number(r.periodId), Number(r.contractId));
  }
  if (indicatorIds.length) {
    const p = placeholders(manager);
    for (const r of await manager.query(`SELECT "contractId" FROM ${T(manager, "contract_kpi")} WHERE "indicatorId" IN (${p.list(indicatorIds)})`, p.values)) allPeriods.add(Number(r.contractId));
  }
  for (const periodId of openedPeriods) {
    const p = placeholders(manager);
    for (const r of await manager.query(`SELECT c.id FROM ${T(manager, "contract")} c JOIN ${T(manager, "reporting_period")} rp ON rp."officeId" = c."officeId" WHERE rp.id = ${p.add(periodId)}`, p.values)) inPeriod(periodId, Number(r.id));
  }
  if (!allPeriods.size && !byPeriod.size) return movedCells;
  // On PostgreSQL two transactions could re-sum the same cells from snapshots that miss each other's rows. The
  // lock that already orders event numbers (UnitOfWork.emit) orders this too: re-entrant, and the only one taken.
  if (manager.connection.options.type === "postgres") await manager.query("SELECT pg_advisory_xact_lock(727001)");
  if (allPeriods.size) mergeMoved(movedCells, await refreshContracts(manager, [...allPeriods], null));
  for (const [periodId, contractIds] of byPeriod) {
    const rest = [...contractIds].filter((id) => !allPeriods.has(id));
    mergeMoved(movedCells, await refreshContracts(manager, rest, [periodId]));
  }
  return movedCells;
}
