import type { DocumentNode, ExecutionResult, GraphQLSchema, OperationDefinitionNode } from "graphql";
import { MoreThan, Between, type DataSource } from "typeorm";
import type { WebSocket } from "ws";
import { compiledExecutor, operationOf } from "../compiled-executor.js";
import type { Context } from "../context.js";
import { Loaders } from "../db/loaders.js";
import { maskError } from "../errors.js";
import type { User } from "../modules/users/user.entity.js";
import { DomainEvent } from "./domain-event.entity.js";
import { resyncRequired, Topic, type AppPubSub, type PublishedEvent } from "./pubsub.js";
import { Sequencer } from "./sequencer.js";
import { SessionRegistry } from "./sessions.js";
import { sendJoined } from "./ws-frames.js";

/** The live path's bounds (LIVE_* variables). */
export interface LiveConfig {
  /** Events a `since` replay may deliver; more than this and the subscriber is told RESYNC_REQUIRED. */
  replayLimit: number;
  /** Events one subscriber may have waiting (during its replay, or in an in-process iterator). */
  queueLimit: number;
  /** Bytes a socket may have unsent before its subscriptions are told RESYNC_REQUIRED. */
  maxBufferedBytes: number;
  /** Events one office may have waiting for fan-out before every subscriber of it is told RESYNC_REQUIRED. */
  officeBacklog: number;
}

export function liveConfig(env: NodeJS.ProcessEnv): LiveConfig {
  const int = (value: string | undefined, fallback: number) => (value && Number.isFinite(Number(value)) ? Number(value) : fallback);
  return {
    replayLimit: int(env.LIVE_REPLAY_LIMIT, 10_000),
    queueLimit: int(env.LIVE_QUEUE_LIMIT, 1024),
    maxBufferedBytes: int(env.LIVE_MAX_BUFFERED_BYTES, 4 * 1024 * 1024),
    officeBacklog: int(env.LIVE_OFFICE_BACKLOG, 20_000),
  };
}

/** What a subscription resolver asks for: one topic of one office, from `since`, filtered per viewer. */
export interface StreamOptions {
  topic: Topic;
  officeId: number;
  /** Replay stored events with a larger sequence number first, then continue live. */
  since?: number | null;
  /**
   * Whether a viewer may see this event. It must depend on the viewer only through visibilityClass (role,
   * office, provider): it is asked once per event for a whole group of subscribers.
   */
  visible(event: PublishedEvent, user: User): boolean;
}

/**
 * Subscribers who see the same thing: the same document, variables (less `since`) and visibility class. The
 * access policy may only look at these parts of the viewer for a subscription payload.
 */
export function visibilityClass(user: User): string {
  return `${user.role}:${user.officeId ?? "-"}:${user.providerId ?? "-"}`;
}

/** What a subscription resolver returns: the hub delivers it, grouped with its peers, when it reaches a socket. */
export class LiveSource implements AsyncIterable<PublishedEvent> {
  constructor(
    readonly ctx: Context,
    readonly options: StreamOptions,
  ) {}

  /** Outside the WebSocket (in-process callers): a per-subscriber stream of events with a bounded queue. */
  [Symbol.asyncIterator](): AsyncIterator<PublishedEvent> {
    return this.ctx.services.live.attachIterator(this);
  }
}

interface Group {
  id: number;
  key: string;
  topic: Topic;
  officeId: number;
  visible: StreamOptions["visible"];
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode | undefined;
  variables: Record<string, unknown> | undefined;
  operationName: string | null | undefined;
  services: Context["services"];
  members: Set<Member>;
}

abstract class Member {
  /** The largest seq handed on (or the client's `since`): nothing at or below it is sent again. */
  last: number;
  replaying: boolean;
  held: PublishedEvent[] = [];
  ended = false;

  constructor(
    readonly hub: LiveHub,
    /** The account at subscribe time; sockets follow the session registry instead, which is kept current. */
    readonly user: User,
    readonly topic: Topic,
    readonly officeId: number,
    readonly visible: StreamOptions["visible"],
    since: number | null,
  ) {
    this.last = since ?? 0;
    this.replaying = since != null;
  }

  get userId(): number {
    return this.user.id;
  }

