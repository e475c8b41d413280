import { MoreThan } from "typeorm";
import type { Context } from "../context.js";
import { Loaders } from "../db/loaders.js";
import { unauthenticated } from "../errors.js";
import { User } from "../modules/users/user.entity.js";
import { DomainEvent } from "./domain-event.entity.js";
import type { PublishedEvent, Topic } from "./pubsub.js";

const REPLAY_LIMIT = 10_000;

export interface StreamOptions {
  topic: Topic;
  officeId: number;
  /** Replay stored events with a larger sequence number first, then continue live. */
  since?: number | null;
  /** Whether this subscriber may see this event; asked for every event, replayed or live. */
  visible(event: PublishedEvent, user: User): boolean;
}

/**
 * The event stream behind every subscription. It starts listening before it replays, so nothing
 * published during the replay is lost, and it drops anything it has already delivered, so nothing
 * arrives twice. Each event re-checks that the subscriber's account is still active and unchanged:
 * a subscription outlives the request that opened it.
 */
export async function* eventStream(ctx: Context, options: StreamOptions): AsyncGenerator<PublishedEvent> {
  const { services } = ctx;
  const live = services.pubSub.subscribe(options.topic);
  const iterator = live[Symbol.asyncIterator]();
  // The PubSub's iterator attaches its listener only when first asked for a value: ask now, before the
  // replay query, or events committed between that query and the first live read are lost.
  let first: Promise<IteratorResult<PublishedEvent>> | null = iterator.next();
  // The last sequence number delivered; only tracked when the client resumes with `since`.
  let last: number | null = options.since ?? null;
  try {
    if (options.since != null) {
      const missed = await services.db.manager.find(DomainEvent, {
        where: { topic: options.topic, officeId: options.officeId, seq: MoreThan(options.since) },
        order: { seq: "ASC" },
        take: REPLAY_LIMIT,
      });
      for (const row of missed) {
        const event: PublishedEvent = { seq: row.seq, topic: row.topic as Topic, officeId: row.officeId, at: new Date(row.at).toISOString(), payload: row.payload };
        last = row.seq;
        const user = await currentUser(ctx);
        if (options.visible(event, user)) yield event;
      }
    }
    for (;;) {
      const { value: event, done } = await (first ?? iterator.next());
      first = null;
      if (done) return;
      if (event.officeId !== options.officeId) continue;
      if (last != null) {
        if (event.seq <= last) continue;
        last = event.seq;
      }
      const user = await currentUser(ctx);
      if (options.visible(event, user)) yield event;
    }
  } finally {
    await iterator.return?.();
  }
}

/** Re-reads the subscriber's account and gives the event fresh loaders (the context lives as long as the subscription). */
async function currentUser(ctx: Context): Promise<User> {
  if (!ctx.user) throw unauthenticated();
  const fresh = await ctx.services.db.manager.findOneBy(User, { id: ctx.user.id });
  if (!fresh || !fresh.active || fresh.tokenVersion !== ctx.user.tokenVersion) throw unauthenticated("Your session has ended.");
  ctx.user = fresh;
  ctx.loaders = new Loaders(ctx.services.db.manager);
  return fresh;
}
