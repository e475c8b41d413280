import type { TestServer } from "../api/harness.js";
import {
  postgresUnreachable,
  scratchDatabase,
  skipWithoutPostgres,
  useDatabaseUrl,
  type ScratchDatabase,
} from "../support/services.js";
import { reviewRaceAttacks } from "./red15-review-races.case.js";

// red15's review races (red15-review-races.case.ts) on two server instances on one scratch PostgreSQL database.
// DATABASE_URL must be set before the entity modules load, hence the dynamic import of the harness.
const unreachable = await postgresUnreachable();
let servers: TestServer[] = [];
let database: ScratchDatabase | undefined;
let restoreUrl: (() => void) | undefined;
reviewRaceAttacks({
  name: "PostgreSQL, two instances",
  skip: skipWithoutPostgres(unreachable, "red15 PostgreSQL review races"),
  exactOddText: true,
  async start() {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    database = await scratchDatabase("hub_red15");
    restoreUrl = useDatabaseUrl(database.url);
    const harness = await import("../api/harness.js");
    const a = await harness.startTestServer({
      env: { DATABASE_URL: database.url },
    });
    const b = await harness.startTestServer({
      env: { DATABASE_URL: database.url },
      seed: false,
    });
    servers = [b, a];
    return { a, b };
  },
  async stop() {
    for (const server of servers) await server.close();
    await database?.drop();
    restoreUrl?.();
  },
});
