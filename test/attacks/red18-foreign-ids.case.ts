// red18: another office's, another provider's, or an unseen return's id, given to every argument of every query
// (root and nested) that takes one, must answer exactly as an id of nothing does: same codes, same data.
// "Asking for a record by id that you may not see is NOT_FOUND: we do not confirm that it exists."
import { expect, it } from "vitest";
import { getNamedType, isEnumType, isInputObjectType, isListType, getNullableType, type GraphQLField, type GraphQLObjectType } from "graphql";
import { ADMIN, ANALYST, codesOf, DORSET, OFFICER, PA, PB, post, sdl, selection, type TestServer } from "./red18-kit.js";

const schema = sdl();
export const NOTHING = 1_999_999;

export type Ids = Record<string, number>; // by argument name, and `id:<field>` for `id` arguments
export type Attack = { role: string; own: Ids; foreign: Ids; label: string };

function key(arg: string, field: string) { return arg === "id" ? `id:${field}` : arg; }

function value(name: string, field: string, ids: Ids, fallback: Ids): unknown {
  const k = key(name, field);
  if (k in ids) return ids[k];
  if (k in fallback) return fallback[k];
  return undefined;
}

type Case = { label: string; query: string; foreignVars: Record<string, unknown>; nothingVars: Record<string, unknown>; foreignId: number };

export function cases(a: Attack): Case[] {
  const out: Case[] = [];
  const q = schema.getQueryType()!;
  const build = (field: GraphQLField<unknown, unknown>, rootField: string, wrap: (s: string) => string, label: string, rootArgs: Record<string, unknown> = {}) => {
    for (const arg of field.args) {
      const k = key(arg.name, rootField);
      if (!(k in a.foreign)) continue;
      const vars: Record<string, unknown> = { ...rootArgs };
      for (const x of field.args) {
        const n = getNamedType(x.type);
        let v: unknown = value(x.name, rootField, a.own, {});
        if (v !== undefined && isListType(getNullableType(x.type))) v = [v];
        if (v === undefined) {
          if (isEnumType(n)) v = x.name === "owner" ? "RETURN" : undefined;
          else if (isInputObjectType(n)) v = { indicatorId: a.own.indicatorId, year: "2023-24", quarter: 1 };
          else if (isListType(getNullableType(x.type))) v = x.name === "periodIds" ? [a.own.periodId] : undefined;
          else if (n.name === "String") v = x.name === "year" ? "2023-24" : x.name === "asOf" ? "2024-03-31" : x.name === "entityType" ? "Contract" : undefined;
          else if (n.name === "Int" && (x.name === "from" || x.name === "to")) v = x.name === "from" ? 1 : 2;
        }
        if (v === undefined && x.defaultValue !== undefined) v = x.name === "first" ? 5 : x.defaultValue;
        if (v !== undefined) vars[x.name] = v;
      }
      const decl = field.args.map((x) => `$${x.name}: ${String(x.type)}`);
      const call = `${field.name}(${field.args.map((x) => `${x.name}: $${x.name}`).join(", ")})`;
      const sel = selection(getNamedType(field.type), label.startsWith("KeyPerformanceQuestion") ? 1 : 2, ["attachments", "revisions", "comments"]);
      const allDecl = [...decl, ...Object.keys(rootArgs).map((k) => `$${k}: Int!`)];
      const query = `query R18(${allDecl.join(", ")}) ${wrap(`${call} ${sel}`)}`;
      const wrapList = (id: number) => (isListType(getNullableType(arg.type)) ? [id] : id);
      out.push({ label: `${label}(${arg.name})`, query, foreignVars: { ...vars, [arg.name]: wrapList(a.foreign[k]) }, nothingVars: { ...vars, [arg.name]: wrapList(NOTHING) }, foreignId: a.foreign[k] });
    }
  };
  for (const f of Object.values(q.getFields())) build(f, f.name, (s) => `{ ${s} }`, f.name);
  // Nested: through the caller's own records.
  const nested: [string, GraphQLObjectType, string, Record<string, unknown>][] = [
    ["Contract", schema.getType("Contract") as GraphQLObjectType, `contract(id: $ownContract) { ITEM }`, { ownContract: a.own["id:contract"] }],
    ["KeyPerformanceQuestion", schema.getType("KeyPerformanceQuestion") as GraphQLObjectType, `strategicPlans { priorities { keyPerformanceQuestions { ITEM } } }`, {}],
  ];
  for (const [name, type, path, rootArgs] of nested) {
    if (name === "KeyPerformanceQuestion" && a.own.noPlans) continue;
    for (const f of Object.values(type.getFields())) {
      if (!f.args.length) continue;
      build(f, name, (s) => `{ ${path.replace("ITEM", s)} }`, `${name}.${f.name}`, rootArgs);
    }
  }
  return out.map((c) => ({ ...c, query: c.query.replace("R18()", "R18") }));
}

/** The answer for an id of nothing, as it would read had it named the foreign id (messages and echoes alike). */
function asIf(r: { data?: unknown; errors?: any[] }, id: number) {
  return JSON.stringify({ data: r.data ?? null, errors: (r.errors ?? []).map((e) => ({ code: e.extensions?.code, path: e.path, message: e.message })) }).replaceAll(String(NOTHING), String(id));
}

