import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";

// versioned-returning.case.ts on PostgreSQL. DATABASE_URL must be set before any entity module loads.
const unreachable = await postgresUnreachable();

describe.skipIf(skipWithoutPostgres(unreachable, "PostgreSQL versioned updates"))("versioned updates return the row they wrote (PostgreSQL)", () => {
  let database: ScratchDatabase;
  let restoreUrl: () => void;
  let server: Awaited<ReturnType<typeof import("./harness.js").startTestServer>>;

  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    database = await scratchDatabase("hub_versioned");
    restoreUrl = useDatabaseUrl(database.url);
    const harness = await import("./harness.js");
    server = await harness.startTestServer({ env: { DATABASE_URL: database.url } });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await database?.drop();
    restoreUrl?.();
  });

  test("every versioned entity: the returned row equals a fresh read, the version moves by one, a stale one conflicts", async () => {
    const { versionedUpdatesReturnTheRow } = await import("./versioned-returning.case.js");
    const covered = await versionedUpdatesReturnTheRow(server.services.writer.dataSource, server.services.writer);
    expect(covered).toEqual(expect.arrayContaining(["PerformanceReturn", "Contract", "Office", "User", "ReportingPeriod", "Target", "Risk", "Decision", "ProjectBrief"]));
  });
});
