// red18: the arguments of every subscription, over a real WebSocket, given the same hostile values as the queries'.
// Each bad subscribe must get its own coded `error` (never INTERNAL_SERVER_ERROR), the socket must stay open, and
// another office's or provider's ids must neither be accepted silently with their events, nor close the socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../api/harness.js";
import { rawSocket, type RawSocket } from "../api/raw-ws.js";
import { fixture, hostile, valid } from "./red18-args-sweep.case.js";
import { ANALYST, DORSET, OFFICER, PA, PB, post, sdl, type TestServer } from "./red18-kit.js";

let s: TestServer;
// Generous socket budgets: this file sends hundreds of subscribes on purpose; the budgets are attacked elsewhere.
beforeAll(async () => { s = await startTestServer({ env: { WS_SUBSCRIBE_BURST: "100000", WS_SUBSCRIBES_PER_SECOND: "100000", WS_PENALTY_SECONDS: "0" } }); });
afterAll(async () => { await s?.close(); });

const schema = sdl();
const ALLOWED = ["BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED", "QUERY_TOO_COMPLEX", "GRAPHQL_VALIDATION_FAILED"];
let seq = 0;

/** Subscribes, waits briefly for the first answer, then completes. */
async function probe(ws: RawSocket, query: string, variables: Record<string, unknown>, waitMs = 60) {
  const id = `r18-${++seq}`;
  ws.send({ id, type: "subscribe", payload: { query, variables } });
  let first: { type: string; payload?: any } | null = null;
  try { first = await ws.next((m) => m.id === id, waitMs); } catch { /* still subscribed: no answer yet */ }
  if (!first || first.type === "next") ws.send({ id, type: "complete" });
  return { id, first };
}

function subscriptionCases(fx: Record<string, any>) {
  const out: { label: string; query: string; variables: Record<string, unknown> }[] = [];
  for (const f of Object.values(schema.getSubscriptionType()!.getFields())) {
    for (const arg of f.args) {
      for (const v of [...hostile(arg.type), 1_999_999]) {
        const vars: Record<string, unknown> = {};
        for (const a of f.args) vars[a.name] = a.name === "since" ? null : a.name === "importId" ? "red18" : valid(a.name, a.type, fx as never, f.name);
        vars[arg.name] = v;
        const decl = f.args.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
        const call = `${f.name}(${f.args.map((a) => `${a.name}: $${a.name}`).join(", ")})`;
        out.push({ label: `${f.name}(${arg.name}: ${JSON.stringify(v)?.slice(0, 30)})`, query: `subscription R18(${decl}) { ${call} { __typename } }`, variables: vars });
      }
    }
  }
  return out;
}

