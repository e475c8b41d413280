/*
 * Address budgets behind a proxy (issue 8). Unset TRUST_PROXY: a client that forges X-Forwarded-For with a new
 * address on every request still spends one address's budget, over HTTP and at WebSocket upgrades. With
 * TRUST_PROXY=loopback (a proxy on this machine), each forwarded client has a budget of its own, so one client's
 * flood does not lock out everyone behind the proxy — and that client still meets its own limit, however it writes
 * its address (IPv4-mapped IPv6, other spellings of one IPv6 address, with a port, any address of its IPv6 /64).
 * A TRUST_PROXY the server cannot read stops it at start with a message naming the setting, not a stack trace.
 */
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, startServer, type ServerProcess } from "../support/server-process.js";
import { boot, post } from "./support.js";

const LIMITS = { RATE_LIMIT_PER_MINUTE: "20", WS_UPGRADES_PER_MINUTE: "5" };
const forged = (i: number) => `198.51.100.${(i % 250) + 1}`;

/** Anonymous requests, one at a time, until the first 429: how many were answered before it (null: none refused). */
async function answeredBefore429(url: string, forwardedFor: (i: number) => string, most: number): Promise<number | null> {
  for (let i = 0; i < most; i++) {
    const r = await post(url, JSON.stringify({ query: "{ __typename }" }), { "x-forwarded-for": forwardedFor(i) });
    if (r.status === 429) {
      expect(JSON.parse(r.text).errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
      return i;
    }
    expect(r.status).toBe(200);
  }
  return null;
}

/** The HTTP status of a WebSocket upgrade (101 when accepted). */
function upgrade(url: string, forwardedFor: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", { headers: { "x-forwarded-for": forwardedFor } });
    ws.on("error", () => {});
    ws.once("open", () => {
      ws.terminate();
      resolve(101);
    });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
  });
}

describe("no proxy trusted (the default): a forged X-Forwarded-For changes nothing", () => {
  let server: ServerProcess;
  beforeAll(async () => void (server = await boot(LIMITS)), 120_000);
  afterAll(async () => server && (await crash(server)));

  it("HTTP: a new forged address on every request still meets the one address's limit", async () => {
    const answered = await answeredBefore429(server.url, forged, 60);
    expect(answered).not.toBeNull();
    expect(answered!).toBeLessThanOrEqual(20);
  }, 90_000);

  it("WebSocket: upgrades with a new forged address each are still counted for the one address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push(await upgrade(server.url, forged(i)));
    expect(statuses.slice(0, 5)).toEqual([101, 101, 101, 101, 101]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  }, 60_000);
});

describe("TRUST_PROXY=loopback: each forwarded client has its own budget", () => {
  let server: ServerProcess;
  beforeAll(async () => void (server = await boot({ ...LIMITS, TRUST_PROXY: "loopback" })), 120_000);
  afterAll(async () => server && (await crash(server)));

  it("HTTP: many clients behind the proxy are not limited together; one client alone still is", async () => {
    expect(await answeredBefore429(server.url, (i) => forged(i), 40)).toBeNull();
    const alone = await answeredBefore429(server.url, () => "203.0.113.7", 60);
    expect(alone).not.toBeNull();
    expect(alone!).toBeLessThanOrEqual(20);
    // The proxy hop itself does not count as the client: another client behind it is still served.
    expect((await post(server.url, JSON.stringify({ query: "{ __typename }" }), { "x-forwarded-for": "203.0.113.8" })).status).toBe(200);
  }, 90_000);

  it("WebSocket: one forwarded client's upgrades are limited, another's are not", async () => {
    const one: number[] = [];
    for (let i = 0; i < 6; i++) one.push(await upgrade(server.url, "203.0.113.9"));
    expect(one).toEqual([101, 101, 101, 101, 101, 429]);
    expect(await upgrade(server.url, "203.0.113.10")).toBe(101);
  }, 60_000);
});

describe("TRUST_PROXY=loopback: one client's other spellings of its address share its budget", () => {
  let server: ServerProcess;
  beforeAll(async () => void (server = await boot({ ...LIMITS, TRUST_PROXY: "loopback" })), 120_000);
  afterAll(async () => server && (await crash(server)));

  it("HTTP: an IPv4 address, its mapped forms and the address with a port meet one limit", async () => {
    const spellings = ["203.0.113.20", "::ffff:203.0.113.20", "::ffff:cb00:7114", "203.0.113.20:443", "[::ffff:203.0.113.20]:8443", "0:0:0:0:0:ffff:203.0.113.20"];
    const answered = await answeredBefore429(server.url, (i) => spellings[i % spellings.length], 60);
    expect(answered).not.toBeNull();
    expect(answered!).toBeLessThanOrEqual(20);
  }, 90_000);

  it("HTTP: every address of one IPv6 /64, in any spelling, meets one limit", async () => {
    const spelling = (i: number) => (i % 2 ? `2001:db8:5:6::${(i + 1).toString(16)}` : `[2001:0DB8:0005:0006:${(i * 7919 % 65536).toString(16)}:0:0:1]:${1000 + i}`);
    const answered = await answeredBefore429(server.url, spelling, 60);
    expect(answered).not.toBeNull();
    expect(answered!).toBeLessThanOrEqual(20);
    // Another /64 is another client.
    expect((await post(server.url, JSON.stringify({ query: "{ __typename }" }), { "x-forwarded-for": "2001:db8:5:7::1" })).status).toBe(200);
  }, 90_000);

  it("WebSocket: upgrades in other spellings of one address are counted together", async () => {
    const spellings = ["203.0.113.30", "::ffff:203.0.113.30", "203.0.113.30:1234", "[::ffff:cb00:711e]:99", "::FFFF:203.0.113.30", "203.0.113.30"];
    const statuses: number[] = [];
    for (const s of spellings) statuses.push(await upgrade(server.url, s));
    expect(statuses).toEqual([101, 101, 101, 101, 101, 429]);
  }, 60_000);
});

describe("a TRUST_PROXY the server cannot read", () => {
  it("stops the server at start with a message naming the setting and the part, without a stack trace", async () => {
    const failure = await startServer({ env: { TRUST_PROXY: "loopback, 10.0.0.0/33" }, timeoutMs: 60_000 }).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toContain('Commissioning Hub cannot start: TRUST_PROXY: "10.0.0.0/33" is not an address');
    expect(failure).not.toMatch(/TypeError|\n\s+at /);
  }, 90_000);
});
