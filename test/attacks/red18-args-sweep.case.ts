// red18: every argument of every query field (root and nested), from the schema, given hostile values one at a
// time while the others stay valid. Every answer must be a success or a coded refusal, and quick.
import { expect, it } from "vitest";
import {
  getNamedType, getNullableType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType,
  type GraphQLField, type GraphQLInputType, type GraphQLNamedType, type GraphQLObjectType,
} from "graphql";
import { ANALYST, OFFICER, PA, post, sdl, verdict, type TestServer } from "./red18-kit.js";

const schema = sdl();

/** Leaf fields that take no required argument, or `__typename` only. */
export function leaves(type: GraphQLNamedType, depth = 1): string {
  if (!isObjectType(type)) return "";
  const parts = ["__typename"];
  for (const f of Object.values(type.getFields())) {
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const n = getNamedType(f.type);
    if (isLeafType(n)) parts.push(f.name);
    else if (depth > 0 && isObjectType(n) && ["Office", "Provider", "Portfolio"].includes(n.name)) parts.push(`${f.name} { id }`);
  }
  return `{ ${parts.join(" ")} }`;
}

const INTS = [0, -1, 1, 2147483647, -2147483648, 2147483648, 9007199254740991, 1e9, 1.5, "7", true, null];
const LONG = "x".repeat(10_000);
const STRINGS = ["", " ", "\t\n", LONG, "%", "_", "%%", "\\", "\\%", "'", "''; DROP TABLE contract; --", '"', "[a-z]*", "*", "?", ".*",
  "2024/25", "2024-2025", "2024-25 Q1", "2024-26", "0000-01", "9999-00", "-2024-25", "2024-25\u0000", "😀", "\u202e2024-25", "٢٠٢٤-٢٥",
  "2024-13-45", "2024-02-30", "99999-01-01", "1899-12-31", "2200-01-01", "now", "1e3", 12, null];

export type Fixture = { officeId: number; periodId: number; portfolioId: number; contractId: number; returnId: number; indicatorId: number;
  providerId: number; fundingStreamId: number; planId: number; year: string };

/** A valid value for an argument, from its name. */
export function valid(name: string, type: GraphQLInputType, fx: Fixture, field: string): unknown {
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0].value;
  if (isInputObjectType(named)) return { indicatorId: fx.indicatorId, year: fx.year, portfolioId: fx.portfolioId, quarter: 1 };
  if (isListType(getNullableType(type))) return [fx.periodId];
  if (named.name === "Boolean") return false;
  if (named.name === "String") return name === "year" ? fx.year : name === "asOf" ? "2024-06-30" : name === "entityType" ? "Contract" : "x";
  const byName: Record<string, number> = { officeId: fx.officeId, periodId: fx.periodId, portfolioId: fx.portfolioId, contractId: fx.contractId,
    returnId: fx.returnId, indicatorId: fx.indicatorId, providerId: fx.providerId, recordId: fx.returnId, entityId: fx.contractId,
    first: 5, offset: 0, last: 4, from: 1, to: 2 };
  if (name in byName) return byName[name];
  if (name === "id") {
    const m: Record<string, number> = { contract: fx.contractId, performanceReturn: fx.returnId, validateReturn: fx.returnId, portfolio: fx.portfolioId,
      office: fx.officeId, provider: fx.providerId, indicator: fx.indicatorId, fundingStream: fx.fundingStreamId, strategicPlan: fx.planId };
    return m[field] ?? 1;
  }
  return 1;
}

export function hostile(type: GraphQLInputType): unknown[] {
  const named = getNamedType(type);
  if (isListType(getNullableType(type))) return [[], [0], [-1], [2147483647], Array.from({ length: 10_000 }, (_, i) => i), Array(500).fill(1), [null], 3];
  if (named.name === "Int") return INTS;
  if (named.name === "String") return STRINGS;
  if (named.name === "Boolean") return ["true", 1, null];
  if (isEnumType(named)) return ["NOPE", "", "accepted", 0, null];
  if (isInputObjectType(named)) return [{}, { indicatorId: -1, year: "2024/25" }, { indicatorId: 1, year: "2024-25", quarter: 0 }, { indicatorId: 1, year: "2024-25", quarter: 5 },
    { indicatorId: 1, year: "2024-25", quarter: -1 }, { indicatorId: 1, year: "2024-25", quarter: 2147483647 }, { indicatorId: 1, year: "", contractId: 0, portfolioId: 0 }, null];
  return [null];
}

