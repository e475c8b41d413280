import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";
import { versionedUpdatesReturnTheRow } from "./versioned-returning.case.js";

describe("versioned updates return the row they wrote (SQLite)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test("every versioned entity: the returned row equals a fresh read, the version moves by one, a stale one conflicts", async () => {
    const covered = await versionedUpdatesReturnTheRow(server.services.writer.dataSource, server.services.writer);
    expect(covered).toEqual(expect.arrayContaining(["PerformanceReturn", "Contract", "Office", "User", "ReportingPeriod", "Target", "Risk", "Decision", "ProjectBrief"]));
  });
});
