import fs from "node:fs";
import path from "node:path";
import { DataSource } from "typeorm";
import type { Config } from "../config.js";
import { entities } from "./entities.js";
import { migrations } from "./migrations/index.js";

export type DatabaseConfig = Pick<Config, "databasePath" | "databaseUrl"> & Partial<Pick<Config, "busyTimeoutMs">>;

/** `schema` (PostgreSQL only) puts every table in that schema, which must exist; tests use one per run. */
export function createDataSource(config: DatabaseConfig, schema?: string): DataSource {
  if (config.databaseUrl) {
    return new DataSource({
      type: "postgres",
      url: config.databaseUrl,
      schema,
      entities,
      migrations,
      migrationsTransactionMode: "each",
      synchronize: false,
      logging: false,
    });
  }
  fs.mkdirSync(path.dirname(config.databasePath), { recursive: true });
  return new DataSource({
    type: "sqlite",
    database: config.databasePath,
    entities,
    migrations,
    migrationsTransactionMode: "each",
    synchronize: false,
    logging: false,
    enableWAL: true,
    // Every connection (writer, readers) waits this long for a lock held by another connection or process.
    busyTimeout: config.busyTimeoutMs ?? 5000,
  });
}

/** SQLite settings an acknowledged write depends on; checked at start-up so a wrong build or file fails loudly. */
export async function assertDurableSqlite(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== "sqlite") return;
  await dataSource.query("PRAGMA synchronous = FULL");
  await dataSource.query("PRAGMA foreign_keys = ON");
  const [{ journal_mode: journal }] = await dataSource.query("PRAGMA journal_mode");
  const [{ synchronous }] = await dataSource.query("PRAGMA synchronous");
  const [{ timeout }] = await dataSource.query("PRAGMA busy_timeout");
  if (journal !== "wal" || synchronous !== 2 || !(timeout > 0)) {
    throw new Error(`SQLite is not in a durable mode: journal_mode=${journal} synchronous=${synchronous} busy_timeout=${timeout}`);
  }
}

export async function openDatabase(config: DatabaseConfig, schema?: string): Promise<DataSource> {
  const dataSource = createDataSource(config, schema);
  await dataSource.initialize();
  await assertDurableSqlite(dataSource);
  await dataSource.runMigrations({ transaction: "each" });
  return dataSource;
}
