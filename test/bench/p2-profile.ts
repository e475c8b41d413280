import "reflect-metadata";
import { spawn } from "node:child_process";
import fs from "node:fs";
import inspector from "node:inspector";
import os from "node:os";
import path from "node:path";

/*
 * A profiling aid for P2: one server process (run this under `node --cpu-prof`) with the demo data, and the load
 * in a child process, so the profile holds the server's work only.
 *   P2_PROFILE=/tmp/p2.cpuprofile npx tsx test/bench/p2-profile.ts [concurrency=50] [seconds=10]
 * (without P2_PROFILE: only the rate and the server's CPU time per request). P2_ACCEPT_ENCODING: the load's
 * accept-encoding header (fetch's own, gzip and deflate, by default).
 */
const { startApp } = await import("../../server/app.js");
const { loadConfig } = await import("../../server/config.js");
const { seedDemoData } = await import("../../server/db/seed/demo-seed.js");
const { createServices } = await import("../../server/services.js");

const concurrency = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 10);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-p2-"));
const config = loadConfig({ ...process.env, DATABASE_PATH: path.join(dir, "p2.sqlite"), MAX_QUERY_COST: "100000000", MAX_QUERY_DEPTH: "20", RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? "0", SEED_DEMO_DATA: "false" });
const services = await createServices(config);
const db = services.writer.dataSource;
await seedDemoData(db);
const app = await startApp(services, 0, "127.0.0.1");
const officeId = Number((await db.query(`SELECT "officeId" FROM "user" WHERE email = ?`, ["officer@wiltshire.demo.example"]))[0].officeId);
const periodIds = (await db.query(`SELECT id FROM "reporting_period" WHERE "officeId" = ? ORDER BY year, quarter`, [officeId])).map((r: { id: unknown }) => Number(r.id)).slice(-6);
const portfolioId = Number((await db.query(`SELECT "portfolioId" FROM "scorecard_cell" WHERE "officeId" = ? AND "portfolioId" <> 0 ORDER BY "portfolioId" LIMIT 1`, [officeId]))[0].portfolioId);
const BOARD = `query BoardScorecards($officeId: Int, $portfolioId: Int, $periodIds: [Int!], $includeSubmitted: Boolean!) {
  scorecards(officeId: $officeId, portfolioId: $portfolioId, periodIds: $periodIds, includeSubmitted: $includeSubmitted) {
    portfolioId rows { indicatorId indicator { id code name unit direction } trend(last: 8) cells { periodId label actual numerator denominator target rag change returnsIn returnsDue provisional } } } }`;
const login = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", variables: { e: "officer@wiltshire.demo.example", p: "demo-password-2026" } }) });
const token = ((await login.json()) as any).data.login.token as string;
const body = JSON.stringify({ query: BOARD, variables: { officeId, portfolioId, periodIds, includeSubmitted: false } });
if (process.env.P2_DUMP) {
  const statements: string[] = [];
  const capture = { logQuery: (sql: string, params?: unknown[]) => void statements.push(`${sql} -- ${JSON.stringify(params ?? [])}`), logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} };
  const originals = services.readers.all.map((source) => source.logger);
  for (const source of services.readers.all) Object.defineProperty(source, "logger", { value: capture, configurable: true });
  const answer = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
  services.readers.all.forEach((source, i) => Object.defineProperty(source, "logger", { value: originals[i], configurable: true }));
  fs.writeFileSync(process.env.P2_DUMP, await answer.text());
  console.log(statements.join("\n"), "\n", [...answer.headers].join("\n"));
}
const client = `
const [url, token, body, concurrency, seconds] = process.argv.slice(1);
const headers = { "content-type": "application/json", authorization: "Bearer " + token, ...(process.env.P2_ACCEPT_ENCODING ? { "accept-encoding": process.env.P2_ACCEPT_ENCODING } : {}) };
let done = 0; const until = Date.now() + Number(seconds) * 1000; const cpu = process.cpuUsage();
await Promise.all(Array.from({ length: Number(concurrency) }, async () => {
  while (Date.now() < until) { const r = await fetch(url, { method: "POST", headers, body }); JSON.parse(await r.text()); done++; }
}));
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ concurrency: Number(concurrency), rps: done / Number(seconds), clientMs: (used.user + used.system) / 1000 / done }));`;
let clientMs = 0;
const run = (c: number, s: number) => new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ["--input-type=module", "-e", client, `${app.url}/graphql`, token, body, String(c), String(s)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => void (out += d));
  child.on("exit", () => {
    const result = JSON.parse(out) as { rps: number; clientMs: number };
    clientMs = result.clientMs;
    resolve(result.rps);
  });
});
await run(10, 2); // warm up
const session = new inspector.Session();
session.connect();
const post = (method: string, params?: object) => new Promise<any>((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
const profileTo = process.env.P2_PROFILE;
if (profileTo) {
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
  await post("Profiler.start");
}
const t0 = process.cpuUsage();
const rps = await run(concurrency, seconds);
const cpu = process.cpuUsage(t0);
if (profileTo) fs.writeFileSync(profileTo, JSON.stringify((await post("Profiler.stop")).profile));
console.log(`concurrency ${concurrency}: ${rps.toFixed(0)} req/s, server CPU ${((cpu.user + cpu.system) / 1000 / (rps * seconds)).toFixed(2)} ms per request (the load generator ${clientMs.toFixed(2)} ms), load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
await app.stop();
await services.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
