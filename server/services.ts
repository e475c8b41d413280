import type { DataSource } from "typeorm";
import type { Config } from "./config.js";
import { assertDurableSqlite, createDataSource, openDatabase } from "./db/data-source.js";
import { Writer } from "./db/writer.js";
import { LiveHub } from "./realtime/live-hub.js";
import { createAppPubSub, type AppPubSub } from "./realtime/pubsub.js";

/** The long-lived parts of a running server, shared by every request and subscription. */
export interface Services {
  config: Config;
  /** For reads. On SQLite a separate connection, so readers see only committed data and never wait on a writer. */
  db: DataSource;
  /**
   * For subscriptions. On SQLite each connection runs one statement at a time, so live updates get their own
   * connection and never queue behind a reader's long scorecard query. The same as `db` on PostgreSQL (a pool).
   */
  liveDb: DataSource;
  writer: Writer;
  pubSub: AppPubSub;
  /** The live path: fan-out, ordering, replay and the session registry (server/realtime/live-hub.ts). */
  live: LiveHub;
  close(): Promise<void>;
}

export async function createServices(config: Config): Promise<Services> {
  const writeSource = await openDatabase(config);
  let readSource: DataSource = writeSource;
  let liveSource: DataSource = writeSource;
  if (writeSource.options.type === "sqlite") {
    readSource = createDataSource(config);
    liveSource = createDataSource(config);
    for (const source of [readSource, liveSource]) {
      await source.initialize();
      await assertDurableSqlite(source);
    }
  }
  const pubSub = createAppPubSub(config.redisUrl);
  const writer = new Writer(writeSource, (event) => pubSub.publish(event.topic, event));
  const live = new LiveHub(pubSub, liveSource, config.live);
  await live.start();
  return {
    config,
    db: readSource,
    liveDb: liveSource,
    writer,
    pubSub,
    live,
    async close() {
      live.close();
      await pubSub.close();
      if (readSource !== writeSource) await readSource.destroy();
      if (liveSource !== writeSource) await liveSource.destroy();
      await writeSource.destroy();
    },
  };
}
