import { useMemo } from "react";
import { DataTable, tableColumns } from "../../components/data-table/data-table";
import { formatPence } from "../../format";
import type { FundingStreamFieldsFragment } from "../../gql/graphql";
import { CADENCE_LABELS, RECIPIENT_LABELS, SOURCE_LABELS } from "./money-labels";

/** A stream's rules in words: what awards from it must respect. */
export function streamRules(s: FundingStreamFieldsFragment): string[] {
  return [
    s.maxAwardPence != null ? `Largest award ${formatPence(s.maxAwardPence, { wholePounds: true })} (per award, across its lines)` : null,
    s.oneOffOnly ? "One-off: one award per recipient" : null,
    s.ringFencedPurpose ? `Ring-fenced: ${s.ringFencedPurpose}` : null,
    s.eligibleRecipientTypes.length ? `Only ${s.eligibleRecipientTypes.map((t) => RECIPIENT_LABELS[t]).join(", ").toLowerCase()}` : null,
    s.funderReportingCadence !== "NONE" ? `Reports to its funder: ${CADENCE_LABELS[s.funderReportingCadence].toLowerCase()}` : null,
  ].filter((r): r is string => r != null);
}

interface Row {
  id: number;
  name: string;
  parent: string | null;
  source: string;
  rules: string;
  years: string;
  thisYearPence: number | null;
  stream: FundingStreamFieldsFragment;
}

export interface StreamsTableProps {
  streams: readonly FundingStreamFieldsFragment[];
  year: string;
  onEdit: ((stream: FundingStreamFieldsFragment) => void) | null;
  onSetYear: ((stream: FundingStreamFieldsFragment) => void) | null;
  exportName: string;
}

const col = tableColumns<Row>();

/** Every funding stream with its source, parent, rules and yearly amounts. */
export function StreamsTable({ streams, year, onEdit, onSetYear, exportName }: StreamsTableProps) {
  const data = useMemo(
    () =>
      streams.map((s): Row => {
        const thisYear = s.years.find((y) => y.year === year);
        const rules = streamRules(s);
        return {
          id: s.id,
          name: s.name,
          parent: s.parent?.name ?? null,
          source: SOURCE_LABELS[s.source],
          rules: rules.length ? rules.join("; ") : "—",
          years: s.years.length
            ? [...s.years]
                .sort((a, b) => a.year.localeCompare(b.year))
                .map((y) => `${y.year}: ${formatPence(y.amountPence, { wholePounds: true })}${y.variable ? " (receipts)" : ""}`)
                .join("; ")
            : "None set",
          thisYearPence: thisYear?.amountPence ?? null,
          stream: s,
        };
      }),
    [streams, year],
  );
  // The year and the buttons change the columns: rebuilt only when they do.
  const columns = useMemo(
    () => [
      col.accessor("name", { header: "Stream", meta: { rowHeader: true } }),
      col.accessor("parent", { header: "Part of", cell: (info) => info.getValue() ?? "—" }),
      col.accessor("source", { header: "Source", meta: { filter: "select" } }),
      col.accessor("rules", { header: "Rules" }),
      col.accessor("years", { header: "Yearly amounts" }),
      col.accessor("thisYearPence", {
        header: year,
        cell: (info) => (info.getValue() == null ? "—" : formatPence(info.getValue()!, { wholePounds: true })),
        meta: { numeric: true, label: `${year} (£)`, exportValue: (r: Row) => (r.thisYearPence == null ? null : r.thisYearPence / 100), excelFormat: "£#,##0" },
      }),
      ...(onEdit || onSetYear
        ? [
            col.display({
              id: "change",
              header: "Change",
              enableSorting: false,
              cell: ({ row }) => (
                <div className="money-table__actions">
                  {onEdit && (
                    <button type="button" className="button button--secondary" onClick={() => onEdit(row.original.stream)}>
                      Edit <span className="visually-hidden">{row.original.name}</span>
                    </button>
                  )}
                  {onSetYear && (
                    <button type="button" className="button button--secondary" onClick={() => onSetYear(row.original.stream)}>
                      Set {year} <span className="visually-hidden">amount of {row.original.name}</span>
                    </button>
                  )}
                </div>
              ),
              meta: { noExport: true },
            }),
          ]
        : []),
    ],
    [year, onEdit, onSetYear],
  );
  return (
    <DataTable
      caption="Funding streams"
      captionHidden
      data={data}
      columns={columns}
      getRowId={(r) => String(r.id)}
      searchLabel="Search streams"
      pageSize={0}
      exportName={exportName}
      initialSorting={[{ id: "name", desc: false }]}
      emptyMessage="No funding streams yet."
      testId="streams-table"
      rowTestId={(r) => `stream-${r.id}`}
    />
  );
}
