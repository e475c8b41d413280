import type { ColumnType } from "typeorm";

/**
 * SQLite and PostgreSQL share most column types, but not a time-stamp type. The driver is chosen by
 * DATABASE_URL before any entity module loads, so entities and migrations read the same answer here.
 */
export function usesPostgres(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DATABASE_URL?.startsWith("postgres"));
}

export const TIMESTAMP: ColumnType = usesPostgres() ? "timestamptz" : "datetime";
/** Figures reported by providers: counts, percentages, hours. */
export const REAL: ColumnType = "double precision";
