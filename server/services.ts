import type { DataSource } from "typeorm";
import type { Config } from "./config.js";
import { assertDurableSqlite, createDataSource, openDatabase } from "./db/data-source.js";
import { Writer } from "./db/writer.js";
import { ReadPool } from "./db/read-pool.js";
import { UserCache } from "./auth/user-cache.js";
import { LiveHub } from "./realtime/live-hub.js";
import { createAppPubSub, type AppPubSub } from "./realtime/pubsub.js";
import { MailRuntime } from "./modules/mail/mail-runtime.js";

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
  /** Every read connection: on SQLite several (requests take the least busy), on PostgreSQL the one pooled source. */
  readers: ReadPool;
  /** The token's user between look-ups; see auth/user-cache.ts. */
  users: UserCache;
  writer: Writer;
  pubSub: AppPubSub;
  /** The live path: fan-out, ordering, replay and the session registry (server/realtime/live-hub.ts). */
  live: LiveHub;
  /** The outbox, the reminder schedule and the delivery worker (server/modules/mail/). */
  mail: MailRuntime;
  close(): Promise<void>;
}

export async function createServices(config: Config): Promise<Services> {
  const writeSource = await openDatabase(config);
  let readSources: DataSource[] = [writeSource];
  let liveSource: DataSource = writeSource;
  if (writeSource.options.type === "sqlite") {
    readSources = Array.from({ length: config.readConnections }, () => createDataSource(config));
    liveSource = createDataSource(config);
    for (const source of [...readSources, liveSource]) {
      await source.initialize();
      await assertDurableSqlite(source);
    }
  }
  const readSource = readSources[0];
  const readers = new ReadPool(readSources);
  const users = new UserCache(config.userCacheMs);
  const pubSub = createAppPubSub(config.redisUrl, config.redisPrefix);
  const writer = new Writer(writeSource, (events) => pubSub.publishMany(events), { committed: (uow) => users.forget(uow.changes.filter((c) => c.type === "User").map((c) => c.id)) });
  const live = new LiveHub(pubSub, liveSource, config.live);
  await live.start();
  // Started by main.ts once the store is seeded (mail.start()); tests drive it or start it themselves.
  const mail = new MailRuntime(config.mail, config.tokenSecret, writer, readSource, pubSub);
  return {
    config,
    db: readSource,
    liveDb: liveSource,
    readers,
    users,
    writer,
    pubSub,
    live,
    mail,
    async close() {
      await mail.close();
      writer.close();
      live.close();
      await pubSub.close();
      for (const source of readSources) if (source !== writeSource) await source.destroy();
      if (liveSource !== writeSource) await liveSource.destroy();
      // The writer's current connection: on SQLite it replaces the first after a failed COMMIT.
      if (writer.dataSource.isInitialized) await writer.dataSource.destroy();
    },
  };
}
