import type { Client } from "graphql-ws";
import type { Logger } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Office } from "../../server/modules/offices/office.entity.js";
import { quarterIndex, type Quarter } from "../../server/modules/periods/financial-year.js";
import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { scorecardMayHaveChanged } from "../../server/modules/scorecards/scorecard-events.js";
import { DomainEvent } from "../../server/realtime/domain-event.entity.js";
import { Topic } from "../../server/realtime/pubsub.js";
import { startTestServer, type TestServer } from "./harness.js";
import { feed } from "./live-feed.js";
import { wsClient } from "./ws-client.js";

/*
 * The write transaction puts an event's new cells in the event (maintainScorecards → carryChangedCells): the event
 * log's row holds them, and the live path sends them without reading anything per event.
 */

const OFFICER = "officer@wiltshire.demo.example";
const BOARD = `subscription($o: Int!) { officeScorecardChanged(officeId: $o) {
  seq reason portfolioId periodIds scorecards { portfolioId rows { indicatorId cells { periodId actual numerator denominator target rag change returnsIn returnsDue provisional } } } } }`;
const SCORECARDS = `query($o: Int!) { scorecards(officeId: $o) {
  portfolioId rows { indicatorId cells { periodId actual numerator denominator target rag change returnsIn returnsDue provisional } } } }`;

let server: TestServer;
let client: Client;
let wiltshire = 0;
/** SQL statements run on the connection subscriptions read through. */
let liveStatements = 0;

beforeAll(async () => {
  server = await startTestServer();
  wiltshire = (await server.services.db.manager.findOneByOrFail(Office, { code: "wiltshire" })).id;
  const counting: Logger = { logQuery: () => void liveStatements++, logQueryError: () => {}, logQuerySlow: () => {}, logSchemaBuild: () => {}, logMigration: () => {}, log: () => {} };
  Object.defineProperty(server.services.liveDb, "logger", { value: counting });
  client = wsClient(server.url, await server.tokenFor(OFFICER));
});
afterAll(async () => {
  await client?.dispose();
  await server?.close();
});

type Card = { portfolioId: number | null; rows: { indicatorId: number; cells: { periodId: number }[] }[] };
const cellsOf = (cards: Card[]) => new Map(cards.flatMap((card) => card.rows.flatMap((row) => row.cells.map((cell) => [`${card.portfolioId ?? "office"}:${row.indicatorId}:${cell.periodId}`, cell] as const))));

