import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_URL, postgresAndRedisUnreachable, REDIS_URL } from "../support/services.js";

/*
 * The product on PostgreSQL and Redis, as it runs when one machine is not enough: two server instances on one
 * database, sharing events through Redis. DATABASE_URL must be set before any entity module loads (the
 * time-stamp column type depends on it), hence the dynamic imports.
 */
const database = `hub_test_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;


const unreachable = await postgresAndRedisUnreachable();
if (unreachable && !process.env.CI) console.warn(`Skipping PostgreSQL + Redis tests: ${unreachable}`);

describe.skipIf(unreachable !== null && !process.env.CI)("on PostgreSQL with Redis, two server instances", () => {
  const previous = process.env.DATABASE_URL;
  let harness: typeof import("./harness.js");
  let ws: typeof import("./ws-client.js");
  let a: Awaited<ReturnType<typeof harness.startTestServer>>;
  let b: Awaited<ReturnType<typeof harness.startTestServer>>;
  let admin: pg.Client;

  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL and Redis.`);
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    process.env.DATABASE_URL = DATABASE_URL;
    harness = await import("./harness.js");
    ws = await import("./ws-client.js");
    a = await harness.startTestServer({ env: { DATABASE_URL, REDIS_URL } });
    b = await harness.startTestServer({ env: { DATABASE_URL, REDIS_URL }, seed: false });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  it("serves the demo data's figures from PostgreSQL", async () => {
    const result = await b.run<any>("officer@wiltshire.demo.example", '{ moneySummary(year: "2023-24") { totalPence } contracts(first: 5) { totalCount } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.moneySummary.totalPence).toBe(456_100_000);
  });

  it("delivers a change made on one instance to a subscriber of the other, through Redis", async () => {
    const officer = "officer@wiltshire.demo.example";
    const office = (await a.run<any>(officer, "{ me { office { id } } }")).data!.me.office.id;
    const submitted = (await a.run<any>(officer, "{ returns(state: SUBMITTED, first: 1) { items { id version } } }")).data!.returns.items[0];
    const client = ws.wsClient(b.url, await b.tokenFor(officer));
    const events = ws.collect<any>(client, "subscription($o: Int!) { returnChanged(officeId: $o) { seq change returnId state } }", { o: office }, (items) => items.length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    const accepted = await a.run(officer, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: submitted.id, v: submitted.version });
    expect(accepted.errors).toBeUndefined();
    const [event] = await events;
    await client.dispose();
    expect(event.data.returnChanged).toMatchObject({ change: "ACCEPTED", returnId: submitted.id, state: "ACCEPTED" });
  });

  it("keeps concurrent edits apart: one wins, the stale one gets CONFLICT", async () => {
    const officer = "officer@wiltshire.demo.example";
    const contract = (await a.run<any>(officer, "{ contracts(first: 1) { items { id version } } }")).data!.contracts.items[0];
    const edit = (server: typeof a, title: string) => server.run(officer, "mutation($id: Int!, $v: Int!, $t: String!) { updateContract(id: $id, version: $v, input: { title: $t }) { version } }", { id: contract.id, v: contract.version, t: title });
    const results = await Promise.all([edit(a, "Edited on A"), edit(b, "Edited on B")]);
    expect(results.map((r) => harness.codes(r).join()).sort()).toEqual(["", "CONFLICT"]);
  });
});
