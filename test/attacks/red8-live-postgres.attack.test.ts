/*
 * red8: two instances on PostgreSQL + Redis. Accepts racing on both instances, into the same office cells, while
 * boards follow officeScorecardChanged on each instance and one client resumes with `since` mid-way: each board gets
 * every scorecard event once, in sequence order, and its cells (first query + events) equal a fresh query. And the
 * penalty box is shared: an account boxed on one instance is refused on the other. Must run under CI=true.
 */
import type { Client } from "graphql-ws";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_URL, postgresAndRedisUnreachable, REDIS_URL } from "../support/services.js";

const database = `hub_red8_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;
const OFFICER = "officer@wiltshire.demo.example";
const CELL = "periodId actual numerator denominator target fullTarget targetBasis rag change returnsIn returnsDue provisional complete";
const BOARD = `subscription($o: Int!, $since: Int) { officeScorecardChanged(officeId: $o, since: $since) { seq reason portfolioId periodIds scorecards { portfolioId rows { indicatorId cells { ${CELL} } } } } }`;
const SCORECARDS = `query($o: Int!) { scorecards(officeId: $o) { portfolioId rows { indicatorId cells { ${CELL} } } } }`;
type Card = { portfolioId: number | null; rows: { indicatorId: number; cells: { periodId: number }[] }[] };
const fold = (cards: Card[], into = new Map<string, unknown>()) => {
  for (const card of cards) for (const row of card.rows) for (const cell of row.cells) into.set(`${card.portfolioId ?? "office"}:${row.indicatorId}:${cell.periodId}`, cell);
  return into;
};
function differences(shown: Map<string, unknown>, fresh: Map<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, cell] of fresh) if (JSON.stringify(shown.get(key)) !== JSON.stringify(cell)) out.push(`${key}: board ${JSON.stringify(shown.get(key))} ≠ fresh ${JSON.stringify(cell)}`);
  for (const key of shown.keys()) if (!fresh.has(key)) out.push(`${key}: on the board only`);
  return out;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const unreachable = await postgresAndRedisUnreachable();
if (unreachable && !process.env.CI) console.warn(`Skipping red8's PostgreSQL + Redis attacks: ${unreachable}`);

