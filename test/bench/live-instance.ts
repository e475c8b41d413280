import "reflect-metadata";
import { startApp } from "../../server/app.js";
import { loadConfig } from "../../server/config.js";
import { createServices } from "../../server/services.js";

/* One server instance as its own process (P8): the environment names the database and Redis. */
const config = loadConfig({ ...process.env, SEED_DEMO_DATA: "false", RATE_LIMIT_PER_MINUTE: "0" });
const services = await createServices(config);
const app = await startApp(services, 0, "127.0.0.1");
process.send!({ type: "listening", url: app.url });
process.on("message", async (message: { type: string }) => {
  if (message.type === "rss") process.send!({ type: "rss", rss: process.memoryUsage().rss, subscribers: services.live.subscriberCount });
  // When this instance had the last event's message executed and written to every socket (wall clock): P8's breakdown.
  if (message.type === "fanout") process.send!({ type: "fanout", fanOut: services.live.lastFanOut, executions: services.live.executions });
  if (message.type === "stop") {
    await app.stop();
    await services.close();
    process.exit(0);
  }
});
