import type { TestServer } from "../api/harness.js";
export type { TestServer };
export const ADMIN = "admin@demo.example";
export const COMM = "commissioner@wiltshire.demo.example";
export const OFFICER = "officer@wiltshire.demo.example";
export const ANALYST = "analyst@wiltshire.demo.example";
export const DORSET = "officer@dorset.demo.example";
export const PA = "provider-a@demo.example";
export const PB = "provider-b@demo.example";

export function codesOf(r: { errors?: readonly unknown[] }): string[] {
  return (r.errors ?? []).map((e) => String((e as { extensions?: { code?: unknown } }).extensions?.code));
}
/** A coded refusal or a success: never INTERNAL_SERVER_ERROR, never 500. */
export function verdict(r: { status: number; errors?: readonly unknown[]; data?: unknown }): string {
  const c = codesOf(r);
  if (r.status >= 500) return `HTTP ${r.status} ${c.join(",")} ${JSON.stringify(r.errors ?? []).slice(0, 300)}`;
  if (c.some((x) => x === "INTERNAL_SERVER_ERROR" || x === "undefined")) return `BAD ${r.status} ${JSON.stringify(r.errors).slice(0, 400)}`;
  return "ok";
}

export async function startSqlite(env: Record<string, string> = {}): Promise<TestServer> {
  const h = await import("../api/harness.js");
  return h.startTestServer({ env });
}

/** Counts of the tables a refused request must not touch. */
export async function snapshot(server: TestServer): Promise<Record<string, number>> {
  const ds = server.services.writer.dataSource;
  const out: Record<string, number> = {};
  const tables: string[] = ds.entityMetadatas.map((m) => m.tableName);
  for (const t of [...new Set(tables)].sort()) {
    try {
      const rows = await ds.query(`SELECT COUNT(*) AS n FROM "${t}"`);
      out[t] = Number(rows[0].n);
    } catch { /* view or missing */ }
  }
  return out;
}
export function diff(a: Record<string, number>, b: Record<string, number>): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k]} -> ${b[k]}`);
}
