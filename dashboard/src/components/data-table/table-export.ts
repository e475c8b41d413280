import type { Column, Row, RowData, Table } from "@tanstack/react-table";
import { downloadBlob, downloadCsv, toCsv, type CsvCell } from "./csv";
import type { DataTableFeatures } from "./data-table-features";

/** A table as a file holds it: one header line and the rows, in the order and with the filters on screen. */
export interface TableSheet {
  header: string[];
  rows: CsvCell[][];
  /** Per column: written to Excel as a number, and in which format. */
  numeric: { numeric: boolean; format?: string }[];
}

function columnLabel<TData extends RowData>(column: Column<DataTableFeatures, TData, unknown>): string {
  const meta = column.columnDef.meta;
  if (meta?.label) return meta.label;
  const header = column.columnDef.header;
  return typeof header === "string" ? header : column.id;
}

function cellValue<TData extends RowData>(row: Row<DataTableFeatures, TData>, column: Column<DataTableFeatures, TData, unknown>): CsvCell {
  const exportValue = column.columnDef.meta?.exportValue as ((row: TData) => CsvCell) | undefined;
  if (exportValue) return exportValue(row.original);
  const value = row.getValue(column.id);
  if (value == null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return String(value);
}

/** Every row the table's search, filters and sort leave — all pages, not just the one shown. */
export function tableSheet<TData extends RowData>(table: Table<DataTableFeatures, TData>): TableSheet {
  const columns = table.getAllLeafColumns().filter((column) => !column.columnDef.meta?.noExport);
  return {
    header: columns.map(columnLabel),
    rows: table.getPrePaginatedRowModel().rows.map((row) => columns.map((column) => cellValue(row, column))),
    numeric: columns.map((column) => ({ numeric: Boolean(column.columnDef.meta?.numeric), format: column.columnDef.meta?.excelFormat })),
  };
}

/** Saves the sheet as a UTF-8 CSV file (RFC 4180). */
export function downloadSheetCsv(sheet: TableSheet, fileStem: string): void {
  downloadCsv(`${fileStem}.csv`, toCsv(sheet.header, sheet.rows));
}

// Excel refuses sheet names over 31 characters or with any of : \ / ? * [ ].
function sheetName(title: string): string {
  const clean = title.replace(/[:\\/?*[\]]/g, " ").trim();
  return (clean || "Sheet1").slice(0, 31);
}

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * Builds the .xlsx in the browser. exceljs is about 250 kB compressed, so it is imported here, on the click,
 * and never lands in a route's first download. Its package points browsers at its prebuilt bundle.
 */
export async function downloadSheetXlsx(sheet: TableSheet, fileStem: string, title: string): Promise<void> {
  const loaded: typeof import("exceljs") & { default?: typeof import("exceljs") } = await import("exceljs");
  const ExcelJS = loaded.default ?? loaded;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Commissioning Hub";
  const worksheet = workbook.addWorksheet(sheetName(title), { views: [{ state: "frozen", ySplit: 1 }] });
  worksheet.columns = sheet.header.map((header, index) => ({
    header,
    key: `c${index}`,
    width: Math.min(60, Math.max(10, header.length + 2, ...sheet.rows.slice(0, 200).map((row) => String(row[index] ?? "").length + 2))),
    style: sheet.numeric[index].format ? { numFmt: sheet.numeric[index].format } : {},
  }));
  worksheet.getRow(1).font = { bold: true };
  for (const row of sheet.rows) {
    // Text goes in as text: exceljs writes strings as shared strings, never as formulas, so "=…" stays inert.
    worksheet.addRow(row.map((cell) => cell ?? null));
  }
  const buffer = await workbook.xlsx.writeBuffer();
  downloadBlob(`${fileStem}.xlsx`, new Blob([buffer], { type: XLSX_TYPE }));
}
