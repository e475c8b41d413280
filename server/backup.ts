/*
 * `npm run backup [-- <file>]`: a consistent copy of the store, safe while the server runs.
 *
 * SQLite: VACUUM INTO writes a compacted copy of one read snapshot (in WAL mode readers never block the writer, nor
 * it them), so the copy holds every transaction committed before the backup began, and none half. The copy is then
 * checked with PRAGMA integrity_check. PostgreSQL: pg_dump, which also reads one snapshot.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import sqlite3 from "sqlite3";
import { loadConfig } from "./config.js";

// The backup signs no tokens: a placeholder (long enough for loadConfig's check) stands in for the secret, so the
// backup neither needs TOKEN_SECRET nor reads or creates the data folder's token-secret file.
const config = loadConfig({ ...process.env, TOKEN_SECRET: "unused-by-backup-".padEnd(64, "-") });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");

function all<T>(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
}

async function backupSqlite(source: string, target: string): Promise<void> {
  if (!fs.existsSync(source)) throw new Error(`No store at ${source} (set DATABASE_PATH).`);
  if (fs.existsSync(target)) throw new Error(`${target} exists already; name a new file.`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const started = Date.now();
  try {
    const db = new sqlite3.Database(source, sqlite3.OPEN_READONLY);
    try {
      await all(db, `PRAGMA busy_timeout = ${config.busyTimeoutMs}`);
      await all(db, "VACUUM INTO ?", [target]);
    } finally {
      await new Promise((resolve) => db.close(resolve));
    }
    const copy = new sqlite3.Database(target, sqlite3.OPEN_READONLY);
    try {
      const check = await all<{ integrity_check: string }>(copy, "PRAGMA integrity_check");
      if (check.length !== 1 || check[0].integrity_check !== "ok") throw new Error(`The copy failed integrity_check: ${JSON.stringify(check)}`);
    } finally {
      await new Promise((resolve) => copy.close(resolve));
    }
  } catch (error) {
    // A failed backup leaves nothing behind: a 0-byte or partial file at the target could be mistaken for a copy.
    for (const leftover of [target, `${target}-journal`, `${target}-wal`, `${target}-shm`]) fs.rmSync(leftover, { force: true });
    throw error;
  }
  console.log(`Backed up ${source} to ${target} (${fs.statSync(target).size} bytes, integrity_check ok) in ${Date.now() - started} ms.`);
}

function backupPostgres(url: string, target: string): void {
  if (fs.existsSync(target)) {
    console.error(`Backup failed: ${target} exists already; name a new file.`);
    process.exit(1);
  }
  const result = spawnSync("pg_dump", ["--format=custom", `--file=${target}`, url], { stdio: "inherit" });
  if (result.error || result.status !== 0) {
    fs.rmSync(target, { force: true });
    console.error(`pg_dump failed${result.error ? ` (${result.error.message})` : ""}. On PostgreSQL, back up with: pg_dump --format=custom --file=${target} "$DATABASE_URL"`);
    process.exit(1);
  }
  console.log(`Backed up PostgreSQL to ${target} with pg_dump. Restore with: pg_restore --clean --if-exists --dbname="$DATABASE_URL" ${target}`);
}

const argument = process.argv[2];
if (config.databaseUrl) {
  backupPostgres(config.databaseUrl, path.resolve(argument ?? `backups/commissioning-hub-${stamp}.dump`));
} else {
  try {
    await backupSqlite(config.databasePath, path.resolve(argument ?? `backups/commissioning-hub-${stamp}.sqlite`));
  } catch (error) {
    console.error(`Backup failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
