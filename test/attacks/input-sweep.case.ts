/**
 * Bad input, generated from the schema: every mutation, as an administrator, an officer and a provider, over real
 * HTTP. For each one a working call is found first (every field filled, or only the required ones), with the ids of
 * real rows of the officer's office; then, one at a time, each of its fields is given what a hostile or careless
 * client sends: an explicit null, the largest and smallest numbers its type lets through, an id of nothing, an empty
 * list. Every answer must be a coded refusal or a success — never an internal error, never an HTTP 500 — and a
 * refusal writes no audit row. Every subscription's arguments are swept the same way over WebSocket. A mutation,
 * subscription or field added later is swept without anyone writing a case.
 *
 * red16 found with such a sweep: explicit nulls reaching NOT NULL columns (funding streams, portfolios), pence of
 * 2^31 and more and a priority's next position past PostgreSQL's 32-bit integers, and an administrator's office id
 * of nothing reaching SQLite's foreign keys, all answered INTERNAL_SERVER_ERROR.
 */
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../api/harness.js";
import { collect, wsClient } from "../api/ws-client.js";
// No entity module is imported: the PostgreSQL run must set DATABASE_URL before any loads (rows are named instead).

const CALLERS = { admin: "admin@demo.example", officer: "officer@wiltshire.demo.example", provider: "provider-a@demo.example" } as const;
type Caller = keyof typeof CALLERS;

/** Mutations whose working call must be found, so the sweep does reach their store (red16's findings among them). */
export const MUST_REACH = [
  "createFundingStream", "updateFundingStream", "createPortfolio", "updatePortfolio", "createPlanPriority", "updatePlanPriority",
  "createUser", "setMailSchedule", "openReportingPeriod", "setFundingStreamYear", "createAllocation", "updateContract", "createRisk",
  "updateRisk", "recordDecision", "createProvider", "updateProvider", "setTarget", "saveReturnDraft",
];

/** Id names that do not say their entity's name. */
const ALIASES: Record<string, string> = {
  Return: "PerformanceReturn", EvidenceReturn: "PerformanceReturn", Period: "ReportingPeriod", Stream: "FundingStream", Parent: "FundingStream",
  Priority: "PlanPriority", MainPriority: "PlanPriority", OtherPriority: "PlanPriority", Plan: "StrategicPlan", Question: "KeyPerformanceQuestion",
  NumeratorMeasure: "Measure", DenominatorMeasure: "Measure", Brief: "ProjectBrief", ReportingSchedule: "Contract", ContractKpis: "Contract",
};
/** Foreign keys followed up to an office when a row has none of its own. */
const PARENTS = ["contractId", "portfolioId", "planId", "streamId", "indicatorId", "returnId", "riskId", "briefId", "decisionId", "questionId", "periodId"];

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The sweep's server: a socket may send its hundreds of subscribes at once (the budget has tests of its own). */
export const SWEEP_ENV = { WS_SUBSCRIBE_BURST: "1000", WS_SUBSCRIBES_PER_SECOND: "1000" };

export interface SweepStore {
  name: string;
  skip?: boolean;
  start(): Promise<TestServer>;
  stop(): Promise<void>;
}

interface Finding {
  mutation: string;
  caller: Caller;
  change: string;
  codes: unknown[];
  status: number;
  message?: string;
}

