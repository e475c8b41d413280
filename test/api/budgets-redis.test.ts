import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.js";
import { Budgets, spend } from "../../server/security/budgets.js";

const REDIS = { host: "127.0.0.1", port: 6379 };
const reachable = await new Promise<boolean>((resolve) => {
  const socket = net.connect(REDIS, () => (socket.end(), resolve(true)));
  socket.on("error", () => resolve(false));
});
if (!reachable && !process.env.CI) console.warn("Skipping the Redis budget test: no Redis at 127.0.0.1:6379");

describe.skipIf(!reachable && !process.env.CI)("budgets in Redis (REDIS_URL)", () => {
  const prefix = `${Date.now()}-${process.pid}`;
  const env = { DATABASE_PATH: path.join(os.tmpdir(), `ch-budgets-${prefix}`, "x.sqlite"), REDIS_URL: `redis://${REDIS.host}:${REDIS.port}`, LOGIN_MAX_FAILURES: "2", RATE_LIMIT_PER_MINUTE: "5", WS_PENALTY_OFFENCES: "2", WS_PENALTY_SECONDS: "30" };
  // Two instances of the server, each with its own Budgets, sharing one Redis.
  const one = new Budgets(loadConfig(env));
  const two = new Budgets(loadConfig(env));
  afterAll(() => {
    one.close();
    two.close();
  });

  it("are shared between instances: a lock taken on one holds on the other, and so does a spent rate budget", async () => {
    await Promise.all([one.whenConnected(), two.whenConnected()]);
    const account = `someone-${prefix}@demo.example`;
    await one.logins.attempt(account);
    await two.logins.attempt(account);
    expect(await one.logins.isLocked(account)).toBe(true);
    expect(await two.logins.isLocked(account)).toBe(true);
    const client = `user:test-${prefix}`;
    expect(await spend(one.http!, client, 3)).toBe(0);
    expect(await spend(two.http!, client, 2)).toBe(0);
    expect(await spend(one.http!, client, 1)).toBeGreaterThan(0);
  });

  it("share the WebSocket penalty box: an account boxed for offences on two instances is refused by both", async () => {
    await Promise.all([one.whenConnected(), two.whenConnected()]);
    const key = `user:penalty-${prefix}`;
    expect(await one.penaltyAccounts.offend(key)).toEqual([]);
    expect(await two.penaltyAccounts.offend(key)).toEqual([key]);
    expect(await two.penaltyAccounts.boxed(key)).toBeGreaterThan(29_000);
    // The first instance never saw the box being made: it learns it from Redis.
    expect(one.penaltyAccounts.boxedLocally(key)).toBe(0);
    expect(await one.penaltyAccounts.boxed(key)).toBeGreaterThan(29_000);
    expect(await one.penaltyAccounts.boxed(`user:someone-else-${prefix}`)).toBe(0);
  });
});