describe.skipIf(unreachable !== null && !process.env.CI)("red8: two instances on PostgreSQL + Redis", () => {
  const previous = process.env.DATABASE_URL;
  let harness: typeof import("../api/harness.js");
  let ws: typeof import("../api/ws-client.js");
  let live: typeof import("../api/live-feed.js");
  let a: Awaited<ReturnType<typeof harness.startTestServer>>;
  let b: Awaited<ReturnType<typeof harness.startTestServer>>;
  let admin: pg.Client;
  const clients: Client[] = [];
  const env = { DATABASE_URL, REDIS_URL, TOKEN_SECRET: "red8-shared-secret-for-both-instances-0123456789", WS_MAX_PAYLOAD_BYTES: "4096", WS_PENALTY_OFFENCES: "2", WS_PENALTY_ADDRESS_OFFENCES: "50", WS_PENALTY_SECONDS: "30" };

  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL and Redis.`);
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    process.env.DATABASE_URL = DATABASE_URL;
    harness = await import("../api/harness.js");
    ws = await import("../api/ws-client.js");
    live = await import("../api/live-feed.js");
    a = await harness.startTestServer({ env });
    b = await harness.startTestServer({ env, seed: false });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await b?.close().catch(() => undefined);
    await a?.close().catch(() => undefined);
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  it("accepts racing on both instances: each board, and a client resuming with since, gets every event once, in order, and ends with a fresh query's cells", async () => {
    const office = (await a.http<any>(OFFICER, "{ me { office { id } } }")).data!.me.office.id as number;
    const { bulkContracts, csvFor, UPLOAD } = await import("./kit.js");
    const { pairs } = await bulkContracts(a.url, await a.tokenFor(OFFICER), "RED8PG", 40, 1);
    const periods = (await a.http<any>(OFFICER, "{ reportingPeriods { id state } }")).data!.reportingPeriods as { id: number; state: string }[];
    const open = periods.find((p) => p.state === "OPEN")!;
    const up = await a.http<any>(OFFICER, UPLOAD, { p: open.id, csv: csvFor(pairs, "red8", 5, 10), key: `red8pg-${Date.now()}`, submit: true });
    expect(up.errors).toBeUndefined();
    const returns = up.data!.uploadReturnsCsv.returns as { id: number; version: number }[];
    expect(returns.length).toBe(40);

    const subscribe = async (server: typeof a, since?: number, email = OFFICER) => {
      const c = ws.wsClient(server.url, await server.tokenFor(email));
      clients.push(c);
      return live.feed(c, BOARD, since === undefined ? { o: office } : { o: office, since });
    };
    const onA = await subscribe(a);
    const onB = await subscribe(b);
    const resumer = await subscribe(b);
    // Other visibility classes, on the instance that did not make half the changes.
    const others = await Promise.all(["analyst@wiltshire.demo.example", "provider-b@demo.example", "officer@dorset.demo.example"].map(async (email) => ({ email, f: await subscribe(b, undefined, email) })));
    await sleep(600);
    const base = fold((await a.http<any>(OFFICER, SCORECARDS, { o: office })).data!.scorecards);
    const otherBases = await Promise.all(others.map(async (o) => {
      const q = await b.http<any>(o.email, SCORECARDS, { o: office });
      return q.errors ? null : fold(q.data!.scorecards);
    }));

    // Pairs of accepts at the same moment, one on each instance.
    const accept = (server: typeof a, r: { id: number; version: number }) => server.http<any>(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }", { id: r.id, v: r.version });
    let resumed: Awaited<ReturnType<typeof subscribe>> | null = null;
    let resumedFrom = 0;
    for (let i = 0; i < returns.length; i += 2) {
      const results = await Promise.all([accept(a, returns[i]), accept(b, returns[i + 1])]);
      for (const r of results) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      if (i === 18) {
        // The resuming client drops its subscription and comes back with the last seq it saw.
        await sleep(50);
        const seen = resumer.items.filter((x) => x.data).map((x) => x.data.officeScorecardChanged.seq as number);
        resumer.unsubscribe();
        resumedFrom = seen.at(-1) ?? 0;
        resumed = await subscribe(b, resumedFrom);
      }
    }
    const total = returns.length;
    await Promise.all([onA, onB].map((f) => f.until((items) => items.length >= total, 30_000).catch(() => undefined)));
    await sleep(1500);

    const fresh = fold((await b.http<any>(OFFICER, SCORECARDS, { o: office })).data!.scorecards);
    for (const [name, f] of [["board on a", onA], ["board on b", onB]] as const) {
      expect(f.resync(), `${name}: resync`).toBeUndefined();
      const seqs = f.items.filter((x) => x.data).map((x) => x.data.officeScorecardChanged.seq as number);
      expect(seqs.length, `${name}: events`).toBe(total);
      expect(new Set(seqs).size, `${name}: doubled`).toBe(seqs.length);
      expect([...seqs].sort((x, y) => x - y), `${name}: out of order`).toEqual(seqs);
      const shown = new Map(base);
      for (const item of f.items) if (item.data) fold(item.data.officeScorecardChanged.scorecards, shown);
      const d = differences(shown, fresh);
      expect(d.slice(0, 4), `${name}: ${d.length} cells differ`).toEqual([]);
    }
    for (const [k, o] of others.entries()) {
      const q = await b.http<any>(o.email, SCORECARDS, { o: office });
      const carried = o.f.items.filter((i) => i.data?.officeScorecardChanged?.scorecards?.length);
      if (q.errors || otherBases[k] === null) {
        expect(carried.map((i) => JSON.stringify(i.data).slice(0, 200)), `${o.email} may not read the scorecards but received cells`).toEqual([]);
        continue;
      }
      const shown = new Map(otherBases[k]!);
      for (const item of o.f.items) if (item.data) fold(item.data.officeScorecardChanged.scorecards, shown);
      const d = differences(shown, fold(q.data!.scorecards));
      expect(d.slice(0, 4), `${o.email}: ${d.length} cells differ`).toEqual([]);
    }
    // The resumer: what it saw before, plus what the resumed subscription replayed and delivered, is the boards' list.
    const before = resumer.items.filter((x) => x.data).map((x) => x.data.officeScorecardChanged.seq as number).filter((s) => s <= resumedFrom);
    const after = resumed!.items.filter((x) => x.data).map((x) => x.data.officeScorecardChanged.seq as number);
    const all = onB.items.filter((x) => x.data).map((x) => x.data.officeScorecardChanged.seq as number);
    expect(resumed!.resync()).toBeUndefined();
    expect([...before, ...after]).toEqual(all);
  }, 300_000);

  it("the penalty box keeps its documented threshold with two instances (WS_PENALTY_OFFENCES=2: one offence boxes nobody), and a box earned on one instance holds on the other", async () => {
    const { oversized, init } = await import("./red8-kit.js");
    const email = "provider-b@demo.example";
    const token = await a.tokenFor(email);
    expect(await oversized(a.url, 8192, { localAddress: "127.0.40.1", token })).toBe(1009);
    await sleep(300);
    // One offence of two: not boxed, on either instance.
    const stillA = await init(a.url, token, { localAddress: "127.0.40.3" });
    stillA.sock?.socket.close();
    const stillB = await init(b.url, token, { localAddress: "127.0.40.4" });
    stillB.sock?.socket.close();
    expect({ a: stillA.result, b: stillB.result }).toEqual({ a: "ack", b: "ack" });
    expect(await oversized(a.url, 8192, { localAddress: "127.0.40.1", token })).toBe(1009);
    await sleep(300);
    const r = await init(b.url, token, { localAddress: "127.0.40.2" });
    expect(r.result).toMatch(/^closed 4032/);
    r.sock?.socket.terminate();
    // Someone else on b is fine.
    const other = await init(b.url, await b.tokenFor("officer@dorset.demo.example"), { localAddress: "127.0.40.2" });
    expect(other.result).toBe("ack");
    other.sock?.socket.close();
  }, 60_000);
});
