/*
 * The profiling aids' common start (p4-profile, p5-profile): the demo data and a bench office in a temporary
 * SQLite file, its maintained cells built, the server on a free port, and the office's officer signed in.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startApp } from "../../server/app.js";
import { loadConfig } from "../../server/config.js";
import { seedDemoData } from "../../server/db/seed/demo-seed.js";
import { rebuildScorecardAggregates } from "../../server/modules/scorecards/scorecard-aggregates.js";
import { createServices } from "../../server/services.js";
import { generate } from "./generate.js";

export async function profileOffice(name: string, shape: Parameters<typeof generate>[1], env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `commissioning-hub-${name}-`));
  const config = loadConfig({ ...process.env, DATABASE_PATH: path.join(dir, `${name}.sqlite`), RATE_LIMIT_PER_MINUTE: "0", SEED_DEMO_DATA: "false", ...env });
  const services = await createServices(config);
  const db = services.writer.dataSource;
  await seedDemoData(db);
  const big = await generate(db, shape);
  await db.transaction((manager) => rebuildScorecardAggregates(manager, [big.officeId]));
  const app = await startApp(services, 0, "127.0.0.1");
  const gql = async (token: string | null, query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as any;
  };
  const token: string = (await gql(null, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", { e: big.officerEmail, p: big.password })).data.login.token;
  const close = async () => {
    await app.stop();
    await services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { services, db, big, app, gql, token, close };
}
