import "reflect-metadata";
import { startApp } from "./app.js";
import { loadConfig } from "./config.js";
import { seedDemoData } from "./db/seed/demo-seed.js";
import { createServices } from "./services.js";

function configOrExit(): ReturnType<typeof loadConfig> {
  try {
    return loadConfig();
  } catch (error) {
    // A setting that cannot be read: say which, once, without a stack trace, and do not start.
    console.error(`Commissioning Hub cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}

const config = configOrExit();
const services = await createServices(config);
if (config.seedDemoData) await seedDemoData(services.writer.dataSource);
services.mail.start();
const app = await startApp(services, config.port);

const where = config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : config.databasePath;
console.log(`Commissioning Hub is running at ${app.url}/`);
console.log(`  GraphQL (HTTP and WebSocket): ${app.url}/graphql   GraphiQL: ${app.url}/graphiql/   health: ${app.url}/healthz`);
console.log(`  Data: ${where}${config.redisUrl ? "; events shared through Redis" : ""}`);
if (config.seedDemoData) console.log("  Demo logins are listed in README.md (section \"Demo logins\"); every demo password is demo-password-2026.");

/** A stop that has not finished by then is cut short: the process exits 1 rather than hang. */
const STOP_LIMIT_MS = 10_000;

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: answering the requests in flight, then stopping.`);
    setTimeout(() => {
      console.error(`Still stopping after ${STOP_LIMIT_MS} ms; exiting.`);
      process.exit(1);
    }, STOP_LIMIT_MS).unref();
    try {
      await app.stop();
      await services.close();
    } catch (error) {
      console.error("Stopping failed:", error);
      process.exit(1);
    }
    process.exit(0);
  });
}
