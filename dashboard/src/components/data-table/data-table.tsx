/**
 * The dashboard's one table: sort by any column header, search, optional per-column filters, pages, and
 * export of exactly the rows the search, filters and sort leave (all pages) to CSV or Excel (.xlsx).
 * Wide tables scroll inside their own focusable box, so a phone's page never scrolls sideways.
 *
 * @example
 * ```tsx
 * import { DataTable, tableColumns } from "../../components/data-table/data-table";
 *
 * type Row = { id: string; name: string; status: string; budget: number };
 * const col = tableColumns<Row>();
 * // At module scope (or in useMemo): a new array each render would rebuild the table.
 * const columns = col.columns([
 *   col.accessor("name", { header: "Contract", meta: { rowHeader: true } }),
 *   col.accessor("status", { header: "Status", meta: { filter: "select" } }),
 *   col.accessor("budget", {
 *     header: "Budget",
 *     cell: (info) => formatMoney(info.getValue()),
 *     meta: { numeric: true, excelFormat: "£#,##0" },
 *   }),
 *   col.display({ id: "open", header: "", cell: ({ row }) => <Link to={`/contracts/${row.original.id}`}>Open</Link>, meta: { noExport: true } }),
 * ]);
 *
 * <DataTable caption="Contracts" data={rows} columns={columns} getRowId={(row) => row.id}
 *   exportName="contracts-2026-q2" searchLabel="Search contracts" initialSorting={[{ id: "name", desc: false }]} />
 * ```
 * `data` must be stable too (from the query result, or memoised). Set `pageSize={0}` for no pages.
 */
import { useId, useMemo, useState, type ReactNode } from "react";
import { useTable, type Column, type Row, type RowData, type SortingState } from "@tanstack/react-table";
import { dataTableFeatures, equalsText, type DataColumn, type DataTableFeatures } from "./data-table-features";
import { downloadSheetCsv, downloadSheetXlsx, tableSheet } from "./table-export";
import "./data-table.css";

export { tableColumns, type DataColumn, type DataColumnMeta } from "./data-table-features";
export { fileSlug } from "./csv";

export interface DataTableProps<TData extends RowData> {
  /** Names the table for everyone (a visible caption unless `captionHidden`), and its scroll region. */
  caption: ReactNode;
  captionHidden?: boolean;
  data: readonly TData[];
  columns: DataColumn<TData>[];
  getRowId?: (row: TData, index: number) => string;
  /** The downloaded files' name without extension; no export buttons without it. */
  exportName?: string;
  /** The Excel sheet's name (defaults to the caption when it is text). */
  exportTitle?: string;
  /** Set false for a table too small to need a search box. */
  searchable?: boolean;
  searchLabel?: string;
  /** Rows per page; 0 shows every row. */
  pageSize?: number;
  initialSorting?: SortingState;
  /** Shown instead of the table when there are no rows at all. */
  emptyMessage?: ReactNode;
  /** More controls beside search and export (a quarter picker, a toggle). */
  toolbar?: ReactNode;
  /** `data-testid` on the <table>. */
  testId?: string;
  rowTestId?: (row: TData) => string | undefined;
  rowClassName?: (row: TData, index: number) => string | undefined;
  /** More data-* attributes on a row (`{ "data-state": row.state }`), for styles and tests. */
  rowAttributes?: (row: TData) => Record<`data-${string}`, string | undefined>;
  compact?: boolean;
}

const PAGE_SIZES = [10, 25, 50, 100];

function columnLabel<TData extends RowData>(column: Column<DataTableFeatures, TData, unknown>): string {
  const header = column.columnDef.header;
  return column.columnDef.meta?.label ?? (typeof header === "string" ? header : column.id);
}

