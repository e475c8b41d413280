import { afterAll, beforeAll, describe, test } from "vitest";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";

// The packed read (scorecard-packed-read.case.ts) on PostgreSQL: string_agg of float8's own text. DATABASE_URL must
// be set before any entity module loads.
const unreachable = await postgresUnreachable();

describe.skipIf(skipWithoutPostgres(unreachable, "the PostgreSQL packed read"))("the packed read of maintained cells (PostgreSQL)", () => {
  let database: ScratchDatabase;
  let restoreUrl: () => void;
  let server: Awaited<ReturnType<typeof import("./harness.js").startTestServer>>;

  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    database = await scratchDatabase("hub_packed");
    restoreUrl = useDatabaseUrl(database.url);
    const harness = await import("./harness.js");
    server = await harness.startTestServer({ env: { DATABASE_URL: database.url } });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await database?.drop();
    restoreUrl?.();
  });

  test("awkward doubles read back exactly, every cell equals the row-by-row read, and an infinite part falls back to it", async () => {
    const { packedReadMatchesRows } = await import("./scorecard-packed-read.case.js");
    await packedReadMatchesRows(server.services.writer.dataSource, server.services.db.manager);
  });
});
