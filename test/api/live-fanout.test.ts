import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, ContractStatus, LifecycleStage, Mechanism } from "../../server/modules/contracts/contract.entities.js";
import { ContractKpi, Direction, Indicator, IndicatorMeasure, Measure, MeasureRole, MeasureUnit } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { Provider } from "../../server/modules/providers/provider.entity.js";
import { PerformanceReturn } from "../../server/modules/returns/return.entities.js";
import { User } from "../../server/modules/users/user.entity.js";
import { DomainEvent } from "../../server/realtime/domain-event.entity.js";
import { Topic } from "../../server/realtime/pubsub.js";
import { startTestServer, type TestServer } from "./harness.js";
import { feed, sleep } from "./live-feed.js";
import { wsClient } from "./ws-client.js";

/*
 * The live path under load, over real WebSockets on a temporary SQLite database: one execution per group of
 * subscribers, a CSV upload of more than 1,024 events with a board open, a replay gap over the cap, and a
 * subscriber whose socket throws.
 */

const OFFICER = "officer@wiltshire.demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const REPLAY_LIMIT = 1000;

const BOARD = `subscription($o: Int!, $p: Int, $since: Int) { officeScorecardChanged(officeId: $o, periodId: $p, since: $since) {
  seq reason portfolioId periodIds scorecards { portfolioId rows { indicatorId cells { periodId actual numerator denominator target rag change returnsIn returnsDue provisional } } } } }`;
const RETURNS = "subscription($o: Int!, $since: Int) { returnChanged(officeId: $o, since: $since) { seq change returnId } }";
const SCORECARDS = `query($o: Int!, $periods: [Int!]) { scorecards(officeId: $o, periodIds: $periods) {
  portfolioId rows { indicatorId cells { periodId actual numerator denominator target rag change returnsIn returnsDue provisional } } } }`;
const UPLOAD = "mutation($periodId: Int!, $csv: String!, $key: String!) { uploadReturnsCsv(periodId: $periodId, csv: $csv, submit: true, idempotencyKey: $key) { returnsSubmitted } }";
const ACCEPT = "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }";

let server: TestServer;
let wiltshire = 0;
let q1 = 0;
const clients: Client[] = [];
const m = () => server.services.db.manager;

async function client(as: string): Promise<Client> {
  const c = wsClient(server.url, await server.tokenFor(as));
  clients.push(c);
  return c;
}

