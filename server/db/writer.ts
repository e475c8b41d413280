import path from "node:path";
import { GraphQLError } from "graphql";
import { DataSource, type EntityManager } from "typeorm";
import { conflict, ErrorCode, storeUnavailable } from "../errors.js";
import { insertEntities, insertRows } from "./bulk.js";
import { AuditEvent } from "../modules/audit/audit-event.entity.js";
import { maintainScorecards } from "../modules/scorecards/scorecard-aggregates.js";
import type { User } from "../modules/users/user.entity.js";
import { DomainEvent } from "../realtime/domain-event.entity.js";
import type { PublishedEvent, Topic } from "../realtime/pubsub.js";
import { assertDurableSqlite } from "./data-source.js";
import { FAULT_MESSAGES, freeBytes, isRaceFailure, storeFault, type StoreFault } from "./store-faults.js";

/** A JSON value already serialised, exactly as JSON.stringify would write it, for auditMany. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** An event to record in a unit of work (UnitOfWork.emitAll). */
export interface Emitted {
  topic: Topic;
  officeId: number;
  payload: unknown;
}

/** The entity an audit row is about. */
export interface AuditedEntity {
  type: string;
  id: number;
  officeId: number | null;
  /** A return's contract and quarter, which never change, when the caller has them: the scorecards need not look them up. */
  within?: { contractId: number; periodId: number };
}

export type AuditedChange = { action: string; type: string; id: number; officeId?: number | null; within?: AuditedEntity["within"] };

/**
 * One change: the rows it writes, its audit events and its domain events commit together or not at all.
 * Events are numbered inside the transaction and published only after the commit.
 */
export class UnitOfWork {
  readonly published: PublishedEvent[] = [];
  /** What this unit of work audited: derived state (the maintained scorecards) is refreshed from it before commit. */
  readonly changes: AuditedChange[] = [];

  constructor(
    readonly manager: EntityManager,
    readonly actor: User | null,
  ) {}

  /** Records who changed what; returns the audit row's id. */
  async audit(action: string, entity: AuditedEntity, before: unknown, after: unknown): Promise<number> {
    this.changes.push({ action, type: entity.type, id: entity.id, officeId: entity.officeId, within: entity.within });
    const result = await this.manager.insert(AuditEvent, {
      officeId: entity.officeId,
      userId: this.actor?.id ?? null,
      action,
      entityType: entity.type,
      entityId: entity.id,
      before: (before ?? null) as object,
      after: (after ?? null) as object,
      at: new Date(),
    });
    return Number(result.identifiers[0].id);
  }

  /**
   * Many audit rows in a few statements (a bulk import's); the same rows `audit()` would write one by one. A state
   * may come as JsonText, already serialised (thousands of near-identical states are cheaper built as text).
   */
  async auditMany(entries: { action: string; entity: AuditedEntity; before: unknown; after: unknown }[]): Promise<void> {
    if (!entries.length) return;
    const metadata = this.manager.connection.getMetadata(AuditEvent);
    const driver = this.manager.connection.driver;
    const column = (property: keyof AuditEvent) => metadata.findColumnWithPropertyName(property)!;
    const [beforeColumn, afterColumn] = [column("before"), column("after")];
    // As the simple-json columns store it: JSON text, or NULL for null.
    const json = (value: unknown, target: typeof beforeColumn) => (value instanceof JsonText ? value.text : driver.preparePersistentValue(value ?? null, target));
    const at = driver.preparePersistentValue(new Date(), column("at"));
    const userId = this.actor?.id ?? null;
    const rows = entries.map(({ action, entity, before, after }) => {
      this.changes.push({ action, type: entity.type, id: entity.id, officeId: entity.officeId, within: entity.within });
      return [entity.officeId, userId, action, entity.type, entity.id, json(before, beforeColumn), json(after, afterColumn), at];
    });
    const columns = (["officeId", "userId", "action", "entityType", "entityId", "before", "after", "at"] as const).map((p) => column(p).databaseName);
    await insertRows(this.manager, metadata.tableName, columns, rows);
  }

  /** Many events of one topic and office, numbered in order, in a few statements. */
  emitMany<P>(topic: Topic, officeId: number, payloads: P[]): Promise<PublishedEvent<P>[]> {
    return this.emitAll(payloads.map((payload) => ({ topic, officeId, payload }))) as Promise<PublishedEvent<P>[]>;
  }

