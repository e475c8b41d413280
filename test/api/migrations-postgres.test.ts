import pg from "pg";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test";

// Entity column types follow DATABASE_URL when their modules load (column-types.ts), so it is set
// before the data source, and with it every entity, is imported.
const previousUrl = process.env.DATABASE_URL;
process.env.DATABASE_URL = POSTGRES_URL;
const { openDatabase } = await import("../../server/db/data-source.js");
const { seedDemoData } = await import("../../server/db/seed/demo-seed.js");

/** Why PostgreSQL cannot be used, or undefined when it can. */
async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await probe(POSTGRES_URL);
// CI provides PostgreSQL, so there an unreachable server fails the run instead of passing it quietly.
const skip = unreachable !== undefined && !process.env.CI;
if (skip) {
  console.warn(`Skipping the PostgreSQL migration tests: cannot reach ${POSTGRES_URL} (${unreachable}). With CI set they fail instead.`);
}

async function drift(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((query) => query.query);
}

describe.skipIf(skip)("migrations on PostgreSQL", () => {
  // A schema of its own per run, so parallel runs and other test files never meet.
  const schema = `migrations_test_${process.pid}_${Date.now()}`;
  let admin: pg.Client;
  let dataSource: DataSource;

  async function tableNames(): Promise<string[]> {
    const { rows } = await admin.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
      [schema],
    );
    return rows.map((row) => row.table_name);
  }

  beforeAll(async () => {
    if (unreachable) throw new Error(`PostgreSQL at ${POSTGRES_URL} is unreachable (${unreachable}); CI requires it.`);
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    dataSource = await openDatabase({ databasePath: "", databaseUrl: POSTGRES_URL }, schema);
    await seedDemoData(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
  });

  it("creates the schema the entities declare", async () => {
    expect(await dataSource.showMigrations(), "migrations left pending").toBe(false);
    const queries = await drift(dataSource);
    expect(queries, `schema drift, the migrations miss:\n${queries.join(";\n")}`).toEqual([]);
    const entityTables = dataSource.entityMetadatas.map((metadata) => metadata.tableName);
    expect(await tableNames()).toEqual([...entityTables, "migrations"].sort());
  });

  it("loads the demo data with the documents' figures, once", async () => {
    const total = async (sql: string, params: unknown[]) => Number((await dataSource.query(sql, params))[0].total);
    const t = (table: string) => `"${schema}"."${table}"`;
    const streams2324 = `SELECT SUM(y."amountPence") AS total FROM ${t("funding_stream_year")} y JOIN ${t("funding_stream")} s ON s.id = y."streamId" JOIN ${t("office")} o ON o.id = s."officeId" WHERE o.code = $1 AND y.year = $2`;
    expect(await total(streams2324, ["wiltshire", "2023-24"])).toBe(456_100_000);
    const committed = `SELECT SUM(l."amountPence") AS total FROM ${t("funding_line")} l JOIN ${t("contract")} c ON c.id = l."contractId" JOIN ${t("office")} o ON o.id = c."officeId" WHERE o.code = $1 AND l.year = $2 AND l.status = $3`;
    expect(await total(committed, ["dorset", "2019-20", "COMMITTED"])).toBe(173_300_000);
    expect(await total(committed, ["dorset", "2019-20", "PLANNED"])).toBe(55_100_000);
    const counts = async () => Promise.all(["office", "contract", "performance_return", "return_revision", "user"].map((table) => total(`SELECT COUNT(*) AS total FROM ${t(table)}`, [])));
    const before = await counts();
    await seedDemoData(dataSource);
    expect(await counts()).toEqual(before);
  });

  it("undoes to an empty schema and redoes without drift", async () => {
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration({ transaction: "each" });
    expect(await tableNames()).toEqual(["migrations"]);

    await dataSource.runMigrations({ transaction: "each" });
    const queries = await drift(dataSource);
    expect(queries, `schema drift after down and up:\n${queries.join(";\n")}`).toEqual([]);
  });
});