function ColumnFilter<TData extends RowData>({ column, rows }: { column: Column<DataTableFeatures, TData, unknown>; rows: Row<DataTableFeatures, TData>[] }) {
  const id = useId();
  const label = columnLabel(column);
  const value = (column.getFilterValue() as string | undefined) ?? "";
  const kind = column.columnDef.meta?.filter;
  const options = useMemo(() => {
    if (kind !== "select") return [];
    const seen = new Set<string>();
    for (const row of rows) {
      const cell = row.getValue(column.id);
      if (cell != null && cell !== "") seen.add(String(cell));
    }
    return [...seen].sort((a, b) => a.localeCompare(b, "en-GB", { numeric: true }));
  }, [kind, rows, column]);
  return (
    <div className="data-table__filter">
      <label htmlFor={id}>{label}</label>
      {kind === "select" ? (
        <select id={id} className="data-table__input" value={value} onChange={(event) => column.setFilterValue(event.target.value || undefined)}>
          <option value="">All</option>
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : (
        <input id={id} className="data-table__input" type="search" value={value} onChange={(event) => column.setFilterValue(event.target.value || undefined)} />
      )}
    </div>
  );
}

/** The shared table; see the module comment for an example. */
export function DataTable<TData extends RowData>({
  caption,
  captionHidden = false,
  data,
  columns,
  getRowId,
  exportName,
  exportTitle,
  searchable = true,
  searchLabel = "Search this table",
  pageSize = 25,
  initialSorting = [],
  emptyMessage = "There is nothing to show.",
  toolbar,
  testId,
  rowTestId,
  rowClassName,
  rowAttributes,
  compact = false,
}: DataTableProps<TData>) {
  const captionId = useId();
  const searchId = useId();
  const [exporting, setExporting] = useState<"csv" | "xlsx" | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  // Select filters compare whole values; unset values sort last whichever way a column is sorted.
  const tableColumnsResolved = useMemo(
    () =>
      columns.map((column): DataColumn<TData> => ({
        sortUndefined: "last",
        ...column,
        ...(column.meta?.filter === "select" ? { filterFn: equalsText<TData>() } : {}),
      })),
    [columns],
  );

  const table = useTable({
    features: dataTableFeatures,
    columns: tableColumnsResolved,
    data: data as TData[],
    getRowId,
    globalFilterFn: "includesString",
    initialState: {
      sorting: initialSorting,
      pagination: { pageIndex: 0, pageSize: pageSize > 0 ? pageSize : Number.MAX_SAFE_INTEGER },
    },
  });

  const state = table.state;
  const filterColumns = table.getAllLeafColumns().filter((column) => column.columnDef.meta?.filter && !column.columnDef.meta.exportOnly);
  const coreRows = table.getCoreRowModel().rows;
  const matching = table.getPrePaginatedRowModel().rows.length;
  const pageRows = table.getRowModel().rows;
  const paged = pageSize > 0 && (matching > pageSize || state.pagination.pageSize !== pageSize);
  const first = matching === 0 ? 0 : state.pagination.pageIndex * state.pagination.pageSize + 1;
  const last = Math.min(matching, first - 1 + pageRows.length);
  const filtered = Boolean(state.globalFilter) || state.columnFilters.length > 0;
  const titleText = exportTitle ?? (typeof caption === "string" ? caption : exportName ?? "Table");

  async function runExport(kind: "csv" | "xlsx") {
    if (!exportName) return;
    setExporting(kind);
    setExportError(null);
    try {
      const sheet = tableSheet(table);
      if (kind === "csv") downloadSheetCsv(sheet, exportName);
      else await downloadSheetXlsx(sheet, exportName, titleText);
    } catch {
      // Only the Excel path can fail here: its code is fetched on the click, and the network may be gone.
      setExportError("The Excel file could not be made. Check your connection and try again, or download the CSV.");
    } finally {
      setExporting(null);
    }
  }

  if (data.length === 0) return <div className="data-table data-table--empty">{typeof emptyMessage === "string" ? <p>{emptyMessage}</p> : emptyMessage}</div>;

  return (
    <div className={`data-table${compact ? " data-table--compact" : ""}`}>
      {(searchable || filterColumns.length > 0 || exportName || toolbar) && (
        <div className="data-table__toolbar">
          {searchable && (
            <div className="data-table__filter data-table__filter--search">
              <label htmlFor={searchId}>{searchLabel}</label>
              <input
                id={searchId}
                className="data-table__input"
                type="search"
                value={(state.globalFilter as string | undefined) ?? ""}
                onChange={(event) => table.setGlobalFilter(event.target.value)}
              />
            </div>
          )}
          {filterColumns.map((column) => (
            <ColumnFilter key={column.id} column={column} rows={coreRows} />
          ))}
          {toolbar}
          {exportName && (
            <div className="data-table__export" role="group" aria-label={`Download ${titleText}`}>
              <button type="button" className="button button--secondary data-table__button" disabled={exporting !== null || matching === 0} onClick={() => void runExport("csv")}>
                Download CSV
              </button>
              <button type="button" className="button button--secondary data-table__button" disabled={exporting !== null || matching === 0} onClick={() => void runExport("xlsx")}>
                {exporting === "xlsx" ? "Preparing Excel…" : "Download Excel"}
              </button>
            </div>
          )}
        </div>
      )}
      {exportError && (
        <p className="data-table__error" role="alert">
          {exportError}
        </p>
      )}
      <p className="data-table__count" role="status" aria-live="polite">
        {filtered ? `${matching} of ${data.length} rows match` : `${data.length} ${data.length === 1 ? "row" : "rows"}`}
        {paged && matching > 0 ? `, showing ${first}–${last}` : ""}
        {exportName && matching > 0 ? (filtered ? "; downloads hold the matching rows" : "") : ""}
      </p>
      <div className="data-table__scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table className="data-table__table" data-testid={testId}>
          <caption id={captionId} className={captionHidden ? "visually-hidden" : undefined}>
            {caption}
          </caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.filter((header) => !header.column.columnDef.meta?.exportOnly).map((header) => {
                  const meta = header.column.columnDef.meta;
                  const sorted = header.column.getIsSorted();
                  const className = [meta?.numeric ? "data-table__num" : "", meta?.className ?? ""].join(" ").trim() || undefined;
                  if (header.isPlaceholder) return <th key={header.id} scope="col" className={className} />;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      colSpan={header.colSpan > 1 ? header.colSpan : undefined}
                      className={className}
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    >
                      {header.column.getCanSort() ? (
                        <button type="button" className="data-table__sort" onClick={header.column.getToggleSortingHandler()}>
                          <table.FlexRender header={header} />
                          <span className="data-table__sort-mark" aria-hidden="true">
                            {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                          </span>
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {pageRows.map((row, index) => (
              <tr key={row.id} data-testid={rowTestId?.(row.original)} className={rowClassName?.(row.original, index)} {...rowAttributes?.(row.original)}>
                {row.getAllCells().filter((cell) => !cell.column.columnDef.meta?.exportOnly).map((cell) => {
                  const meta = cell.column.columnDef.meta;
                  const className = [meta?.numeric ? "data-table__num" : "", meta?.className ?? ""].join(" ").trim() || undefined;
                  return meta?.rowHeader ? (
                    <th key={cell.id} scope="row" className={className}>
                      <table.FlexRender cell={cell} />
                    </th>
                  ) : (
                    <td key={cell.id} className={className}>
                      <table.FlexRender cell={cell} />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        {matching === 0 && <p className="data-table__none">No rows match. Clear the search or a filter to see more.</p>}
      </div>
      {paged && (
        <nav className="data-table__pages" aria-label={`Pages of ${titleText}`}>
          <button type="button" className="button button--secondary data-table__button" disabled={!table.getCanPreviousPage()} onClick={() => table.previousPage()}>
            Previous
          </button>
          <span>
            Page {state.pagination.pageIndex + 1} of {Math.max(1, table.getPageCount())}
          </span>
          <button type="button" className="button button--secondary data-table__button" disabled={!table.getCanNextPage()} onClick={() => table.nextPage()}>
            Next
          </button>
          <label className="data-table__page-size">
            Rows per page{" "}
            <select className="data-table__input" value={state.pagination.pageSize} onChange={(event) => table.setPageSize(Number(event.target.value))}>
              {[...new Set([...PAGE_SIZES, pageSize])].sort((a, b) => a - b).map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </label>
        </nav>
      )}
    </div>
  );
}
