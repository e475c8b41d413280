/* Guarantee 5: no public default secret, tokens must be HS256 with exp, tampering refused, long passwords refused (never truncated). */
import fs from "node:fs";
import path from "node:path";
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/server-process.js";
import { boot, gql, noInternals, rawSocket, signIn, TEST_TOKEN_SECRET, PASSWORD } from "./support.js";

const GUESSES = [
  "secret", "changeme", "change-me", "dev", "development", "test", "token-secret", "jwt-secret", "commissioning-hub", "commissioning-hub-secret",
  "commissioning-hub-dev-secret", "dev-secret-change-me", "demo-password-2026", "please-change-this-secret-0123456789", "0123456789abcdef0123456789abcdef",
  "a".repeat(32), "x".repeat(32), TEST_TOKEN_SECRET, "server-process-test-secret-0123456789", "test-secret-0123456789-0123456789", "",
];

const enc = (s: string) => new TextEncoder().encode(s);
async function sign(secret: string, claims: Record<string, unknown>, opts: { alg?: string; exp?: number | null; iss?: string | null } = {}): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? "HS256" }).setIssuedAt();
  if (opts.iss !== null) jwt = jwt.setIssuer(opts.iss ?? "commissioning-hub");
  if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 3600);
  return jwt.sign(enc(secret || "\0"));
}
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

async function refused(url: string, token: string): Promise<void> {
  const r = await gql(url, token, "{ contracts(first: 1) { totalCount } me { id role } }");
  expect(JSON.stringify(r), `token accepted: ${token.slice(0, 60)}…`).not.toMatch(/"totalCount"|"role"/);
  noInternals(JSON.stringify(r));
  await rawSocket(url, token).then(
    (ws) => {
      ws.socket.close();
      throw new Error(`WebSocket accepted forged token ${token.slice(0, 60)}…`);
    },
    () => undefined,
  );
}

describe("a server with a generated secret", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await boot({ TOKEN_SECRET: "" });
  });
  it("rejects tokens signed with every guessable secret, for admin and for the provider", async () => {
    for (const secret of GUESSES) for (const sub of ["1", "8"]) await refused(server.url, await sign(secret, { sub, ver: 0 }));
  });
  it("rejects alg=none and header/claim tampering of a real token", async () => {
    const real = await signIn(server.url, "provider-b@demo.example");
    const [h, p, s] = real.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    await refused(server.url, new UnsecuredJWT({ ...claims, sub: "1" }).encode());
    await refused(server.url, `${b64({ alg: "none" })}.${b64({ ...claims, sub: "1" })}.`);
    await refused(server.url, `${b64({ alg: "none", typ: "JWT" })}.${p}.`);
    await refused(server.url, `${h}.${b64({ ...claims, sub: "1" })}.${s}`);
    await refused(server.url, `${h}.${b64({ ...claims, role: "ADMIN", sub: "1" })}.${s}`);
    await refused(server.url, `${h}.${b64({ ...claims, exp: claims.exp + 10 ** 6 })}.${s}`);
    await refused(server.url, `${b64({ alg: "HS512" })}.${p}.${s}`);
    await refused(server.url, `${h}.${p}.${s.slice(0, -2)}AA`);
    // the generated secret file is not world-readable
    const file = path.join(path.dirname(server.output().match(/Data: (\S+)/)?.[1] ?? ""), "token-secret");
    if (fs.existsSync(file)) expect(fs.statSync(file).mode & 0o077).toBe(0);
  });
});

describe("a server with a known secret: claims are checked", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await boot();
  });
  it("no exp, expired, wrong issuer, wrong version, HS512 are all refused", async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(server.url, await sign(TEST_TOKEN_SECRET, { sub: "1", ver: 0 }, { exp: null }));
    await refused(server.url, await sign(TEST_TOKEN_SECRET, { sub: "1", ver: 0 }, { exp: now - 120 }));
    await refused(server.url, await sign(TEST_TOKEN_SECRET, { sub: "1", ver: 0, exp: "never" } as never, { exp: null }));
    await refused(server.url, await sign(TEST_TOKEN_SECRET, { sub: "1", ver: 99 }));
    await refused(server.url, await sign(TEST_TOKEN_SECRET, { sub: "01", ver: 0, }, { iss: "someone-else" }));
    await refused(server.url, await sign(TEST_TOKEN_SECRET, { sub: "admin@demo.example", ver: 0 }));
    await refused(server.url, await sign(TEST_TOKEN_SECRET, { sub: "1", ver: 0 }, { alg: "HS512" }));
  });

  it("a password over 200 characters is BAD_USER_INPUT, and its 200-character prefix is not what was stored", async () => {
    const admin = await signIn(server.url, "admin@demo.example");
    const long = "L".repeat(200) + "-tail";
    const created = await gql(server.url, admin, "mutation($p:String!){createUser(input:{email:\"long@attack.example\",name:\"Long Pass\",role:OFFICER,officeId:1,password:$p}){id}}", { p: long });
    expect(created.errors?.[0]?.extensions?.code, JSON.stringify(created)).toBe("BAD_USER_INPUT");
    const login = await gql(server.url, null, "mutation($p:String!){login(email:\"admin@demo.example\",password:$p){token}}", { p: PASSWORD + "x".repeat(300) });
    expect(login.data?.login?.token).toBeUndefined();
    noInternals(JSON.stringify(login));
    // a 73-byte password (beyond bcrypt's 72) must round-trip exactly: a 72-byte prefix must not log in
    const p73 = "p".repeat(72) + "Z";
    const ok = await gql(server.url, admin, "mutation($p:String!){createUser(input:{email:\"p73@attack.example\",name:\"Seventy Three\",role:OFFICER,officeId:1,password:$p}){id}}", { p: p73 });
    expect(ok.errors, JSON.stringify(ok)).toBeUndefined();
    const prefix = await gql(server.url, null, "mutation($p:String!){login(email:\"p73@attack.example\",password:$p){token}}", { p: "p".repeat(72) });
    expect(prefix.data?.login?.token, "72-byte prefix logged in: password truncated").toBeUndefined();
    const full = await gql(server.url, null, "mutation($p:String!){login(email:\"p73@attack.example\",password:$p){token}}", { p: p73 });
    expect(full.data?.login?.token).toBeTruthy();
    // multi-byte: 200 characters of 4-byte emoji (800 bytes) must not collapse to a prefix either
    const emoji = "😀".repeat(100) + "A";
    const e1 = await gql(server.url, admin, "mutation($p:String!){createUser(input:{email:\"emoji@attack.example\",name:\"Emoji User\",role:OFFICER,officeId:1,password:$p}){id}}", { p: emoji });
    if (!e1.errors) {
      const e2 = await gql(server.url, null, "mutation($p:String!){login(email:\"emoji@attack.example\",password:$p){token}}", { p: "😀".repeat(100) + "B" });
      expect(e2.data?.login?.token, "emoji password truncated").toBeUndefined();
    }
  });
});
afterAll(() => {});