export function foreignSuite(get: () => TestServer, attacks: Attack[]) {
  // The ids above are the seed's: should it number its rows differently, a foreign id could name nothing and every
  // comparison below would pass for the wrong reason. Each foreign row exists (the administrator reads it), and each
  // attacker reads its own.
  it("the demo ids the attacks name are rows: the foreign ones exist, and each attacker reads its own", async () => {
    const s = get();
    const missing: string[] = [];
    const reads = async (role: string, field: "contract" | "performanceReturn", id: number | undefined) => {
      if (id == null) return;
      const r = await post(s, role, `query($id: Int!) { ${field}(id: $id) { id } }`, { id });
      if (r.data?.[field]?.id !== id) missing.push(`${role} ${field} ${id}: ${r.text.slice(0, 160)}`);
    };
    for (const a of attacks) {
      await reads(ADMIN, "contract", a.foreign.contractId);
      await reads(ADMIN, "performanceReturn", a.foreign.returnId);
      await reads(a.role, "contract", a.own.contractId);
      await reads(a.role, "performanceReturn", a.own.returnId);
    }
    expect(missing).toEqual([]);
  });

  for (const a of attacks) {
    it(`${a.label}: a foreign id answers as an id of nothing does, in every query argument`, async () => {
      const s = get();
      const all = cases(a);
      const leaks: string[] = [];
      for (const c of all) {
        const foreign = await post(s, a.role, c.query, c.foreignVars);
        const nothing = await post(s, a.role, c.query, c.nothingVars);
        if (["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX"].some((x) => codesOf(foreign).includes(x) || codesOf(nothing).includes(x))) { leaks.push(`${c.label}: bad probe ${foreign.text.slice(0, 200)}`); continue; }
        const fs = asIf(foreign, c.foreignId), ns = asIf(nothing, c.foreignId);
        if (fs !== ns) {
          let i = 0; while (fs[i] === ns[i]) i++;
          leaks.push(`${c.label} ${JSON.stringify(c.foreignVars)}: foreign …${fs.slice(Math.max(0, i - 120), i + 200)} | nothing …${ns.slice(Math.max(0, i - 120), i + 200)}`);
        }
      }
      expect({ cases: all.length, leaks }).toEqual({ cases: all.length, leaks: [] });
    });
  }
}

// Demo ids (fixed by the seed): Wiltshire is office 1 (quarters 1-5 and 14, portfolios 1-3, contracts 1-29, returns such as 5),
// Dorset office 2 (quarter 15, portfolio 4, contract 30, return 72, indicator 9, plan 7). Provider A holds contracts 3 (Wiltshire)
// and 44 (Dorset); provider B holds 4, 8 and 9 (Wiltshire). Return 10 is A's (sent back), 25 (draft) and 30 (submitted) are B's.
export const attacks: Attack[] = [
  { label: "Dorset officer, Wiltshire's ids", role: DORSET,
    own: { officeId: 2, periodId: 15, portfolioId: 4, contractId: 31, returnId: 72, recordId: 72, indicatorId: 9, "id:contract": 31, "id:performanceReturn": 72, "id:validateReturn": 72, "id:portfolio": 4, "id:office": 2, "id:indicator": 9, "id:strategicPlan": 7 },
    foreign: { officeId: 1, periodId: 4, periodIds: 4, entityId: 1, portfolioId: 1, contractId: 1, returnId: 5, recordId: 5, indicatorId: 2, "id:contract": 1, "id:performanceReturn": 5, "id:validateReturn": 5, "id:portfolio": 1, "id:office": 1, "id:indicator": 2, "id:strategicPlan": 6, "id:fundingStream": 1 } },
  { label: "provider B, provider A's contract and return, and Dorset (where B holds nothing)", role: PB,
    own: { officeId: 1, periodId: 5, portfolioId: 2, contractId: 8, returnId: 25, recordId: 25, indicatorId: 2, "id:contract": 8, "id:performanceReturn": 25, "id:validateReturn": 25, noPlans: 1 },
    foreign: { officeId: 2, "id:office": 2, periodId: 15, portfolioId: 4, entityId: 3, contractId: 3, returnId: 10, recordId: 10, "id:contract": 3, "id:performanceReturn": 10, "id:validateReturn": 10 } },
  { label: "provider A, provider B's contract and submitted return, and Durham (where A holds nothing)", role: PA,
    own: { officeId: 1, periodId: 5, portfolioId: 2, contractId: 3, returnId: 10, recordId: 10, indicatorId: 2, "id:contract": 3, "id:performanceReturn": 10, "id:validateReturn": 10, noPlans: 1 },
    foreign: { officeId: 3, "id:office": 3, periodId: 16, entityId: 9, contractId: 9, returnId: 30, recordId: 30, "id:contract": 9, "id:performanceReturn": 30, "id:validateReturn": 30 } },
  { label: "analyst, a submitted return of its own office", role: ANALYST,
    own: { officeId: 1, periodId: 5, portfolioId: 1, contractId: 5, returnId: 5, recordId: 5, indicatorId: 2, "id:contract": 5, "id:performanceReturn": 5, "id:validateReturn": 5 },
    foreign: { returnId: 15, recordId: 15, "id:performanceReturn": 15, "id:validateReturn": 15 } },
];


/** Audit rows about Wiltshire's contract 1, provider A's contract 3 and provider B's contract 9, for auditEvents(entityId:). */
export async function auditSomething(s: TestServer) {
  for (const id of [1, 3, 9]) {
    const c = await post(s, OFFICER, `query($id: Int!) { contract(id: $id) { version reportingSchedule } }`, { id });
    const r = await post(s, OFFICER, `mutation($id: Int!, $v: Int!) { setReportingSchedule(id: $id, version: $v, schedule: HALF_YEARLY) { id } }`, { id, v: c.data.contract.version });
    if (r.errors) throw new Error(r.text);
  }
  const a = await post(s, OFFICER, `{ auditEvents(first: 5, entityType: "Contract", entityId: 1) { totalCount } }`);
  if (!(a.data?.auditEvents?.totalCount > 0)) throw new Error(`no audit rows: ${a.text}`);
}
