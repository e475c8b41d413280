import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DataSource, EntityManager } from "typeorm";
import { afterAll, describe, expect, it } from "vitest";

// Entity column types follow DATABASE_URL when their modules load; this file checks SQLite, so unset it first.
const previousUrl = process.env.DATABASE_URL;
delete process.env.DATABASE_URL;
const { openDatabase } = await import("../../server/db/data-source.js");
const { createServices } = await import("../../server/services.js");
const { loadConfig } = await import("../../server/config.js");

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-durability-"));
afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
  if (previousUrl !== undefined) process.env.DATABASE_URL = previousUrl;
});

async function pragmas(on: DataSource | EntityManager): Promise<{ journal: string; synchronous: number; busyTimeout: number }> {
  const [{ journal_mode: journal }] = await on.query("PRAGMA journal_mode");
  const [{ synchronous }] = await on.query("PRAGMA synchronous");
  const [{ timeout: busyTimeout }] = await on.query("PRAGMA busy_timeout");
  return { journal, synchronous, busyTimeout };
}

/** Bytes 18 and 19 of a SQLite file are 2 when it is in WAL mode, which persists in the file. */
function headerSaysWal(file: string): boolean {
  const header = fs.readFileSync(file).subarray(0, 100);
  return header[18] === 2 && header[19] === 2;
}

describe("SQLite durability settings", () => {
  it("openDatabase on a fresh file: WAL, synchronous FULL and a busy timeout", async () => {
    const file = path.join(directory, "fresh.sqlite");
    const dataSource = await openDatabase({ databasePath: file, databaseUrl: undefined });
    try {
      const settings = await pragmas(dataSource);
      expect(settings.journal).toBe("wal");
      expect(settings.synchronous).toBe(2); // FULL: the WAL is synced at every commit
      expect(settings.busyTimeout).toBeGreaterThan(0);
    } finally {
      await dataSource.destroy();
    }
    expect(headerSaysWal(file)).toBe(true);
  });

  it("the connection the server writes with (inside a writer transaction) and the one it reads with", async () => {
    const file = path.join(directory, "services.sqlite");
    const services = await createServices(loadConfig({ DATABASE_PATH: file, NODE_ENV: "test" }));
    try {
      expect(services.writer.dataSource.options.type).toBe("sqlite");
      const inTransaction = await services.writer.run(null, (uow) => pragmas(uow.manager));
      const writer = await pragmas(services.writer.dataSource);
      const reader = await pragmas(services.db);
      for (const settings of [inTransaction, writer, reader]) {
        expect(settings.journal).toBe("wal");
        expect(settings.synchronous).toBe(2);
        expect(settings.busyTimeout).toBeGreaterThan(0);
      }
      expect(services.db).not.toBe(services.writer.dataSource);
    } finally {
      await services.close();
    }
    expect(headerSaysWal(file)).toBe(true);
  });
});
