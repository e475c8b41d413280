import fs from "node:fs";
import path from "node:path";
import sqlite3 from "sqlite3";
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
    driver: QUIET_SQLITE,
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

/**
 * The sqlite3 module as TypeORM should see it. TypeORM calls `verbose()` on the driver, which wraps every statement
 * method to build an Error and `util.inspect` every argument (each bound value of a multi-row INSERT) on every call,
 * for longer stack traces only; that cost several per cent of every read and write. Errors keep their own messages
 * and codes without it.
 */
const QUIET_SQLITE = { ...sqlite3, verbose: () => sqlite3 };

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

/** One key for every instance's start-up work on a database (pg_advisory_lock is per database). */
const STARTUP_LOCK = 727_002;

/**
 * Runs `work` (migrations, the demo seed) while holding a database-wide lock, so that instances starting together
 * take turns: the first does the work, the next waits and then finds it done. PostgreSQL only; a SQLite file has
 * one server.
 */
export async function withStartupLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== "postgres") return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query("SELECT pg_advisory_lock($1)", [STARTUP_LOCK]);
    try {
      return await work();
    } finally {
      await runner.query("SELECT pg_advisory_unlock($1)", [STARTUP_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

export async function openDatabase(config: DatabaseConfig, schema?: string): Promise<DataSource> {
  const dataSource = createDataSource(config, schema);
  await dataSource.initialize();
  await assertDurableSqlite(dataSource);
  await withStartupLock(dataSource, () => dataSource.runMigrations({ transaction: "each" }));
  return dataSource;
}
