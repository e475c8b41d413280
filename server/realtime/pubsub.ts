import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import { Redis } from "ioredis";

/** Every topic the server publishes, in one place. */
export enum Topic {
  CONTRACT_CHANGED = "CONTRACT_CHANGED",
  RETURN_CHANGED = "RETURN_CHANGED",
  SCORECARD_CHANGED = "SCORECARD_CHANGED",
  /** A comment, follow-up flag or attachment on a return. */
  CONVERSATION_CHANGED = "CONVERSATION_CHANGED",
  /** Progress of one CSV upload, for its uploader only; transient (seq 0, never stored or replayed). */
  CSV_IMPORT_PROGRESS = "CSV_IMPORT_PROGRESS",
  /** A user's account changed (deactivated, role, office…): every instance re-reads it; transient (seq 0). */
  USER_CHANGED = "USER_CHANGED",
  /** New notifications (or some read) for these users: their lists and unread counts refresh; transient (seq 0). */
  NOTIFICATIONS_CHANGED = "NOTIFICATIONS_CHANGED",
}

/** What travels on a topic: the event's sequence number, its office, and a topic-specific payload. */
export interface PublishedEvent<P = unknown> {
  seq: number;
  topic: Topic;
  officeId: number;
  at: string;
  payload: P;
}

export type BusListener = (event: PublishedEvent) => void;

/** What travels on the Redis channel, one message per event: the event, and which instance published it. */
type BusMessage = PublishedEvent & { origin?: string };

/**
 * The event bus: in-memory by default, Redis when REDIS_URL is set so several server instances share events.
 *
 * It has no queue of its own. `listen` calls its listener synchronously for every event (the live hub keeps its
 * own bounded queues); `subscribe` gives an async iterator with a bounded queue that ends with RESYNC_REQUIRED
 * when its reader falls more than `limit` events behind. A throwing listener is logged, never rethrown: the
 * library this replaces threw past 1,024 queued events inside an EventTarget listener, which ended the process.
 *
 * With Redis, this instance's own events reach its listeners at once, as on the in-memory bus, and the copy Redis
 * echoes back is recognised by its origin and dropped: the instance that made a change does not wait for a round
 * trip to Redis, nor parse its own events again. A unit of work's events leave in one write (a pipeline), so the
 * other instances usually read them in one wake-up. Each is still its own message in the format of old, so an
 * instance of the previous version hears them during a rolling upgrade. Order is not the bus's job (Redis keeps
 * none across publishers): the live hub's Sequencer restores it and fills gaps from the event log.
 */
export interface AppPubSub {
  publish(topic: Topic, event: PublishedEvent): void;
  /** One committed unit of work's events, in seq order: heard here at once, and sent to the other instances in one write. */
  publishMany(events: readonly PublishedEvent[]): void;
  listen(listener: BusListener): () => void;
  subscribe(topic: Topic, limit?: number): AsyncIterable<PublishedEvent>;
  /** Resolves once the bus can receive (the Redis subscription is confirmed). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export const SUBSCRIBE_QUEUE_LIMIT = 1024;

export function resyncRequired(seq: number | null, message = "Too many events were missed: fetch the figures again, then resume from `seq`."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "RESYNC_REQUIRED", seq } });
}

/** `prefix` names this store's channel (config.redisPrefix): another store's instances on the same Redis are not heard. */
export function createAppPubSub(redisUrl?: string, prefix = "ch"): AppPubSub {
  const channel = `${prefix}:events`;
  const listeners = new Set<BusListener>();
  const dispatch = (event: PublishedEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error("A live event listener failed; the others still receive the event.", error);
      }
    }
  };
  const listen = (listener: BusListener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  const subscribe = (topic: Topic, limit = SUBSCRIBE_QUEUE_LIMIT) => boundedSubscription(listen, topic, limit);

  if (!redisUrl) {
    return { publish: (_topic, event) => dispatch(event), publishMany: (events) => events.forEach(dispatch), listen, subscribe, ready: Promise.resolve(), close: async () => listeners.clear() };
  }
  const origin = randomUUID();
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  subscribeClient.on("message", (_channel: string, message: string) => {
    let event: PublishedEvent;
    try {
      const { origin: from, ...rest } = JSON.parse(message) as BusMessage;
      if (from === origin) return; // this instance's own, heard when it was published
      event = rest;
    } catch {
      return;
    }
    dispatch(event);
  });
  const ready = subscribeClient.subscribe(channel).then(() => undefined);
  ready.catch((error) => console.error("Could not subscribe to the Redis event channel.", error));
  const failed = (error: unknown) => console.error("Could not publish a live event to Redis.", error);
  const publishMany = (events: readonly PublishedEvent[]) => {
    if (events.length === 1) publishClient.publish(channel, JSON.stringify({ ...events[0], origin })).catch(failed);
    else if (events.length) {
      const pipeline = publishClient.pipeline();
      for (const event of events) pipeline.publish(channel, JSON.stringify({ ...event, origin }));
      pipeline.exec().then((replies) => replies?.forEach(([error]) => error && failed(error)), failed);
    }
    events.forEach(dispatch);
  };
  return {
    publish: (_topic, event) => publishMany([event]),
    publishMany,
    listen,
    subscribe,
    ready,
    close: async () => {
      listeners.clear();
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}

/** One topic as an async iterator; listening starts at once (not at the first `next`), so nothing published after this call is lost. */
function boundedSubscription(listen: (l: BusListener) => () => void, topic: Topic, limit: number): AsyncIterable<PublishedEvent> & AsyncIterator<PublishedEvent> {
  const queue: PublishedEvent[] = [];
  let waiting: ((result: IteratorResult<PublishedEvent>) => void) | null = null;
  let failWaiting: ((error: unknown) => void) | null = null;
  let overflowed = false;
  let done = false;
  const stop = listen((event) => {
    if (event.topic !== topic || done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = failWaiting = null;
      resolve({ value: event, done: false });
      return;
    }
    if (queue.length >= limit) {
      overflowed = true;
      done = true;
      stop();
      queue.length = 0;
      return;
    }
    queue.push(event);
  });
  const iterator: AsyncIterable<PublishedEvent> & AsyncIterator<PublishedEvent> = {
    [Symbol.asyncIterator]: () => iterator,
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
      if (overflowed) {
        overflowed = false;
        return Promise.reject(resyncRequired(null));
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failWaiting = reject;
      });
    },
    return() {
      done = true;
      stop();
      queue.length = 0;
      const resolve = waiting;
      waiting = failWaiting = null;
      resolve?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
  };
  void failWaiting;
  return iterator;
}
