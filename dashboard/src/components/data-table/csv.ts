/** A cell of a CSV file: numbers are written as they are, text is quoted when it needs to be. */
export type CsvCell = string | number | boolean | null | undefined;

// Spreadsheets run text that starts like a formula; a leading apostrophe makes them show it as text.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(cell: CsvCell): string {
  if (cell == null) return "";
  if (typeof cell === "number") return Number.isFinite(cell) ? String(cell) : "";
  if (typeof cell === "boolean") return cell ? "true" : "false";
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV: comma-separated, CRLF line ends, fields with commas, quotes or line breaks quoted. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/**
 * Saves text as a file through the browser's download. The byte-order mark lets spreadsheet programs
 * read the file as UTF-8 (en dashes and £ signs in names) rather than guessing a code page.
 */
export function downloadCsv(filename: string, csv: string, { bom = true }: { bom?: boolean } = {}): void {
  downloadBlob(filename, new Blob([bom ? "\uFEFF" : "", csv], { type: "text/csv;charset=utf-8" }));
}

/** Saves a blob as a file through the browser's download. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers start the download after the click handler returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A safe file name part: "2023-24 Q2" → "2023-24-q2". */
export function fileSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
