import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "urql";
import { graphql, useFragment } from "../../gql";
import type { BoardScorecardChangedSubscription, BoardScorecardsQuery, ScorecardCellFieldsFragment } from "../../gql/graphql";
import { useResyncKey } from "../../live";
import { ScorecardCellFields } from "./scorecard-fragments";

export const BoardScorecardsDocument = graphql(`
  query BoardScorecards($officeId: Int, $portfolioId: Int, $periodIds: [Int!], $includeSubmitted: Boolean!) {
    scorecards(officeId: $officeId, portfolioId: $portfolioId, periodIds: $periodIds, includeSubmitted: $includeSubmitted) {
      portfolioId
      rows {
        indicatorId
        indicator {
          id
          code
          name
          unit
          direction
        }
        cells {
          ...ScorecardCellFields
        }
      }
    }
  }
`);

export const BoardScorecardChangedDocument = graphql(`
  subscription BoardScorecardChanged($officeId: Int!, $periodId: Int, $since: Int) {
    officeScorecardChanged(officeId: $officeId, periodId: $periodId, since: $since) {
      seq
      reason
      portfolioId
      periodIds
      scorecards {
        portfolioId
        rows {
          indicatorId
          cells {
            ...ScorecardCellFields
          }
        }
      }
    }
  }
`);

type FetchedScorecard = BoardScorecardsQuery["scorecards"][number];
/** A cell's fields (the ScorecardCellFields fragment, unmasked once here for every component below). */
export type CellData = ScorecardCellFieldsFragment;
export type ScorecardRowData = Omit<FetchedScorecard["rows"][number], "cells"> & { cells: CellData[] };
export type ScorecardData = Omit<FetchedScorecard, "rows"> & { rows: ScorecardRowData[] };

// `useFragment` is the client preset's unmasking function, not a React hook: it may run in loops and callbacks.
function unmaskScorecards(cards: readonly FetchedScorecard[]): ScorecardData[] {
  return cards.map((card) => ({ ...card, rows: card.rows.map((row) => ({ ...row, cells: [...useFragment(ScorecardCellFields, row.cells)] })) }));
}
export type ScorecardUpdateEvent = BoardScorecardChangedSubscription["officeScorecardChanged"];

/** One key per cell: the office total uses "office" in place of a portfolio id. */
export function cellKey(portfolioId: number | null, indicatorId: number, periodId: number): string {
  return `${portfolioId ?? "office"}:${indicatorId}:${periodId}`;
}

/** What a reader sees in a cell: a change to any of these is worth highlighting. */
function signature(cell: CellData): string {
  return [cell.actual, cell.target, cell.rag, cell.returnsIn, cell.returnsDue, cell.complete, cell.provisional].join("|");
}

/** How long a changed cell stays highlighted. */
const HIGHLIGHT_MS = 10_000;

export interface CellChange {
  key: string;
  portfolioId: number | null;
  indicatorName: string;
  unit: ScorecardRowData["indicator"]["unit"];
  cell: CellData;
}

export interface LiveScorecards {
  scorecards: ScorecardData[];
  fetching: boolean;
  error: ReturnType<typeof useQuery>[0]["error"];
  /** Keys of cells whose figures changed while the view was open, for about ten seconds. */
  updated: ReadonlySet<string>;
  /** Puts the recomputed cells of an officeScorecardChanged event (the portfolio's and the office total's) in place at once. */
  applyEvent(event: ScorecardUpdateEvent): void;
  /** Fetches the figures again (coalesced); the office total and earlier quarters follow this way. */
  refresh(): void;
}

/**
 * The office's scorecards for a run of quarters, kept live: event payloads replace the moved portfolio's cells and
 * the office total's as they arrive (one subscription per board, see ScorecardFeed), and every cell whose
 * figures differ from what was on screen is reported through onChange and marked as updated for a while.
 */