describe("cells carried in the event", () => {
  it("are in the event log's row, are the board's figures after commit, and reach the subscriber with no statement on the live connection", async () => {
    const board = feed(client, BOARD, { o: wiltshire });
    await new Promise((r) => setTimeout(r, 500));
    const pending = (await server.run<any>(OFFICER, "{ returns(state: SUBMITTED, first: 1) { items { id version } } }")).data!.returns.items[0];
    const before = liveStatements;
    const accepted = await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: pending.id, v: pending.version });
    expect(accepted.errors).toBeUndefined();
    await board.until((items) => items.length >= 1);
    expect(liveStatements - before).toBe(0);

    const event = board.items[0].data.officeScorecardChanged;
    const row = await server.services.db.manager.findOneByOrFail(DomainEvent, { seq: event.seq });
    expect(row.topic).toBe(Topic.SCORECARD_CHANGED);
    const payload = row.payload as { portfolioId: number; cells?: { portfolioId: number; periodIds: number[]; scorecards: Card[] } };
    expect(payload.cells?.portfolioId).toBe(payload.portfolioId);
    expect(payload.cells?.periodIds).toEqual(event.periodIds);

    const carried = cellsOf(event.scorecards);
    expect([...carried.keys()].some((k) => k.startsWith("office:"))).toBe(true);
    expect([...carried.keys()].some((k) => k.startsWith(`${event.portfolioId}:`))).toBe(true);
    const fresh = cellsOf((await server.run<any>(OFFICER, SCORECARDS, { o: wiltshire })).data!.scorecards);
    for (const [key, cell] of carried) expect(cell, key).toEqual(fresh.get(key));
    board.unsubscribe();
  }, 60_000);

  it("give a portfolio's quarter subscription (scorecardChanged) exactly the one-quarter read, with no statement on the live connection", async () => {
    const pending = (await server.run<any>(OFFICER, "{ returns(state: SUBMITTED, first: 1) { items { id version period { id } contract { portfolio { id } } } } }")).data!.returns.items[0];
    const CELLS = "portfolioId rows { indicatorId cells { periodId label actual numerator denominator target rag change returnsIn returnsDue provisional } }";
    const portfolioFeed = feed(client, `subscription($p: Int!, $per: Int!) { scorecardChanged(portfolioId: $p, periodId: $per) { seq reason scorecard { ${CELLS} } } }`, { p: pending.contract.portfolio.id, per: pending.period.id });
    await new Promise((r) => setTimeout(r, 500));
    const before = liveStatements;
    const accepted = await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: pending.id, v: pending.version });
    expect(accepted.errors).toBeUndefined();
    await portfolioFeed.until((items) => items.length >= 1);
    expect(liveStatements - before).toBe(0);
    const update = portfolioFeed.items[0].data.scorecardChanged;
    expect(update.reason).toBe("RETURN_ACCEPTED");
    const read = (await server.run<any>(OFFICER, `query($p: Int!, $per: [Int!]) { scorecards(portfolioId: $p, periodIds: $per) { ${CELLS} } }`, { p: pending.contract.portfolio.id, per: [pending.period.id] })).data!.scorecards;
    expect(update.scorecard.rows.length).toBeGreaterThan(0);
    expect(update.scorecard).toEqual(read[0]);
    portfolioFeed.unsubscribe();
  }, 60_000);

  it("reach a board of the following quarter (its change moves), and not a board of a later one", async () => {
    const manager = server.services.db.manager;
    const [portfolio] = await manager.find(Portfolio, { where: { officeId: wiltshire }, order: { id: "ASC" } });
    const periods = (await manager.findBy(ReportingPeriod, { officeId: wiltshire })).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
    const QUARTER = `subscription($o: Int!, $p: Int) { officeScorecardChanged(officeId: $o, periodId: $p) { seq portfolioId periodIds scorecards { portfolioId rows { indicatorId cells { periodId change } } } } }`;
    const next = feed(client, QUARTER, { o: wiltshire, p: periods[2].id });
    const later = feed(client, QUARTER, { o: wiltshire, p: periods[3].id });
    await new Promise((r) => setTimeout(r, 500));
    const event = (await server.services.writer.run(null, (uow) =>
      scorecardMayHaveChanged(uow, wiltshire, { portfolioId: portfolio.id, year: periods[1].year, quarter: periods[1].quarter, reason: "TARGET_CHANGED" }),
    )) as { seq: number };
    await next.until((items) => items.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    const got = next.items[0].data.officeScorecardChanged;
    expect(got.seq).toBe(event.seq);
    expect(got.periodIds).toEqual([periods[2].id]);
    const carried = cellsOf(got.scorecards);
    expect(carried.size).toBeGreaterThan(0);
    expect(new Set([...carried.keys()].map((k) => Number(k.split(":")[2])))).toEqual(new Set([periods[2].id]));
    expect(later.items.filter((i) => i.data?.officeScorecardChanged?.seq === event.seq)).toEqual([]);
    next.unsubscribe();
    later.unsubscribe();
  }, 60_000);

  it("are right for every event of a transaction with several, each with its own portfolio and quarters", async () => {
    const manager = server.services.db.manager;
    const [first, second] = await manager.find(Portfolio, { where: { officeId: wiltshire }, order: { id: "ASC" } });
    const periods = (await manager.findBy(ReportingPeriod, { officeId: wiltshire })).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
    const late = periods.at(-1)!;
    const events = await server.services.writer.run(null, async (uow) => [
      await scorecardMayHaveChanged(uow, wiltshire, { portfolioId: first.id, year: periods[1].year, quarter: periods[1].quarter, reason: "TARGET_CHANGED" }),
      await scorecardMayHaveChanged(uow, wiltshire, { portfolioId: second.id, year: late.year, quarter: null, reason: "TARGET_CHANGED" }),
    ]);
    const fresh = cellsOf((await server.run<any>(OFFICER, SCORECARDS, { o: wiltshire })).data!.scorecards);
    for (const [i, portfolio] of [first, second].entries()) {
      const row = await manager.findOneByOrFail(DomainEvent, { seq: (events as { seq: number }[])[i].seq });
      const cells = (row.payload as { cells: { portfolioId: number; periodIds: number[]; scorecards: Card[] } }).cells;
      // The touched quarters and the one after each (its "change from the previous quarter" moves too); the last year has none after it.
      const expected = i === 0 ? [periods[1].id, periods[2].id] : periods.filter((p) => p.year === late.year).map((p) => p.id);
      expect(cells.portfolioId).toBe(portfolio.id);
      expect(cells.periodIds).toEqual(expected);
      const carried = cellsOf(cells.scorecards);
      expect(new Set([...carried.keys()].map((k) => k.split(":")[0]))).toEqual(new Set([String(portfolio.id), "office"]));
      expect(new Set([...carried.keys()].map((k) => Number(k.split(":")[2])))).toEqual(new Set(expected));
      // The stored cells have every field of a cell; the query asked for some.
      for (const [key, cell] of carried) expect(cell, key).toMatchObject(fresh.get(key) as object);
    }
  });
});
