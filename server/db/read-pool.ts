import type { DataSource } from "typeorm";

interface Counted {
  dataSource: DataSource;
  /** Statements sent to this connection and not yet answered. */
  inFlight: number;
}

/**
 * Several SQLite read connections (WAL lets readers run side by side, and the driver runs each connection's
 * statements on its own worker thread). Each request takes the connection with the fewest statements queued at
 * that moment, so a short read never waits behind a full-office scorecard on a busy connection.
 * On PostgreSQL there is one DataSource, whose own pool does this.
 */
export class ReadPool {
  private readonly members: Counted[];

  constructor(sources: DataSource[]) {
    this.members = sources.map((dataSource) => ({ dataSource, inFlight: 0 }));
    for (const member of this.members) count(member);
  }

  get size(): number {
    return this.members.length;
  }

  get all(): DataSource[] {
    return this.members.map((m) => m.dataSource);
  }

  /** The least busy connection (the first among equals, so an idle server uses one). */
  pick(): DataSource {
    let best = this.members[0];
    for (const member of this.members) if (member.inFlight < best.inFlight) best = member;
    return best.dataSource;
  }
}

/** Wraps the sqlite3 connection's statement methods to count what is queued on it. */
function count(member: Counted): void {
  const connection = (member.dataSource.driver as unknown as { databaseConnection?: Record<string, unknown> }).databaseConnection;
  if (!connection) return;
  for (const method of ["all", "run", "get", "exec"]) {
    const original = connection[method];
    if (typeof original !== "function") continue;
    connection[method] = function (this: unknown, ...args: unknown[]) {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback !== "function") return original.apply(this, args);
      member.inFlight += 1;
      args[last] = function (this: unknown, ...results: unknown[]) {
        member.inFlight -= 1;
        return (callback as (...a: unknown[]) => unknown).apply(this, results);
      };
      return original.apply(this, args);
    };
  }
}