  /** Events of any topics and offices, numbered in the order given, in a few statements (one for a handful). */
  async emitAll(events: readonly Emitted[]): Promise<PublishedEvent[]> {
    if (!events.length) return [];
    // On PostgreSQL, transactions run concurrently: without this lock a lower sequence number could commit
    // after a higher one that a subscriber has already seen, and a client resuming with `since` would skip it.
    // Held until commit, it makes events commit in sequence order. (SQLite's writer is serial already.)
    if (this.manager.connection.options.type === "postgres") await this.manager.query("SELECT pg_advisory_xact_lock(727001)");
    const at = new Date();
    const seqs = await insertEntities(this.manager, DomainEvent, events.map(({ topic, officeId, payload }) => ({ topic, officeId, payload: payload as object, at })), "seq");
    const published = events.map(({ topic, officeId, payload }, i): PublishedEvent => ({ seq: seqs[i], topic, officeId, at: at.toISOString(), payload }));
    this.published.push(...published);
    return published;
  }

  async emit<P>(topic: Topic, officeId: number, payload: P): Promise<PublishedEvent<P>> {
    const [event] = await this.emitAll([{ topic, officeId, payload }]);
    return event as PublishedEvent<P>;
  }
}

export interface StoreHealth {
  available: boolean;
  reason?: StoreFault;
  message?: string;
  /** When the store stopped taking writes (ISO time). */
  since?: string;
}

export interface WriterOptions {
  /** Opens a fresh write connection after a failed COMMIT or ROLLBACK (SQLite). Defaults to the same options again. */
  reopen?: () => Promise<DataSource>;
  /** How often a store that cannot take writes is tried again. */
  probeIntervalMs?: number;
  /** Free bytes the SQLite file's filesystem needs before a full disk is tried again. */
  recoveryFreeBytes?: number;
  /** Told of every committed unit of work (e.g. to forget cached users it changed). */
  committed?: (uow: UnitOfWork) => void;
}

export interface RunOptions {
  /**
   * The work starts by replaying an idempotency key's first result. Two identical requests racing (on PostgreSQL,
   * on two instances) make the loser fail on the version or the key's unique index; retried, it finds the winner's
   * record and answers with the first result instead of CONFLICT.
   */
  idempotent?: boolean;
}

/** TypeORM's SQLite query runner state, which it only ever moves forward on success (DESIGN.md §8). */
interface SqliteRunnerState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * All writes go through here. A unit of work either commits durably and is acknowledged, or fails: with
 * STORE_UNAVAILABLE (retryable) when the store cannot take it, with CONFLICT when a race made it stale.
 *
 * SQLite: one write connection, units of work one at a time (TypeORM interleaves concurrent transactions on it).
 * The writer runs the transaction itself, BEGIN IMMEDIATE so it waits for another process's lock for the busy
 * timeout instead of failing on the upgrade, and it never trusts TypeORM's transaction-depth counter: after a
 * COMMIT or ROLLBACK fails (SQLITE_FULL on a full disk) the counter stays up and later "transactions" become
 * SAVEPOINTs inside one that never commits — acknowledged, visible to the writer, never durable. So a failed
 * COMMIT or ROLLBACK discards the connection and a fresh one is opened before any further work.
 * PostgreSQL: real concurrent transactions on pooled connections; a connection whose COMMIT or ROLLBACK failed
 * is destroyed rather than returned to the pool.
 *
 * A disk-full or I/O fault makes the store unavailable: writes fail fast, health() says why (for /healthz), and
 * a probe tries a small write in the background until one commits.
 */
export class Writer {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;
  private source: DataSource;
  /** The write connection's transaction state is unknown: reopen it before any work. */
  private suspect = false;
  private fault: { reason: StoreFault; since: string } | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly reopen: () => Promise<DataSource>;
  private readonly probeIntervalMs: number;
  private readonly recoveryFreeBytes: number;
  private readonly committed: (uow: UnitOfWork) => void;
  /** The SQLite connection's configured busy timeout, in ms. */
  private readonly busyTimeoutMs: number;