  /** Called by the hub while replaying: live events wait here, bounded. */
  hold(event: PublishedEvent): void {
    if (this.held.length >= this.hub.config.queueLimit) this.resync(this.hub.head);
    else this.held.push(event);
  }

  abstract resync(seq: number): void;
  abstract end(): void;
}

/** A subscription on a WebSocket: results are written straight to the socket, already serialised. */
class SocketMember extends Member {
  private finish: ((result: IteratorResult<ExecutionResult>) => void) | null = null;
  private signal: ExecutionResult | null = null;
  readonly prefix: Buffer;

  constructor(
    hub: LiveHub,
    readonly group: Group,
    readonly socket: WebSocket,
    id: string,
    user: User,
    since: number | null,
  ) {
    super(hub, user, group.topic, group.officeId, group.visible, since);
    this.prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  }

  /** Writes one shared, serialised result; a socket too far behind gets RESYNC_REQUIRED instead. */
  send(message: Buffer): void {
    if (this.ended || this.socket.readyState !== 1) return;
    if (this.socket.bufferedAmount > this.hub.config.maxBufferedBytes) {
      this.resync(this.hub.head);
      return;
    }
    // This subscriber's envelope, then the bytes every member shares: one frame, one write (ws-frames.ts).
    sendJoined(this.socket, this.prefix, message);
  }

  resync(seq: number): void {
    if (this.ended) return;
    this.signal = { errors: [resyncRequired(seq)] };
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.hub.remove(this);
    this.release();
  }

  private release(): void {
    const finish = this.finish;
    if (!finish) return;
    if (this.signal) {
      const signal = this.signal;
      this.signal = null;
      finish({ value: signal, done: false });
      this.finish = null;
      return;
    } else finish({ value: undefined, done: true });
    this.finish = null;
  }

  /**
   * What graphql-ws iterates: nothing while the hub writes results itself; a RESYNC_REQUIRED result when the
   * subscriber must refetch; done when the subscription ends. `return` (the client's complete, or a closed
   * socket) takes effect at once.
   */
  control(): AsyncGenerator<ExecutionResult> {
    const member = this;
    const iterator = {
      [Symbol.asyncIterator]: () => iterator,
      next(): Promise<IteratorResult<ExecutionResult>> {
        if (member.signal) {
          const value = member.signal;
          member.signal = null;
          return Promise.resolve({ value, done: false });
        }
        if (member.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (member.finish = resolve));
      },
      return(): Promise<IteratorResult<ExecutionResult>> {
        member.signal = null;
        member.end();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
        member.end();
        return Promise.reject(error);
      },
    };
    return iterator as unknown as AsyncGenerator<ExecutionResult>;
  }
}

/** An in-process subscriber: events, not messages, through a bounded queue. */
class IteratorMember extends Member {
  private readonly queue: PublishedEvent[] = [];
  private waiting: { resolve: (r: IteratorResult<PublishedEvent>) => void; reject: (e: unknown) => void } | null = null;
  private failure: unknown = null;