export function inputSweep(store: SweepStore): void {
  describe.skipIf(store.skip)(`bad input generated from the schema (${store.name})`, () => {
    let server: TestServer;
    let schema: GraphQLSchema;
    let wiltshire: number;
    let providerA: number;
    const rows = new Map<string, Record<string, unknown>[]>();
    let serial = 0;

    beforeAll(async () => {
      server = await store.start();
      schema = server.schema;
      wiltshire = (await server.services.db.manager.findOneByOrFail<{ id: number; code: string }>("Office", { code: "wiltshire" })).id;
      providerA = (await server.services.db.manager.findOneByOrFail<{ providerId: number; email: string }>("User", { email: CALLERS.provider })).providerId;
    }, 120_000);
    afterAll(async () => store.stop());

    async function table(entity: string): Promise<Record<string, unknown>[] | undefined> {
      const meta = server.services.db.entityMetadatas.find((m) => m.targetName === entity);
      if (!meta) return undefined;
      if (!rows.has(entity)) rows.set(entity, (await server.services.db.manager.find(meta.target, { order: { id: "ASC" } as never })) as Record<string, unknown>[]);
      return rows.get(entity);
    }

    async function officeOf(entity: string, row: Record<string, unknown>, depth = 0): Promise<number | undefined> {
      if (entity === "Office") return row.id as number;
      if (typeof row.officeId === "number") return row.officeId;
      if (depth > 3) return undefined;
      for (const fk of PARENTS) {
        const parent = entityFor(fk);
        if (typeof row[fk] !== "number" || !parent || parent === entity) continue;
        const up = (await table(parent))?.find((r) => r.id === row[fk]);
        if (up) return officeOf(parent, up, depth + 1);
      }
      return undefined;
    }

    /** Streams' years with money not yet allocated (most of the demo's are allocated to the penny). */
    async function roomyYears(): Promise<Record<string, unknown>[]> {
      const allocations = (await table("PortfolioAllocation"))!;
      const allocated = (y: Record<string, unknown>) => allocations.filter((a) => a.streamId === y.streamId && a.year === y.year).reduce((sum, a) => sum + (a.amountPence as number), 0);
      return (await table("FundingStreamYear"))!.filter((y) => (y.amountPence as number) - allocated(y) >= 10_000);
    }

    /** The provider a row belongs to: a contract's, or its contract's or return's. */
    async function providerOf(entity: string, row: Record<string, unknown>, depth = 0): Promise<number | undefined> {
      if (entity === "Provider") return row.id as number;
      if (entity === "Contract") return row.providerId as number;
      if (depth > 2) return undefined;
      for (const fk of ["contractId", "returnId"]) {
        const parent = entityFor(fk)!;
        const up = typeof row[fk] === "number" ? (await table(parent))?.find((r) => r.id === row[fk]) : undefined;
        if (up) return providerOf(parent, up, depth + 1);
      }
      return undefined;
    }

    function entityFor(name: string): string | undefined {
      const base = name.replace(/Ids?$/, "");
      const capital = base.charAt(0).toUpperCase() + base.slice(1);
      return ALIASES[capital] ?? capital;
    }

    /** A row of the entity in the officer's office (for a provider caller: one of provider A's, where rows say). */
    async function realRow(entity: string | undefined, caller: Caller): Promise<Record<string, unknown> | undefined> {
      const all = entity ? await table(entity) : undefined;
      if (!all?.length) return undefined;
      const callers = new Set<string>(Object.values(CALLERS));
      let candidates = entity === "User" ? all.filter((u) => !callers.has(u.email as string)) : all;
      // Rows that belong together, as a real call's would: an indicator the contract reports, a stream with money set.
      const prefer = async (ids: Set<unknown>) => (candidates = [...candidates.filter((r) => ids.has(r.id)), ...candidates.filter((r) => !ids.has(r.id))]);
      if (entity === "Indicator") {
        const contract = await realRow("Contract", caller);
        await prefer(new Set((await table("ContractKpi"))!.filter((k) => k.contractId === contract?.id).map((k) => k.indicatorId)));
      }
      if (entity === "Contract") await prefer(new Set((await table("ContractKpi"))!.map((k) => k.contractId)));
      if (entity === "FundingStream") await prefer(new Set((await roomyYears()).map((y) => y.streamId)));
      if (caller === "provider") {
        for (const row of candidates) if ((await providerOf(entity!, row)) === providerA) return row;
      }
      for (const row of candidates) if ((await officeOf(entity!, row)) === wiltshire) return row;
      return candidates[0];
    }

    /** The mutation's own record, for its `id` and `version` arguments: updateFundingStream → FundingStream. */
    function targetOf(mutation: string): string | undefined {
      return entityFor(mutation.replace(/^[a-z]+/, ""));
    }

    async function scalar(type: GraphQLInputType, name: string, mutation: string, caller: Caller, target: Record<string, unknown> | undefined): Promise<unknown> {
      const named = getNamedType(type);
      if (isEnumType(named)) {
        const values = named.getValues().map((v) => v.name);
        const preferred = ({ role: "OFFICER", kind: "PORTFOLIO" } as Record<string, string>)[name];
        return preferred && values.includes(preferred) ? preferred : values[0];
      }
      const n = ++serial;
      switch (named.name) {
        case "Boolean":
          return name === "active";
        case "Float":
          return { minValue: 0, maxValue: 100, factor: 1 }[name] ?? 5;
        case "SafeInt":
          return 100;
        case "Int": {
          if (name === "version") return target?.version ?? 0;
          if (name === "id") return target?.id ?? 1;
          if (/Ids?$/.test(name)) {
            if (name === "officeId") return wiltshire;
            return (await realRow(entityFor(name), caller))?.id ?? 1;
          }
          return { quarter: 1, impact: 3, likelihood: 3, digestHour: 8, chaserIntervalDays: 7, reminderDays: 7, position: 1 }[name] ?? (name.endsWith("Score") ? 3 : 1);
        }
        default: {
          if (name === "email") return `sweep-${n}-${Date.now()}@example.org`;
          if (name === "password") return "a long enough password";
          if (name === "idempotencyKey") return `sweep-${n}-${Date.now()}`;
          if (name === "code") return `SW${n}`;
          if (name === "quarter") return mutation === "openReportingPeriod" ? `${2040 + (n % 50)}-${String(41 + (n % 50)).slice(-2)} Q1` : "2024-25 Q1";
          if (name === "year") {
            const stream = await realRow("FundingStream", caller);
            return (await roomyYears()).find((y) => y.streamId === stream?.id)?.year ?? "2023-24";
          }
          if (name === "startYear") return "2023-24";
          if (name === "endYear") return "2026-27";
          if (name === "reviewWindow") return "2024-25 Q1";
          if (name === "dueDate") return `${2040 + (n % 50) + 1}-01-31`;
          if (/Date$|^decidedOn$/.test(name)) return "2024-06-01";
          return `Sweep ${name} ${n}`;
        }
      }
    }

    async function valueOf(type: GraphQLInputType, name: string, mutation: string, caller: Caller, target: Record<string, unknown> | undefined, full: boolean, depth = 0): Promise<unknown> {
      const inner = getNullableType(type) as GraphQLInputType;
      if (isListType(inner)) return [await valueOf(inner.ofType, name, mutation, caller, target, full, depth)];
      if (isInputObjectType(inner)) {
        const object: Record<string, unknown> = {};
        for (const field of Object.values(inner.getFields())) {
          if (!isNonNullType(field.type) && field.name !== "officeId" && (!full || depth > 0 || field.defaultValue !== undefined)) continue;
          object[field.name] = await valueOf(field.type, field.name, mutation, caller, target, full, depth + 1);
        }
        return object;
      }
      return scalar(inner, name, mutation, caller, target);
    }

    async function baseArgs(field: GraphQLField<unknown, unknown>, caller: Caller, full: boolean): Promise<Record<string, unknown>> {
      const target = await realRow(targetOf(field.name), caller);
      const args: Record<string, unknown> = {};
      for (const arg of field.args) {
        if (!isNonNullType(arg.type) && !full) continue;
        if (!isNonNullType(arg.type) && arg.defaultValue !== undefined) continue;
        args[arg.name] = await valueOf(arg.type, arg.name, field.name, caller, target, full);
      }
      return args;
    }

    function document(field: GraphQLField<unknown, unknown>): string {
      const declared = field.args.map((a: GraphQLArgument) => `$${a.name}: ${a.type.toString()}`).join(", ");
      const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
      const result = getNamedType(field.type);
      const selection = isScalarType(result) || isEnumType(result) ? "" : " { __typename }";
      return `mutation${declared ? `(${declared})` : ""} { ${field.name}${passed ? `(${passed})` : ""}${selection} }`;
    }

    /** Each change of one field of the working call: its path, and the value put there (undefined: left out). */
    function* changes(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): Generator<[string, (copy: Record<string, unknown>) => void]> {
      const hostile = (type: GraphQLInputType, name: string): unknown[] => {
        const named = getNamedType(type);
        const values: unknown[] = [];
        if (isListType(getNullableType(type))) values.push([]);
        else if (named.name === "SafeInt") values.push(2 ** 31, MAX_SAFE, -MAX_SAFE, -1);
        else if (named.name === "Int") values.push(...(/Ids?$|^id$/.test(name) ? [999_999, 0, -1] : [2 ** 31 - 1, -(2 ** 31), 0]));
        else if (named.name === "Float") values.push(1e308, -1e308, 0);
        else if (named.name === "String") values.push("", " \u200b ", "x".repeat(20_000), "half \uD800 a pair", "nul \u0000 byte");
        // Null last: after the largest number was stored (if it was), "leave it to the server" must still fit.
        if (!isNonNullType(type)) values.push(null);
        return values;
      };
      for (const arg of field.args) {
        const argType = getNullableType(arg.type) as GraphQLInputType;
        const inner = isListType(argType) ? getNullableType(argType.ofType) : argType;
        if (isInputObjectType(inner)) {
          for (const input of Object.values(inner.getFields())) {
            for (const value of hostile(input.type, input.name)) {
              yield [`${arg.name}.${input.name} = ${JSON.stringify(value)?.slice(0, 40)}`, (copy) => {
                const holder = copy[arg.name];
                for (const object of (Array.isArray(holder) ? holder : [holder]) as Record<string, unknown>[]) if (object) object[input.name] = value;
              }];
            }
          }
        } else {
          for (const value of hostile(arg.type, arg.name)) yield [`${arg.name} = ${JSON.stringify(value)?.slice(0, 40)}`, (copy) => void (copy[arg.name] = value)];
        }
      }
    }

    async function call(caller: Caller, query: string, variables: Record<string, unknown>) {
      const audit = await server.services.db.manager.count("AuditEvent");
      const result = await server.http(CALLERS[caller], query, variables);
      const wrote = (await server.services.db.manager.count("AuditEvent")) !== audit;
      return { result, wrote };
    }

    it("answers every hostile field of every mutation with a coded refusal or a success, and a refusal writes nothing", async () => {
      const internal: Finding[] = [];
      const refusedButWrote: Finding[] = [];
      const reached = new Set<string>();
      let calls = 0;
      const note = (list: Finding[], mutation: string, caller: Caller, change: string, result: Awaited<ReturnType<TestServer["http"]>>) =>
        list.push({ mutation, caller, change, codes: (result.errors ?? []).map((e) => e.extensions?.code), status: result.status, message: result.errors?.[0]?.message });

      for (const field of Object.values(schema.getMutationType()!.getFields())) {
        if (field.name === "login") continue; // its refusals are the sign-in budget's, tested in tokens and budgets
        const query = document(field);
        for (const caller of Object.keys(CALLERS) as Caller[]) {
          let base: Record<string, unknown> | undefined;
          // The working call is looked for as a client would: every field filled, then mended from the refusal's
          // own words (a field it says is forbidden or one too many is dropped, a required one filled, a stale
          // version replaced by the one it names); failing that, only the required fields.
          let args = await baseArgs(field, caller, true);
          for (let attempt = 0; attempt < 6; attempt++) {
            const { result, wrote } = await call(caller, query, args);
            calls++;
            rows.clear();
            if (result.status >= 500 || result.errors?.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR")) note(internal, field.name, caller, `working call, attempt ${attempt}`, result);
            if (result.errors && wrote) note(refusedButWrote, field.name, caller, "working call", result);
            if (!result.errors) {
              base = args;
              reached.add(field.name);
              break;
            }
            if (process.env.SWEEP_DEBUG) console.log(field.name, caller, attempt, JSON.stringify(args).slice(0, 300), JSON.stringify(result.errors[0]).slice(0, 400));
            base ??= args;
            const mended = await mend(field, caller, args, result.errors[0] as never);
            if (mended) args = mended;
            else if (attempt === 0 || args === base) args = await baseArgs(field, caller, false);
            else break;
          }
          for (const [change, apply] of changes(field, base!)) {
            const copy = structuredClone(base!);
            // A unique code or e-mail address is not reused from the working call (then the field is changed).
            for (const value of Object.values(copy)) if (value && typeof value === "object" && !Array.isArray(value)) Object.assign(value, await refreshUnique(value as Record<string, unknown>));
            apply(copy);
            const { result, wrote } = await call(caller, query, copy);
            calls++;
            if (!result.errors) rows.clear();
            if (result.status >= 500 || result.errors?.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR")) note(internal, field.name, caller, change, result);
            if (result.errors && wrote) note(refusedButWrote, field.name, caller, change, result);
          }
        }
      }
      if (process.env.SWEEP_DEBUG) console.log(`calls ${calls}; working call found for ${reached.size}: ${[...reached].join(" ")}`);
      // A sweep that refuses everything at the door proves nothing about the store: the working calls must be found.
      expect(MUST_REACH.filter((m) => !reached.has(m))).toEqual([]);
      expect(reached.size).toBeGreaterThanOrEqual(40);
      expect(calls).toBeGreaterThan(1000);
      expect(internal).toEqual([]);
      expect(refusedButWrote).toEqual([]);
    }, 900_000);

    /** The call changed as the refusal asks, or undefined when it asks for nothing this can give. */
    async function mend(field: GraphQLField<unknown, unknown>, caller: Caller, args: Record<string, unknown>, error: { message: string; extensions?: { code?: string; problems?: { field: string; rule: string }[] } }): Promise<Record<string, unknown> | undefined> {
      const copy = structuredClone(args);
      const inputArg = field.args.find((a) => isInputObjectType(getNullableType(a.type)));
      const input = inputArg ? (copy[inputArg.name] as Record<string, unknown>) : copy;
      let changed = false;
      const version = /\(version (\d+), you had/.exec(error.message) ?? /version (\d+)\)/.exec(error.message);
      if (error.extensions?.code === "CONFLICT" && version) {
        const holder = "version" in input ? input : copy;
        if (holder.version !== Number(version[1])) (holder.version = Number(version[1])), (changed = true);
      }
      const allocated = /£([\d.]+) of this stream is already allocated/.exec(error.message);
      if (allocated && "amountPence" in input) (input.amountPence = Math.round(Number(allocated[1]) * 100) + 100), (changed = true);
      const problems = error.extensions?.problems ?? [];
      const oneOf = problems.filter((p) => p.rule === "exactlyOne");
      for (const problem of problems) {
        const name = problem.field.replace(/^input\./, "");
        if (name.includes(".")) continue;
        if ((problem.rule === "forbidden" || (problem.rule === "exactlyOne" && problem !== oneOf[0])) && name in input) {
          delete input[name];
          changed = true;
        } else if (problem.rule === "required" && !(name in input) && inputArg) {
          const type = (getNullableType(inputArg.type) as import("graphql").GraphQLInputObjectType).getFields()[name]?.type;
          if (type) (input[name] = await valueOf(type, name, field.name, caller, await realRow(targetOf(field.name), caller), false, 1)), (changed = true);
        }
      }
      return changed ? copy : undefined;
    }

    it("answers every hostile argument of every subscription over WebSocket with a coded refusal or a wait, never an internal error", async () => {
      const internal: Finding[] = [];
      let subscribed = 0;
      for (const caller of Object.keys(CALLERS) as Caller[]) {
        const client = wsClient(server.url, await server.tokenFor(CALLERS[caller]));
        try {
          for (const field of Object.values(schema.getSubscriptionType()!.getFields())) {
            const query = document(field).replace(/^mutation/, "subscription");
            const base = await baseArgs(field, caller, true);
            const tries: [string, Record<string, unknown>][] = [["working call", base]];
            for (const [change, apply] of changes(field, base)) {
              const copy = structuredClone(base);
              apply(copy);
              tries.push([change, copy]);
            }
            // All of one subscription's variants at once on one socket: each gets its first answer, or nothing in
            // 300 ms (a subscription waiting for events), or a refusal.
            const answers = await Promise.all(
              tries.map(([, variables]) =>
                collect(client, query, variables, () => true, 300).then(
                  (items) => items.flatMap((i) => i.errors ?? []).map((e) => e.extensions?.code),
                  (error: unknown) => (Array.isArray(error) ? error.map((e: { extensions?: { code?: unknown } }) => e.extensions?.code) : [`closed ${(error as { code?: number }).code}`]),
                ),
              ),
            );
            subscribed += tries.length;
            answers.forEach((codes, i) => {
              if (codes.some((c) => c === undefined || c === "INTERNAL_SERVER_ERROR" || String(c).startsWith("closed"))) internal.push({ mutation: field.name, caller, change: tries[i][0], codes, status: 0 });
            });
          }
        } finally {
          await client.dispose();
        }
      }
      expect(subscribed).toBeGreaterThan(100);
      expect(internal).toEqual([]);
    }, 300_000);

    async function refreshUnique(object: Record<string, unknown>): Promise<Record<string, unknown>> {
      const fresh: Record<string, unknown> = {};
      for (const key of ["email", "code", "idempotencyKey"]) if (typeof object[key] === "string") fresh[key] = await scalar(schema.getType("String") as GraphQLInputType, key, "", "admin", undefined);
      return fresh;
    }
  });
}
