/*
 * red8: the HTTP work-charged rate limit, attacked from outside. Evading it (spoofed forwarding headers, forged or
 * random tokens, a chunked body that declares no Content-Length) and framing someone with it (their address in a
 * header, their user id in a token that is not valid). Real server process, requests from distinct loopback addresses.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type ServerProcess, TEST_TOKEN_SECRET } from "../support/server-process.js";
import { forged, PASSWORD, postFrom } from "./red8-kit.js";

const LIMIT = 100;
let server: ServerProcess;
const tokens: Record<string, string> = {};
const ME = JSON.stringify({ query: "{ me { id } }" });

async function loginFrom(email: string, localAddress: string): Promise<string> {
  const r = await postFrom(server.url, JSON.stringify({ query: "mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}", variables: { e: email, p: PASSWORD } }), { localAddress });
  const token = JSON.parse(r.text).data?.login?.token;
  if (!token) throw new Error(`login ${email}: ${r.status} ${r.text}`);
  return token;
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "red8-http-"));
  server = await startServer({ databasePath: path.join(dir, "hub.sqlite"), timeoutMs: 90_000, env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  let n = 1;
  for (const email of ["officer@durham.demo.example", "commissioner@wiltshire.demo.example", "provider-b@demo.example", "provider-a@demo.example", "officer@dorset.demo.example"]) tokens[email] = await loginFrom(email, `127.0.30.${n++}`);
}, 120_000);
afterAll(() => server && process.kill(-server.child.pid!, "SIGKILL"));

const spoof = (address: string) => ({ "x-forwarded-for": address, forwarded: `for=${address}`, "x-real-ip": address, "true-client-ip": address, "cf-connecting-ip": address });
const tally = (statuses: number[]) => statuses.reduce<Record<string, number>>((t, s) => ((t[s] = (t[s] ?? 0) + 1), t), {});

describe("red8: evading the HTTP rate limit", () => {
  it("an anonymous client that claims a new X-Forwarded-For / Forwarded address on every request is still limited by its own", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 12; i++) statuses.push((await postFrom(server.url, ME, { localAddress: "127.0.31.1", headers: spoof(`198.51.100.${i % 250}`) })).status);
    expect(tally(statuses)["429"] ?? 0).toBeGreaterThanOrEqual(6);
  });

  it("a client sending a different forged token (random user id, wrong key) on every request is still limited", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 12; i++) {
      const fake = await forged(tokens["provider-a@demo.example"], { secret: "wrong-key-wrong-key-wrong-key-wrong-key", claims: { sub: String(1000 + i) } });
      statuses.push((await postFrom(server.url, ME, { localAddress: "127.0.32.1", headers: { authorization: `Bearer ${fake}` } })).status);
    }
    expect(tally(statuses)["429"] ?? 0).toBeGreaterThanOrEqual(6);
  });

  it("a body sent chunked (no Content-Length) is charged for its size like a declared one", async () => {
    // 1 MB of variables: 64 points at 1 per 16 KB. Eight of them are 512 points; the budget is 100.
    const body = JSON.stringify({ query: "query($pad: String) { me { id } }", variables: { pad: "x".repeat(1024 * 1024) } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await postFrom(server.url, body, { localAddress: "127.0.33.1", headers: { authorization: `Bearer ${tokens["provider-b@demo.example"]}` }, chunked: true })).status);
    const served = statuses.filter((s) => s !== 429).length;
    expect({ served, statuses }).toMatchObject({ served: expect.any(Number) });
    expect(served).toBeLessThanOrEqual(2);
  });
});

describe("red8: framing someone with the HTTP rate limit", () => {
  it("spoofing a victim's address in forwarding headers does not use up the victim's budget", async () => {
    const victim = "127.0.34.9";
    // From five real addresses, none of which reaches the limit on its own.
    for (let a = 1; a <= 5; a++) for (let i = 0; i < 30; i++) await postFrom(server.url, ME, { localAddress: `127.0.34.${a}`, headers: spoof(victim) });
    const r = await postFrom(server.url, ME, { localAddress: victim });
    expect(r.status).toBe(200);
  });

  it("a token with the victim's user id signed with the wrong key does not use up the victim's budget", async () => {
    const victim = tokens["officer@durham.demo.example"];
    const fake = await forged(victim, { secret: "wrong-key-wrong-key-wrong-key-wrong-key" });
    for (let a = 1; a <= 5; a++) for (let i = 0; i < 30; i++) await postFrom(server.url, ME, { localAddress: `127.0.35.${a}`, headers: { authorization: `Bearer ${fake}` } });
    const r = await postFrom(server.url, ME, { localAddress: "127.0.35.99", headers: { authorization: `Bearer ${victim}` } });
    expect(r.status).toBe(200);
  });

  it("an expired (correctly signed) token of the victim does not use up the victim's budget", async () => {
    const victim = tokens["commissioner@wiltshire.demo.example"];
    const stale = await forged(victim, { secret: TEST_TOKEN_SECRET, expiredSecondsAgo: 3600 });
    for (let a = 1; a <= 5; a++) for (let i = 0; i < 30; i++) await postFrom(server.url, ME, { localAddress: `127.0.36.${a}`, headers: { authorization: `Bearer ${stale}` } });
    const r = await postFrom(server.url, ME, { localAddress: "127.0.36.99", headers: { authorization: `Bearer ${victim}` } });
    expect(r.status).toBe(200);
  });
});

describe("red8: the 10 MB shape over budget", () => {
  it("a 10 MB upload over budget gets a coded 429 (TOO_MANY_REQUESTS) that the client can read, not a reset", async () => {
    const t = tokens["officer@dorset.demo.example"];
    const csv = "contract_reference,measure_code,value,comment\n" + "X,Y,1,".padEnd(100, "z").concat("\n").repeat(100_000);
    const body = JSON.stringify({ query: "mutation($p: Int!, $csv: String!, $key: String!) { uploadReturnsCsv(periodId: $p, csv: $csv, idempotencyKey: $key) { totalRows } }", variables: { p: 1, csv, key: "red8" } });
    const results: { status: number; text: string }[] = [];
    for (let i = 0; i < 4; i++) results.push(await postFrom(server.url, body, { localAddress: "127.0.37.1", headers: { authorization: `Bearer ${t}` } }));
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const r of refused) expect(JSON.parse(r.text).errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
    expect(results.filter((r) => r.status === 0)).toEqual([]);
  });
});