async function ok<T = any>(as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await server.run<T>(as, query, variables);
  if (result.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

async function lastSeq(): Promise<number> {
  const row = await m().createQueryBuilder(DomainEvent, "e").select("MAX(e.seq)", "seq").getRawOne();
  return Number(row?.seq ?? 0);
}

/** A board as the dashboard keeps it: one query, then every event's cells put in place. */
type Cells = Map<string, unknown>;
function cellsOf(scorecards: { portfolioId: number | null; rows: { indicatorId: number; cells: { periodId: number }[] }[] }[], into: Cells = new Map()): Cells {
  for (const card of scorecards) for (const row of card.rows) for (const cell of row.cells) into.set(`${card.portfolioId ?? "office"}:${row.indicatorId}:${cell.periodId}`, cell);
  return into;
}

async function submittedReturns(): Promise<{ id: number; version: number }[]> {
  return m().createQueryBuilder(PerformanceReturn, "r").innerJoin(Contract, "c", "c.id = r.contractId").where("r.periodId = :p AND r.state = 'SUBMITTED' AND c.reference LIKE 'LIVE-%'", { p: q1 }).orderBy("r.id").getMany();
}

/** `count` contracts reporting one ratio KPI of two measures, so a CSV of 2 × count rows makes 2 × count events. */
async function createContracts(count: number): Promise<string[]> {
  const portfolios = await m().findBy(Portfolio, { officeId: wiltshire });
  const providers = await m().find(Provider, { order: { id: "ASC" } });
  return server.services.writer.run(null, async ({ manager }) => {
    await manager.insert(Measure, [1, 2].map((i) => ({ officeId: wiltshire, code: `LIVE_M${i}`, name: `Live measure ${i}`, description: null, unit: MeasureUnit.COUNT, minValue: 0, maxValue: null })));
    const [numerator, denominator] = (await manager.find(Measure, { where: { officeId: wiltshire }, order: { id: "ASC" } })).filter((x) => x.code.startsWith("LIVE_"));
    await manager.insert(Indicator, { officeId: wiltshire, code: "LIVE_K", name: "Live KPI", factor: 100, unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 });
    const indicator = (await manager.findOneByOrFail(Indicator, { officeId: wiltshire, code: "LIVE_K" }));
    await manager.insert(IndicatorMeasure, [
      { indicatorId: indicator.id, measureId: numerator.id, role: MeasureRole.NUMERATOR },
      { indicatorId: indicator.id, measureId: denominator.id, role: MeasureRole.DENOMINATOR },
    ]);
    const references = Array.from({ length: count }, (_, i) => `LIVE-${String(i + 1).padStart(4, "0")}`);
    for (let i = 0; i < count; i += 200) {
      await manager.insert(Contract, references.slice(i, i + 200).map((reference, j) => ({
        officeId: wiltshire, portfolioId: portfolios[(i + j) % portfolios.length].id, providerId: providers[(i + j) % providers.length].id, reference, title: `Service ${reference}`, mechanism: Mechanism.GRANT, stage: LifecycleStage.DO, status: ContractStatus.LIVE,
      })));
    }
    const created = (await manager.findBy(Contract, { officeId: wiltshire })).filter((c) => c.reference.startsWith("LIVE-"));
    for (let i = 0; i < created.length; i += 500) await manager.insert(ContractKpi, created.slice(i, i + 500).map((c) => ({ contractId: c.id, indicatorId: indicator.id })));
    return references;
  });
}

beforeAll(async () => {
  // Dozens of sockets per account: the per-client budgets (tested in budgets.test.ts) are not what this file is about.
  server = await startTestServer({ env: { LIVE_REPLAY_LIMIT: String(REPLAY_LIMIT), WS_CONNECTIONS_PER_USER: "0", WS_CONNECTS_PER_MINUTE: "0", WS_UPGRADES_PER_MINUTE: "0", RATE_LIMIT_PER_MINUTE: "0" } });
  wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
  q1 = (await m().findOneByOrFail(ReportingPeriod, { officeId: wiltshire, year: "2024-25", quarter: 1 })).id;
}, 60_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

describe("compute once, send many", () => {
  it("executes an event once per group of subscribers who see the same thing, however many sockets there are", async () => {
    const officers = await Promise.all(Array.from({ length: 40 }, () => client(OFFICER)));
    const analysts = await Promise.all(Array.from({ length: 5 }, () => client(ANALYST)));
    // The same document and variables, with and without `since`: one group per visibility class either way.
    const since = await lastSeq();
    const feeds = [...officers.map((c, i) => feed(c, BOARD, i % 2 ? { o: wiltshire } : { o: wiltshire, since })), ...analysts.map((c) => feed(c, BOARD, { o: wiltshire }))];
    await sleep(500);
    const pending = (await ok(OFFICER, "{ returns(state: SUBMITTED, first: 1) { items { id version } } }")).returns.items[0];
    const before = server.services.live.executions;
    await ok(OFFICER, ACCEPT, { id: pending.id, v: pending.version });
    await Promise.all(feeds.map((f) => f.until((items) => items.length >= 1)));
    expect(server.services.live.executions - before).toBe(2); // officers, analysts
    const payloads = new Set(feeds.map((f) => JSON.stringify(f.items[0])));
    expect(payloads.size).toBe(1); // every socket got the same bytes
    const event = feeds[0].items[0].data.officeScorecardChanged;
    expect(event.reason).toBe("RETURN_ACCEPTED");
    // The event's cells are the board's figures: the portfolio's and the office total's, in the quarter it moved.
    // (All quarters: an event's cells know the quarter before, for "change from the previous quarter".)
    const fresh = cellsOf((await ok(OFFICER, SCORECARDS, { o: wiltshire, periods: null })).scorecards);
    const carried = cellsOf(event.scorecards);
    expect([...carried.keys()].some((k) => k.startsWith("office:"))).toBe(true);
    expect([...carried.keys()].some((k) => k.startsWith(`${event.portfolioId}:`))).toBe(true);
    for (const [key, cell] of carried) expect(cell).toEqual(fresh.get(key));
    feeds.forEach((f) => f.unsubscribe());
  }, 60_000);
});

describe("a CSV upload of 1,200 events with a board open", () => {
  const CONTRACTS = 600;
  let board: ReturnType<typeof feed<any>>;
  let returns: ReturnType<typeof feed<any>>;
  let resumeFrom = 0;

  it("keeps the server up, and the board's returns feed gets every event once, in order", async () => {
    const references = await createContracts(CONTRACTS);
    resumeFrom = await lastSeq();
    // A subscriber that then drops, to resume after the upload (next test).
    const leaver = feed(await client(OFFICER), RETURNS, { o: wiltshire, since: resumeFrom });
    const boardClient = await client(OFFICER);
    board = feed(boardClient, BOARD, { o: wiltshire, p: q1 });
    returns = feed(boardClient, RETURNS, { o: wiltshire });
    await sleep(500);
    leaver.unsubscribe();

    const csv = ["contract_reference,measure_code,value", ...references.flatMap((ref, i) => [`${ref},LIVE_M1,${40 + (i % 9)}`, `${ref},LIVE_M2,${100 + (i % 13)}`])].join("\n");
    const uploaded = await ok(OFFICER, UPLOAD, { periodId: q1, csv, key: `live-csv-${Date.now()}` });
    expect(uploaded.uploadReturnsCsv.returnsSubmitted).toBe(CONTRACTS);
    const stored = await m().createQueryBuilder(DomainEvent, "e").where("e.topic = :t AND e.officeId = :o AND e.seq > :s", { t: Topic.RETURN_CHANGED, o: wiltshire, s: resumeFrom }).orderBy("e.seq").getMany();
    expect(stored.length).toBe(2 * CONTRACTS);
    await returns.until((items) => items.length >= stored.length, 60_000);

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(returns.state.done).toBe(false);
    expect(returns.items.map((i) => i.data.returnChanged.seq)).toEqual(stored.map((e) => e.seq));
  }, 120_000);

  it("ends with every cell of the board right, from the events alone, after 200 accepts", async () => {
    const shown = cellsOf((await ok(OFFICER, SCORECARDS, { o: wiltshire, periods: null })).scorecards);
    const seen = board.items.length;
    const pending = (await submittedReturns()).slice(0, 200);
    for (const ret of pending) await ok(OFFICER, ACCEPT, { id: ret.id, v: ret.version });
    await board.until((items) => items.length >= seen + pending.length, 60_000);
    for (const item of board.items.slice(seen)) cellsOf(item.data.officeScorecardChanged.scorecards, shown);
    const fresh = cellsOf((await ok(OFFICER, SCORECARDS, { o: wiltshire, periods: null })).scorecards);
    expect(board.resync()).toBeUndefined();
    expect(shown.size).toBe(fresh.size);
    for (const [key, cell] of fresh) expect(shown.get(key), key).toEqual(cell);
    board.unsubscribe();
    returns.unsubscribe();
  }, 120_000);

  it("tells a client resuming across more events than a replay holds RESYNC_REQUIRED; after refetching and resuming it misses nothing", async () => {
    const resumed = feed(await client(OFFICER), RETURNS, { o: wiltshire, since: resumeFrom });
    await resumed.until((items) => items.length >= 1);
    const signal = resumed.resync();
    expect(signal?.extensions?.code).toBe("RESYNC_REQUIRED");
    expect(resumed.items).toHaveLength(1); // the signal alone: no partial replay
    await resumed.until(() => false, 1000).catch(() => undefined);
    expect(resumed.state.done).toBe(true);
    const resumeAt = signal!.extensions!.seq!;
    expect(resumeAt).toBeGreaterThanOrEqual(await lastSeq());

    // The refetch reflects everything up to the seq given: every upload return is there, 200 of them accepted.
    const counts = await m().query("SELECT r.state AS state, COUNT(*) AS n FROM performance_return r JOIN contract c ON c.id = r.contractId WHERE c.reference LIKE 'LIVE-%' GROUP BY r.state ORDER BY r.state");
    expect(counts.map((c: any) => [c.state, Number(c.n)])).toEqual([["ACCEPTED", 200], ["SUBMITTED", CONTRACTS - 200]]);
    const again = feed(await client(OFFICER), RETURNS, { o: wiltshire, since: resumeAt });
    const [next] = await submittedReturns();
    await ok(OFFICER, ACCEPT, { id: next.id, v: next.version });
    await again.until((items) => items.length >= 1);
    await sleep(300);
    const [accepted] = await m().find(DomainEvent, { where: { topic: Topic.RETURN_CHANGED }, order: { seq: "DESC" }, take: 1 });
    expect(again.items.map((i) => i.data.returnChanged)).toEqual([{ seq: accepted.seq, change: "ACCEPTED", returnId: next.id }]);
    again.unsubscribe();
  }, 60_000);
});

describe("one subscriber's failure", () => {
  it("never ends the process: a socket that throws on write is cut off, the others still get the event", async () => {
    const victim = feed(await client(COMMISSIONER), RETURNS, { o: wiltshire });
    const others = await Promise.all([client(OFFICER), client(OFFICER)]);
    const bystanders = others.map((c) => feed(c, RETURNS, { o: wiltshire }));
    await sleep(400);
    const commissioner = await m().findOneByOrFail(User, { email: COMMISSIONER });
    const sockets = server.services.live.sessions.socketsOf(commissioner.id);
    expect(sockets.length).toBeGreaterThan(0);
    // The hub writes its frames beneath ws, straight to the TCP socket (server/realtime/ws-frames.ts): the next
    // such write fails (ws's own close frame, later, goes through), and so does every send through ws.
    const fail = () => { throw new Error("simulated failure writing to this socket"); };
    for (const socket of sockets) {
      socket.send = fail;
      const tcp = (socket as unknown as { _socket: { write: (...args: unknown[]) => boolean } })._socket;
      const write = tcp.write;
      tcp.write = () => {
        tcp.write = write;
        fail();
        return false;
      };
    }

    const [ret] = await submittedReturns();
    await ok(OFFICER, ACCEPT, { id: ret.id, v: ret.version });
    await Promise.all(bystanders.map((f) => f.until((items) => items.length >= 1)));
    expect(bystanders.map((f) => f.items[0].data.returnChanged.returnId)).toEqual([ret.id, ret.id]);
    expect(victim.items).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // And the live path still works afterwards.
    const [ret2] = await submittedReturns();
    await ok(OFFICER, ACCEPT, { id: ret2.id, v: ret2.version });
    await Promise.all(bystanders.map((f) => f.until((items) => items.length >= 2)));
    bystanders.forEach((f) => f.unsubscribe());
  }, 60_000);

  it("tells a subscriber whose socket is too far behind RESYNC_REQUIRED rather than buffering without end", async () => {
    const slow = feed(await client(COMMISSIONER), RETURNS, { o: wiltshire });
    const fast = feed(await client(OFFICER), RETURNS, { o: wiltshire });
    await sleep(400);
    const commissioner = await m().findOneByOrFail(User, { email: COMMISSIONER });
    // As if the client had stopped reading: more unsent bytes than the socket may hold.
    for (const socket of server.services.live.sessions.socketsOf(commissioner.id)) Object.defineProperty(socket, "bufferedAmount", { get: () => server.services.config.live.maxBufferedBytes + 1 });
    const [ret] = await submittedReturns();
    await ok(OFFICER, ACCEPT, { id: ret.id, v: ret.version });
    await fast.until((items) => items.length >= 1);
    await slow.until((items) => items.length >= 1);
    expect(fast.items[0].data.returnChanged.returnId).toBe(ret.id);
    expect(slow.resync()?.extensions).toMatchObject({ code: "RESYNC_REQUIRED" });
    expect(slow.items.some((i) => i.data)).toBe(false);
    fast.unsubscribe();
  }, 60_000);
});
