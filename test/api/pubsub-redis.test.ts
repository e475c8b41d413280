import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createAppPubSub, Topic, type PublishedEvent } from "../../server/realtime/pubsub.js";
import { postgresAndRedisUnreachable, REDIS_URL } from "../support/services.js";

/*
 * The event bus on Redis, as two instances of one store use it: the instance that publishes hears its own events
 * at once and only once (not again when Redis echoes them back), the other hears each unit of work's events once
 * each, in order. Order across publishers is the Sequencer's job (live-order-postgres.test.ts).
 */
const unreachable = await postgresAndRedisUnreachable();
if (unreachable && !process.env.CI) console.warn(`Skipping the Redis event bus tests: ${unreachable}`);

const event = (seq: number, topic = Topic.RETURN_CHANGED): PublishedEvent => ({ seq, topic, officeId: 1, at: new Date(0).toISOString(), payload: { seq } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(unreachable !== null && !process.env.CI)("the event bus on Redis (REDIS_URL)", () => {
  const prefix = `ch-bus-test-${process.pid}-${Date.now()}`;
  const a = createAppPubSub(REDIS_URL, prefix);
  const b = createAppPubSub(REDIS_URL, prefix);
  const heardA: PublishedEvent[] = [];
  const heardB: PublishedEvent[] = [];
  a.listen((e) => heardA.push(e));
  b.listen((e) => heardB.push(e));
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  /** Until B has heard n events (Redis is a network hop away). */
  async function untilB(n: number): Promise<void> {
    for (let i = 0; i < 200 && heardB.length < n; i++) await sleep(10);
  }

  it("delivers a unit of work's events to the instance that published them at once, before publishMany returns, and never again from Redis's echo", async () => {
    await Promise.all([a.ready, b.ready]);
    a.publishMany([event(1), event(2, Topic.SCORECARD_CHANGED), event(3)]);
    expect(heardA.map((e) => e.seq)).toEqual([1, 2, 3]);
    await untilB(3);
    await sleep(100); // time enough for the echo to come back to A, were it heard
    expect(heardA.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("delivers them to the other instance once each, in the order they were published, with their payloads", async () => {
    await untilB(3);
    expect(heardB.map((e) => [e.seq, e.topic])).toEqual([
      [1, Topic.RETURN_CHANGED],
      [2, Topic.SCORECARD_CHANGED],
      [3, Topic.RETURN_CHANGED],
    ]);
    expect(heardB[1].payload).toEqual({ seq: 2 });
  });

  it("hears transient events (seq 0) once on each instance, and one event at a time as before", async () => {
    const before = [heardA.length, heardB.length];
    a.publish(Topic.USER_CHANGED, { seq: 0, topic: Topic.USER_CHANGED, officeId: 0, at: new Date(0).toISOString(), payload: { userId: 7 } });
    await untilB(before[1] + 1);
    await sleep(100);
    expect(heardA.slice(before[0]).map((e) => e.topic)).toEqual([Topic.USER_CHANGED]);
    expect(heardB.slice(before[1]).map((e) => e.payload)).toEqual([{ userId: 7 }]);
  });

  it("still hears an event without an origin, as an instance of the previous version sends it during a rolling upgrade", async () => {
    const before = heardB.length;
    const raw = new Redis(REDIS_URL);
    try {
      await raw.publish(`${prefix}:events`, JSON.stringify(event(4)));
    } finally {
      raw.disconnect();
    }
    await untilB(before + 1);
    expect(heardB.slice(before).map((e) => e.seq)).toEqual([4]);
  });
});
