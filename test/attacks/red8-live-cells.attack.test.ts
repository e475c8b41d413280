/*
 * red8: the cells a subscribed board receives (officeScorecardChanged, carried from the write transaction) must equal
 * a fresh query of the scorecards after every kind of change that moves a cell, for every visibility class: the
 * officer, the analyst (accepted figures only), a provider, another office's officer. The board is what a dashboard
 * shows: its first query, overlaid with each event's cells in order.
 *
 * Real HTTP server and real graphql-ws sockets (test/api/harness.ts); the changes go through the real schema
 * (test/api/scorecard-workflow.ts, the workflow the property tests use), reads of what to change through the store.
 */
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../api/harness.js";
import { feed, sleep } from "../api/live-feed.js";
import { apply, OFFICER, outcomes, type Op } from "../api/scorecard-workflow.js";
import { wsClient } from "../api/ws-client.js";

const CELL = "periodId label actual numerator denominator target fullTarget targetBasis rag change returnsIn returnsDue provisional complete";
const BOARD = `subscription($o: Int!, $since: Int) { officeScorecardChanged(officeId: $o, since: $since) { seq reason portfolioId periodIds scorecards { portfolioId rows { indicatorId cells { ${CELL} } } } } }`;
const SCORECARDS = `query($o: Int!) { scorecards(officeId: $o) { portfolioId rows { indicatorId cells { ${CELL} } } } }`;
const ANALYST = "analyst@wiltshire.demo.example";
const PROVIDER = "provider-b@demo.example";
const DORSET = "officer@dorset.demo.example";

type Card = { portfolioId: number | null; rows: { indicatorId: number; cells: { periodId: number }[] }[] };
const fold = (cards: Card[], into = new Map<string, unknown>()) => {
  for (const card of cards) for (const row of card.rows) for (const cell of row.cells) into.set(`${card.portfolioId ?? "office"}:${row.indicatorId}:${cell.periodId}`, cell);
  return into;
};

