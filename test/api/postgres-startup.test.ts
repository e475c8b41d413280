import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { acknowledged, crash, gql, login, startServer, type ServerProcess } from "../support/server-process.js";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, type ScratchDatabase } from "../support/services.js";

/*
 * Two instances started at the same moment on an empty PostgreSQL database (issue 15): migrations and the demo seed
 * run under an advisory lock, so one does the work and the other waits and then finds it done. Both come up.
 */
const ROUNDS = 2;
const unreachable = await postgresUnreachable();

describe.skipIf(skipWithoutPostgres(unreachable, "the PostgreSQL start-up test"))("two instances starting together on an empty PostgreSQL database", () => {
  const databases: ScratchDatabase[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it(`both come up, and the database is migrated and seeded once (${ROUNDS} rounds)`, async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    for (let round = 1; round <= ROUNDS; round++) {
      const database = await scratchDatabase(`hub_startup_${round}`);
      databases.push(database);
      const url = database.url;
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
      }
    }
  });
});
