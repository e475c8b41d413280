/*
 * red14: TRUST_PROXY=loopback, spellings that the address budgets read wrongly.
 *  1. A trusted hop written with a port ("127.0.0.2:8080", "[::1]:8080", as some proxies write the address they
 *     received from) is not recognised as trusted, although the budget key strips the port (and the bracketed
 *     mapped form "[::ffff:127.0.0.1]:80" is recognised). The walk stops at that hop, so every client behind it
 *     spends the hop's budget: one client's flood refuses all the others.
 *  2. Zero-padded IPv4 octets are read as octal, and digits 8 and 9 silently cut the octet short: "198.18.20.08"
 *     is keyed as 198.18.20.0, "0198.18.20.8" as 1.18.20.8, "198.018.20.8" as 198.1.20.8. One client gets a fresh
 *     budget for each spelling (they are neither its own key nor the one 'invalid' key).
 * Real server process, real HTTP and WebSocket; the tester is the proxy (connects from loopback).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, type ServerProcess } from "../support/server-process.js";
import { boot } from "./support.js";
import { upgrade } from "./red8-kit.js";
import { answeredBefore429, request, xff } from "./red14-kit.js";

const LIMIT = 20;
let server: ServerProcess;
beforeAll(async () => void (server = await boot({ RATE_LIMIT_PER_MINUTE: String(LIMIT), WS_UPGRADES_PER_MINUTE: "5", TRUST_PROXY: "loopback" })), 120_000);
afterAll(async () => server && (await crash(server)));

describe("red14: a trusted hop written with a port", () => {
  for (const hop of ["127.0.0.2:8080", "[::1]:8080"]) {
    it(`HTTP: clients behind the trusted hop ${hop} keep budgets of their own`, async () => {
      const n = hop.startsWith("[") ? 61 : 60;
      const flooder = await answeredBefore429(server.url, () => xff(`203.0.113.${n}, ${hop}`), 3 * LIMIT);
      expect(flooder, "the flooding client is limited").not.toBeNull();
      const other = await request(server.url, { headers: xff(`203.0.113.${n + 10}, ${hop}`) });
      expect(other.status, `another client behind ${hop} was refused: the hop, not the client, was budgeted`).toBe(200);
    }, 60_000);
  }

  it("WebSocket: another client's upgrade through a hop with a port is not refused for the first one's", async () => {
    const hop = "127.0.0.3:443";
    for (let i = 0; i < 6; i++) await upgrade(server.url, { headers: xff(`203.0.113.80, ${hop}`) });
    expect((await upgrade(server.url, { headers: xff(`203.0.113.81, ${hop}`) })).status).toBe(101);
  }, 60_000);
});

describe("red14: zero-padded IPv4 octets", () => {
  it("HTTP: one client's zero-padded spellings do not buy fresh budgets (once its own and the 'invalid' key are spent)", async () => {
    expect(await answeredBefore429(server.url, () => xff("198.18.20.8"), 3 * LIMIT)).not.toBeNull();
    expect(await answeredBefore429(server.url, (i) => xff(`not-an-address-${i}`), 3 * LIMIT)).not.toBeNull();
    const fresh: string[] = [];
    for (const spelling of ["198.18.20.08", "198.018.20.8", "0198.18.20.8", "198.18.020.8"]) {
      const r = await request(server.url, { headers: xff(spelling) });
      if (r.status !== 429) fresh.push(`${spelling} → ${r.status}`);
    }
    expect(fresh, "spellings of 198.18.20.8 answered with their own budget").toEqual([]);
  }, 90_000);

  it("WebSocket: a zero-padded spelling is not a fresh upgrade budget", async () => {
    for (let i = 0; i < 6; i++) await upgrade(server.url, { headers: xff("198.18.21.8") });
    for (let i = 0; i < 6; i++) await upgrade(server.url, { headers: xff(`junk-${i}`) });
    expect((await upgrade(server.url, { headers: xff("198.18.21.8") })).status).toBe(429);
    expect((await upgrade(server.url, { headers: xff("198.18.21.08") })).status).toBe(429);
  }, 60_000);
});