export function useLiveScorecards(options: {
  officeId: number | null;
  /** Only this portfolio (the server then sends no office total); null for the whole office. */
  portfolioId?: number | null;
  periodIds: number[];
  includeSubmitted: boolean;
  onChange?: (changes: CellChange[]) => void;
}): LiveScorecards {
  const { officeId, portfolioId = null, periodIds, includeSubmitted, onChange } = options;
  const periodKey = periodIds.join(",");
  const variables = useMemo(() => ({ officeId, portfolioId, periodIds: periodKey ? periodKey.split(",").map(Number) : [], includeSubmitted }), [officeId, portfolioId, periodKey, includeSubmitted]);
  const [result, reexecute] = useQuery({ query: BoardScorecardsDocument, variables, pause: officeId == null || !periodKey });
  const resyncKey = useResyncKey();

  // Cells replaced by events since the last fetch; a fresh fetch supersedes them.
  const [patches, setPatches] = useState<ReadonlyMap<string, CellData>>(new Map());
  useEffect(() => setPatches(new Map()), [result.data]);

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useCallback(() => {
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      reexecute({ requestPolicy: "network-only" });
    }, 150);
  }, [reexecute]);
  useEffect(() => () => {
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
  }, []);

  // After a reconnection, catch up on whatever the events in the gap would have changed.
  const firstResync = useRef(resyncKey);
  useEffect(() => {
    if (resyncKey !== firstResync.current) refresh();
  }, [resyncKey, refresh]);

  const applyEvent = useCallback(
    (event: ScorecardUpdateEvent) => {
      // Event payloads carry accepted figures only: with provisional figures on screen, fetch instead. They carry
      // the office total too, so nothing else needs fetching.
      if (includeSubmitted) return refresh();
      setPatches((current) => {
        const next = new Map(current);
        for (const card of event.scorecards) for (const row of card.rows) for (const cell of useFragment(ScorecardCellFields, row.cells)) next.set(cellKey(card.portfolioId ?? null, row.indicatorId, cell.periodId), cell);
        return next;
      });
    },
    [includeSubmitted, refresh],
  );

  const scorecards = useMemo(() => {
    const base = unmaskScorecards(result.data?.scorecards ?? []);
    if (!patches.size) return base;
    return base.map((card) => ({
      ...card,
      rows: card.rows.map((row) => ({
        ...row,
        cells: row.cells.map((cell) => patches.get(cellKey(card.portfolioId ?? null, row.indicatorId, cell.periodId)) ?? cell),
      })),
    }));
  }, [result.data, patches]);

  // Highlight what changed, but only within one view: a different office, quarter or mode is a new page. The
  // view is read from the operation that produced the data, as urql may show the last result while refetching.
  const viewKey = result.operation ? JSON.stringify(result.operation.variables) : "";
  const seen = useRef<{ view: string; cells: Map<string, string> } | null>(null);
  const [updated, setUpdated] = useState<ReadonlyMap<string, number>>(new Map());
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!result.data) return;
    const now = new Map<string, string>();
    const changes: CellChange[] = [];
    const previous = seen.current?.view === viewKey ? seen.current.cells : null;
    for (const card of scorecards) {
      for (const row of card.rows) {
        for (const cell of row.cells) {
          const key = cellKey(card.portfolioId ?? null, row.indicatorId, cell.periodId);
          const sig = signature(cell);
          now.set(key, sig);
          const before = previous?.get(key);
          if (before !== undefined && before !== sig) changes.push({ key, portfolioId: card.portfolioId ?? null, indicatorName: row.indicator.name, unit: row.indicator.unit, cell });
        }
      }
    }
    seen.current = { view: viewKey, cells: now };
    if (!changes.length) return;
    const until = Date.now() + HIGHLIGHT_MS;
    setUpdated((current) => {
      const next = new Map(current);
      for (const change of changes) next.set(change.key, until);
      return next;
    });
    onChangeRef.current?.(changes);
  }, [scorecards, viewKey, result.data]);

  // Let highlights fade once their time is up.
  useEffect(() => {
    if (!updated.size) return;
    const soonest = Math.min(...updated.values());
    const timer = setTimeout(() => {
      const now = Date.now();
      setUpdated((current) => new Map([...current].filter(([, until]) => until > now)));
    }, Math.max(0, soonest - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [updated]);

  const updatedKeys = useMemo(() => new Set(updated.keys()), [updated]);

  return { scorecards, fetching: result.fetching, error: result.error, updated: updatedKeys, applyEvent, refresh };
}
