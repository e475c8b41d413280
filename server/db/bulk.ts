import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;

/** A table's name for hand-written SQL, in the data source's schema when it has one (PostgreSQL tests use one each). */
export function tableName(manager: EntityManager, name: string): string {
  const schema = (manager.connection.options as { schema?: string }).schema;
  return schema ? `"${schema}"."${name}"` : `"${name}"`;
}

/** Numbered placeholders for PostgreSQL ($1, $2…), question marks for SQLite, for hand-written statements. */
export function placeholders(manager: EntityManager): { add(value: unknown): string; list(values: readonly unknown[]): string; values: unknown[] } {
  const postgres = manager.connection.options.type === "postgres";
  const values: unknown[] = [];
  const add = (value: unknown) => {
    values.push(value);
    return postgres ? `$${values.length}` : "?";
  };
  return { add, list: (items) => items.map(add).join(", "), values };
}

/**
 * Inserts rows with as few statements as the parameter limit allows: each statement's text is one repeated tuple
 * (no per-value work on SQLite), and TypeORM's per-entity statement building is skipped. Inside the caller's
 * transaction, so a failure leaves nothing behind. With `returning`, gives the generated keys in row order.
 */
export async function insertRows(manager: EntityManager, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], returning?: string): Promise<number[]> {
  const values: unknown[] = new Array(rows.length * columns.length);
  let i = 0;
  for (const row of rows) for (const value of row) values[i++] = value;
  return insertFlat(manager, table, columns, values, returning);
}

/** insertRows for rows laid end to end in one array (row r's values at r × columns.length…): no array per row. */
export async function insertFlat(manager: EntityManager, table: string, columns: readonly string[], values: readonly unknown[], returning?: string): Promise<number[]> {
  const width = columns.length;
  const count = values.length / width;
  if (!count) return [];
  const postgres = manager.connection.options.type === "postgres";
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / width));
  const head = `INSERT INTO ${tableName(manager, table)} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  const tail = returning && postgres ? ` RETURNING "${returning}"` : "";
  const keys: number[] = [];
  for (let start = 0; start < count; start += perStatement) {
    const rows = Math.min(perStatement, count - start);
    const chunk = start === 0 && rows === count ? (values as unknown[]) : values.slice(start * width, (start + rows) * width);
    const result = await manager.query(head + tuples(rows, width, postgres) + tail, chunk);
    if (returning) keys.push(...generatedKeys(result, returning, rows, postgres));
  }
  return keys;
}

/**
 * The keys one multi-row INSERT generated, in the order of its VALUES. PostgreSQL: from RETURNING, sorted (a
 * serial column takes nextval row by row in VALUES order, so ascending is that order even when another
 * transaction takes numbers in between). SQLite: the writer is serial, so the statement's rowids are
 * consecutive up to the last one.
 */
function generatedKeys(result: unknown, key: string, count: number, postgres: boolean): number[] {
  if (postgres) return (result as Record<string, unknown>[]).map((r) => Number(r[key])).sort((a, b) => a - b);
  const last = Number(result);
  const keys = new Array<number>(count);
  for (let i = 0; i < count; i++) keys[i] = last - (count - 1 - i);
  return keys;
}

/** Splits ids for `IN (…)` lists that stay within the parameter limit. */
export function chunks<T>(items: readonly T[], size = 5_000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Entities as rows, many per statement: each value goes through the driver's own conversion for its column
 * (JSON columns, time stamps), so the rows read back exactly as `manager.insert` would have written them.
 * Returns the generated keys in insertion order when `returning` names one (PostgreSQL RETURNING; on SQLite the
 * writer is serial, so one statement's rowids are consecutive up to the last one).
 */
export async function insertEntities<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: readonly Partial<T>[], returning?: keyof T & string): Promise<number[]> {
  if (!rows.length) return [];
  const metadata = manager.connection.getMetadata(entity);
  const columns = metadata.columns.filter((c) => rows[0][c.propertyName] !== undefined);
  const driver = manager.connection.driver;
  const postgres = manager.connection.options.type === "postgres";
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const key = returning ? metadata.findColumnWithPropertyName(returning)!.databaseName : null;
  const head = `INSERT INTO ${tableName(manager, metadata.tableName)} (${columns.map((c) => `"${c.databaseName}"`).join(", ")}) VALUES `;
  const tail = key && postgres ? ` RETURNING "${key}"` : "";
  const keys: number[] = [];
  // One Date shared by many rows (a batch's time stamp) is converted once.
  const dates = new Map<Date, Map<unknown, unknown>>();
  const persistent = (value: unknown, column: (typeof columns)[number]) => {
    if (!(value instanceof Date)) return driver.preparePersistentValue(value, column);
    let byColumn = dates.get(value);
    if (!byColumn) dates.set(value, (byColumn = new Map()));
    if (!byColumn.has(column)) byColumn.set(column, driver.preparePersistentValue(value, column));
    return byColumn.get(column);
  };
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values: unknown[] = new Array(chunk.length * columns.length);
    let i = 0;
    for (const row of chunk) for (const column of columns) values[i++] = persistent(row[column.propertyName], column);
    const result = await manager.query(head + tuples(chunk.length, columns.length, postgres) + tail, values);
    if (key) keys.push(...generatedKeys(result, key, chunk.length, postgres));
  }
  return keys;
}

/** "(?, ?), (?, ?)…" or "($1, $2), ($3, $4)…" for `count` rows of `width` values. */
function tuples(count: number, width: number, postgres: boolean): string {
  const parts = new Array<string>(count);
  if (!postgres) {
    const tuple = `(${new Array(width).fill("?").join(", ")})`;
    parts.fill(tuple);
  } else {
    let n = 0;
    const cells = new Array<string>(width);
    for (let r = 0; r < count; r++) {
      for (let c = 0; c < width; c++) cells[c] = `$${++n}`;
      parts[r] = `(${cells.join(", ")})`;
    }
  }
  return parts.join(", ");
}

/** Multi-row INSERT … ON CONFLICT (key) DO UPDATE SET the given columns, on SQLite and PostgreSQL alike. */
export async function upsertRows(manager: EntityManager, table: string, columns: readonly string[], conflict: readonly string[], update: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
  if (!rows.length) return;
  const postgres = manager.connection.options.type === "postgres";
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const head = `INSERT INTO ${tableName(manager, table)} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  const tail = ` ON CONFLICT (${conflict.map((c) => `"${c}"`).join(", ")}) DO UPDATE SET ${update.map((c) => `"${c}" = excluded."${c}"`).join(", ")}`;
  const statements = new Map<number, string>();
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    let sql = statements.get(chunk.length);
    if (!sql) {
      let n = 0;
      sql = head + chunk.map(() => `(${columns.map(() => (postgres ? `$${++n}` : "?")).join(", ")})`).join(", ") + tail;
      statements.set(chunk.length, sql);
    }
    await manager.query(sql, chunk.flat());
  }
}

