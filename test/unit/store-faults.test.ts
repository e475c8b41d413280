import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { QueryRunnerAlreadyReleasedError } from "typeorm";
import { isRaceFailure, storeFault } from "../../server/db/store-faults.js";
import { maskError } from "../../server/errors.js";

/** Driver errors as TypeORM's QueryFailedError carries them: the driver's own error under driverError. */
const failed = (code: string, message = "") => Object.assign(new Error(message), { driverError: { code, message } });

describe("store faults", () => {
  it("names what makes the store unable to take a write", () => {
    expect(storeFault(failed("SQLITE_FULL", "SQLITE_FULL: database or disk is full"))).toBe("DISK_FULL");
    expect(storeFault(failed("SQLITE_BUSY", "SQLITE_BUSY: database is locked"))).toBe("BUSY");
    expect(storeFault(failed("SQLITE_IOERR", "SQLITE_IOERR: disk I/O error"))).toBe("IO_ERROR");
    expect(storeFault(failed("SQLITE_READONLY"))).toBe("IO_ERROR");
    expect(storeFault(failed("53100", "could not extend file"))).toBe("DISK_FULL");
    expect(storeFault(failed("57P01", "terminating connection due to administrator command"))).toBe("CONNECTION");
    expect(storeFault(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe("CONNECTION");
    expect(storeFault(new Error("Connection terminated unexpectedly"))).toBe("CONNECTION");
    expect(storeFault(failed("57P03", "the database system is starting up"))).toBe("CONNECTION");
    expect(storeFault(failed("53300", "sorry, too many clients already"))).toBe("CONNECTION");
    expect(storeFault(failed("55000", 'database "x" is not currently accepting connections'))).toBe("CONNECTION");
    expect(storeFault(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe("CONNECTION");
    // TypeORM's PostgreSQL runner releases itself when its client errors; the unit of work's next query fails so.
    expect(storeFault(new QueryRunnerAlreadyReleasedError())).toBe("CONNECTION");
  });

  it("masks a read's connection fault as STORE_UNAVAILABLE, not INTERNAL_SERVER_ERROR", () => {
    const wrapped = new GraphQLError("Connection terminated unexpectedly", { originalError: new Error("Connection terminated unexpectedly") });
    const masked = maskError(wrapped.toJSON(), wrapped, () => {});
    expect(masked.extensions).toEqual({ code: "STORE_UNAVAILABLE", retryable: true, reason: "CONNECTION" });
    const bug = new GraphQLError("x is undefined", { originalError: new TypeError("x is undefined") });
    expect(maskError(bug.toJSON(), bug, () => {}).extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
  });

  it("leaves bugs and refusals alone", () => {
    expect(storeFault(failed("SQLITE_ERROR", "no such table: nope"))).toBeNull();
    expect(storeFault(failed("SQLITE_CONSTRAINT", "UNIQUE constraint failed: office.code"))).toBeNull();
    expect(storeFault(failed("23505"))).toBeNull();
    expect(storeFault(failed("55000", "cannot refresh materialized view concurrently"))).toBeNull();
    expect(storeFault(new TypeError("x is undefined"))).toBeNull();
    expect(storeFault(null)).toBeNull();
  });

  it("tells races from other constraint failures", () => {
    expect(isRaceFailure(failed("SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT: UNIQUE constraint failed: performance_return.contractId, performance_return.periodId"))).toBe(true);
    expect(isRaceFailure(failed("23505", "duplicate key value violates unique constraint"))).toBe(true);
    expect(isRaceFailure(failed("40001"))).toBe(true);
    expect(isRaceFailure(failed("40P01"))).toBe(true);
    expect(isRaceFailure(failed("SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT: FOREIGN KEY constraint failed"))).toBe(false);
    expect(isRaceFailure(failed("23503"))).toBe(false);
  });
});
