import type { EntityManager } from "typeorm";

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
 * Inserts rows with as few statements as the parameter limit allows: each statement's text is built once per
 * chunk size, not per row, and TypeORM's per-entity statement building is skipped. Inside the caller's
 * transaction, so a failure leaves nothing behind.
 */
export async function insertRows(manager: EntityManager, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
  if (!rows.length) return;
  const postgres = manager.connection.options.type === "postgres";
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const head = `INSERT INTO ${tableName(manager, table)} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  const statements = new Map<number, string>();
  const statementFor = (count: number) => {
    let sql = statements.get(count);
    if (!sql) {
      let n = 0;
      const tuple = () => `(${columns.map(() => (postgres ? `$${++n}` : "?")).join(", ")})`;
      sql = head + Array.from({ length: count }, tuple).join(", ");
      statements.set(count, sql);
    }
    return sql;
  };
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values: unknown[] = new Array(chunk.length * columns.length);
    let i = 0;
    for (const row of chunk) for (const value of row) values[i++] = value;
    await manager.query(statementFor(chunk.length), values);
  }
}

/** Splits ids for `IN (…)` lists that stay within the parameter limit. */
export function chunks<T>(items: readonly T[], size = 5_000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
