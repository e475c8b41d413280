import "reflect-metadata";
import { startApp } from "./app.js";
import { loadConfig } from "./config.js";
import { seedDemoData } from "./db/seed/demo-seed.js";
import { createServices } from "./services.js";

const config = loadConfig();
const services = await createServices(config);
if (config.seedDemoData) await seedDemoData(services.writer.dataSource);
const app = await startApp(services, config.port);

const where = config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : config.databasePath;
console.log(`Commissioning Hub is running at ${app.url}/`);
console.log(`  GraphQL (HTTP and WebSocket): ${app.url}/graphql   GraphiQL: ${app.url}/graphiql/   health: ${app.url}/healthz`);
console.log(`  Data: ${where}${config.redisUrl ? "; events shared through Redis" : ""}`);
if (config.seedDemoData) console.log("  Demo logins are listed in README.md (section \"Demo logins\"); every demo password is demo-password-2026.");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    await services.close();
    process.exit(0);
  });
}
