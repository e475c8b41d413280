import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bcrypt from "bcryptjs";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPassword, hashPassword } from "../../server/auth/passwords.js";
import { loadConfig } from "../../server/config.js";
import { DEMO_PASSWORD } from "../../server/db/seed/demo-users.js";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { User } from "../../server/modules/users/user.entity.js";
import { codes, startTestServer, type TestServer } from "./harness.js";
import { rawSocket } from "./raw-ws.js";

const OFFICER = "officer@wiltshire.demo.example";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

async function post(body: unknown, token?: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}
const login = (email: string, password: string) => post({ query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", variables: { e: email, p: password } });
const sign = (secret: string, claims: { sub: string; ver: number; exp?: number }) => {
  const jwt = new SignJWT({ ver: claims.ver }).setProtectedHeader({ alg: "HS256" }).setSubject(claims.sub).setIssuer("commissioning-hub").setIssuedAt();
  if (claims.exp) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(secret));
};
const users = () => server.services.writer.dataSource.manager;

describe("the token secret", () => {
  it("is generated on first start into the data folder, readable by the owner only, and reused on the next start", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ch-secret-"));
    const first = loadConfig({ DATABASE_PATH: path.join(dir, "db.sqlite") });
    const file = path.join(dir, "token-secret");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.tokenSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATABASE_PATH: path.join(dir, "db.sqlite") }).tokenSecret).toBe(first.tokenSecret);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "ch-secret-"));
    expect(loadConfig({ DATABASE_PATH: path.join(elsewhere, "db.sqlite") }).tokenSecret).not.toBe(first.tokenSecret);
    // An explicit TOKEN_SECRET wins, and a short one is refused.
    expect(loadConfig({ DATABASE_PATH: path.join(dir, "db.sqlite"), TOKEN_SECRET: "x".repeat(40) }).tokenSecret).toBe("x".repeat(40));
    expect(() => loadConfig({ DATABASE_PATH: path.join(dir, "db.sqlite"), TOKEN_SECRET: "short" })).toThrow(/at least 32/);
  });

  it("signs with the secret a restart on the same data folder loads again, so a login outlives the restart", async () => {
    const token = (await login(OFFICER, DEMO_PASSWORD)).data.login.token;
    expect(fs.readFileSync(path.join(server.dir, "token-secret"), "utf8").trim()).toBe(server.services.config.tokenSecret);
    expect(loadConfig({ DATABASE_PATH: path.join(server.dir, "test.sqlite") }).tokenSecret).toBe(server.services.config.tokenSecret);
    expect((await post({ query: "{ me { email } }" }, token)).data.me.email).toBe(OFFICER);
  });

  it("does not accept a token signed with the old public development secret", async () => {
    const admin = await users().findOneByOrFail(User, { email: "admin@demo.example" });
    const forged = await sign("commissioning-hub-development-secret-change-me", { sub: String(admin.id), ver: admin.tokenVersion, exp: Math.floor(Date.now() / 1000) + 3600 });
    expect((await post({ query: "{ me { id } }" }, forged)).data.me).toBeNull();
    expect(codes((await post({ query: "{ users { id } }" }, forged)) as never)).toEqual(["UNAUTHENTICATED"]);
  });

  it("refuses a correctly signed token without exp, over HTTP and WebSocket", async () => {
    const officer = await users().findOneByOrFail(User, { email: OFFICER });
    const secret = server.services.config.tokenSecret;
    const forever = await sign(secret, { sub: String(officer.id), ver: officer.tokenVersion });
    const expiring = await sign(secret, { sub: String(officer.id), ver: officer.tokenVersion, exp: Math.floor(Date.now() / 1000) + 60 });
    expect((await post({ query: "{ me { email } }" }, expiring)).data.me.email).toBe(OFFICER); // the same token with exp works
    expect((await post({ query: "{ me { email } }" }, forever)).data.me).toBeNull();
    expect(codes((await post({ query: "{ contracts { totalCount } }" }, forever)) as never)).toEqual(["UNAUTHENTICATED"]);
    await expect(rawSocket(server.url, forever)).rejects.toThrow(/closed 4403/);
  });
});

describe("passwords", () => {
  it("are stored as argon2id, fast enough for the demo seed", async () => {
    const started = performance.now();
    const hash = await hashPassword(DEMO_PASSWORD);
    const took = performance.now() - started;
    console.log(`argon2id hash: ${took.toFixed(0)} ms`);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(took).toBeLessThan(1000);
    expect((await users().findOneByOrFail(User, { email: OFFICER })).passwordHash).toMatch(/^\$argon2id\$/);
    expect(await checkPassword(DEMO_PASSWORD, hash)).toEqual({ ok: true, rehash: false });
    expect(await checkPassword(`${DEMO_PASSWORD}x`, hash)).toEqual({ ok: false, rehash: false });
  });

  it("upgrades a bcrypt hash to argon2id at the next successful login, and only then", async () => {
    const email = "officer@durham.demo.example";
    await users().update(User, { email }, { passwordHash: await bcrypt.hash(DEMO_PASSWORD, 4) });
    expect(codes((await login(email, "wrong-password-here")) as never)).toEqual(["UNAUTHENTICATED"]);
    expect((await users().findOneByOrFail(User, { email })).passwordHash).toMatch(/^\$2[ab]\$/);
    expect((await login(email, DEMO_PASSWORD)).data.login.token).toEqual(expect.any(String));
    const upgraded = await users().findOneByOrFail(User, { email });
    expect(upgraded.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await users().countBy(AuditEvent, { action: "user.password-rehash", entityId: upgraded.id })).toBe(1);
    expect((await login(email, DEMO_PASSWORD)).data.login.token).toEqual(expect.any(String));
  });

  it("never truncates: a bcrypt-era password past 72 bytes no longer matches on its first 72 bytes", async () => {
    const email = "officer@dorset.demo.example";
    const long = `${"a".repeat(72)}-the-real-ending`;
    await users().update(User, { email }, { passwordHash: await bcrypt.hash(long, 4) });
    expect(await bcrypt.compare(`${"a".repeat(72)}-another-ending`, (await users().findOneByOrFail(User, { email })).passwordHash)).toBe(true); // what bcrypt alone does
    expect(codes((await login(email, `${"a".repeat(72)}-another-ending`)) as never)).toEqual(["UNAUTHENTICATED"]);
  });

  it("refuses passwords longer than 200 characters with BAD_USER_INPUT instead of cutting them", async () => {
    const tooLong = await login(OFFICER, "p".repeat(201));
    expect(codes(tooLong as never)).toEqual(["BAD_USER_INPUT"]);
    expect(tooLong.errors![0].extensions.problems).toEqual([expect.objectContaining({ field: "password", rule: "maxLength" })]);
    const admin = await server.tokenFor("admin@demo.example");
    const create = await post(
      { query: "mutation($p: String!) { createUser(input: { email: \"long@demo.example\", name: \"Long\", password: $p, role: ADMIN }) { id } }", variables: { p: "p".repeat(201) } },
      admin,
    );
    expect(codes(create as never)).toEqual(["BAD_USER_INPUT"]);
    const created = await post(
      { query: "mutation($p: String!) { createUser(input: { email: \"long@demo.example\", name: \"Long\", password: $p, role: ADMIN }) { id } }", variables: { p: "p".repeat(200) } },
      admin,
    );
    expect(created.errors).toBeUndefined();
    expect((await login("long@demo.example", "p".repeat(200))).data.login.token).toEqual(expect.any(String));
    expect(codes((await login("long@demo.example", "p".repeat(199))) as never)).toEqual(["UNAUTHENTICATED"]);
  });
});
