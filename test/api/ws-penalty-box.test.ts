import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";
import { rawSocket } from "./raw-ws.js";

/*
 * The WebSocket penalty box: a client whose sockets are closed for abuse is refused at the HTTP upgrade (by
 * address) and at connection_init (by account) for a period that grows with each box, and comes back after it;
 * another user on another address is never touched. Clients get their own loopback addresses (127.0.0.x).
 */

const ATTACKER = "provider-a@demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const HOSTILE_ADDRESS = "127.0.0.2";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: { WS_MAX_PAYLOAD_BYTES: "4096", WS_PENALTY_OFFENCES: "2", WS_PENALTY_ADDRESS_OFFENCES: "3", WS_PENALTY_SECONDS: "1", WS_PENALTY_MAX_SECONDS: "60" },
  });
});
afterAll(async () => server?.close());

/** One upgrade: 101, or the HTTP refusal with its Retry-After and body. */
function upgrade(localAddress: string) {
  return new Promise<{ status: number; retryAfter?: string; body?: string }>((resolve) => {
    const socket = new WebSocket(server.url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", { localAddress });
    socket.on("open", () => (socket.close(), resolve({ status: 101 })));
    socket.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined, body }));
    });
    socket.on("error", () => {});
  });
}

/** One upgrade to another server: 101, or the HTTP status of its refusal. */
function upgrade2(target: TestServer, localAddress: string) {
  return new Promise<{ status: number }>((resolve) => {
    const socket = new WebSocket(target.url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", { localAddress });
    socket.on("open", () => (socket.close(), resolve({ status: 101 })));
    socket.on("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    socket.on("error", () => {});
  });
}

/** Opens a socket as the attacker and sends one message over the payload limit: closed 1009. */
async function oversized(localAddress: string) {
  const s = await rawSocket(server.url, await server.tokenFor(ATTACKER), { localAddress });
  s.send({ id: "x", type: "subscribe", payload: { query: "subscription { returnChanged(officeId: 1) { seq } }", variables: { pad: "x".repeat(8000) } } });
  return (await s.closed).code;
}

describe("the WebSocket penalty box", () => {
  it("refuses a client closed for abuse at the upgrade with 429, its account at connection_init with 4032, leaves another user alone, and lets it back after a growing period", async () => {
    const bystander = await rawSocket(server.url, await server.tokenFor(OFFICER));
    bystander.send({ id: "b", type: "subscribe", payload: { query: "subscription { returnChanged(officeId: 1) { seq } }" } });

    expect([await oversized(HOSTILE_ADDRESS), await oversized(HOSTILE_ADDRESS)]).toEqual([1009, 1009]);
    // Two offences box the account; its next connection_init, even from a clean address, is refused before any lookup.
    await sleep(50);
    await expect(rawSocket(server.url, await server.tokenFor(ATTACKER), { localAddress: "127.0.0.3" })).rejects.toThrow(/closed 4032 Connections refused for 1 s after repeated abuse/);
    // Coming back while boxed is an offence of the address it comes from: the hostile address's third.
    await expect(rawSocket(server.url, await server.tokenFor(ATTACKER), { localAddress: HOSTILE_ADDRESS })).rejects.toThrow(/closed 4032/);
    await sleep(50);
    const refused = await upgrade(HOSTILE_ADDRESS);
    expect(refused).toEqual({ status: 429, retryAfter: "1", body: expect.stringMatching(/Connections refused for 1 s/) });

    // Everyone else: another address, another account, over WebSocket and HTTP.
    expect((await upgrade("127.0.0.4")).status).toBe(101);
    const other = await rawSocket(server.url, await server.tokenFor("analyst@wiltshire.demo.example"), { localAddress: "127.0.0.4" });
    expect(other.socket.readyState).toBe(WebSocket.OPEN);
    other.socket.close();
    expect(bystander.socket.readyState).toBe(WebSocket.OPEN);
    expect((await server.http(OFFICER, "{ me { id } }")).status).toBe(200);

    // After the period the client is back.
    await sleep(1100);
    expect((await upgrade(HOSTILE_ADDRESS)).status).toBe(101);
    const back = await rawSocket(server.url, await server.tokenFor(ATTACKER), { localAddress: HOSTILE_ADDRESS });
    back.send({ id: "1", type: "subscribe", payload: { query: "subscription { returnChanged(officeId: 1) { seq } }" } });
    await sleep(100);
    expect(back.socket.readyState).toBe(WebSocket.OPEN);
    back.socket.close();
    await back.closed;

    // Offending again earns a longer box: 2 s, so still refused after 1.1 s.
    expect([await oversized(HOSTILE_ADDRESS), await oversized(HOSTILE_ADDRESS)]).toEqual([1009, 1009]);
    await sleep(50);
    await expect(rawSocket(server.url, await server.tokenFor(ATTACKER), { localAddress: HOSTILE_ADDRESS })).rejects.toThrow(/closed 4032 Connections refused for 2 s/);
    await sleep(50);
    // Each refusal is held up to a second before it is answered: the second one would be let in after a 1 s box.
    expect(await upgrade(HOSTILE_ADDRESS)).toMatchObject({ status: 429, retryAfter: "1" });
    expect((await upgrade(HOSTILE_ADDRESS)).status).toBe(429);
    await sleep(200);
    expect((await upgrade(HOSTILE_ADDRESS)).status).toBe(101);
    expect(bystander.socket.readyState).toBe(WebSocket.OPEN);
    bystander.socket.close();
  });

  it("never boxes a user for having many tabs: 4030 (too many open connections) is no offence", async () => {
    const tabs = await startTestServer({ seed: true, env: { WS_CONNECTIONS_PER_USER: "2", WS_PENALTY_OFFENCES: "1", WS_PENALTY_ADDRESS_OFFENCES: "1", WS_PENALTY_SECONDS: "60" } });
    try {
      const token = await tabs.tokenFor(OFFICER);
      const open = [await rawSocket(tabs.url, token, { localAddress: "127.0.0.6" }), await rawSocket(tabs.url, token, { localAddress: "127.0.0.6" })];
      // A dozen more tabs: each refused 4030, none an offence (one offence would box the account and the address).
      for (let i = 0; i < 12; i++) await expect(rawSocket(tabs.url, token, { localAddress: "127.0.0.6" })).rejects.toThrow(/closed 4030/);
      await sleep(100);
      open[0].socket.close();
      await open[0].closed;
      expect((await upgrade2(tabs, "127.0.0.6")).status).toBe(101);
      const again = await rawSocket(tabs.url, token, { localAddress: "127.0.0.6" });
      expect(again.socket.readyState).toBe(WebSocket.OPEN);
      expect(open[1].socket.readyState).toBe(WebSocket.OPEN);
      again.socket.close();
      open[1].socket.close();
    } finally {
      await tabs.close();
    }
  });

  it("boxes nobody when WS_PENALTY_SECONDS is 0", async () => {
    const open = await startTestServer({ seed: true, env: { WS_MAX_PAYLOAD_BYTES: "4096", WS_PENALTY_OFFENCES: "1", WS_PENALTY_ADDRESS_OFFENCES: "1", WS_PENALTY_SECONDS: "0" } });
    try {
      for (let i = 0; i < 3; i++) {
        const s = await rawSocket(open.url, await open.tokenFor(ATTACKER), { localAddress: "127.0.0.5" });
        s.send({ id: "x", type: "subscribe", payload: { query: "subscription { returnChanged(officeId: 1) { seq } }", variables: { pad: "x".repeat(8000) } } });
        expect((await s.closed).code).toBe(1009);
      }
      const again = await rawSocket(open.url, await open.tokenFor(ATTACKER), { localAddress: "127.0.0.5" });
      expect(again.socket.readyState).toBe(WebSocket.OPEN);
      again.socket.close();
    } finally {
      await open.close();
    }
  });
});