  constructor(
    dataSource: DataSource,
    /** Told of every committed unit of work's events, in seq order (the bus sends them as one message). */
    private readonly publish: (events: readonly PublishedEvent[]) => void,
    options: WriterOptions = {},
  ) {
    this.source = dataSource;
    this.serial = dataSource.options.type === "sqlite";
    this.reopen =
      options.reopen ??
      (async () => {
        const fresh = new DataSource(dataSource.options);
        await fresh.initialize();
        await assertDurableSqlite(fresh);
        return fresh;
      });
    this.probeIntervalMs = options.probeIntervalMs ?? 500;
    this.recoveryFreeBytes = options.recoveryFreeBytes ?? 1024 * 1024;
    this.committed = options.committed ?? (() => {});
    this.busyTimeoutMs = (dataSource.options as { busyTimeout?: number }).busyTimeout ?? 5000;
  }

  /** The current write connection (replaced after a failed COMMIT or ROLLBACK on SQLite). */
  get dataSource(): DataSource {
    return this.source;
  }

  health(): StoreHealth {
    if (!this.fault) return { available: true };
    return { available: false, reason: this.fault.reason, message: FAULT_MESSAGES[this.fault.reason], since: this.fault.since };
  }

  run<T>(actor: User | null, work: (uow: UnitOfWork) => Promise<T>, options: RunOptions = {}): Promise<T> {
    // The busy timeout bounds the whole wait, queue included: a write queued behind others that each waited for a
    // lock must not wait the timeout again on its turn (SQLite).
    const deadline = Date.now() + this.busyTimeoutMs;
    const task = async (): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.once(actor, work, deadline);
        } catch (error) {
          // Only concurrent transactions race; SQLite's serial writer has the first request commit before the next starts.
          if (!(options.idempotent && !this.serial && attempt < 4 && isConflict(error))) throw error;
          await sleep(5 * attempt);
        }
      }
    };
    return this.enqueue(task);
  }

  close(): void {
    this.closed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (!this.serial) return task();
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async once<T>(actor: User | null, work: (uow: UnitOfWork) => Promise<T>, deadline: number): Promise<T> {
    if (this.fault) throw storeUnavailable(this.fault.reason, FAULT_MESSAGES[this.fault.reason]);
    let uow!: UnitOfWork;
    let result: T;
    try {
      result = await this.transaction(async (manager) => {
        uow = new UnitOfWork(manager, actor);
        const result = await work(uow);
        // Derived state moves with the change that moves it: the same transaction.
        await maintainScorecards(uow);
        return result;
      }, deadline);
    } catch (error) {
      throw this.translate(error);
    }
    this.committed(uow);
    this.publish(uow.published);
    return result;
  }

  /** Driver errors a caller can act on become coded errors; our own refusals and bugs pass through. */
  private translate(error: unknown): unknown {
    if (error instanceof GraphQLError) return error;
    if (isRaceFailure(error)) return conflict("Someone else saved the same record at the same moment. Reload and try again.");
    const fault = storeFault(error);
    if (!fault) return error;
    // A lock passes and a dropped PostgreSQL connection is replaced by the pool: only a full disk or a file that
    // cannot be written stops every write until a probe succeeds.
    if (fault === "DISK_FULL" || fault === "IO_ERROR") this.markUnavailable(fault, error);
    return storeUnavailable(fault, FAULT_MESSAGES[fault]);
  }

  private transaction<T>(fn: (manager: EntityManager) => Promise<T>, deadline = Number.POSITIVE_INFINITY): Promise<T> {
    return this.serial ? this.sqliteTransaction(fn, deadline) : this.pooledTransaction(fn);
  }

  /** BEGIN IMMEDIATE, waiting for another connection's lock only until the write's deadline (enqueue + busy timeout). */
  private async begin(runner: ReturnType<DataSource["createQueryRunner"]>, deadline: number): Promise<void> {
    if (!Number.isFinite(deadline)) return void (await runner.query("BEGIN IMMEDIATE"));
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw storeUnavailable("BUSY", FAULT_MESSAGES.BUSY);
    // One trip to the database thread, not three: set the wait, begin, restore the wait. A BEGIN that fails
    // stops the batch before the restore, which then runs on its own.
    const connection = (await runner.connect()) as { exec(sql: string, done: (error: Error | null) => void): void };
    try {
      await new Promise<void>((resolve, reject) =>
        connection.exec(`PRAGMA busy_timeout = ${Math.ceil(remaining)}; BEGIN IMMEDIATE; PRAGMA busy_timeout = ${this.busyTimeoutMs}`, (error) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      await runner.query(`PRAGMA busy_timeout = ${this.busyTimeoutMs}`);
      throw error;
    }
  }

  private async sqliteTransaction<T>(fn: (manager: EntityManager) => Promise<T>, deadline: number): Promise<T> {
    if (this.suspect) await this.reconnect();
    let runner = this.source.createQueryRunner();
    try {
      if ((runner as unknown as SqliteRunnerState).isTransactionActive) throw new Error("the write connection is still in a transaction");
      // SQLite refuses BEGIN inside an open transaction, so this also proves the connection is in autocommit mode.
      await this.begin(runner, deadline);
    } catch (error) {
      if (error instanceof GraphQLError || storeFault(error)) throw error; // busy past the timeout, or the file cannot be written: nothing started
      this.suspect = true;
      await this.reconnect();
      runner = this.source.createQueryRunner();
      await this.begin(runner, deadline);
    }
    // TypeORM must know a transaction is open, so that a save inside the work uses a SAVEPOINT, not a BEGIN.
    const state = runner as unknown as SqliteRunnerState;
    state.isTransactionActive = true;
    state.transactionDepth = 1;
    const end = async (statement: "COMMIT" | "ROLLBACK") => {
      try {
        await runner.query(statement);
      } catch (error) {
        this.suspect = true;
        await this.reconnect().catch((reopenError) => console.error("Could not reopen the write connection:", reopenError));
        throw error;
      } finally {
        state.isTransactionActive = false;
        state.transactionDepth = 0;
      }
    };
    let result: T;
    try {
      result = await fn(runner.manager);
    } catch (error) {
      await end("ROLLBACK").catch(() => undefined); // the work's own error is the one to report
      throw error;
    }
    await end("COMMIT");
    return result;
  }

  private async pooledTransaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.source.createQueryRunner();
    const discard = async (error: unknown) => {
      // Released with the error, pg destroys the client instead of pooling a connection in an unknown state.
      const pg = runner as unknown as { releasePostgresConnection?: (err: unknown) => Promise<void> };
      if (pg.releasePostgresConnection) await pg.releasePostgresConnection(error);
      else await runner.release();
    };
    try {
      await runner.startTransaction();
    } catch (error) {
      await discard(error);
      throw error;
    }
    let result: T;
    try {
      result = await fn(runner.manager);
    } catch (error) {
      try {
        await runner.rollbackTransaction();
        await runner.release();
      } catch (rollbackError) {
        await discard(rollbackError);
      }
      throw error;
    }
    try {
      await runner.commitTransaction();
    } catch (error) {
      await discard(error);
      throw error;
    }
    await runner.release();
    return result;
  }

  /** Throws the old connection away (closing it rolls back whatever it still had open) and opens a fresh one. */
  private async reconnect(): Promise<void> {
    const old = this.source;
    try {
      if (old.isInitialized) await old.destroy();
    } catch (error) {
      console.error("Closing the old write connection failed; opening a new one anyway:", error);
    }
    this.source = await this.reopen();
    this.suspect = false;
  }

  private markUnavailable(reason: StoreFault, error: unknown): void {
    if (!this.fault) {
      this.fault = { reason, since: new Date().toISOString() };
      console.error(`The store cannot take writes (${reason}); writes fail with STORE_UNAVAILABLE until a probe write commits.`, error);
    }
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probeTimer || this.closed) return;
    this.probeTimer = setTimeout(async () => {
      this.probeTimer = null;
      const ok = await this.enqueue(() => this.probe()).catch(() => false);
      if (ok) {
        console.log(`The store takes writes again (it could not since ${this.fault?.since}).`);
        this.fault = null;
      } else this.scheduleProbe();
    }, this.probeIntervalMs);
    this.probeTimer.unref();
  }

  /** A real write transaction that changes nothing: rewriting user_version makes SQLite append to the WAL. */
  private async probe(): Promise<boolean> {
    if (this.closed) return false;
    const file = this.serial ? String(this.source.options.database) : null;
    if (file && this.fault?.reason === "DISK_FULL" && freeBytes(path.dirname(file)) < this.recoveryFreeBytes) return false;
    await this.transaction(async (manager) => {
      if (!this.serial) return manager.query("SELECT 1");
      const [{ user_version: version }] = await manager.query("PRAGMA user_version");
      await manager.query(`PRAGMA user_version = ${Number(version)}`);
    });
    return true;
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions?.code === ErrorCode.CONFLICT;
}