let server: TestServer;
let wiltshire = 0;
const clients: Client[] = [];
const client = async (email: string) => {
  const c = wsClient(server.url, await server.tokenFor(email));
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer();
  wiltshire = (await server.http<any>(OFFICER, "{ me { office { id } } }")).data!.me.office.id;
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

/** A board: subscribed first, then its first query; `view()` is the query overlaid with every event since. */
async function board(email: string) {
  const f = feed(await client(email), BOARD, { o: wiltshire });
  await sleep(400);
  const first = await server.http<any>(email, SCORECARDS, { o: wiltshire });
  let base = first.errors ? null : fold(first.data!.scorecards);
  let offset = 0;
  return {
    f,
    email,
    view() {
      const shown = new Map(base ?? []);
      for (const item of f.items.slice(offset)) if (item.data) fold(item.data.officeScorecardChanged.scorecards, shown);
      return shown;
    },
    /** Start again from a fresh query, as a dashboard does after a reload: each test then judges its own change only. */
    rebase(fresh: Map<string, unknown> | null) {
      base = fresh;
      offset = f.items.length;
    },
    since: () => f.items.slice(offset),
  };
}
type Board = Awaited<ReturnType<typeof board>>;

/** Waits until no event has arrived for `quietMs`. */
async function settle(feeds: { f: { items: unknown[] } }[], quietMs = 500, maxMs = 20_000) {
  const started = Date.now();
  let counts = feeds.map((b) => b.f.items.length);
  let since = Date.now();
  while (Date.now() - started < maxMs) {
    await sleep(100);
    const now = feeds.map((b) => b.f.items.length);
    if (now.some((n, i) => n !== counts[i])) (counts = now), (since = Date.now());
    else if (Date.now() - since >= quietMs) return;
  }
}

function differences(shown: Map<string, unknown>, fresh: Map<string, unknown>, limit = 8): string[] {
  const out: string[] = [];
  for (const [key, cell] of fresh) {
    const s = shown.get(key);
    if (s === undefined) out.push(`${key}: missing on the board, fresh ${JSON.stringify(cell)}`);
    else if (JSON.stringify(s) !== JSON.stringify(cell)) out.push(`${key}: board ${JSON.stringify(s)} ≠ fresh ${JSON.stringify(cell)}`);
  }
  for (const key of shown.keys()) if (!fresh.has(key)) out.push(`${key}: on the board, gone from a fresh query`);
  return out.slice(0, limit);
}

let boards: Board[] = [];

/** Applies the steps, waits for the boards to settle, and lists where each board disagrees with a fresh query. */
async function check(stepsToApply: Op[]): Promise<{ problems: string[]; outcome: string[] }> {
  const before = outcomes.length;
  for (const step of stepsToApply) await apply(server, wiltshire, step);
  await settle(boards);
  const problems: string[] = [];
  for (const b of boards) {
    const fresh = await server.http<any>(b.email, SCORECARDS, { o: wiltshire });
    if (fresh.errors) {
      // May not read the office's scorecards: then no event of it may carry cells either.
      const carried = b.since().filter((i) => i.data?.officeScorecardChanged?.scorecards?.length);
      if (carried.length) problems.push(`${b.email}: refused the query (${fresh.errors[0].extensions?.code}) but received ${carried.length} events with cells, e.g. ${JSON.stringify(carried[0].data).slice(0, 300)}`);
      b.rebase(null);
      continue;
    }
    const freshCells = fold(fresh.data!.scorecards);
    const d = differences(b.view(), freshCells, 1000);
    const events = b.since().map((i) => i.data?.officeScorecardChanged && `${i.data.officeScorecardChanged.reason} portfolio ${i.data.officeScorecardChanged.portfolioId} periods ${i.data.officeScorecardChanged.periodIds}`);
    if (d.length) problems.push(`${b.email}: ${d.length} cells differ after events [${events.join("; ")}], e.g. ${d.slice(0, 2).join(" | ")}`);
    b.rebase(freshCells);
  }
  for (const b of boards) if (b.f.resync()) problems.push(`${b.email}: RESYNC_REQUIRED ${JSON.stringify(b.f.resync())}`);
  return { problems, outcome: outcomes.slice(before) };
}

describe("red8: carried cells agree with a fresh query, after each kind of change, for every board", () => {
  beforeAll(async () => {
    boards = [await board(OFFICER), await board(ANALYST), await board(PROVIDER), await board(DORSET)];
    // Returns to work on: two accepted, one left submitted.
    const r = await check([{ kind: "fill", c: 0, p: 0, seed: 11 }, { kind: "fill", c: 3, p: 0, seed: 12 }]);
    expect(r.problems).toEqual([]);
  }, 120_000);

  afterAll(() => {
    for (const b of boards) console.log(`red8 board ${b.email}: ${b.f.items.length} items, ${b.f.items.filter((i) => i.data).length} with data, errors ${JSON.stringify(b.f.items.find((i) => i.errors)?.errors ?? null)}, ended ${b.f.state.done} ${String(b.f.state.error ?? "")}`);
  });

  const cases: [string, Op[]][] = [
    ["accept", [{ kind: "fill", c: 5, p: 0, seed: 13 }]],
    ["reopen (a correction) of an accepted return", [{ kind: "reopen", r: 0 }]],
    ["resubmit and accept the correction", [{ kind: "submit", r: 0 }, { kind: "accept", r: 0 }]],
    ["send back", [{ kind: "save", c: 6, p: 0, seed: 3 }, { kind: "submit", r: 0 }, { kind: "sendBack", r: 0 }]],
    ["a quarterly portfolio target", [{ kind: "target", i: 0, c: 0, onPortfolio: true, p: 0, yearly: false, value: 37 }]],
    ["a yearly contract target", [{ kind: "target", i: 1, c: 1, onPortfolio: false, p: 1, yearly: true, value: 120 }]],
    ["a contract changing portfolio", [{ kind: "move", c: 0, to: 1 }]],
    ["a contract changing KPIs", [{ kind: "kpis", c: 1, mask: 0b101 }]],
    ["a contract ended", [{ kind: "status", c: 2, status: "ENDED" as never }]],
    ["a new period", [{ kind: "openPeriod" }]],
    ["a CSV upload with submit, then accepts", [{ kind: "csv", p: 0, cs: [0, 1, 2, 3, 4, 5, 6, 7], submit: true, seed: 14 }, { kind: "accept", r: 0 }, { kind: "accept", r: 1 }]],
  ];
  it("after a target change with a reason in a frozen quarter (a restatement)", async () => {
    const periods = (await server.http<any>(OFFICER, "{ reportingPeriods { id year quarter state frozenAt } }")).data!.reportingPeriods as { id: number; year: string; quarter: number; state: string; frozenAt: string | null }[];
    const frozen = periods.find((p) => p.frozenAt);
    expect(frozen, "no frozen quarter in the demo data").toBeDefined();
    const scorecards = (await server.http<any>(OFFICER, "query($o: Int!, $p: [Int!]) { scorecards(officeId: $o, periodIds: $p) { portfolioId rows { indicatorId cells { returnsIn } } } }", { o: wiltshire, p: [frozen!.id] })).data!.scorecards as Card[];
    const card = scorecards.find((c) => c.portfolioId != null && c.rows.length)!;
    const before = outcomes.length;
    const r = await server.run(OFFICER, "mutation($i: SetTargetInput!) { setTarget(input: $i) { id } }", { i: { portfolioId: card.portfolioId, indicatorId: card.rows[0].indicatorId, year: frozen!.year, quarter: frozen!.quarter, value: 1, reason: "red8: restating the frozen quarter's target" } });
    expect(r.errors).toBeUndefined();
    const { problems } = await check([]);
    expect(outcomes.length).toBe(before);
    expect(problems).toEqual([]);
  }, 120_000);

  it("after an indicator's direction and amber tolerance change (every RAG of it moves)", async () => {
    const indicators = (await server.http<any>(OFFICER, "{ indicators { id version direction amberTolerance } }")).data!.indicators as { id: number; version: number; direction: string; amberTolerance: number }[];
    const i = indicators[0];
    const r = await server.http<any>(OFFICER, "mutation($id: Int!, $v: Int!, $in: UpdateIndicatorInput!) { updateIndicator(id: $id, version: $v, input: $in) { id } }", { id: i.id, v: i.version, in: { direction: i.direction === "HIGHER_IS_BETTER" ? "LOWER_IS_BETTER" : "HIGHER_IS_BETTER", amberTolerance: i.amberTolerance + 50 } });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const { problems } = await check([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it("after a contract's reporting schedule changes (the returns due move)", async () => {
    const contracts = (await server.http<any>(OFFICER, "{ contracts(first: 20) { items { id version reportingSchedule } } }")).data!.contracts.items as { id: number; version: number; reportingSchedule: string }[];
    const c = contracts.find((x) => x.reportingSchedule === "QUARTERLY")!;
    const r = await server.http<any>(OFFICER, "mutation($id: Int!, $v: Int!) { setReportingSchedule(id: $id, version: $v, schedule: HALF_YEARLY) { id } }", { id: c.id, v: c.version });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const { problems } = await check([]);
    expect(problems).toEqual([]);
  }, 120_000);

  for (const [name, ops] of cases) {
    it(`after ${name}`, async () => {
      const { problems, outcome } = await check(ops);
      expect({ outcome, problems }).toEqual({ outcome, problems: [] });
    }, 120_000);
  }
});
