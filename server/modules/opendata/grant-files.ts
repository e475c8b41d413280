import { stringify } from "csv-stringify/sync";
import { FLAT_COLUMNS, flatGrantRows } from "./threesixty.js";

type Json = Record<string, unknown>;

/** The 360Giving flat CSV: a header row of field titles, then one row per grant. */
export function grantsCsv(grants: Json[]): string {
  return stringify([FLAT_COLUMNS.map((c) => c.title), ...flatGrantRows(grants)]);
}

/** The same table as an XLSX workbook with one sheet named "grants", as the 360Giving tools expect. */
export async function grantsXlsx(grants: Json[]): Promise<Buffer> {
  // Loaded on first use: exceljs is large, and most servers never build a spreadsheet.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Commissioning Hub";
  const sheet = workbook.addWorksheet("grants");
  sheet.addRow(FLAT_COLUMNS.map((c) => c.title));
  for (const row of flatGrantRows(grants)) sheet.addRow(row.map((cell) => (cell === "" ? null : cell)));
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
