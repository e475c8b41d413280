/*
 * red14: attacks on issue 8's budgets that held, kept as tests where they add coverage beyond trust-proxy,
 * red13-trust-proxy and budgets-http:
 *  - the login lock is shared by every spelling the login accepts for one account (Unicode spaces U+3000, U+00A0,
 *    U+2028, a BOM, and the Kelvin sign, which lower-cases to "k"), in both directions (locked through a spelling,
 *    tried with the plain address, and the other way round); look-alikes (Cyrillic, full-width) are other accounts;
 *  - TRUST_PROXY=loopback: Forwarded and X-Real-IP are not believed; garbage and forged bearer tokens do not buy an
 *    anonymous client fresh budgets; the penalty box follows a client through its spellings (mapped, hex, port,
 *    brackets, zone, its /64); the open-data routes budget one client however it writes its address, and however
 *    the path is written (case, query string, trailing slash, another office or file).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, gql, type ServerProcess } from "../support/server-process.js";
import { boot } from "./support.js";
import { oversized, upgrade } from "./red8-kit.js";
import { answeredBefore429, loginAs, PASSWORD, request, xff } from "./red14-kit.js";

const login = (url: string, e: string, p: string) => gql(url, null, "mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}", { e, p });

describe("red14 (held): one account's login lock, however the e-mail is spelled", () => {
  let server: ServerProcess;
  beforeAll(async () => void (server = await boot({ RATE_LIMIT_PER_MINUTE: "0", LOGIN_MAX_FAILURES: "3", LOGIN_LOCK_SECONDS: "60" })), 120_000);
  afterAll(async () => server && (await crash(server)));

  it("spellings the login accepts (Unicode spaces, BOM, Kelvin sign) are one account: a lock made through them holds for the plain address and the other way round", async () => {
    const admin = await loginAs(server.url, "admin@demo.example");
    const created = await gql(server.url, admin, "mutation($i:CreateUserInput!){createUser(input:$i){id}}", { i: { email: "kelvin.k@red14.example", name: "Red Fourteen", role: "ADMIN", password: "red14-password-123" } });
    expect(created.errors).toBeUndefined();
    // The login takes these spellings as the account (that is what makes them worth attacking).
    expect((await login(server.url, "\u212Aelvin.\u212A@red14.example", "red14-password-123")).data?.login?.token).toBeTruthy();
    expect((await login(server.url, "\u3000kelvin.k@red14.example\ufeff", "red14-password-123")).data?.login?.token).toBeTruthy();
    // Locked through spellings only, the plain address is locked too.
    for (const spelling of ["\u212Aelvin.k@red14.example", "\u3000kelvin.k@red14.example", "\ufeffKELVIN.\u212A@red14.example", "kelvin.k@red14.example\u2028"]) await login(server.url, spelling, "wrong-password");
    expect((await login(server.url, "kelvin.k@red14.example", "red14-password-123")).data?.login?.token, "the plain address logged in during a lock made through spellings").toBeUndefined();

    // Locked through the plain address, no spelling gets in.
    const email = "officer@wiltshire.demo.example";
    for (let i = 0; i < 4; i++) await login(server.url, email, `wrong-${i}`);
    const refused = JSON.stringify((await login(server.url, "nobody-at-all@demo.example", "x")).errors?.map((e) => [e.message, e.extensions?.code]));
    for (const spelling of ["\u3000" + email, email + "\u00a0", "\ufeff" + email, email + "\u2028", email.toUpperCase(), email.replace("wiltshire", "WILTSHIRE") + "\r\n"]) {
      const r = await login(server.url, spelling, PASSWORD);
      expect(r.data?.login?.token, `${JSON.stringify(spelling)} logged in during the lock`).toBeUndefined();
      expect(JSON.stringify(r.errors?.map((e) => [e.message, e.extensions?.code]))).toBe(refused);
    }
    // Look-alikes are not the account (they are unknown accounts, refused the same way).
    for (const lookalike of [email.replace("o", "\u043e"), email.replace("o", "\uff4f"), email.replace("@", "+x@"), email + "."]) {
      const r = await login(server.url, lookalike, PASSWORD);
      expect(r.data?.login?.token).toBeUndefined();
      expect(JSON.stringify(r.errors?.map((e) => [e.message, e.extensions?.code]))).toBe(refused);
    }
  }, 90_000);
});

describe("red14 (held): TRUST_PROXY=loopback", () => {
  const LIMIT = 20;
  let server: ServerProcess;
  beforeAll(async () => void (server = await boot({ TRUST_PROXY: "loopback", RATE_LIMIT_PER_MINUTE: String(LIMIT), WS_UPGRADES_PER_MINUTE: "100", WS_MAX_PAYLOAD_BYTES: "4096", WS_PENALTY_OFFENCES: "50", WS_PENALTY_ADDRESS_OFFENCES: "3", WS_PENALTY_SECONDS: "30", WS_PENALTY_MAX_SECONDS: "60" })), 120_000);
  afterAll(async () => server && (await crash(server)));

  it("Forwarded and X-Real-IP are not believed, alone or beside X-Forwarded-For", async () => {
    const alone = await answeredBefore429(server.url, (i) => ({ forwarded: `for=198.19.1.${i + 1}`, "x-real-ip": `198.19.2.${i + 1}` }), 3 * LIMIT, { localAddress: "127.0.70.1" });
    expect(alone).not.toBeNull();
    expect(alone!).toBeLessThanOrEqual(LIMIT);
    const beside = await answeredBefore429(server.url, (i) => ({ "x-forwarded-for": "198.19.3.1", forwarded: `for="[2001:db8::${i + 1}]"`, "x-real-ip": `198.19.4.${i + 1}` }), 3 * LIMIT);
    expect(beside).not.toBeNull();
    expect(beside!).toBeLessThanOrEqual(LIMIT);
  }, 90_000);

  it("garbage and forged bearer tokens do not buy an anonymous client fresh budgets", async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const tokens = [(i: number) => `Bearer garbage-${i}`, (i: number) => `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: String(1000 + i), exp: 9999999999 })}.`, (i: number) => `Bearer ${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: String(i), userId: i, exp: 9999999999 })}.c2ln`, (i: number) => `Basic ${i}`];
    const answered = await answeredBefore429(server.url, (i) => ({ ...xff("198.20.1.1"), authorization: tokens[i % tokens.length](i) }), 3 * LIMIT);
    expect(answered).not.toBeNull();
    expect(answered!).toBeLessThanOrEqual(LIMIT);
  }, 90_000);

  it("penalty box: a client boxed in some spellings of its address is boxed in the others, and only it", async () => {
    const cases: [string[], string[], string][] = [
      [["198.41.1.1", "::ffff:198.41.1.1", "198.41.1.1:9"], ["[::ffff:c629:101]:1", " 198.41.1.1", "0:0:0:0:0:ffff:198.41.1.1"], "198.41.1.2"],
      [["2001:db8:41::1", "[2001:db8:41::2]:5", "2001:DB8:41:0:ffff::3%eth0"], ["2001:db8:41::99", "2001:0db8:0041:0000:0001::1", "[2001:db8:41::7%25eth1]:80"], "2001:db8:42::1"],
    ];
    for (const [offend, after, other] of cases) {
      const codes: (number | string)[] = [];
      for (const s of offend) codes.push(await oversized(server.url, 8192, { headers: xff(s) }));
      expect(codes).toEqual([1009, 1009, 1009]);
      for (const s of after) expect((await upgrade(server.url, { headers: xff(s) })).status, s).toBe(429);
      expect((await upgrade(server.url, { headers: xff(other) })).status, other).toBe(101);
    }
  }, 90_000);

  it("open data: one client's spellings and path variants share one budget; another client is still served", async () => {
    const spellings = ["203.0.113.90", "::ffff:203.0.113.90", "::ffff:cb00:715a", "203.0.113.90:443", "[::ffff:203.0.113.90]:8443", " 203.0.113.90 "];
    const paths = ["/open/wiltshire/ocds.json", "/open/dorset/360giving.json", "/OPEN/wiltshire/ocds.json", "/open/WILTSHIRE/ocds.json", "/open/wiltshire/ocds.json?x=1", "/open/wiltshire/ocds.json/", "/open/durham/transparency.json", "/open/nosuch/ocds.json"];
    let answered = 0;
    let refused = false;
    for (let i = 0; i < 3 * LIMIT && !refused; i++) {
      const r = await request(server.url, { method: "GET", path: paths[i % paths.length], headers: xff(spellings[i % spellings.length]) });
      if (r.status === 429) refused = true;
      else answered++;
    }
    expect(refused, "no spelling or path was ever refused").toBe(true);
    expect(answered).toBeLessThanOrEqual(LIMIT);
    expect((await request(server.url, { method: "GET", path: "/open/wiltshire/ocds.json", headers: xff("203.0.113.91") })).status).toBe(200);
  }, 90_000);
});
