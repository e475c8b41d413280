import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Entity column types follow DATABASE_URL when their modules load; this file checks the SQLite schema,
// so the variable must be unset before the data source (and with it every entity) is imported.
const previousUrl = process.env.DATABASE_URL;
delete process.env.DATABASE_URL;
const { openDatabase } = await import("../../server/db/data-source.js");

/** What `synchronize` would run to make the database match the entities: nothing, if the migrations are right. */
async function drift(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((query) => query.query);
}

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return rows.map((row) => row.name);
}

describe("migrations on SQLite", () => {
  let directory: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-migrations-"));
    dataSource = await openDatabase({ databasePath: path.join(directory, "hub.sqlite"), databaseUrl: undefined });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
    if (previousUrl !== undefined) process.env.DATABASE_URL = previousUrl;
  });

  it("creates the schema the entities declare", async () => {
    expect(await dataSource.showMigrations(), "migrations left pending").toBe(false);
    const queries = await drift(dataSource);
    expect(queries, `schema drift, the migrations miss:\n${queries.join(";\n")}`).toEqual([]);
    const entityTables = dataSource.entityMetadatas.map((metadata) => metadata.tableName);
    expect(await tableNames(dataSource)).toEqual([...entityTables, "migrations"].sort());
  });

  it("undoes to an empty database and redoes without drift", async () => {
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration({ transaction: "each" });
    expect(await tableNames(dataSource)).toEqual(["migrations"]);

    await dataSource.runMigrations({ transaction: "each" });
    const queries = await drift(dataSource);
    expect(queries, `schema drift after down and up:\n${queries.join(";\n")}`).toEqual([]);
  });
});
