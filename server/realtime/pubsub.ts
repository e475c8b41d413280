import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub, type PubSubEvent } from "@graphql-yoga/subscription";
import { setMaxListeners } from "node:events";
import { Redis } from "ioredis";

/** Every topic the server publishes, in one place. */
export enum Topic {
  CONTRACT_CHANGED = "CONTRACT_CHANGED",
  RETURN_CHANGED = "RETURN_CHANGED",
  SCORECARD_CHANGED = "SCORECARD_CHANGED",
  /** Progress of one CSV upload, for its uploader only; transient (seq 0, never stored or replayed). */
  CSV_IMPORT_PROGRESS = "CSV_IMPORT_PROGRESS",
}

/** What travels on a topic: the event's sequence number, its office, and a topic-specific payload. */
export interface PublishedEvent<P = unknown> {
  seq: number;
  topic: Topic;
  officeId: number;
  at: string;
  payload: P;
}

type Channels = { [K in Topic]: [PublishedEvent] };

export type AppPubSub = ReturnType<typeof createPubSub<Channels>> & { close(): Promise<void> };

/** In-memory by default; Redis when REDIS_URL is set, so several server instances share events. */
export function createAppPubSub(redisUrl?: string): AppPubSub {
  if (!redisUrl) {
    // Every open dashboard listens on the same topics: Node's default warning at 10 listeners would be noise.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return Object.assign(createPubSub<Channels>({ eventTarget: eventTarget as never }), { close: async () => {} });
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget<PubSubEvent<Channels, Topic>>({ publishClient, subscribeClient });
  const pubSub = createPubSub<Channels>({ eventTarget });
  return Object.assign(pubSub, {
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
