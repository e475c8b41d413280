import { useEffect, useState } from "react";
import { formatValue, ragLabel } from "../../format";
import { useLiveSubscription } from "../../live";
import { BoardScorecardChangedDocument, type CellChange, type ScorecardUpdateEvent } from "./use-live-scorecards";

/** One subscription for the whole board: the office's recomputed cells for the quarter under review, whichever portfolio moved. Renders nothing. */
export function ScorecardFeed({ officeId, periodId, onEvent, onResync }: { officeId: number; periodId: number; onEvent: (event: ScorecardUpdateEvent) => void; onResync: () => void }) {
  useLiveSubscription(BoardScorecardChangedDocument, { officeId, periodId }, (data) => onEvent(data.officeScorecardChanged), { onResync });
  return null;
}

/** "Victims & Vulnerability: % cases closed with improved outcome now 76.0% (Near target)". */
export function describeCellChanges(changes: CellChange[], nameOf: (portfolioId: number | null) => string): string {
  const parts = changes.slice(0, 4).map((c) => `${nameOf(c.portfolioId)}: ${c.indicatorName} for ${c.cell.label} now ${formatValue(c.cell.actual, c.unit)} (${ragLabel(c.cell.rag)}, ${c.cell.returnsIn} of ${c.cell.returnsDue} returns)`);
  if (changes.length > 4) parts.push(`and ${changes.length - 4} more figures`);
  return `Updated: ${parts.join("; ")}.`;
}

/** When the figures on screen were last fetched or updated live: the "as at" of the board and the printed pack. */
export function useAsAt(figures: unknown): Date | null {
  const [asAt, setAsAt] = useState<Date | null>(null);
  useEffect(() => {
    if (Array.isArray(figures) && figures.length) setAsAt(new Date());
  }, [figures]);
  return asAt;
}

