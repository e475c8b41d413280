/** Whole pounds typed by a person ("12,500" or "12500.50") as pence; null when it is not an amount. */
export function poundsToPence(text: string): number | null {
  const cleaned = text.replace(/[£,\s]/g, "");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

/** Pence as the figure a person would type back: 1250050 → "12500.50", 1250000 → "12500". */
export function penceToPounds(pence: number | null | undefined): string {
  if (pence == null) return "";
  return pence % 100 === 0 ? String(pence / 100) : (pence / 100).toFixed(2);
}