describe("red18 subscription arguments over WebSocket", () => {
  for (const role of [OFFICER, ANALYST, PA]) {
    it(`every subscription argument as ${role}: a coded error or a live subscription, and the socket stays open`, async () => {
      const fx = await fixture(s);
      const ws = await rawSocket(s.url, await s.tokenFor(role));
      const bad: string[] = [];
      const all = subscriptionCases(fx);
      for (const c of all) {
        const { first } = await probe(ws, c.query, c.variables);
        if (first?.type === "error") {
          const codes = (first.payload as any[]).map((e) => e.extensions?.code);
          if (codes.some((x) => !ALLOWED.includes(x))) bad.push(`${c.label}: ${JSON.stringify(first.payload).slice(0, 250)}`);
        } else if (first?.type === "next" && (first.payload?.errors ?? []).some((e: any) => !ALLOWED.includes(e.extensions?.code))) {
          bad.push(`${c.label}: next ${JSON.stringify(first.payload).slice(0, 250)}`);
        }
        if (ws.socket.readyState !== 1) { bad.push(`${c.label}: socket closed ${JSON.stringify(await ws.closed)}`); break; }
      }
      ws.socket.close();
      expect({ n: all.length, bad }).toEqual({ n: all.length, bad: [] });
    });
  }

  it("officeId of another office: refused over WebSocket exactly as over HTTP (FORBIDDEN), for every subscription that takes one", async () => {
    const ws = await rawSocket(s.url, await s.tokenFor(DORSET));
    const bad: string[] = [];
    for (const f of Object.values(schema.getSubscriptionType()!.getFields())) {
      if (!f.args.some((a) => a.name === "officeId")) continue;
      const vars: Record<string, unknown> = { officeId: 1, periodId: 5, portfolioId: 1, returnId: 5 };
      const decl = f.args.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
      const call = `${f.name}(${f.args.map((a) => `${a.name}: $${a.name}`).join(", ")})`;
      const q = `subscription R18(${decl}) { ${call} { __typename } }`;
      const used = Object.fromEntries(f.args.map((a) => [a.name, vars[a.name] ?? null]));
      const { first } = await probe(ws, q, used, 800);
      const codes = first?.type === "error" ? (first.payload as any[]).map((e) => e.extensions?.code) : first?.payload?.errors?.map((e: any) => e.extensions?.code) ?? [];
      if (!codes.includes("FORBIDDEN") && !codes.includes("NOT_FOUND")) bad.push(`${f.name} ${JSON.stringify(used)}: ${first ? JSON.stringify(first).slice(0, 200) : "accepted, no answer"}`);
    }
    ws.socket.close();
    expect(bad).toEqual([]);
  });

  it("scorecardChanged with another office's quarter or portfolio is refused, and no event of that office reaches the subscriber", async () => {
    const ws = await rawSocket(s.url, await s.tokenFor(DORSET));
    const results: string[] = [];
    const q = `subscription R18($p: Int!, $f: Int!, $since: Int) { scorecardChanged(periodId: $p, portfolioId: $f, since: $since) { __typename } }`;
    const live: string[] = [];
    for (const v of [{ p: 5, f: 1 }, { p: 15, f: 1 }, { p: 5, f: 4 }, { p: 5, f: 1, since: 0 }]) {
      const { id, first } = await probe(ws, q, v, 500);
      const refused = first?.type === "error" || (first?.type === "next" && (first.payload?.errors ?? []).some((e: any) => ["NOT_FOUND", "FORBIDDEN"].includes(e.extensions?.code)) && !first.payload?.data?.scorecardChanged);
      if (!first) { live.push(id); results.push(`${JSON.stringify(v)}: accepted`); }
      else if (!refused) results.push(`${JSON.stringify(v)}: ${first.type} ${JSON.stringify(first.payload).slice(0, 200)}`);
    }
    // Whatever was accepted: a Wiltshire accept must not reach this Dorset socket.
    const before = ws.messages.length;
    const sub = await post(s, OFFICER, `{ returns(first: 1, state: SUBMITTED, periodId: 5) { items { id version } } }`);
    const r = sub.data.returns.items[0];
    const acc = await post(s, OFFICER, `mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }`, { id: r.id, v: r.version });
    expect(acc.errors, acc.text).toBeUndefined();
    await new Promise((res) => setTimeout(res, 1000));
    const leaked = ws.messages.slice(before).filter((m) => m.type === "next");
    ws.socket.close();
    expect({ results, leaked }).toEqual({ results: [], leaked: [] });
  });

  it("returnChanged replays (since 0, -1, -2^31) and conversationChanged on another provider's return carry nothing of that provider", async () => {
    // An event about provider A's contract 3: A resubmits its sent-back return 10.
    const mine = await post(s, PA, `{ performanceReturn(id: 10) { version state } }`);
    const re = await post(s, PA, `mutation($v: Int!) { submitReturn(input: { returnId: 10, version: $v, idempotencyKey: "red18-ws-a" }) { id state } }`, { v: mine.data.performanceReturn.version });
    expect(re.errors, re.text).toBeUndefined();
    // And one about provider B's contract 9, which B must hear in its replay.
    const b = await post(s, OFFICER, `mutation { sendBackReturn(id: 30, version: 1, reason: "red18 ws") { id } }`);
    expect(b.errors, b.text).toBeUndefined();
    const ws = await rawSocket(s.url, await s.tokenFor(PB));
    const ids: string[] = [];
    for (const since of [0, -1, -2147483648]) {
      const { id, first } = await probe(ws, `subscription($since: Int) { returnChanged(officeId: 1, since: $since) { returnId contractId seq } }`, { since }, 1000);
      ids.push(id);
      if (first?.type === "error") expect((first.payload as any[]).map((e) => e.extensions?.code)).toContain("BAD_USER_INPUT");
    }
    const conv = await probe(ws, `subscription { conversationChanged(officeId: 1, returnId: 10, since: 0) { returnId change comment { body } } }`, {}, 800);
    const c = await post(s, OFFICER, `mutation { postReturnComment(input: { returnId: 10, body: "red18 for A only", idempotencyKey: "red18-c1" }) { id } }`);
    expect(c.errors, c.text).toBeUndefined();
    await new Promise((res) => setTimeout(res, 1000));
    const events = ws.messages.filter((m) => ids.includes(m.id!) && m.type === "next").map((m) => m.payload?.data?.returnChanged).filter(Boolean);
    const foreign = events.filter((e: any) => ![4, 8, 9].includes(e.contractId));
    expect(events.some((e: any) => e.contractId === 9), JSON.stringify(events)).toBe(true);
    const heard = ws.messages.filter((m) => m.id === conv.id && m.type === "next" && m.payload?.data);
    const open = ws.socket.readyState;
    ws.socket.close();
    expect({ foreign, heard, open }).toEqual({ foreign: [], heard: [], open: 1 });
  });
  it("queries and mutations with hostile arguments over WebSocket get a coded error each, change nothing, and leave the socket open", async () => {
    const ws = await rawSocket(s.url, await s.tokenFor(OFFICER));
    const before = (await post(s, OFFICER, `{ providers(first: 1) { totalCount } }`)).data.providers.totalCount;
    const ops: [string, Record<string, unknown>][] = [
      ["query($f: Int!) { contracts(first: $f) { totalCount } }", { f: -1 }],
      ["query($q: String) { providers(search: $q) { totalCount } }", { q: "x".repeat(10_000) }],
      ["query($y: String!) { moneySummary(year: $y) { __typename } }", { y: "2024/25" }],
      ["{ me { id } }", {}],
      ['mutation { createProvider(input: { name: "red18 over ws", type: PRIVATE }) { id } }', {}],
      ["mutation($n: String!) { createProvider(input: { name: $n, type: PRIVATE }) { id } }", { n: "\u0000" }],
    ];
    const bad: string[] = [];
    for (const [query, variables] of ops) {
      const { first } = await probe(ws, query, variables, 1000);
      const codes = first?.type === "error" ? (first.payload as any[]).map((e) => e.extensions?.code) : (first?.payload?.errors ?? []).map((e: any) => e.extensions?.code);
      if (!first || codes.length === 0 || codes.some((c: string) => !ALLOWED.includes(c) && c !== "BAD_REQUEST")) bad.push(`${query.slice(0, 50)}: ${JSON.stringify(first).slice(0, 200)}`);
      if (ws.socket.readyState !== 1) { bad.push(`${query.slice(0, 50)}: socket closed`); break; }
    }
    ws.socket.close();
    const after = (await post(s, OFFICER, `{ providers(first: 1) { totalCount } }`)).data.providers.totalCount;
    expect({ bad, after }).toEqual({ bad: [], after: before });
  });
});
