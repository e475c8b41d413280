import {
  columnFilteringFeature,
  createColumnHelper,
  createFilteredRowModel,
  createPaginatedRowModel,
  createSortedRowModel,
  filterFn_includesString,
  globalFilteringFeature,
  metaHelper,
  rowPaginationFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_datetime,
  sortFn_text,
  tableFeatures,
  type ColumnDef,
  type FilterFn,
  type RowData,
} from "@tanstack/react-table";
import type { CsvCell } from "./csv";

/** What a column tells the shared table beyond TanStack's own column definition. */
export interface DataColumnMeta {
  /** Figures: right-aligned in tabular digits, written to Excel as numbers. */
  numeric?: boolean;
  /** A filter for this column above the table: free text, or a choice among the values the column holds. */
  filter?: "text" | "select";
  /**
   * The cell as a file holds it (CSV and Excel). Defaults to the column's value, so give one when the value is
   * an object or a code whose label people read (a RAG code → "Green"). Receives the original row.
   */
  exportValue?: (row: never) => CsvCell;
  /** The column's name in exports and filter labels when its header is not plain text. */
  label?: string;
  /** Leave the column out of exports (action buttons, links). */
  noExport?: boolean;
  /** In the downloads only, not on screen (codes, the quarter every row shares). */
  exportOnly?: boolean;
  /** The cell names its row: rendered as `<th scope="row">`. */
  rowHeader?: boolean;
  /** Excel number format, e.g. "#,##0" or "£#,##0.00"; numbers without one are written as they are. */
  excelFormat?: string;
  /** A class on the column's header and cells (widths, wrapping). */
  className?: string;
}

// A select filter compares whole values; free text matches anywhere, ignoring case.
function equalsText<TData extends RowData>(): FilterFn<DataTableFeatures, TData> {
  return (row, columnId, filterValue) => filterValue === "" || filterValue == null || String(row.getValue(columnId) ?? "") === String(filterValue);
}

/** Only the features the shared table uses, so the rest of TanStack Table stays out of the bundle. */
export const dataTableFeatures = tableFeatures({
  columnFilteringFeature,
  globalFilteringFeature,
  rowSortingFeature,
  rowPaginationFeature,
  filteredRowModel: createFilteredRowModel(),
  sortedRowModel: createSortedRowModel(),
  paginatedRowModel: createPaginatedRowModel(),
  filterFns: { includesString: filterFn_includesString },
  sortFns: { alphanumeric: sortFn_alphanumeric, text: sortFn_text, datetime: sortFn_datetime, basic: sortFn_basic },
  columnMeta: metaHelper<DataColumnMeta>(),
});

export type DataTableFeatures = typeof dataTableFeatures;

/** A column of the shared table (build them with `tableColumns<Row>()`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- columns of one table hold values of different types
export type DataColumn<TData extends RowData> = ColumnDef<DataTableFeatures, TData, any>;

/**
 * The typed column helper for rows of `TData`: `const col = tableColumns<Row>()`, then
 * `col.accessor("name", { header: "Name" })`. Keep the column list at module scope or in a `useMemo`.
 */
export function tableColumns<TData extends RowData>() {
  return createColumnHelper<DataTableFeatures, TData>();
}

export { equalsText };