/**
 * Statements that must run one after another, in one trip to the database where the driver allows it: on SQLite
 * one exec of them all (so they carry no bound values; callers write in only integers, see `integers`), on
 * PostgreSQL one query each. Inside the caller's transaction; the first that fails stops the rest.
 */
export async function runInOrder(manager: EntityManager, statements: readonly string[]): Promise<void> {
  if (manager.connection.options.type !== "sqlite") {
    for (const sql of statements) await manager.query(sql);
    return;
  }
  const connection = (await (manager.queryRunner ?? manager.connection.createQueryRunner()).connect()) as { exec(sql: string, done: (error: Error | null) => void): void };
  await new Promise<void>((resolve, reject) => connection.exec(statements.join(";\n"), (error) => (error ? reject(error) : resolve())));
}

/**
 * The rows a writing statement hands back (UPDATE or DELETE … RETURNING, SQLite ≥ 3.35 and PostgreSQL). TypeORM's
 * SQLite runner drops the rows of a statement that begins with INSERT, UPDATE or DELETE, and pg answers one with
 * [rows, count]: the leading comment and the structured result give the rows on both. In the caller's transaction.
 */
export async function returningRows(manager: EntityManager, sql: string, values: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const own = manager.queryRunner ? null : manager.connection.createQueryRunner();
  try {
    const result = await (manager.queryRunner ?? own!).query(`/* returning */ ${sql}`, [...values], true);
    return (result.records ?? []) as Record<string, unknown>[];
  } finally {
    await own?.release();
  }
}

/** A list of integers written into a statement's text (for `runInOrder`); anything else is refused. */
export function integers(values: readonly number[]): string {
  for (const value of values) if (!Number.isSafeInteger(value)) throw new Error(`Not an integer: ${value}`);
  return values.join(", ");
}

type Results<T extends readonly (() => Promise<unknown>)[]> = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

/**
 * Independent steps sent together: on SQLite one wait for all (the driver queues them on its thread) instead of
 * one per statement. On one PostgreSQL client (a transaction's) they run one after another, as pg wants.
 * Steps may write, if no step reads what another writes and their order does not matter (different rows, no
 * sequence numbers between them). A failure is thrown only once every step has settled: nothing of this batch
 * is still queued on the connection when the writer rolls back, where it would run outside the transaction.
 */
export async function together<T extends readonly (() => Promise<unknown>)[]>(manager: EntityManager, steps: T): Promise<Results<T>> {
  if (manager.connection.options.type === "postgres" && manager.queryRunner) {
    const out: unknown[] = [];
    for (const step of steps) out.push(await step());
    return out as Results<T>;
  }
  const settled = await Promise.allSettled(steps.map(async (step) => step()));
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as Results<T>;
}
