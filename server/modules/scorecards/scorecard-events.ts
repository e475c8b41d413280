import type { Emitted, UnitOfWork } from "../../db/writer.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";

/** Which portfolio's cells may have moved, and for which quarter (or, for a yearly target, the whole year). */
export interface ScorecardChange {
  portfolioId: number;
  year: string;
  quarter: number | null;
  /**
   * CELLS_CHANGED: cells the maintenance re-summed that no other event of the unit of work announced (a KPI set,
   * a new quarter, an indicator's direction or tolerance); such an event names its quarters in `periodIds`.
   */
  reason: "RETURN_ACCEPTED" | "RETURN_REOPENED" | "TARGET_CHANGED" | "CELLS_CHANGED";
  /** When set, exactly the quarters touched (instead of `year` and `quarter`). */
  periodIds?: number[];
}

/** Recorded in the same transaction as the change that moves the cells. */
export async function scorecardMayHaveChanged(uow: UnitOfWork, officeId: number, change: ScorecardChange): Promise<PublishedEvent> {
  const [event] = await uow.emitAll([scorecardEvent(officeId, change)]);
  return event;
}

/** The event scorecardMayHaveChanged records, for a unit of work that records it with others (UnitOfWork.emitAll). */
export function scorecardEvent(officeId: number, change: ScorecardChange): Emitted {
  return { topic: Topic.SCORECARD_CHANGED, officeId, payload: change };
}
