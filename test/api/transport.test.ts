import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/db/seed/demo-users.js";
import { codes, startTestServer, type TestServer } from "./harness.js";
import { collect, wsClient } from "./ws-client.js";

const OFFICER = "officer@wiltshire.demo.example";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe("over real HTTP and WebSocket", () => {
  it("logs in, queries, subscribes and receives the event another user's change causes", async () => {
    const login = await post({ query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token expiresAt user { name role } } }", variables: { e: OFFICER, p: DEMO_PASSWORD } });
    expect(login.body.errors).toBeUndefined();
    expect(login.body.data.login.user.role).toBe("OFFICER");
    expect(new Date(login.body.data.login.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const token: string = login.body.data.login.token;
    const auth = { authorization: `Bearer ${token}` };

    const list = await post({ query: "{ me { office { id } } contracts(first: 5) { totalCount items { id version title } } }" }, auth);
    expect(list.body.errors).toBeUndefined();
    const officeId = list.body.data.me.office.id;
    const target = list.body.data.contracts.items[0];
    expect(list.body.data.contracts.totalCount).toBeGreaterThan(5);

    const client = wsClient(server.url, token);
    const events = collect<any>(client, "subscription($o: Int!) { contractChanged(officeId: $o) { seq change contract { id title } } }", { o: officeId }, (items) => items.length >= 1);
    await new Promise((r) => setTimeout(r, 200)); // let the subscription reach the server before the change
    const commissioner = await server.tokenFor("commissioner@wiltshire.demo.example");
    const update = await post(
      { query: "mutation($id: Int!, $v: Int!, $t: String!) { updateContract(id: $id, version: $v, input: { title: $t }) { id version title } }", variables: { id: target.id, v: target.version, t: `${target.title} (renamed)` } },
      { authorization: `Bearer ${commissioner}` },
    );
    expect(update.body.errors).toBeUndefined();
    const received = await events;
    await client.dispose();
    expect(received).toHaveLength(1);
    expect(received[0].data.contractChanged).toMatchObject({ change: "UPDATED", contract: { id: target.id, title: `${target.title} (renamed)` } });
    expect(received[0].data.contractChanged.seq).toBeGreaterThan(0);
  });

  it("refuses a WebSocket connection without a valid token", async () => {
    for (const token of [null, "not-a-token"]) {
      const client = wsClient(server.url, token);
      await expect(collect(client, "subscription { contractChanged(officeId: 1) { seq } }", {}, () => true, 3000)).rejects.toBeTruthy();
      await client.dispose();
    }
  });

  it("answers a wrong password with UNAUTHENTICATED and an anonymous query with UNAUTHENTICATED", async () => {
    const wrong = await post({ query: 'mutation { login(email: "officer@wiltshire.demo.example", password: "wrong-password-123") { token } }' });
    expect(codes(wrong.body as never)).toEqual(["UNAUTHENTICATED"]);
    const anonymous = await post({ query: "{ contracts { totalCount } }" });
    expect(codes(anonymous.body as never)).toEqual(["UNAUTHENTICATED"]);
  });

  it("serves health, GraphiQL and the dashboard from the same port", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(200);
    const graphiql = await fetch(`${server.url}/graphiql/`);
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).not.toMatch(/unpkg|jsdelivr|cdnjs/);
  });
});

describe("rate limiting", () => {
  it("answers a client over its limit with HTTP 429 and TOO_MANY_REQUESTS", async () => {
    const limited = await startTestServer({ seed: false, env: { RATE_LIMIT_PER_MINUTE: "5" } });
    try {
      const statuses: number[] = [];
      let last: unknown;
      for (let i = 0; i < 6; i++) {
        const response = await fetch(`${limited.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ me { id } }" }) });
        statuses.push(response.status);
        last = await response.json();
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(codes(last as never)).toEqual(["TOO_MANY_REQUESTS"]);
    } finally {
      await limited.close();
    }
  });
});
