import type { UnitOfWork } from "../../db/writer.js";
import { Topic } from "../../realtime/pubsub.js";

/** Which portfolio's cells may have moved, and for which quarter (or, for a yearly target, the whole year). */
export interface ScorecardChange {
  portfolioId: number;
  year: string;
  quarter: number | null;
  reason: "RETURN_ACCEPTED" | "RETURN_REOPENED" | "TARGET_CHANGED";
}

/** Recorded in the same transaction as the change that moves the cells. */
export function scorecardMayHaveChanged(uow: UnitOfWork, officeId: number, change: ScorecardChange): Promise<unknown> {
  return uow.emit<ScorecardChange>(Topic.SCORECARD_CHANGED, officeId, change);
}
