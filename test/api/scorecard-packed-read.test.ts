import { afterAll, beforeAll, describe, test } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";
import { packedReadMatchesRows } from "./scorecard-packed-read.case.js";

describe("the packed read of maintained cells (SQLite)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test("awkward doubles read back exactly, every cell equals the row-by-row read, and an infinite part falls back to it", async () => {
    await packedReadMatchesRows(server.services.writer.dataSource, server.services.db.manager);
  });
});
