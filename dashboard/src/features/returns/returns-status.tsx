import { useCallback, useEffect, useMemo, useRef } from "react";
import { DataTable, fileSlug, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";
import type { ReturnsCompletenessQuery } from "../../gql/graphql";
import { useResyncKey } from "../../live";
import "./returns-status.css";

const ReturnsCompletenessDocument = graphql(`
  query ReturnsCompleteness($periodId: Int!) {
    returnCompleteness(periodId: $periodId) {
      portfolioId
      due
      submitted
      onTime
      late
      missing
      accepted
    }
  }
`);

type Completeness = ReturnsCompletenessQuery["returnCompleteness"][number];
type CountKey = "due" | "onTime" | "late" | "missing" | "submitted" | "accepted";

const COUNTS: { key: CountKey; label: string; hint: string }[] = [
  { key: "due", label: "Due", hint: "Contracts that owe a return" },
  { key: "onTime", label: "On time", hint: "Submitted by the due date" },
  { key: "late", label: "Late", hint: "Submitted after the due date" },
  { key: "missing", label: "Missing", hint: "Not submitted yet" },
  { key: "submitted", label: "Submitted", hint: "Submitted at least once" },
  { key: "accepted", label: "Accepted", hint: "Checked and accepted" },
];

/** The period's completeness counts, refetched on demand (after a live event) and after a reconnection. */
export function useReturnCompleteness(periodId: number | null) {
  const [result, reexecute] = useQuery({ query: ReturnsCompletenessDocument, variables: { periodId: periodId ?? 0 }, pause: periodId == null });
  const refetch = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  const resyncKey = useResyncKey();
  const first = useRef(resyncKey);
  useEffect(() => {
    if (resyncKey !== first.current) refetch();
  }, [resyncKey, refetch]);
  return { ...result, refetch };
}

export interface ReturnsStatusProps {
  rows: Completeness[] | undefined;
  error?: Parameters<typeof describeError>[0];
  fetching?: boolean;
  periodLabel: string;
  portfolios: { id: number; name: string }[];
  /** Show one portfolio's row only (the office tiles stay). */
  portfolioId?: number | null;
  headingId: string;
  heading?: string;
  /** Tiles only, for tight spaces (presentation mode). */
  compact?: boolean;
}

type PortfolioRow = Completeness & { portfolioId: number; name: string };

const byPortfolioRows = (rows: Completeness[] | undefined, portfolioId: number | null | undefined) =>
  (rows ?? []).filter((r) => r.portfolioId != null && (portfolioId == null || r.portfolioId === portfolioId));

const col = tableColumns<PortfolioRow>();
const PORTFOLIO_COLUMNS: DataColumn<PortfolioRow>[] = [
  col.accessor("name", { id: "portfolio", header: "Portfolio", meta: { rowHeader: true } }),
  ...COUNTS.map(({ key, label }) =>
    col.accessor(key, {
      id: key,
      header: label,
      cell: ({ row, getValue }) => <span data-testid={`returns-count-${key}-p${row.original.portfolioId}`}>{getValue()}</span>,
      meta: { numeric: true },
    }),
  ),
];

/** Returns due, on time, late, missing, submitted and accepted: tiles for the office, a table by portfolio. */
export function ReturnsStatus({ rows, error, fetching, periodLabel, portfolios, portfolioId, headingId, heading, compact = false }: ReturnsStatusProps) {
  const office = rows?.find((r) => r.portfolioId == null);
  const byPortfolio = byPortfolioRows(rows, portfolioId);
  const portfolioRows = useMemo<PortfolioRow[]>(() => {
    const nameOf = new Map(portfolios.map((p) => [p.id, p.name]));
    return byPortfolioRows(rows, portfolioId).map((row) => ({ ...row, portfolioId: row.portfolioId!, name: nameOf.get(row.portfolioId!) ?? `Portfolio ${row.portfolioId}` }));
  }, [rows, portfolioId, portfolios]);
  return (
    <section className="returns-status" aria-labelledby={headingId}>
      <h2 id={headingId}>{heading ?? `Returns for ${periodLabel}`}</h2>
      {error ? (
        <p className="board-error" role="alert">
          {describeError(error)}
        </p>
      ) : !office ? (
        <p aria-live="polite">{fetching ? "Loading the returns status…" : "No returns are due for this quarter."}</p>
      ) : (
        <>
          <ul className="status-tiles" aria-label={`Whole office, ${periodLabel}`}>
            {COUNTS.map(({ key, label, hint }) => (
              <li key={key} className={`status-tile status-tile--${key}`}>
                <span className="status-tile__label">{label}</span>
                <span className="status-tile__count" data-testid={`returns-count-${key}`}>
                  {office[key]}
                </span>
                <span className="status-tile__hint">{hint}</span>
              </li>
            ))}
          </ul>
          {!compact && byPortfolio.length > 0 && (
            <DataTable
              caption={`Returns for ${periodLabel} by portfolio`}
              captionHidden
              data={portfolioRows}
              columns={PORTFOLIO_COLUMNS}
              getRowId={(r) => String(r.portfolioId)}
              searchable={false}
              pageSize={0}
              compact
              exportName={`returns-by-portfolio-${fileSlug(periodLabel)}`}
              exportTitle="Returns by portfolio"
              initialSorting={[{ id: "portfolio", desc: false }]}
              testId="returns-by-portfolio"
            />
          )}
        </>
      )}
    </section>
  );
}
