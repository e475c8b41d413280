import type { WithPrecisionColumnType } from "typeorm/driver/types/ColumnTypes.js";

/**
 * SQLite and PostgreSQL share most column types, but not a time-stamp type. The driver is chosen by
 * DATABASE_URL before any entity module loads, so entities and migrations read the same answer here.
 */
export function usesPostgres(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DATABASE_URL?.startsWith("postgres"));
}

export const TIMESTAMP: WithPrecisionColumnType = (usesPostgres() ? "timestamptz" : "datetime") as WithPrecisionColumnType; // "timestamptz" is missing from TypeORM's type union
/** Figures reported by providers: counts, percentages, hours. */
export const REAL: WithPrecisionColumnType = "double precision";
