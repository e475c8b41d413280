import "reflect-metadata";
import { loadConfig } from "./server/config.ts";
import { createServices } from "./server/services.ts";
import { seedDemoData } from "./server/db/seed/demo-seed.ts";
const s = await createServices(loadConfig());
await seedDemoData(s.writer.dataSource);
await s.close();
