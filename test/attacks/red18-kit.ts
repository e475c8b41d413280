// red18 (an outside attack on the arguments of queries, 2026-12-04): shared helpers.
import fs from "node:fs";
import path from "node:path";
import { buildSchema, getNamedType as named_, isLeafType as leaf_, isNonNullType as nonNull_, isObjectType as object_, type GraphQLNamedType as Named_, type GraphQLSchema } from "graphql";
import { ADMIN, ANALYST, codesOf, COMM, DORSET, OFFICER, PA, PB, type TestServer } from "./red17-kit.js";
export { ADMIN, ANALYST, codesOf, COMM, DORSET, OFFICER, PA, PB, type TestServer } from "./red17-kit.js";

export const DURHAM = "officer@durham.demo.example";
export const ROLES = [ADMIN, COMM, OFFICER, ANALYST, DORSET, DURHAM, PA, PB];

export function sdl(): GraphQLSchema {
  return buildSchema(fs.readFileSync(path.join(import.meta.dirname, "../../schema/schema.graphql"), "utf8"));
}

export type HttpResult = { status: number; data?: any; errors?: any[]; text: string };

/** A real HTTP POST; never throws on a non-JSON answer. */
export async function post(s: TestServer, as: string | null, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<HttpResult> {
  const response = await fetch(`${s.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(as ? { authorization: `Bearer ${await s.tokenFor(as)}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let body: any = {};
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, data: body.data, errors: body.errors, text };
}

/** "ok" when a result is a success or a coded, expected refusal; otherwise a description of what went wrong. */
export function verdict(r: HttpResult, allowed = ["BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED", "QUERY_TOO_COMPLEX", "GRAPHQL_VALIDATION_FAILED"]): string {
  const c = codesOf(r);
  if (r.status >= 500) return `HTTP ${r.status} ${r.text.slice(0, 300)}`;
  if (!r.text.trim().startsWith("{")) return `not JSON (${r.status}): ${r.text.slice(0, 200)}`;
  const bad = c.filter((x) => !allowed.includes(x));
  if (bad.length) return `codes ${bad.join(",")}: ${JSON.stringify(r.errors).slice(0, 400)}`;
  return "ok";
}

/** A selection of every field that needs no argument, `depth` levels of objects deep. */
export function selection(type: Named_, depth: number, skip: string[] = []): string {
  if (!object_(type)) return "";
  const parts = ["__typename"];
  for (const f of Object.values(type.getFields())) {
    if (skip.includes(f.name)) continue;
    if (f.args.some((a) => nonNull_(a.type) && a.defaultValue === undefined)) continue;
    const n = named_(f.type);
    if (leaf_(n)) parts.push(f.name);
    else if (depth > 0) { const sub = selection(n, depth - 1, skip); if (sub) parts.push(`${f.name} ${sub}`); }
  }
  return `{ ${parts.join(" ")} }`;
}
