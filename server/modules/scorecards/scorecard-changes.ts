import type { EntityManager } from "typeorm";
import { placeholders } from "../../db/bulk.js";
import { selectPlain } from "../../db/loaders.js";
import type { UnitOfWork } from "../../db/writer.js";
import { DomainEvent } from "../../realtime/domain-event.entity.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";
import { quarterIndex, type Quarter } from "../periods/financial-year.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { scorecardMayHaveChanged, type ScorecardChange } from "./scorecard-events.js";
import { readScorecards } from "./scorecard-read.js";
import type { ScorecardData } from "./scorecard.service.js";

/** What one scorecard event moved: the portfolio's cells and the office total, in the quarters it touched. */
export interface ChangedCells {
  portfolioId: number;
  periodIds: number[];
  /** The portfolio's scorecard and the office total (portfolioId null), over `periodIds` only. */
  scorecards: ScorecardData[];
}

const computed = new Map<number, Promise<ChangedCells>>();
const REMEMBERED = 256;

/** Events of one transaction that carry their cells, and the largest cells (as JSON) one event carries. */
const CARRIED_EVENTS = 64;
const CARRIED_BYTES = 32 * 1024;

/**
 * Inside the write transaction, after the maintained cells were re-summed: each scorecard event of this unit of
 * work gets the new cells it announces (the portfolio's and the office total's, in the quarters it touched) in
 * its payload, in the event log and on the bus alike. Every instance then sends them as they are, with no query
 * per event. Events that would be too large to carry, and transactions with more scorecard events than
 * CARRIED_EVENTS (a bulk import), are left without: subscribers then compute their cells after commit, once per
 * event per instance (`changedCells`). Events of one transaction all carry its final cells.
 */
export async function carryChangedCells(manager: EntityManager, published: PublishedEvent[], periodsOf: OfficePeriods = officePeriodsOnce(manager)): Promise<void> {
  const events = published.filter((e) => e.topic === Topic.SCORECARD_CHANGED) as PublishedEvent<CarriedChange>[];
  if (!events.length || events.length > CARRIED_EVENTS) return;
  const byOffice = new Map<number, PublishedEvent<CarriedChange>[]>();
  for (const event of events) byOffice.set(event.officeId, [...(byOffice.get(event.officeId) ?? []), event]);
  for (const [officeId, officeEvents] of byOffice) {
    // One read of the office's cells for all its events in this transaction.
    const cells = await officeChangedCells(manager, officeId, officeEvents.map((e) => e.payload), await periodsOf(officeId));
    for (const [i, event] of officeEvents.entries()) {
      if (Buffer.byteLength(JSON.stringify(cells[i])) > CARRIED_BYTES) continue;
      event.payload = { ...event.payload, cells: cells[i] };
      await manager.update(DomainEvent, { seq: event.seq }, { payload: event.payload as object });
    }
  }
}

type CarriedChange = ScorecardChange & { cells?: ChangedCells };

/**
 * THE source of an event's changed cells for the live path: those the write transaction put in the event
 * (carryChangedCells), or else read once per event from the maintained cells however many groups ask.
 */
export function changedCells(manager: EntityManager, event: PublishedEvent<CarriedChange>): Promise<ChangedCells> {
  // Cells the write transaction computed and put in the event (every instance then reads them, none recomputes).
  if (event.payload.cells) return Promise.resolve(event.payload.cells);
  let cells = computed.get(event.seq);
  if (!cells) {
    cells = computeChangedCells(manager, event.officeId, event.payload);
    cells.catch(() => computed.delete(event.seq));
    computed.set(event.seq, cells);
    if (computed.size > REMEMBERED) computed.delete(computed.keys().next().value!);
  }
  return cells;
}

/** Does a change touch this quarter? (A yearly target touches the year's four.) */
export function changeTouches(change: ScorecardChange, period: { id: number; year: string; quarter: number }): boolean {
  if (change.periodIds) return change.periodIds.includes(period.id);
  return change.year === period.year && (change.quarter == null || change.quarter === period.quarter);
}

/**
 * Does a change move this quarter's cells? Those of a quarter it touches, and those of the quarter after one it
 * touches: that quarter's "change from the previous quarter" moves with it. `previous` is the quarter before `period`.
 */
export function changeMoves(change: ScorecardChange, period: { id: number; year: string; quarter: number }, previous: { id: number; year: string; quarter: number } | null): boolean {
  return changeTouches(change, period) || (previous != null && changeTouches(change, previous));
}

