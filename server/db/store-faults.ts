import fs from "node:fs";

/**
 * Why the store refused a write, for STORE_UNAVAILABLE's `reason`:
 * - DISK_FULL: no space for the write (SQLITE_FULL, PostgreSQL 53100);
 * - BUSY: another connection or process held the write lock for longer than the busy timeout;
 * - IO_ERROR: the file could not be written (SQLITE_IOERR, read-only or vanished file);
 * - CONNECTION: PostgreSQL could not be reached or closed the connection.
 */
export type StoreFault = "DISK_FULL" | "BUSY" | "IO_ERROR" | "CONNECTION";

interface DriverError {
  code?: string;
  message?: string;
  driverError?: { code?: string; message?: string };
}

const SQLITE_FAULTS: Record<string, StoreFault> = {
  SQLITE_FULL: "DISK_FULL",
  SQLITE_BUSY: "BUSY",
  SQLITE_LOCKED: "BUSY",
  SQLITE_IOERR: "IO_ERROR",
  SQLITE_READONLY: "IO_ERROR",
  SQLITE_CANTOPEN: "IO_ERROR",
};

/** The fault an error from the database driver stands for, or null if it is not one (a bug, a constraint, our own refusal). */
export function storeFault(error: unknown): StoreFault | null {
  if (!error || typeof error !== "object") return null;
  const e = error as DriverError;
  const code = e.driverError?.code ?? e.code;
  // pg reports a dropped socket with a message only; TypeORM's PostgreSQL runner releases itself when its client
  // emits an error, so the next query of that unit of work fails with QueryRunnerAlreadyReleasedError.
  if (!code) {
    if ((error as Error).name === "QueryRunnerAlreadyReleasedError") return "CONNECTION";
    return /Connection terminated|connection timeout|terminating connection|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(e.driverError?.message ?? e.message ?? "") ? "CONNECTION" : null;
  }
  if (code in SQLITE_FAULTS) return SQLITE_FAULTS[code];
  if (code === "53100") return "DISK_FULL";
  if (code === "55P03") return "BUSY";
  // 55000 at connect: the database was closed to connections (ALTER DATABASE … ALLOW_CONNECTIONS false).
  if (code === "55000" && /not currently accepting connections/i.test(e.driverError?.message ?? e.message ?? "")) return "CONNECTION";
  // 08: connection exception; 57P0x: the server is shutting down or restarting (57P01 administrator command, 57P03
  // cannot connect now); 53300: too many connections; Node's socket errors.
  if (code.startsWith("08") || /^57P0[1-3]$/.test(code) || code === "53300" || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"].includes(code)) return "CONNECTION";
  return null;
}

/**
 * A failure only a race between two writers causes: a unique or primary-key violation, and on PostgreSQL a
 * serialization failure (40001) or a deadlock (40P01) between two transactions.
 */
export function isRaceFailure(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as DriverError;
  const code = e.driverError?.code ?? e.code;
  if (code === "23505" || code === "40001" || code === "40P01") return true;
  return code === "SQLITE_CONSTRAINT" && /UNIQUE constraint failed|PRIMARY KEY/i.test(e.driverError?.message ?? e.message ?? "");
}

export const FAULT_MESSAGES: Record<StoreFault, string> = {
  DISK_FULL: "The store is out of disk space; nothing was saved. Try again later.",
  BUSY: "The store is locked by another process; nothing was saved. Try again in a moment.",
  IO_ERROR: "The store could not be written; nothing was saved. Try again later.",
  CONNECTION: "The database cannot be reached; nothing was saved. Try again later.",
};

/** Free bytes on the filesystem holding `file`, or Infinity where that cannot be told. */
export function freeBytes(file: string): number {
  try {
    const stats = fs.statfsSync(file);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
