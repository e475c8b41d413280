import fs from "node:fs/promises";
import { fileTypeFromFile } from "file-type";

/**
 * The types an attachment may have, as found in its content by `file-type` (magic bytes; for Office and
 * OpenDocument files, the parts inside the zip). The file's name and the type the client declares are never asked.
 */
export const ALLOWED_TYPES: ReadonlyMap<string, string> = new Map([
  ["application/pdf", "PDF"],
  ["image/png", "PNG image"],
  ["image/jpeg", "JPEG image"],
  ["image/gif", "GIF image"],
  ["image/webp", "WebP image"],
  ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document (.docx)"],
  ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook (.xlsx)"],
  ["application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation (.pptx)"],
  ["application/vnd.oasis.opendocument.text", "OpenDocument text (.odt)"],
  ["application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet (.ods)"],
  ["application/vnd.oasis.opendocument.presentation", "OpenDocument presentation (.odp)"],
]);

/** What text without magic bytes (TXT, CSV) is stored and served as. */
export const PLAIN_TEXT = "text/plain; charset=utf-8";

/** Control characters that plain text does not contain (tab, line feed, form feed and carriage return are fine). */
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;
/** Markup a browser or viewer could treat as a page or an image with scripts: HTML, XML, SVG. */
const MARKUP = /<\s*(?:!doctype|html|head|body|script|iframe|frame|svg|object|embed|meta|link|style|img|form|base|\?xml)\b/i;

export type Sniffed = { allowed: true; contentType: string } | { allowed: false; found: string };

/**
 * Decides by content. A file whose magic bytes name an allowed type is that type; one whose magic bytes name any
 * other type (an .exe, a zip, a legacy .doc) is refused. A file with no magic bytes is accepted only as plain
 * text: valid UTF-8, no control characters, and no HTML, XML or SVG markup anywhere in it.
 */
export async function sniff(file: string): Promise<Sniffed> {
  const detected = await fileTypeFromFile(file);
  if (detected) return ALLOWED_TYPES.has(detected.mime) ? { allowed: true, contentType: detected.mime } : { allowed: false, found: detected.mime };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await fs.readFile(file));
  } catch {
    return { allowed: false, found: "binary data of an unknown type" };
  }
  if (CONTROL.test(text)) return { allowed: false, found: "binary data of an unknown type" };
  if (MARKUP.test(text)) return { allowed: false, found: "HTML or XML markup" };
  return { allowed: true, contentType: PLAIN_TEXT };
}

export function describeAllowedTypes(): string {
  return [...ALLOWED_TYPES.values(), "plain text or CSV"].join(", ");
}