/** An office's quarters, oldest first. */
export async function officePeriods(manager: EntityManager, officeId: number): Promise<ReportingPeriod[]> {
  const p = placeholders(manager);
  const rows = (await selectPlain(manager, ReportingPeriod, `"officeId" = ${p.add(officeId)}`, p.values)) ?? (await manager.findBy(ReportingPeriod, { officeId }));
  return rows.sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
}

/** An office's quarters, oldest first, read at most once (within one step of a unit of work, when none is opened). */
export type OfficePeriods = (officeId: number) => Promise<ReportingPeriod[]>;

export function officePeriodsOnce(manager: EntityManager): OfficePeriods {
  const read = new Map<number, Promise<ReportingPeriod[]>>();
  return (officeId) => {
    let periods = read.get(officeId);
    if (!periods) read.set(officeId, (periods = officePeriods(manager, officeId)));
    return periods;
  };
}

/** office → portfolio → quarters whose maintained cells a unit of work re-summed. */
export type MovedCells = Map<number, Map<number, Set<number>>>;

/**
 * Inside the write transaction, after the re-sum: every portfolio cell that moved is announced. Cells no scorecard
 * event of this unit of work touches get one CELLS_CHANGED event per portfolio naming their quarters, so which
 * mutation made the change (a KPI set, a new quarter, an indicator's direction) never decides what a board sees.
 */
export async function announceMovedCells(uow: UnitOfWork, moved: MovedCells, periodsOf: OfficePeriods = officePeriodsOnce(uow.manager)): Promise<void> {
  for (const [officeId, portfolios] of moved) {
    const periods = await periodsOf(officeId);
    const byId = new Map(periods.map((p) => [p.id, p]));
    const events = uow.published.filter((e) => e.topic === Topic.SCORECARD_CHANGED && e.officeId === officeId).map((e) => e.payload as ScorecardChange);
    for (const [portfolioId, periodIds] of [...portfolios].sort((a, b) => a[0] - b[0])) {
      const announced = events.filter((change) => change.portfolioId === portfolioId);
      const open = periods.filter((p) => periodIds.has(p.id) && !announced.some((change) => changeTouches(change, p))).map((p) => p.id);
      if (!open.length) continue;
      const first = byId.get(open[0])!;
      await scorecardMayHaveChanged(uow, officeId, { portfolioId, year: first.year, quarter: open.length === 1 ? first.quarter : null, periodIds: open, reason: "CELLS_CHANGED" });
    }
  }
}

async function computeChangedCells(manager: EntityManager, officeId: number, change: ScorecardChange): Promise<ChangedCells> {
  return (await officeChangedCells(manager, officeId, [change]))[0];
}

/** The changed cells of several changes of one office, from one read of its maintained cells. */
async function officeChangedCells(manager: EntityManager, officeId: number, changes: readonly ScorecardChange[], known?: readonly ReportingPeriod[]): Promise<ChangedCells[]> {
  const periods = known ?? (await officePeriods(manager, officeId));
  // The quarters a change touches and the quarter after each: that one's "change from the previous quarter" moves too.
  const touchedOf = changes.map((change) => periods.filter((p, i) => changeMoves(change, p, periods[i - 1] ?? null)));
  // Each carried quarter with the one before it, so "change from the previous quarter" is right: in the union of
  // several changes' quarters, a carried quarter's nearest earlier one is still its previous quarter.
  const wanted = new Set<number>();
  periods.forEach((p, i) => {
    if (!touchedOf.some((touched) => touched.includes(p))) return;
    wanted.add(p.id);
    if (i > 0) wanted.add(periods[i - 1].id);
  });
  // From the maintained cells: an index lookup, not a recomputation.
  // Only the changed portfolios' cells and the office total's: the other portfolios' are not carried.
  const groups = [0, ...new Set(changes.map((change) => change.portfolioId))];
  const { scorecards } = wanted.size ? await readScorecards(manager, { officeId, periodIds: [...wanted], includeSubmitted: false }, { rowsOfEveryQuarter: true, groups, officePeriods: periods }) : { scorecards: [] };
  return changes.map((change, i) => {
    const touchedIds = new Set(touchedOf[i].map((p) => p.id));
    const keep = touchedIds.size
      ? scorecards
          .filter((s) => s.contractId == null && (s.portfolioId === change.portfolioId || s.portfolioId == null))
          .map((s) => ({ ...s, rows: s.rows.map((row) => ({ ...row, cells: row.cells.filter((cell) => touchedIds.has(cell.periodId)) })) }))
      : [];
    return { portfolioId: change.portfolioId, periodIds: touchedOf[i].map((p) => p.id), scorecards: keep };
  });
}