  push(event: PublishedEvent): void {
    if (this.ended) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value: event, done: false });
    } else if (this.queue.length >= this.hub.config.queueLimit) this.resync(this.hub.head);
    else this.queue.push(event);
  }

  resync(seq: number): void {
    if (this.ended) return;
    this.failure = resyncRequired(seq);
    this.queue.length = 0;
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.hub.remove(this);
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting && this.failure) {
      waiting.reject(this.failure);
      this.failure = null;
    } else waiting?.resolve({ value: undefined, done: true });
  }

  iterator(): AsyncIterator<PublishedEvent> {
    return {
      next: () => {
        if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
        if (this.failure) {
          const failure = this.failure;
          this.failure = null;
          return Promise.reject(failure);
        }
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
      },
      return: () => {
        this.failure = null;
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

interface OfficeState {
  queue: PublishedEvent[];
  running: boolean;
  groups: Map<string, Group>;
  iterators: Set<IteratorMember>;
}

const RESULT_CACHE = 4096;

/**
 * The live path of one server instance: one bus listener, events put back in sequence order, then for each event
 * one execution per group of subscribers who would see the same result (document, variables, visibility class),
 * one serialisation, and one write of those bytes per socket. Each office's events are fanned out in order, one
 * after another; offices do not wait for each other. Nothing here can throw into the bus: every failure is
 * logged and, where it costs a subscriber events, turned into RESYNC_REQUIRED.
 */
export class LiveHub {
  readonly sessions: SessionRegistry;
  private readonly sequencer: Sequencer;
  private readonly offices = new Map<number, OfficeState>();
  private readonly results = new Map<string, Promise<Buffer | null>>();
  /** Each schema's compiled executor: a group's document is compiled once and run per event (as HTTP's are). */
  private readonly executors = new WeakMap<GraphQLSchema, ReturnType<typeof compiledExecutor>>();
  private stopListening: (() => void) | null = null;
  /** Group executions so far: the benchmark and the tests read it to show one execution per group per event. */
  executions = 0;
  /** When the last fan-out had its message (executed) and had written it to every socket (ms, wall clock): for the benchmark. */
  lastFanOut: { seq: number; heardAt: number; executedAt: number; writtenAt: number; sockets: number } | null = null;
  /** When each recent event was heard from the bus (ms, wall clock): for the benchmark's breakdown. */
  private readonly heard = new Map<number, number>();
  private groupIds = 0;

  constructor(
    private readonly bus: AppPubSub,
    private readonly db: DataSource,
    readonly config: LiveConfig,
  ) {
    this.sessions = new SessionRegistry(db);
    this.sequencer = new Sequencer((event) => this.dispatch(event), (after, before) => this.between(after, before));
  }

  async start(): Promise<void> {
    this.stopListening = this.bus.listen((event) => {
      if (event.seq > 0) {
        this.heard.set(event.seq, performance.timeOrigin + performance.now());
        if (this.heard.size > 64) this.heard.delete(this.heard.keys().next().value!);
      }
      this.sequencer.push(event);
    });
    await this.bus.ready;
    const row = await this.db.createQueryBuilder(DomainEvent, "e").select("MAX(e.seq)", "seq").getRawOne<{ seq: number | string | null }>();
    this.sequencer.start(Number(row?.seq ?? 0));
  }

  close(): void {
    this.stopListening?.();
    this.sessions.close();
    for (const office of this.offices.values()) {
      for (const group of office.groups.values()) for (const member of [...group.members]) member.end();
      for (const member of [...office.iterators]) member.end();
    }
  }

  /** Everything up to this seq is committed and has been passed on in order. */
  get head(): number {
    return this.sequencer.head;
  }

  /** Live subscriptions on this instance (socket and in-process). */
  get subscriberCount(): number {
    let n = 0;
    for (const office of this.offices.values()) {
      for (const group of office.groups.values()) n += group.members.size;
      n += office.iterators.size;
    }
    return n;
  }

  /** Tells every instance to re-read a user whose account changed (see SessionRegistry). */
  userChanged(userId: number): void {
    this.bus.publish(Topic.USER_CHANGED, { seq: 0, topic: Topic.USER_CHANGED, officeId: 0, at: new Date().toISOString(), payload: { userId } });
  }

  private office(officeId: number): OfficeState {
    let office = this.offices.get(officeId);
    if (!office) this.offices.set(officeId, (office = { queue: [], running: false, groups: new Map(), iterators: new Set() }));
    return office;
  }

  /** The viewer as of now: a socket's from the session registry (undefined once it ended); in-process, as subscribed. */
  private viewer(member: Member): User | undefined {
    return member instanceof SocketMember ? this.sessions.current(member.userId) : member.user;
  }

  private async between(after: number, before: number): Promise<PublishedEvent[]> {
    const rows = await this.db.manager.find(DomainEvent, { where: { seq: Between(after + 1, before - 1) }, order: { seq: "ASC" } });
    return rows.map(toEvent);
  }

  private dispatch(event: PublishedEvent): void {
    if (event.topic === Topic.USER_CHANGED) {
      const userId = (event.payload as { userId?: number })?.userId;
      if (typeof userId === "number") void this.sessions.refresh([userId]).catch((error) => console.error("Could not re-read a changed user.", error));
      return;
    }
    if (!(event.seq > 0)) return; // transient events are for the bus's own iterators (CSV progress)
    const office = this.offices.get(event.officeId);
    if (!office || (!office.groups.size && !office.iterators.size)) return;
    if (office.queue.length >= this.config.officeBacklog) {
      // Too far behind to catch up event by event: tell everyone to refetch rather than drop silently.
      office.queue.length = 0;
      for (const group of office.groups.values()) for (const member of [...group.members]) member.resync(this.head);
      for (const member of [...office.iterators]) member.resync(this.head);
      return;
    }
    office.queue.push(event);
    if (!office.running) void this.run(office);
  }

  private async run(office: OfficeState): Promise<void> {
    office.running = true;
    try {
      while (office.queue.length) {
        const event = office.queue.shift()!;
        const work: Promise<void>[] = [];
        for (const group of office.groups.values()) if (group.topic === event.topic) work.push(this.fanOut(group, event));
        for (const member of office.iterators) if (member.topic === event.topic) this.offer(member, event);
        if (work.length) await Promise.all(work);
      }
    } finally {
      office.running = false;
    }
  }

  private offer(member: IteratorMember, event: PublishedEvent): void {
    try {
      if (member.replaying) return member.hold(event);
      if (event.seq <= member.last) return;
      member.last = event.seq;
      const user = this.viewer(member);
      if (user && member.visible(event, user)) member.push(event);
    } catch (error) {
      console.error("Delivering a live event to one subscriber failed; it must resync.", error);
      member.resync(this.head);
    }
  }

  /** One event to one group: executed and serialised once, the same bytes written to every member's socket. */
  private async fanOut(group: Group, event: PublishedEvent): Promise<void> {
    try {
      const live: SocketMember[] = [];
      for (const member of group.members as Set<SocketMember>) {
        if (member.replaying) member.hold(event);
        else if (member.last < event.seq) live.push(member);
      }
      if (!live.length) return;
      // Any member whose session is current speaks for the group (a session that just ended is closing).
      let user: User | undefined;
      for (const member of live) if ((user = this.sessions.current(member.userId))) break;
      const message = user && group.visible(event, user) ? await this.result(group, event, user) : null;
      const executedAt = performance.timeOrigin + performance.now();
      for (const member of live) {
        if (member.ended || member.last >= event.seq) continue;
        member.last = event.seq;
        if (!message || !this.sessions.current(member.userId)) continue;
        try {
          member.send(message);
        } catch (error) {
          console.error("Writing a live event to one socket failed; that subscriber must resync.", error);
          member.resync(this.head);
        }
      }
      if (message) this.lastFanOut = { seq: event.seq, heardAt: this.heard.get(event.seq) ?? NaN, executedAt, writtenAt: performance.timeOrigin + performance.now(), sockets: live.length };
    } catch (error) {
      console.error("A live event could not be delivered to a group of subscribers; they must resync.", error);
      for (const member of [...group.members]) member.resync(this.head);
    }
  }

  /** The group's result for one event, once: `{…payload}` plus the closing brace of the message. */
  private result(group: Group, event: PublishedEvent, user: User): Promise<Buffer | null> {
    const key = `${group.id}#${event.seq}`;
    let result = this.results.get(key);
    if (result) return result;
    this.executions++;
    const contextValue: Context = { services: group.services, user, loaders: new Loaders(group.services.db.manager) };
    let executor = this.executors.get(group.schema);
    if (!executor) this.executors.set(group.schema, (executor = compiledExecutor(group.schema)));
    result = executor({ document: group.document, operation: group.operation, operationName: group.operationName, request: { variables: group.variables }, context: contextValue, rootValue: event }).then(
      (executed) => Buffer.from(JSON.stringify(formatResult(executed)) + "}"),
    );
    this.results.set(key, result);
    if (this.results.size > RESULT_CACHE) this.results.delete(this.results.keys().next().value!);
    return result;
  }

  /** A subscription arriving over a WebSocket joins (or founds) the group of those who see the same results. */
  attachSocket(
    source: LiveSource,
    target: { socket: WebSocket; id: string; query: string },
    args: { schema: GraphQLSchema; document: DocumentNode; variableValues?: Record<string, unknown> | null; operationName?: string | null },
  ): AsyncGenerator<ExecutionResult> {
    const { options, ctx } = source;
    const user = ctx.user!;
    const variables = args.variableValues ?? undefined;
    const key = [options.topic, options.officeId, visibilityClass(user), args.operationName ?? "", stableVariables(variables), target.query].join("\u0000");
    const office = this.office(options.officeId);
    let group = office.groups.get(key);
    if (!group) {
      group = { id: ++this.groupIds, key, topic: options.topic, officeId: options.officeId, visible: options.visible, schema: args.schema, document: args.document, operation: operationOf(args.document, args.operationName), variables, operationName: args.operationName, services: ctx.services, members: new Set() };
      office.groups.set(key, group);
    }
    const member = new SocketMember(this, group, target.socket, target.id, user, options.since ?? null);
    group.members.add(member);
    // No close listener of its own: graphql-ws ends (returns) every subscription of a socket that closes.
    if (member.replaying) void this.replay(member);
    return member.control();
  }

  attachIterator(source: LiveSource): AsyncIterator<PublishedEvent> {
    const { options, ctx } = source;
    const member = new IteratorMember(this, ctx.user!, options.topic, options.officeId, options.visible, options.since ?? null);
    this.office(options.officeId).iterators.add(member);
    if (member.replaying) void this.replay(member);
    return member.iterator();
  }

  remove(member: Member): void {
    const office = this.offices.get(member.officeId);
    if (!office) return;
    if (member instanceof SocketMember) {
      member.group.members.delete(member);
      if (!member.group.members.size && office.groups.get(member.group.key) === member.group) office.groups.delete(member.group.key);
    } else office.iterators.delete(member as IteratorMember);
    if (!office.groups.size && !office.iterators.size && !office.running) this.offices.delete(member.officeId);
  }

  /**
   * Sends what a resuming subscriber missed, from the event log, then what arrived meanwhile (held, bounded).
   * More than the replay limit and it gets RESYNC_REQUIRED with the seq to resume from after refetching.
   */
  private async replay(member: Member): Promise<void> {
    try {
      const rows = await this.db.manager.find(DomainEvent, {
        where: { topic: member.topic, officeId: member.officeId, seq: MoreThan(member.last) },
        order: { seq: "ASC" },
        take: this.config.replayLimit + 1,
      });
      if (rows.length > this.config.replayLimit) return member.resync(Math.max(this.head, rows.at(-1)!.seq));
      for (const row of rows) {
        if (member.ended) return;
        await this.deliverOne(member, toEvent(row));
      }
      while (member.held.length && !member.ended) {
        const event = member.held.shift()!;
        await this.deliverOne(member, event);
      }
      member.replaying = false;
    } catch (error) {
      console.error("Replaying missed events failed; the subscriber must resync.", error);
      member.resync(this.head);
    }
  }

  private async deliverOne(member: Member, event: PublishedEvent): Promise<void> {
    if (event.seq <= member.last) return;
    const user = this.viewer(member);
    if (!user || !member.visible(event, user)) {
      member.last = event.seq;
      return;
    }
    if (member instanceof SocketMember) {
      const message = await this.result(member.group, event, user);
      if (member.last >= event.seq) return;
      member.last = event.seq;
      if (message) member.send(message);
    } else {
      member.last = event.seq;
      (member as IteratorMember).push(event);
    }
  }
}

function toEvent(row: DomainEvent): PublishedEvent {
  return { seq: Number(row.seq), topic: row.topic as Topic, officeId: Number(row.officeId), at: new Date(row.at).toISOString(), payload: row.payload };
}

/** The result as graphql-ws would send it: coded errors kept, anything unexpected masked. */
function formatResult(result: ExecutionResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (result.errors?.length) out.errors = result.errors.map((e) => maskError(e.toJSON(), e.originalError ?? e));
  if (result.data !== undefined) out.data = result.data;
  return out;
}

/** Variables as a key: sorted, and without `since`, which changes where a subscriber starts, not what it sees. */
function stableVariables(variables: Record<string, unknown> | undefined): string {
  if (!variables) return "";
  return JSON.stringify(Object.keys(variables).filter((k) => k !== "since").sort().map((k) => [k, variables[k]]));
}
