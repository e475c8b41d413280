/*
 * red8: a provider subscribed to its contracts' events (contractChanged) asks for the money a provider may never see
 * (the portfolio's allocations, the stream's yearly amounts, parent and other funds, the re-procurement plan). The
 * event must carry exactly what the same selection gives the provider over HTTP: nothing more. Real HTTP server,
 * real graphql-ws socket.
 */
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../api/harness.js";
import { feed, sleep } from "../api/live-feed.js";
import { wsClient } from "../api/ws-client.js";

const OFFICER = "officer@wiltshire.demo.example";
const PROVIDER = "provider-b@demo.example";
const SELECTION = `id title annualValuePence plannedStartDate potentialValuePence
  portfolio { id name allocations { amountPence } }
  fundingLines { amountPence year stream { name parent { name } children { name } years { year amountPence } } }`;

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = wsClient(server.url, await server.tokenFor(PROVIDER));
}, 120_000);
afterAll(async () => {
  await client?.dispose();
  await server?.close();
});

describe("red8: money in a provider's live events", () => {
  it("a provider's contractChanged event carries no more money than its own HTTP query of the same fields", async () => {
    const office = (await server.http<any>(OFFICER, "{ me { office { id } } }")).data!.me.office.id;
    const mine = (await server.http<any>(PROVIDER, "{ contracts(first: 5) { items { id version } } }")).data!.contracts.items as { id: number }[];
    expect(mine.length).toBeGreaterThan(0);
    const f = feed(client, `subscription($o: Int!) { contractChanged(officeId: $o) { seq change contract { ${SELECTION} } } }`, { o: office });
    await sleep(500);
    const target = (await server.http<any>(OFFICER, "query($id: Int!) { contract(id: $id) { id version } }", { id: mine[0].id })).data!.contract;
    const u = await server.http<any>(OFFICER, "mutation($id: Int!, $v: Int!) { updateContract(id: $id, version: $v, input: { title: \"Renamed by red8\" }) { id } }", { id: target.id, v: target.version });
    expect(u.errors, JSON.stringify(u.errors)).toBeUndefined();
    await f.until((items) => items.length >= 1, 10_000);
    const event = f.items[0];
    const http = await server.http<any>(PROVIDER, `query($id: Int!) { contract(id: $id) { ${SELECTION} } }`, { id: target.id });
    // Whatever the HTTP answer is (nulls, empty lists, FORBIDDEN at a path), the event may not show more.
    expect(event.data?.contractChanged?.contract ?? null).toEqual(http.data?.contract ?? null);
    const text = JSON.stringify(event);
    expect(text).not.toMatch(/"allocations":\[\{/);
    expect(text).not.toMatch(/"years":\[\{/);
  }, 60_000);
});
