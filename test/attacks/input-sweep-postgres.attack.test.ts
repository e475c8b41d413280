import type { TestServer } from "../api/harness.js";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";
import { inputSweep, SWEEP_ENV } from "./input-sweep.case.js";

// The schema-generated bad-input sweep (input-sweep.case.ts) on a scratch PostgreSQL database: its integers are
// 32-bit and its text holds no U+0000, where SQLite's would take both.
// DATABASE_URL must be set before the entity modules load, hence the dynamic import of the harness.
const unreachable = await postgresUnreachable();
let server: TestServer | undefined;
let database: ScratchDatabase | undefined;
let restoreUrl: (() => void) | undefined;
inputSweep({
  name: "PostgreSQL",
  skip: skipWithoutPostgres(unreachable, "the PostgreSQL bad-input sweep"),
  async start() {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    database = await scratchDatabase("hub_input_sweep");
    restoreUrl = useDatabaseUrl(database.url);
    const harness = await import("../api/harness.js");
    server = await harness.startTestServer({ env: { ...SWEEP_ENV, DATABASE_URL: database.url } });
    return server;
  },
  async stop() {
    await server?.close();
    await database?.drop();
    restoreUrl?.();
  },
});
