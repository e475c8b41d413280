import { useMemo } from "react";
import type { ContractRow } from "./contract-queries";
import { Link } from "react-router";
import { DataTable, tableColumns } from "../../components/data-table/data-table";
import { formatDate, formatPence } from "../../format";
import { MECHANISM_LABELS, STATUS_LABELS } from "./contract-labels";

interface Row {
  id: number;
  reference: string;
  title: string;
  portfolio: string;
  provider: string;
  status: string;
  mechanism: string;
  endDate: string | null;
  endsWithoutPlan: boolean;
  annualValuePence: number | null;
}

const col = tableColumns<Row>();
const COLUMNS = [
  col.accessor("reference", { header: "Reference", cell: (info) => <Link to={`/contracts/${info.row.original.id}`}>{info.getValue()}</Link>, meta: { rowHeader: true, className: "nowrap" } }),
  col.accessor("title", { header: "Title" }),
  col.accessor("portfolio", { header: "Portfolio" }),
  col.accessor("provider", { header: "Provider" }),
  col.accessor("status", { header: "Status" }),
  col.accessor("mechanism", { header: "Mechanism" }),
  col.accessor("endDate", {
    header: "Ends",
    cell: (info) => (
      <>
        {formatDate(info.getValue())}
        {info.row.original.endsWithoutPlan && <span className="hint"> (no re-procurement plan)</span>}
      </>
    ),
    meta: { className: "nowrap" },
  }),
  col.accessor("annualValuePence", {
    header: "Annual value",
    cell: (info) => (info.getValue() == null ? "—" : formatPence(info.getValue()!, { wholePounds: true })),
    meta: { numeric: true, label: "Annual value (£)", exportValue: (r: Row) => (r.annualValuePence == null ? null : r.annualValuePence / 100), excelFormat: "£#,##0" },
  }),
];

/** The contracts list's rows in the shared table: every header sorts; the rows the filters leave export to CSV and Excel. */
export function ContractsTable({ rows, exportName }: { rows: readonly ContractRow[]; exportName: string }) {
  const data = useMemo(
    () =>
      rows.map((c): Row => ({
        id: c.id,
        reference: c.reference,
        title: c.title,
        portfolio: c.portfolio.name,
        provider: c.provider.name,
        status: STATUS_LABELS[c.status],
        mechanism: MECHANISM_LABELS[c.mechanism],
        endDate: c.endDate ?? null,
        endsWithoutPlan: Boolean(c.endsWithoutPlan),
        annualValuePence: c.annualValuePence ?? null,
      })),
    [rows],
  );
  return (
    <DataTable
      caption="Contracts"
      captionHidden
      data={data}
      columns={COLUMNS}
      getRowId={(r) => String(r.id)}
      searchable={false}
      exportName={exportName}
      initialSorting={[{ id: "reference", desc: false }]}
      emptyMessage="No contract matches these filters."
      testId="contracts-table"
      rowTestId={(r) => `contract-row-${r.reference}`}
    />
  );
}
