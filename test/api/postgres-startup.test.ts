import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { acknowledged, crash, gql, login, startServer, type ServerProcess } from "../support/server-process.js";

/*
 * Two instances started at the same moment on an empty PostgreSQL database (issue 15): migrations and the demo seed
 * run under an advisory lock, so one does the work and the other waits and then finds it done. Both come up.
 */
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
const ROUNDS = 2;

async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return `PostgreSQL: ${(error as Error).message}`;
  }
}
const unreachable = await reachable();
if (unreachable && !process.env.CI) console.warn(`Skipping the PostgreSQL start-up test: ${unreachable}`);

describe.skipIf(unreachable !== null && !process.env.CI)("two instances starting together on an empty PostgreSQL database", () => {
  const databases: string[] = [];
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
  });

  it(`both come up, and the database is migrated and seeded once (${ROUNDS} rounds)`, async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    for (let round = 1; round <= ROUNDS; round++) {
      const database = `hub_startup_${process.pid}_${Date.now()}_${round}`;
      databases.push(database);
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      const url = `postgres://postgres@127.0.0.1:5432/${database}`;
      const servers: ServerProcess[] = [];
      try {
        const started = await Promise.allSettled([0, 1].map(() => startServer({ env: { DATABASE_URL: url }, timeoutMs: 90_000 })));
        for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
        expect(started.map((s) => (s.status === "fulfilled" ? "up" : String(s.reason).slice(0, 2000)))).toEqual(["up", "up"]);
        for (const server of servers) {
          const officer = await login(server.url, "officer@wiltshire.demo.example", "demo-password-2026");
          expect(acknowledged(await gql(server.url, officer.token, "{ me { id } }"))).toBe(true);
        }
        const check = new pg.Client({ connectionString: url });
        await check.connect();
        const [{ offices }] = (await check.query(`SELECT COUNT(*)::int AS offices FROM office`)).rows;
        const [{ migrations }] = (await check.query(`SELECT COUNT(*)::int AS migrations FROM migrations`)).rows;
        const [{ files }] = [{ files: (await import("../../server/db/migrations/index.js")).migrations.length }];
        await check.end();
        expect(offices).toBe(3);
        expect(migrations).toBe(files);
      } finally {
        for (const server of servers) await crash(server);
        await admin.end();
      }
    }
  });
});
