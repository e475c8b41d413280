import type { EntityManager } from "typeorm";
import type { PublishedEvent } from "../../realtime/pubsub.js";
import { quarterIndex, type Quarter } from "../periods/financial-year.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import type { ScorecardChange } from "./scorecard-events.js";
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

/**
 * THE source of an event's changed cells for the live path, computed once per event however many groups of
 * subscribers ask. Today it recomputes the portfolio and office cells from the return values (the existing
 * scorecard computation); with maintained aggregates it can read them instead, or return cells that the write
 * transaction put in the event's payload — callers do not change.
 */
export function changedCells(manager: EntityManager, event: PublishedEvent<ScorecardChange & { cells?: ChangedCells }>): Promise<ChangedCells> {
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
export function changeTouches(change: ScorecardChange, period: { year: string; quarter: number }): boolean {
  return change.year === period.year && (change.quarter == null || change.quarter === period.quarter);
}

async function computeChangedCells(manager: EntityManager, officeId: number, change: ScorecardChange): Promise<ChangedCells> {
  const periods = (await manager.findBy(ReportingPeriod, { officeId })).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
  const touched = periods.filter((p) => changeTouches(change, p));
  const touchedIds = new Set(touched.map((p) => p.id));
  // Each touched quarter with the one before it, so "change from the previous quarter" is right.
  const wanted = new Set<number>();
  periods.forEach((p, i) => {
    if (!touchedIds.has(p.id)) return;
    wanted.add(p.id);
    if (i > 0) wanted.add(periods[i - 1].id);
  });
  if (!touched.length) return { portfolioId: change.portfolioId, periodIds: [], scorecards: [] };
  // From the maintained cells: an index lookup, not a recomputation.
  const { scorecards } = await readScorecards(manager, { officeId, periodIds: [...wanted], includeSubmitted: false });
  const keep = scorecards
    .filter((s) => s.contractId == null && (s.portfolioId === change.portfolioId || s.portfolioId == null))
    .map((s) => ({ ...s, rows: s.rows.map((row) => ({ ...row, cells: row.cells.filter((cell) => touchedIds.has(cell.periodId)) })) }));
  return { portfolioId: change.portfolioId, periodIds: touched.map((p) => p.id), scorecards: keep };
}
