import { useMemo } from "react";
import { DataTable, tableColumns } from "../../components/data-table/data-table";
import { formatDate, formatDateTime } from "../../format";
import type { PeriodState } from "../../gql/graphql";
import { PERIOD_STATE_LABELS } from "./period-labels";

export interface QuarterRow {
  id: number;
  label: string;
  state: PeriodState;
  startDate: string;
  dueDate: string;
  closedAt?: string | null;
  frozenAt?: string | null;
  version: number;
}

export interface QuarterListProps {
  quarters: readonly QuarterRow[];
  /** Null hides the buttons (roles that cannot write). Keep it stable (useCallback): it shapes the columns. */
  onStep: ((step: "close" | "freeze", quarter: QuarterRow) => void) | null;
  exportName: string;
}

interface Row extends QuarterRow {
  stateLabel: string;
}

const col = tableColumns<Row>();

/** Each quarter, newest first, with the one step it can take next. */
export function QuarterList({ quarters, onStep, exportName }: QuarterListProps) {
  const data = useMemo(() => quarters.map((q): Row => ({ ...q, stateLabel: PERIOD_STATE_LABELS[q.state] })), [quarters]);
  const columns = useMemo(
    () => [
      col.accessor("label", { header: "Quarter", meta: { rowHeader: true, className: "nowrap" } }),
      col.accessor("stateLabel", { header: "State", cell: (info) => <span data-testid="quarter-state">{info.getValue()}</span>, meta: { filter: "select" } }),
      col.accessor("startDate", { header: "Starts", cell: (info) => formatDate(info.getValue()) }),
      col.accessor("dueDate", { header: "Returns due", cell: (info) => formatDate(info.getValue()) }),
      col.accessor((r) => r.closedAt ?? null, { id: "closedAt", header: "Closed", cell: (info) => (info.getValue() ? formatDateTime(info.getValue()) : "—") }),
      col.accessor((r) => r.frozenAt ?? null, { id: "frozenAt", header: "Frozen", cell: (info) => (info.getValue() ? formatDateTime(info.getValue()) : "—") }),
      col.display({
        id: "next",
        header: "Next step",
        enableSorting: false,
        cell: ({ row }) => {
          const q = row.original;
          if (q.state === "FROZEN") return <span className="hint">Corrections show as restatements</span>;
          if (!onStep) return null;
          return (
            <button type="button" className="button button--secondary quarter-step" onClick={() => onStep(q.state === "OPEN" ? "close" : "freeze", q)}>
              {q.state === "OPEN" ? `Close ${q.label}…` : `Freeze ${q.label}…`}
            </button>
          );
        },
        meta: { noExport: true },
      }),
    ],
    [onStep],
  );
  return (
    <DataTable
      caption="Reporting quarters"
      captionHidden
      data={data}
      columns={columns}
      getRowId={(r) => String(r.id)}
      searchLabel="Search quarters"
      pageSize={10}
      exportName={exportName}
      initialSorting={[{ id: "startDate", desc: true }]}
      emptyMessage="No quarters yet: open the first above."
      testId="quarters-table"
      rowTestId={(r) => `quarter-${r.label}`}
    />
  );
}
