/*
 * red8: the live path under a bulk upload (more than 1,024 returns submitted in one CSV upload, with boards
 * subscribed) and a replay gap larger than the cap. Real HTTP server, real graphql-ws sockets.
 */
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../api/harness.js";
import { feed, sleep } from "../api/live-feed.js";
import { wsClient } from "../api/ws-client.js";
import { bulkContracts, csvFor, UPLOAD } from "./kit.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
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

const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

describe("red8: a CSV upload submitting more than 1,024 returns with boards subscribed", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => server?.close());

  it("keeps the server up, sends no silent gap, and leaves every board's cells equal to a fresh query (then after accepts too)", async () => {
    const officeId = (await server.http<any>(OFFICER, "{ me { office { id } } }")).data!.me.office.id;
    const token = await server.tokenFor(OFFICER);
    const { pairs } = await bulkContracts(server.url, token, "RED8", 1030, 1);
    const periods = (await server.http<any>(OFFICER, "{ reportingPeriods { id state } }")).data!.reportingPeriods as { id: number; state: string }[];
    const open = periods.find((p) => p.state === "OPEN")!;
    // The boards start here, after the set-up (whose own changes are not what this test judges).
    const boards = await Promise.all([OFFICER, ANALYST].map(async (email) => {
      const c = wsClient(server.url, await server.tokenFor(email));
      clients.push(c);
      const f = feed(c, BOARD, { o: officeId });
      return { email, f };
    }));
    await sleep(500);
    const bases = await Promise.all(boards.map(async (b) => fold((await server.http<any>(b.email, SCORECARDS, { o: officeId })).data!.scorecards)));
    const up = await server.http<any>(OFFICER, UPLOAD, { p: open.id, csv: csvFor(pairs, "red8", 7, 10), key: `red8-${Date.now()}`, submit: true });
    expect(up.errors).toBeUndefined();
    expect(up.data!.uploadReturnsCsv.returnsSubmitted).toBeGreaterThan(1024);
    // Accept a few of them, so that cells move too.
    const toAccept = up.data!.uploadReturnsCsv.returns.slice(0, 30) as { id: number; version: number }[];
    for (const r of toAccept) {
      const a = await server.http<any>(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }", { id: r.id, v: r.version });
      expect(a.errors).toBeUndefined();
    }
    await sleep(3000);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    for (const [i, b] of boards.entries()) {
      expect(b.f.state.done, `${b.email}'s subscription ended`).toBe(false);
      const resync = b.f.resync();
      const shown = new Map(bases[i]);
      if (resync) {
        // Allowed: an explicit signal; then the board refetches. Nothing else may be missing.
        continue;
      }
      for (const item of b.f.items) if (item.data) fold(item.data.officeScorecardChanged.scorecards, shown);
      const seqs = b.f.items.filter((x) => x.data).map((x) => x.data.officeScorecardChanged.seq);
      expect([...seqs].sort((x, y) => x - y), `${b.email}: out of order`).toEqual(seqs);
      const d = differences(shown, fold((await server.http<any>(b.email, SCORECARDS, { o: officeId })).data!.scorecards));
      expect(d.slice(0, 5), `${b.email}: ${d.length} cells differ after ${b.f.items.length} events`).toEqual([]);
    }
  }, 400_000);
});

describe("red8: a replay gap larger than the cap", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { LIVE_REPLAY_LIMIT: "5" } });
  }, 120_000);
  afterAll(async () => server?.close());

  it("gives RESYNC_REQUIRED with where to resume; after refetching and resuming there, the board's figures are right", async () => {
    const officeId = (await server.http<any>(OFFICER, "{ me { office { id } } }")).data!.me.office.id;
    const c = wsClient(server.url, await server.tokenFor(OFFICER), { retryAttempts: 0 });
    clients.push(c);
    // Each change: a new portfolio target in another quarter (a TARGET_CHANGED event each).
    const periods = (await server.http<any>(OFFICER, "{ reportingPeriods { id year quarter } }")).data!.reportingPeriods as { id: number; year: string; quarter: number }[];
    const card = ((await server.http<any>(OFFICER, SCORECARDS, { o: officeId })).data!.scorecards as Card[]).find((x) => x.portfolioId != null && x.rows.length)!;
    expect(periods.length * card.rows.length).toBeGreaterThanOrEqual(9);
    const change = async (k: number) => {
      const key = { portfolioId: card.portfolioId, indicatorId: card.rows[k % card.rows.length].indicatorId, year: periods[Math.floor(k / card.rows.length)].year, quarter: periods[Math.floor(k / card.rows.length)].quarter };
      const existing = (await server.http<any>(OFFICER, "query($k: TargetKeyInput!) { target(key: $k) { version } }", { k: key })).data?.target;
      const r = await server.http<any>(OFFICER, "mutation($i: SetTargetInput!) { setTarget(input: $i) { id } }", { i: { ...key, value: 10 + k, reason: "red8 replay gap", version: existing?.version ?? null } });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    };
    const first = feed(c, BOARD, { o: officeId });
    await sleep(400);
    await change(0);
    await first.until((items) => items.length >= 1);
    const lastSeen = first.items[0].data.officeScorecardChanged.seq as number;
    first.unsubscribe();
    for (let k = 1; k < 8; k++) await change(k); // 7 events missed: more than the cap of 5

    const resumed = feed(c, BOARD, { o: officeId, since: lastSeen });
    await resumed.until((items) => items.length >= 1 || false, 10_000);
    await sleep(500);
    const signal = resumed.resync();
    expect(signal?.extensions?.code).toBe("RESYNC_REQUIRED");
    // No partial replay presented as complete: the signal only.
    expect(resumed.items.filter((i) => i.data)).toEqual([]);
    const resumeAt = signal!.extensions!.seq!;
    expect(resumeAt).toBeGreaterThan(lastSeen);

    // Refetch, resume from the seq given, one more change: the board is right.
    const base = fold((await server.http<any>(OFFICER, SCORECARDS, { o: officeId })).data!.scorecards);
    const again = feed(c, BOARD, { o: officeId, since: resumeAt });
    await sleep(400);
    await change(8);
    await again.until((items) => items.length >= 1);
    await sleep(500);
    for (const item of again.items) if (item.data) fold(item.data.officeScorecardChanged.scorecards, base);
    expect(again.resync()).toBeUndefined();
    const d = differences(base, fold((await server.http<any>(OFFICER, SCORECARDS, { o: officeId })).data!.scorecards));
    expect(d.slice(0, 5), `${d.length} cells differ`).toEqual([]);
  }, 120_000);
});
