/*
 * red8: two separate deployments (each its own database) that share one Redis, as a staging and a production
 * install, or two CI runs, may. The budgets and the penalty box live in Redis when REDIS_URL is set. A box or a
 * login lock earned in one deployment must not fall on the other deployment's user who happens to have the same
 * id or e-mail: user 8 of one database is not user 8 of another. Real HTTP servers, real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../api/harness.js";
import { postgresAndRedisUnreachable, REDIS_URL } from "../support/services.js";
import { init, oversized, sleep } from "./red8-kit.js";

const unreachable = await postgresAndRedisUnreachable();
if (unreachable && !process.env.CI) console.warn(`Skipping red8's shared-Redis attacks: ${unreachable}`);

describe.skipIf(unreachable !== null && !process.env.CI)("red8: two deployments sharing one Redis", () => {
  let x: TestServer;
  let y: TestServer;
  const env = { REDIS_URL, WS_MAX_PAYLOAD_BYTES: "4096", WS_PENALTY_OFFENCES: "2", WS_PENALTY_ADDRESS_OFFENCES: "50", WS_PENALTY_SECONDS: "30", RATE_LIMIT_PER_MINUTE: "40" };
  beforeAll(async () => {
    // Set-up requests (the admin's) would count against the admin's budget: the admin gets its own budget per test.
    x = await startTestServer({ env });
    y = await startTestServer({ env });
  }, 120_000);
  afterAll(async () => {
    await x?.close();
    await y?.close();
  });

  /** A new user in a deployment: the same e-mail and, both databases being fresh copies of the seed, the same id. */
  async function newUser(server: TestServer, email: string): Promise<number> {
    const office = (await server.http<any>("admin@demo.example", "{ me { id } offices { id code } }")).data!.offices.find((o: any) => o.code === "dorset").id;
    const r = await server.http<any>("admin@demo.example", "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }", { i: { email, name: "Red Eight", role: "OFFICER", officeId: office, password: "red8-password-2026" } });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data!.createUser.id;
  }

  it("a WebSocket penalty box earned in deployment X does not refuse deployment Y's user with the same id", async () => {
    const email = `red8-box-${Date.now()}@demo.example`;
    const idX = await newUser(x, email);
    const idY = await newUser(y, `other-${email}`);
    expect(idY, "the two deployments' new users must share an id for this test").toBe(idX);
    const tokenX = await x.tokenFor(email);
    expect(await oversized(x.url, 8192, { localAddress: "127.0.41.1", token: tokenX })).toBe(1009);
    expect(await oversized(x.url, 8192, { localAddress: "127.0.41.1", token: tokenX })).toBe(1009);
    await sleep(300);
    expect((await init(x.url, tokenX, { localAddress: "127.0.41.2" })).result).toMatch(/^closed 4032/); // boxed where earned
    const r = await init(y.url, await y.tokenFor(`other-${email}`), { localAddress: "127.0.41.3" });
    r.sock?.socket.close();
    expect(r.result).toBe("ack");
  });

  it("an HTTP rate-limit budget spent in deployment X is not charged to deployment Y's user with the same id", async () => {
    const email = `red8-rate-${Date.now()}@demo.example`;
    const idX = await newUser(x, email);
    expect(await newUser(y, email)).toBe(idX);
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await x.http(email, "{ me { id } }")).status);
    expect(statuses.filter((s) => s === 429).length, "X's own limit").toBeGreaterThan(0);
    expect((await y.http(email, "{ me { id } }")).status).toBe(200);
  }, 120_000);

  it("a login lock earned in deployment X does not lock the same e-mail in deployment Y", async () => {
    const email = `red8-lock-${Date.now()}@demo.example`;
    await newUser(x, email);
    await newUser(y, email);
    const login = (server: TestServer, password: string) => server.http<any>(null, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", { e: email, p: password });
    expect((await login(y, "red8-password-2026")).data?.login?.token, "control: the password works in Y before").toBeTruthy();
    for (let i = 0; i < 6; i++) await login(x, `wrong-password-${i}-xxxx`);
    expect((await login(x, "red8-password-2026")).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED"); // locked in X
    const inY = await login(y, "red8-password-2026");
    expect(inY.errors, JSON.stringify(inY.errors)).toBeUndefined();
    expect(inY.data?.login?.token).toBeTruthy();
  });
});