type Case = { label: string; query: string; variables: Record<string, unknown> };

function gqlType(t: GraphQLInputType): string { return String(t); }

/** Root query cases, and nested ones (fields with arguments reached from a root field without arguments of its own needed). */
export function cases(fx: Fixture): Case[] {
  const out: Case[] = [];
  const q = schema.getQueryType()!;
  const fieldCases = (field: GraphQLField<unknown, unknown>, wrap: (sel: string) => string, rootField: string, label: string) => {
    for (const arg of field.args) {
      for (const v of hostile(arg.type)) {
        const vars: Record<string, unknown> = {};
        for (const a of field.args) vars[a.name] = valid(a.name, a.type, fx, rootField);
        vars[arg.name] = v;
        const decl = field.args.map((a) => `$${a.name}: ${gqlType(a.type)}`).join(", ");
        const call = `${field.name}(${field.args.map((a) => `${a.name}: $${a.name}`).join(", ")})`;
        const sel = leaves(getNamedType(field.type));
        out.push({ label: `${label}(${arg.name}: ${JSON.stringify(v)?.slice(0, 40)})`, query: `query R18(${decl}) ${wrap(`${call} ${sel}`)}`, variables: vars });
      }
    }
  };
  for (const f of Object.values(q.getFields())) if (f.args.length) fieldCases(f, (s) => `{ ${s} }`, f.name, f.name);
  // Nested fields with arguments, reached through a root field that takes valid arguments.
  const nested: [string, string, GraphQLObjectType][] = [
    [`contract(id: ${fx.contractId})`, "contract", schema.getType("Contract") as GraphQLObjectType],
    [`fundingStream(id: ${fx.fundingStreamId})`, "fundingStream", schema.getType("FundingStream") as GraphQLObjectType],
    [`portfolio(id: ${fx.portfolioId})`, "portfolio", schema.getType("Portfolio") as GraphQLObjectType],
    [`scorecards(officeId: ${fx.officeId})`, "scorecards", schema.getType("ScorecardRow") as GraphQLObjectType],
    [`strategicPlan(id: ${fx.planId}) { priorities { keyPerformanceQuestions`, "strategicPlan", schema.getType("KeyPerformanceQuestion") as GraphQLObjectType],
  ];
  for (const [root, rootField, type] of nested) {
    for (const f of Object.values(type.getFields())) {
      if (!f.args.length) continue;
      const wrap = (s: string) => {
        if (rootField === "scorecards") return `{ ${root} { rows { ${s} } } }`;
        if (rootField === "strategicPlan") return `{ ${root} { ${s} } } } }`;
        return `{ ${root} { ${s} } }`;
      };
      fieldCases(f, wrap, rootField, `${type.name}.${f.name}`);
    }
  }
  return out;
}

export async function fixture(s: TestServer): Promise<Fixture> {
  const r = await post(s, OFFICER, `{ portfolios { id } indicators { id } fundingStreams { id } strategicPlans { id }
    contracts(first: 1, providerId: null) { items { id provider { id } } } returns(first: 1, state: ACCEPTED) { items { id } } reportingPeriods { id year } }`);
  const d = r.data;
  expect(d, r.text).toBeTruthy();
  return { officeId: 1, periodId: d.reportingPeriods[0].id, portfolioId: d.portfolios[0].id, contractId: d.contracts.items[0].id, returnId: d.returns.items[0].id,
    indicatorId: d.indicators[0].id, providerId: d.contracts.items[0].provider.id, fundingStreamId: d.fundingStreams[0].id, planId: d.strategicPlans[0].id, year: "2023-24" };
}

export function sweep(get: () => TestServer, roles = [OFFICER, ANALYST, PA]) {
  for (const role of roles) {
    it(`every query argument as ${role}: a success or a coded refusal, and the server still answers`, async () => {
      const s = get();
      const fx = await fixture(s);
      const all = cases(fx);
      const failures: string[] = [];
      for (const c of all) {
        const r = await post(s, role, c.query, c.variables);
        const v = verdict(r);
        if (v !== "ok") failures.push(`${c.label}: ${v}`);
      }
      // The server is still up and answering.
      const me = await post(s, role, "{ me { id } }");
      expect(me.status).toBe(200);
      // No timing is asserted (speed is the bench's): a request that hangs fails on post's own 20 s timeout.
      expect({ cases: all.length, failures: failures.slice(0, 40) }).toEqual({ cases: all.length, failures: [] });
    });
  }
}
