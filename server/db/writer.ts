import type { DataSource, EntityManager } from "typeorm";
import { insertEntities } from "./bulk.js";
import { AuditEvent } from "../modules/audit/audit-event.entity.js";
import { maintainScorecards } from "../modules/scorecards/scorecard-aggregates.js";
import type { User } from "../modules/users/user.entity.js";
import { DomainEvent } from "../realtime/domain-event.entity.js";
import type { PublishedEvent, Topic } from "../realtime/pubsub.js";

/**
 * One change: the rows it writes, its audit events and its domain events commit together or not at all.
 * Events are numbered inside the transaction and published only after the commit.
 */
export class UnitOfWork {
  readonly published: PublishedEvent[] = [];
  /** What this unit of work audited: derived state (the maintained scorecards) is refreshed from it before commit. */
  readonly changes: { action: string; type: string; id: number }[] = [];

  constructor(
    readonly manager: EntityManager,
    readonly actor: User | null,
  ) {}

  /** Records who changed what; returns the audit row's id. */
  async audit(action: string, entity: { type: string; id: number; officeId: number | null }, before: unknown, after: unknown): Promise<number> {
    this.changes.push({ action, type: entity.type, id: entity.id });
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

  /** Many audit rows in a few statements (a bulk import's); the same rows `audit()` would write one by one. */
  async auditMany(entries: { action: string; entity: { type: string; id: number; officeId: number | null }; before: unknown; after: unknown }[]): Promise<void> {
    const at = new Date();
    for (const { action, entity } of entries) this.changes.push({ action, type: entity.type, id: entity.id });
    await insertEntities(
      this.manager,
      AuditEvent,
      entries.map(({ action, entity, before, after }) => ({ officeId: entity.officeId, userId: this.actor?.id ?? null, action, entityType: entity.type, entityId: entity.id, before: (before ?? null) as object, after: (after ?? null) as object, at })),
    );
  }

  /** Many events of one topic and office, numbered in order, in a few statements. */
  async emitMany<P>(topic: Topic, officeId: number, payloads: P[]): Promise<PublishedEvent<P>[]> {
    if (!payloads.length) return [];
    if (this.manager.connection.options.type === "postgres") await this.manager.query("SELECT pg_advisory_xact_lock(727001)");
    const at = new Date();
    const seqs = await insertEntities(this.manager, DomainEvent, payloads.map((payload) => ({ topic, officeId, payload: payload as object, at })), "seq");
    const events = payloads.map((payload, i): PublishedEvent<P> => ({ seq: seqs[i], topic, officeId, at: at.toISOString(), payload }));
    this.published.push(...events);
    return events;
  }

  async emit<P>(topic: Topic, officeId: number, payload: P): Promise<PublishedEvent<P>> {
    // On PostgreSQL, transactions run concurrently: without this lock a lower sequence number could commit
    // after a higher one that a subscriber has already seen, and a client resuming with `since` would skip it.
    // Held until commit, it makes events commit in sequence order. (SQLite's writer is serial already.)
    if (this.manager.connection.options.type === "postgres") await this.manager.query("SELECT pg_advisory_xact_lock(727001)");
    const at = new Date();
    const result = await this.manager.insert(DomainEvent, { topic, officeId, payload: payload as object, at });
    const seq = Number(result.identifiers[0].seq);
    const event: PublishedEvent<P> = { seq, topic, officeId, at: at.toISOString(), payload };
    this.published.push(event);
    return event;
  }
}

/**
 * All writes go through here. On SQLite there is one write connection and TypeORM interleaves concurrent
 * transactions on it, so they run one at a time; PostgreSQL gets real concurrent transactions.
 */
export class Writer {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;

  constructor(
    readonly dataSource: DataSource,
    private readonly publish: (event: PublishedEvent) => void,
    /** Told of every committed unit of work (e.g. to forget cached users it changed). */
    private readonly committed: (uow: UnitOfWork) => void = () => {},
  ) {
    this.serial = dataSource.options.type === "sqlite";
  }

  run<T>(actor: User | null, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const task = async (): Promise<T> => {
      let uow!: UnitOfWork;
      const result = await this.dataSource.transaction(async (manager) => {
        uow = new UnitOfWork(manager, actor);
        const result = await work(uow);
        await maintainScorecards(uow);
        return result;
      });
      this.committed(uow);
      for (const event of uow.published) this.publish(event);
      return result;
    };
    if (!this.serial) return task();
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
