import type { DataSource } from "typeorm";
import type { Config } from "./config.js";
import { assertDurableSqlite, createDataSource, openDatabase } from "./db/data-source.js";
import { Writer } from "./db/writer.js";
import { createAppPubSub, type AppPubSub } from "./realtime/pubsub.js";

/** The long-lived parts of a running server, shared by every request and subscription. */
export interface Services {
  config: Config;
  /** For reads. On SQLite a separate connection, so readers see only committed data and never wait on a writer. */
  db: DataSource;
  writer: Writer;
  pubSub: AppPubSub;
  close(): Promise<void>;
}

export async function createServices(config: Config): Promise<Services> {
  const writeSource = await openDatabase(config);
  let readSource: DataSource = writeSource;
  if (writeSource.options.type === "sqlite") {
    readSource = createDataSource(config);
    await readSource.initialize();
    await assertDurableSqlite(readSource);
  }
  const pubSub = createAppPubSub(config.redisUrl);
  const writer = new Writer(writeSource, (event) => pubSub.publish(event.topic, event));
  return {
    config,
    db: readSource,
    writer,
    pubSub,
    async close() {
      await pubSub.close();
      if (readSource !== writeSource) await readSource.destroy();
      await writeSource.destroy();
    },
  };
}
