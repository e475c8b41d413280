/*
 * red13: TRUST_PROXY attacked from outside. Unset, no forwarding header of any shape (many comma-separated
 * addresses, IPv6, garbage, several X-Forwarded-For lines, Forwarded / X-Real-IP / True-Client-IP) changes whose
 * address budget a request spends, over HTTP, at WebSocket upgrades and in the penalty box, anonymous or signed in;
 * nor can a forged header spend someone else's budget. With TRUST_PROXY=1 only the one trusted hop's entry (the
 * rightmost) names the client: entries a client adds to the left are not believed. Each test uses its own loopback
 * source address (127.0.0.0/8), so budgets do not leak between tests. No timing assertions.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, type ServerProcess } from "../support/server-process.js";
import { boot } from "./support.js";
import { oversized, token, upgrade } from "./red8-kit.js";

const LIMIT = 20;
const LIMITS = { RATE_LIMIT_PER_MINUTE: String(LIMIT), WS_UPGRADES_PER_MINUTE: "5", WS_MAX_PAYLOAD_BYTES: "4096", WS_PENALTY_OFFENCES: "50", WS_PENALTY_ADDRESS_OFFENCES: "3", WS_PENALTY_SECONDS: "30", WS_PENALTY_MAX_SECONDS: "60" };

/** A POST /graphql from a chosen source address; header values may be arrays (sent as several header lines). */
function hit(url: string, localAddress: string, headers: Record<string, string | string[]>, authorization?: string): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  const body = JSON.stringify({ query: "{ __typename }" });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: "/graphql", method: "POST", localAddress, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...(authorization ? { authorization: `Bearer ${authorization}` } : {}), ...headers } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Requests one at a time until the first 429: how many were answered before it (null: none refused in `most`). */
async function answeredBefore429(url: string, from: string, headers: (i: number) => Record<string, string | string[]>, most: number, authorization?: string): Promise<number | null> {
  for (let i = 0; i < most; i++) {
    const r = await hit(url, from, headers(i), authorization);
    if (r.status === 429) {
      expect(JSON.parse(r.text).errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
      return i;
    }
    expect(r.status, r.text.slice(0, 200)).toBe(200);
    expect(r.text).not.toMatch(/INTERNAL_SERVER_ERROR/);
  }
  return null;
}

const r = (i: number) => `${(i * 37) % 250 + 1}.${(i * 11) % 250 + 1}.${i % 250}.${(i * 7) % 250 + 1}`;
const FORGERIES: Record<string, (i: number) => Record<string, string | string[]>> = {
  "many comma-separated addresses": (i) => ({ "x-forwarded-for": Array.from({ length: 40 }, (_, k) => r(i * 40 + k)).join(", ") }),
  "IPv6 addresses": (i) => ({ "x-forwarded-for": `2001:db8:${i.toString(16)}::${(i + 1).toString(16)}, [2001:db8::${i.toString(16)}]:443` }),
  "garbage values": (i) => ({ "x-forwarded-for": [`not-an-address-${i}`, `${"9".repeat(i + 1)}.x`, `, ,,${i}`, "\u00ff\u00fe", `unknown`][i % 5] + `-${i}` }),
  "several X-Forwarded-For lines": (i) => ({ "x-forwarded-for": [r(i), r(i + 1000), `2001:db8::${i.toString(16)}`] }),
  "other forwarding headers": (i) => ({ forwarded: `for=${r(i)};proto=https, for="[2001:db8::${i.toString(16)}]"`, "x-real-ip": r(i), "true-client-ip": r(i), "cf-connecting-ip": r(i), "x-client-ip": r(i), "x-forwarded": `for=${r(i)}`, "forwarded-for": r(i) }),
};

describe("TRUST_PROXY unset: forged forwarding headers change nothing", () => {
  let server: ServerProcess;
  beforeAll(async () => void (server = await boot(LIMITS)), 120_000);
  afterAll(async () => server && (await crash(server)));

  let n = 0;
  for (const [name, headers] of Object.entries(FORGERIES)) {
    const from = `127.0.50.${++n}`;
    it(`HTTP, anonymous, ${name}: still one address's budget`, async () => {
      const answered = await answeredBefore429(server.url, from, headers, 3 * LIMIT);
      expect(answered, "a forged header bought a fresh budget").not.toBeNull();
      expect(answered!).toBeLessThanOrEqual(LIMIT);
    }, 60_000);
  }

  it("HTTP: a forged header naming another client does not spend that client's budget", async () => {
    const victim = "127.0.51.2";
    expect(await answeredBefore429(server.url, "127.0.51.1", () => ({ "x-forwarded-for": victim, "x-real-ip": victim }), 3 * LIMIT)).not.toBeNull();
    expect((await hit(server.url, victim, {})).status).toBe(200);
  }, 60_000);

  it("HTTP, signed in: the account's budget, whatever address it claims", async () => {
    const tok = await token(server.url, "officer@dorset.demo.example");
    const answered = await answeredBefore429(server.url, "127.0.52.1", (i) => FORGERIES["many comma-separated addresses"](i), 3 * LIMIT, tok);
    expect(answered).not.toBeNull();
    expect(answered!).toBeLessThanOrEqual(LIMIT);
  }, 60_000);

  it("WebSocket upgrades: forged headers of every shape are still counted for the one address", async () => {
    const statuses: number[] = [];
    const shapes = Object.values(FORGERIES);
    for (let i = 0; i < 8; i++) {
      const h = shapes[i % shapes.length](i);
      const flat = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
      statuses.push((await upgrade(server.url, { localAddress: "127.0.53.1", headers: flat })).status);
    }
    expect(statuses).toEqual([101, 101, 101, 101, 101, 429, 429, 429]);
  }, 60_000);

  it("penalty box: an address boxed for abuse stays boxed whatever it forwards", async () => {
    const from = "127.0.54.1";
    const codes: (number | string)[] = [];
    for (let i = 0; i < 3; i++) codes.push(await oversized(server.url, 8192, { localAddress: from, headers: { "x-forwarded-for": `2001:db8::${i + 1}, ${r(i)}` } }));
    expect(codes).toEqual([1009, 1009, 1009]);
    const after = await upgrade(server.url, { localAddress: from, headers: { "x-forwarded-for": "198.51.100.77", "x-real-ip": "198.51.100.77" } });
    expect(after.status).toBe(429);
    // Another address is not boxed.
    expect((await upgrade(server.url, { localAddress: "127.0.54.2" })).status).toBe(101);
  }, 60_000);
});

describe("TRUST_PROXY=1: only the trusted hop's entry names the client", () => {
  let server: ServerProcess;
  beforeAll(async () => void (server = await boot({ ...LIMITS, TRUST_PROXY: "1" })), 120_000);
  afterAll(async () => server && (await crash(server)));

  it("HTTP: entries a client adds to the left of the proxy's are not believed", async () => {
    const answered = await answeredBefore429(server.url, "127.0.60.1", (i) => ({ "x-forwarded-for": `${r(i)}, 2001:db8::${i.toString(16)}, garbage-${i}, 203.0.113.7` }), 3 * LIMIT);
    expect(answered, "left-hand entries bought a fresh budget").not.toBeNull();
    expect(answered!).toBeLessThanOrEqual(LIMIT);
  }, 60_000);

  it("HTTP: a client's own X-Forwarded-For line before the proxy's is not believed either", async () => {
    const answered = await answeredBefore429(server.url, "127.0.60.2", (i) => ({ "x-forwarded-for": [`${r(i)}, ${r(i + 500)}`, "203.0.113.8"] }), 3 * LIMIT);
    expect(answered).not.toBeNull();
    expect(answered!).toBeLessThanOrEqual(LIMIT);
  }, 60_000);

  it("HTTP: clients the proxy names are budgeted apart (the hop is trusted), and the proxy is not the client", async () => {
    expect(await answeredBefore429(server.url, "127.0.60.3", (i) => ({ "x-forwarded-for": `203.0.113.7, 198.51.100.${(i % 250) + 1}` }), 40)).toBeNull();
    // 203.0.113.7 (limited above, from another proxy address) is still limited when named by this proxy too.
    expect((await hit(server.url, "127.0.60.4", { "x-forwarded-for": "203.0.113.7" })).status).toBe(429);
  }, 60_000);

  it("HTTP, signed in: the account's budget, whatever the entries", async () => {
    const tok = await token(server.url, "officer@durham.demo.example");
    const answered = await answeredBefore429(server.url, "127.0.61.1", (i) => ({ "x-forwarded-for": `${r(i)}, 198.51.100.${(i % 250) + 1}` }), 3 * LIMIT, tok);
    expect(answered).not.toBeNull();
    expect(answered!).toBeLessThanOrEqual(LIMIT);
  }, 60_000);

  it("WebSocket upgrades: left-hand entries are not believed", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await upgrade(server.url, { localAddress: "127.0.62.1", headers: { "x-forwarded-for": `${r(i)}, 2001:db8::${i + 1}, 203.0.113.9` } })).status);
    expect(statuses).toEqual([101, 101, 101, 101, 101, 429, 429]);
    expect((await upgrade(server.url, { localAddress: "127.0.62.1", headers: { "x-forwarded-for": "203.0.113.10" } })).status).toBe(101);
  }, 60_000);

  it("penalty box: left-hand entries do not move the box", async () => {
    const codes: (number | string)[] = [];
    for (let i = 0; i < 3; i++) codes.push(await oversized(server.url, 8192, { localAddress: "127.0.63.1", headers: { "x-forwarded-for": `${r(i)}, 203.0.113.20` } }));
    expect(codes).toEqual([1009, 1009, 1009]);
    expect((await upgrade(server.url, { localAddress: "127.0.63.2", headers: { "x-forwarded-for": "198.51.100.9, 203.0.113.20" } })).status).toBe(429);
    expect((await upgrade(server.url, { localAddress: "127.0.63.2", headers: { "x-forwarded-for": "203.0.113.21" } })).status).toBe(101);
  }, 60_000);
});
