import "reflect-metadata";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import express from "express";
import pg from "pg";
import type { Logger } from "typeorm";

/*
 * npm run bench — the scorecard and import targets of issue 9, each a ratio against a floor that this file builds
 * itself (never the product's own code), measured in the same run (these machines are noisy: ratios travel).
 *   BENCH_SCALE=full (default): 50 portfolios × 40 contracts × 12 measures × 40 quarters = 960,000 values
 *   BENCH_SCALE=small: a quick run while developing
 *   BENCH_ONLY=P1,P4: only these scenarios
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test: on PostgreSQL (a fresh database is made and dropped)
 *   BENCH_READERS (2): readers running during P4
 * Appends the raw output, with the date and the machine's load, to test/bench/RESULTS.md (BENCH_RECORD=0: don't).
 */

const lines: string[] = [];
const log = (line: string) => {
  lines.push(line);
  console.log(line);
};

let adminUrl: string | null = null;
let benchDatabase: string | null = null;
if (process.env.DATABASE_URL) {
  adminUrl = process.env.DATABASE_URL;
  benchDatabase = `commissioning_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${benchDatabase}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${benchDatabase}`;
  process.env.DATABASE_URL = url.toString();
}

// Entity column types follow DATABASE_URL when their modules load: import the product after setting it.
const { startApp } = await import("../../server/app.js");
const { loadConfig } = await import("../../server/config.js");
const { seedDemoData } = await import("../../server/db/seed/demo-seed.js");
const { PerformanceReturn, ReturnState } = await import("../../server/modules/returns/return.entities.js");
const { rebuildScorecardAggregates, refreshContracts } = await import("../../server/modules/scorecards/scorecard-aggregates.js");
const { createServices } = await import("../../server/services.js");
const { wsClient } = await import("../api/ws-client.js");
const { generate } = await import("./generate.js");
const { floodScenario } = await import("./flood.js");
type BenchShape = import("./generate.js").BenchShape;

const FULL: BenchShape = { portfolios: 50, contractsPerPortfolio: 40, measures: 12, quarters: 40 };
const SMALL: BenchShape = { portfolios: 10, contractsPerPortfolio: 10, measures: 12, quarters: 8 };
const scale = process.env.BENCH_SCALE === "small" ? "small" : "full";
const shape = scale === "small" ? SMALL : FULL;
const only = new Set((process.env.BENCH_ONLY ?? "P1,P1b,P2,P4,P5,P9,F").split(",").map((s) => s.trim()));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const mb = (bytes: number) => bytes / 1024 / 1024;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

// BENCH_ONLY=flood runs only scenario F (floods against a legitimate user; see flood.ts).
if (process.env.BENCH_ONLY === "flood") {
  console.log(JSON.stringify({ results: { F: await floodScenario(log) } }, null, 2));
  process.exit(0);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-bench-"));
const config = loadConfig({ ...process.env, DATABASE_PATH: path.join(dir, "bench.sqlite"), MAX_QUERY_COST: "100000000", MAX_QUERY_DEPTH: "20", RATE_LIMIT_PER_MINUTE: "0", SEED_DEMO_DATA: "false" });
const services = await createServices(config);
const db = services.writer.dataSource;
const postgres = db.options.type === "postgres";
const ph = (i: number) => (postgres ? `$${i}` : "?");

log(`# ${new Date().toISOString()} — ${db.options.type}, scale ${scale} ${JSON.stringify(shape)}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ${os.cpus().length} cores, node ${process.version}`);
let start = process.hrtime.bigint();
await seedDemoData(db);
const big = await generate(db, shape);
log(`generated ${big.values.toLocaleString("en-GB")} return values in ${(ms(start) / 1000).toFixed(1)} s`);
start = process.hrtime.bigint();
await db.transaction((manager) => rebuildScorecardAggregates(manager, [big.officeId]));
log(`maintained aggregates built for the bench office (as the migration does for existing data) in ${(ms(start) / 1000).toFixed(1)} s`);
if (!postgres) await db.query("PRAGMA wal_checkpoint(TRUNCATE)");
else await db.query("ANALYZE");

const app = await startApp(services, 0, "127.0.0.1");
async function post(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<{ text: string; body: any }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  return { text, body: JSON.parse(text) };
}
const gql = (token: string | null, query: string, variables: Record<string, unknown> = {}) => post(`${app.url}/graphql`, token, query, variables);
/**
 * A request read as a browser reads it: the bytes as they arrive, then one native inflate and one JSON.parse. fetch
 * (undici) inflates through web streams chunk by chunk: for P1's 340 KB of gzip it takes 15–18 ms where one
 * gunzipSync of the same bytes takes 4–5 ms (measured 2026-12-03), time neither the product nor a browser spends.
 */
const keepAlive = new http.Agent({ keepAlive: true });
function readAsBrowser(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<string> {
  const target = new URL(url);
  const headers: Record<string, string | number> = { "accept-encoding": "gzip, deflate", ...init.headers };
  if (init.body != null) headers["content-length"] = Buffer.byteLength(init.body);
  return new Promise((resolve, reject) => {
    const request = http.request({ agent: keepAlive, hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: init.method ?? "GET", headers }, (response) => {
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("error", reject);
      response.on("end", () => {
        const bytes = Buffer.concat(parts);
        const encoding = response.headers["content-encoding"];
        resolve((encoding === "gzip" ? zlib.gunzipSync(bytes) : encoding === "deflate" ? zlib.inflateSync(bytes) : bytes).toString("utf8"));
      });
    });
    request.on("error", reject);
    request.end(init.body);
  });
}
async function gqlAsBrowser(token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  return JSON.parse(await readAsBrowser(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) }));
}
async function login(email: string, password: string): Promise<string> {
  const { body } = await gql(null, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", { e: email, p: password });
  return body.data.login.token;
}
const token = await login(big.officerEmail, big.password);
const demoToken = await login("officer@wiltshire.demo.example", "demo-password-2026");
const results: Record<string, unknown> = {};

const SCORECARDS = `query($o: Int) { scorecards(officeId: $o) { portfolioId rows { indicatorId cells { periodId label actual numerator denominator target rag change returnsIn returnsDue provisional } } } }`;
// The board's own query (dashboard/src/views/board/use-live-scorecards.ts), for one portfolio and the quarters on screen.
const BOARD = `query BoardScorecards($officeId: Int, $portfolioId: Int, $periodIds: [Int!], $includeSubmitted: Boolean!) {
  scorecards(officeId: $officeId, portfolioId: $portfolioId, periodIds: $periodIds, includeSubmitted: $includeSubmitted) {
    portfolioId rows { indicatorId indicator { id code name unit direction } trend(last: 8) cells { periodId label actual numerator denominator target rag change returnsIn returnsDue provisional } } } }`;
const ACCEPT = "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }";

/** Puts returns back to SUBMITTED behind the API's back, then repairs the maintained cells they feed. */
async function resubmit(ids: number[]): Promise<void> {
  if (!ids.length) return;
  await db.createQueryBuilder().update(PerformanceReturn).set({ state: ReturnState.SUBMITTED }).whereInIds(ids).execute();
  const rows: { contractId: number; periodId: number }[] = await db.query(`SELECT "contractId", "periodId" FROM "performance_return" WHERE id IN (${ids.map((_, i) => ph(i + 1)).join(", ")})`, ids);
  await db.transaction(async (manager) => {
    for (const periodId of new Set(rows.map((r) => Number(r.periodId)))) await refreshContracts(manager, rows.filter((r) => Number(r.periodId) === periodId).map((r) => Number(r.contractId)), [periodId]);
  });
}
async function returnsOf(portfolioId: number, periodId: number, limit: number): Promise<number[]> {
  const rows = await db.query(`SELECT r.id FROM "performance_return" r JOIN "contract" c ON c.id = r."contractId" WHERE c."portfolioId" = ${ph(1)} AND r."periodId" = ${ph(2)} ORDER BY r.id LIMIT ${limit}`, [portfolioId, periodId]);
  return rows.map((r: { id: unknown }) => Number(r.id));
}
async function accept(id: number): Promise<void> {
  const { version } = await db.manager.findOneByOrFail(PerformanceReturn, { id });
  const accepted = await gql(token, ACCEPT, { id, v: version });
  if (accepted.body.errors) throw new Error(JSON.stringify(accepted.body.errors));
}

// P1 / P1b: the full-office scorecard, each read the first after a change (an accept through the API).
if (only.has("P1") || only.has("P1b")) {
  const runs = 5;
  const changes = await returnsOf(big.portfolioIds[2], big.periodIds[big.periodIds.length - 2], 2 * runs + 1);
  await resubmit(changes);
  await accept(changes[2 * runs]);
  await gql(token, SCORECARDS, { o: big.officeId }); // warm the query planner and the code paths
  await gqlAsBrowser(token, SCORECARDS, { o: big.officeId });
  // Taking turns, each read the first after its own accept: read as a browser reads (the figure), and through fetch.
  const product: number[] = [];
  const throughFetch: number[] = [];
  let answer: any = null;
  for (let i = 0; i < runs; i++) {
    await accept(changes[2 * i]);
    let t = process.hrtime.bigint();
    answer = await gqlAsBrowser(token, SCORECARDS, { o: big.officeId });
    product.push(ms(t));
    await accept(changes[2 * i + 1]);
    t = process.hrtime.bigint();
    await gql(token, SCORECARDS, { o: big.officeId });
    throughFetch.push(ms(t));
  }
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  const cells = answer.data.scorecards.flatMap((s: any) => s.rows.flatMap((r: any) => r.cells.map((c: any) => ({ ...c, portfolioId: s.portfolioId ?? 0, indicatorId: r.indicatorId }))));
  // Floor 1: the same cells from a plain table, indexed by office, + JSON.stringify.
  await db.query(`CREATE TABLE bench_cell ("officeId" integer, "portfolioId" integer, "indicatorId" integer, "periodId" integer, label varchar(20), actual double precision, numerator double precision, denominator double precision, target double precision, rag varchar(10), change double precision, "returnsIn" integer, "returnsDue" integer, provisional boolean)`);
  await db.query(`CREATE INDEX bench_cell_office ON bench_cell ("officeId", "portfolioId", "indicatorId", "periodId")`);
  const columns = ["officeId", "portfolioId", "indicatorId", "periodId", "label", "actual", "numerator", "denominator", "target", "rag", "change", "returnsIn", "returnsDue", "provisional"];
  for (let i = 0; i < cells.length; i += 1000) {
    const chunk = cells.slice(i, i + 1000);
    let n = 0;
    await db.query(
      `INSERT INTO bench_cell (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${chunk.map(() => `(${columns.map(() => ph(++n)).join(", ")})`).join(", ")}`,
      chunk.flatMap((c: any) => [big.officeId, c.portfolioId, c.indicatorId, c.periodId, c.label, c.actual, c.numerator, c.denominator, c.target, c.rag, c.change, c.returnsIn, c.returnsDue, postgres ? c.provisional : c.provisional ? 1 : 0]),
    );
  }
  const reader = services.readers.pick();
  const plain: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    JSON.stringify(await reader.query(`SELECT * FROM bench_cell WHERE "officeId" = ${ph(1)}`, [big.officeId]));
    plain.push(ms(t));
  }
  // Floor 2: the rollup done in SQL from the raw values, GROUP BY portfolio, indicator, quarter.
  const rollupSql = `SELECT c."portfolioId" AS "portfolioId", im."indicatorId" AS "indicatorId", r."periodId" AS "periodId", im.role AS role, SUM(v.value) AS total, COUNT(DISTINCT r.id) AS returns
    FROM "return_value" v JOIN "performance_return" r ON r.id = v."returnId" JOIN "contract" c ON c.id = r."contractId"
    JOIN "contract_kpi" k ON k."contractId" = c.id JOIN "indicator_measure" im ON im."indicatorId" = k."indicatorId" AND im."measureId" = v."measureId"
    WHERE c."officeId" = ${ph(1)} AND r.state = 'ACCEPTED' GROUP BY c."portfolioId", im."indicatorId", r."periodId", im.role`;
  const rollup: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    JSON.stringify(await reader.query(rollupSql, [big.officeId]));
    rollup.push(ms(t));
  }
  results.P1 = { cells: cells.length, productMs: median(product), productThroughFetchMs: median(throughFetch), plainTableMs: median(plain), ratio: median(product) / median(plain), ratioThroughFetch: median(throughFetch) / median(plain), goal: "≤ 1.5" };
  results.P1b = { productMs: median(product), sqlRollupMs: median(rollup), ratio: median(product) / median(rollup), goal: "≤ 0.1" };
  log(`P1  full-office scorecard (${cells.length} cells), first read after an accept, over HTTP read as a browser reads it (one inflate, one JSON.parse): ${median(product).toFixed(1)} ms vs plain table + JSON.stringify ${median(plain).toFixed(1)} ms → ratio ${(median(product) / median(plain)).toFixed(2)} (goal ≤ 1.5); runs ${product.map((x) => x.toFixed(0)).join(", ")}; read through fetch instead ${median(throughFetch).toFixed(1)} ms → ${(median(throughFetch) / median(plain)).toFixed(2)} (runs ${throughFetch.map((x) => x.toFixed(0)).join(", ")})`);
  log(`P1b same vs the rollup in SQL from raw values (GROUP BY portfolio, indicator, quarter) ${median(rollup).toFixed(0)} ms → ratio ${(median(product) / median(rollup)).toFixed(3)} (goal ≤ 0.1)`);
}

// P2: the board's query, requests per second at concurrency 1, 10, 50, against a plain express route running the
// same SQL statements (captured from the product's own request) through the same read connections.
if (only.has("P2")) {
  const demoOffice = Number((await db.query(`SELECT "officeId" FROM "user" WHERE email = ${ph(1)}`, ["officer@wiltshire.demo.example"]))[0].officeId);
  const demoPeriods: number[] = (await db.query(`SELECT id FROM "reporting_period" WHERE "officeId" = ${ph(1)} ORDER BY year, quarter`, [demoOffice])).map((r: { id: unknown }) => Number(r.id));
  const demoPortfolio = Number((await db.query(`SELECT "portfolioId" FROM "scorecard_cell" WHERE "officeId" = ${ph(1)} AND "portfolioId" <> 0 ORDER BY "portfolioId" LIMIT 1`, [demoOffice]))[0].portfolioId);
  const cases = [
    { name: "demo data", token: demoToken, variables: { officeId: demoOffice, portfolioId: demoPortfolio, periodIds: demoPeriods.slice(-6), includeSubmitted: false } },
    { name: "bench scale", token, variables: { officeId: big.officeId, portfolioId: big.portfolioIds[5], periodIds: big.periodIds.slice(-6), includeSubmitted: false } },
  ];
  const plainApp = express();
  let captured: { sql: string; params: unknown[] }[] = [];
  plainApp.get("/board", async (_req, res) => {
    const reader = services.readers.pick();
    const out = [];
    for (const statement of captured) out.push(await reader.query(statement.sql, statement.params));
    res.type("json").send(JSON.stringify(out));
  });
  const plainServer = http.createServer(plainApp);
  await new Promise<void>((resolve) => plainServer.listen(0, "127.0.0.1", resolve));
  const plainUrl = `http://127.0.0.1:${(plainServer.address() as { port: number }).port}/board`;

  async function rate(concurrency: number, once: () => Promise<unknown>, seconds: number): Promise<number> {
    let done = 0;
    const until = Date.now() + seconds * 1000;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await once();
        done += 1;
      }
    }));
    return done / seconds;
  }
  const p2: Record<string, unknown> = {};
  for (const c of cases) {
    // Capture the statements one board request runs.
    const statements: { sql: string; params: unknown[] }[] = [];
    const capture: Logger = { logQuery: (sql, params) => void statements.push({ sql, params: params ?? [] }), logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} };
    const originals = services.readers.all.map((source) => source.logger);
    for (const source of services.readers.all) Object.defineProperty(source, "logger", { value: capture, configurable: true });
    const sample = await gql(c.token, BOARD, c.variables);
    services.readers.all.forEach((source, i) => Object.defineProperty(source, "logger", { value: originals[i], configurable: true }));
    if (sample.body.errors) throw new Error(JSON.stringify(sample.body.errors));
    captured = statements.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s.sql));
    const row: Record<string, unknown> = { statements: captured.length, bytes: sample.text.length };
    for (const concurrency of [1, 10, 50]) {
      const seconds = scale === "small" ? 2 : 3;
      const product = await rate(concurrency, () => gql(c.token, BOARD, c.variables), seconds);
      const plain = await rate(concurrency, () => fetch(plainUrl).then((r) => r.text()), seconds);
      row[`c${concurrency}`] = { productRps: Math.round(product), plainRps: Math.round(plain), ratio: product / plain };
      log(`P2  board query, ${c.name}, concurrency ${concurrency}: ${product.toFixed(0)} req/s vs plain express route with the same ${captured.length} statements ${plain.toFixed(0)} req/s → ratio ${(product / plain).toFixed(2)} (goal ≥ 0.5); answer ${sample.text.length} bytes`);
    }
    p2[c.name] = row;
  }
  results.P2 = p2;
  await new Promise<void>((resolve) => plainServer.close(() => resolve()));
}

// P4: accept → a subscribed client has the new cells, with readers running.
if (only.has("P4")) {
  const wanted = scale === "small" ? 15 : 30;
  const portfolioId = big.portfolioIds[0];
  const periodId = big.periodIds[big.periodIds.length - 1];
  const ids = await returnsOf(portfolioId, periodId, wanted);
  await resubmit(ids);
  let reading = true;
  const readerCount = Number(process.env.BENCH_READERS ?? 2);
  const readTimes: number[] = [];
  const readers = Array.from({ length: readerCount }, async () => {
    while (reading) {
      const t = process.hrtime.bigint();
      await gql(token, `query($p: Int) { scorecards(portfolioId: $p) { rows { cells { actual } } } }`, { p: big.portfolioIds[1] });
      readTimes.push(ms(t));
    }
  });
  const client = wsClient(app.url, token);
  let arrived: (() => void) | null = null;
  const stop = client.subscribe(
    { query: "subscription($p: Int!, $per: Int!) { scorecardChanged(portfolioId: $p, periodId: $per) { seq scorecard { rows { cells { actual returnsIn } } } } }", variables: { p: portfolioId, per: periodId } },
    { next: () => arrived?.(), error: (e) => console.error(e), complete: () => {} },
  );
  await new Promise((r) => setTimeout(r, 500));
  const latencies: number[] = [];
  for (const id of ids) {
    const { version } = await db.manager.findOneByOrFail(PerformanceReturn, { id });
    const update = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no scorecard update arrived")), 15_000);
      arrived = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const t = process.hrtime.bigint();
    const accepted = await gql(token, ACCEPT, { id, v: version });
    if (accepted.body.errors) throw new Error(JSON.stringify(accepted.body.errors));
    await update;
    latencies.push(ms(t));
  }
  stop();
  reading = false;
  await Promise.all(readers);
  await client.dispose();
  results.P4 = { accepts: ids.length, readers: readerCount, readerRequests: readTimes.length, readerP50Ms: readTimes.length ? percentile(readTimes, 50) : null, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), goal: "p99 ≤ 50 ms (SQLite)" };
  log(`P4  accept → subscriber has the new cells (${ids.length} accepts, ${readerCount} readers, reader p50 ${readTimes.length ? percentile(readTimes, 50).toFixed(0) : "-"} ms over ${readTimes.length} requests): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (goal p99 ≤ 50 ms on SQLite)`);
}

// P5: CSV import of about 100,000 values (five quarters of 1,667 contracts × 12 measures, as drafts) against a raw
// multi-row INSERT of the same rows in one transaction through the same driver.
if (only.has("P5")) {
  const contracts: { id: number; reference: string }[] = (await db.query(`SELECT id, reference FROM "contract" WHERE "officeId" = ${ph(1)} ORDER BY id`, [big.officeId])).map((r: { id: unknown; reference: string }) => ({ id: Number(r.id), reference: r.reference }));
  const measures: { id: number; code: string }[] = (await db.query(`SELECT id, code FROM "measure" WHERE "officeId" = ${ph(1)} ORDER BY id`, [big.officeId])).map((r: { id: unknown; code: string }) => ({ id: Number(r.id), code: r.code }));
  const perFile = Math.min(contracts.length, Math.ceil(100_000 / 5 / measures.length));
  const files = 5;
  const csv = (seed: number) => {
    const out = ["contract_reference,measure_code,value"];
    for (const contract of contracts.slice(0, perFile)) measures.forEach((m, k) => out.push(`${contract.reference},${m.code},${k % 2 === 0 ? 10 + ((seed + k) % 7) : 30 + ((seed + k) % 5)}`));
    return out.join("\n");
  };
  const opened: number[] = [];
  for (let i = 0; i < files; i++) {
    const { body } = await gql(token, "mutation($o: Int, $q: String!) { openReportingPeriod(officeId: $o, quarter: $q) { id } }", { o: big.officeId, q: `${2030 + i}-${String(31 + i).slice(-2)} Q1` });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    opened.push(body.data.openReportingPeriod.id);
  }
  let values = 0;
  const importTimes: number[] = [];
  for (let i = 0; i < files; i++) {
    const text = csv(i);
    const t = process.hrtime.bigint();
    const { body } = await gql(token, "mutation($csv: String!, $p: Int!, $k: String!) { uploadReturnsCsv(csv: $csv, periodId: $p, idempotencyKey: $k) { totalRows returnsCreated } }", { csv: text, p: opened[i], k: `bench-csv-${Date.now()}-${i}` });
    importTimes.push(ms(t));
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 2000));
    values += body.data.uploadReturnsCsv.totalRows;
  }
  const importMs = importTimes.reduce((a, b) => a + b, 0);
  // Floor: the same rows into a plain copy of return_value (same columns and unique key), one transaction.
  await db.query(`CREATE TABLE bench_return_value (id ${postgres ? "serial" : "integer"} PRIMARY KEY, "returnId" integer NOT NULL, "measureId" integer NOT NULL, value double precision, comment text)`);
  await db.query(`CREATE UNIQUE INDEX bench_return_value_key ON bench_return_value ("returnId", "measureId")`);
  const rows: unknown[][] = [];
  for (let f = 0; f < files; f++) for (let c = 0; c < perFile; c++) measures.forEach((m, k) => rows.push([f * 1_000_000 + c, m.id, k % 2 === 0 ? 10 : 30]));
  const t = process.hrtime.bigint();
  await db.transaction(async (manager) => {
    const per = Math.floor(30_000 / 3);
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      let n = 0;
      await manager.query(`INSERT INTO bench_return_value ("returnId", "measureId", value) VALUES ${chunk.map(() => `(${ph(++n)}, ${ph(++n)}, ${ph(++n)})`).join(", ")}`, chunk.flat());
    }
  });
  const rawMs = ms(t);
  results.P5 = { values, files, importMs, importRowsPerSecond: values / (importMs / 1000), rawMs, rawRowsPerSecond: rows.length / (rawMs / 1000), ratio: values / importMs / (rows.length / rawMs), goal: "≥ 0.25" };
  log(`P5  CSV import of ${values.toLocaleString("en-GB")} values in ${files} files (drafts, over HTTP): ${(importMs / 1000).toFixed(2)} s (${Math.round(values / (importMs / 1000)).toLocaleString("en-GB")} rows/s; files ${importTimes.map((x) => x.toFixed(0)).join(", ")} ms) vs raw multi-row INSERT in one transaction ${rawMs.toFixed(0)} ms (${Math.round(rows.length / (rawMs / 1000)).toLocaleString("en-GB")} rows/s) → ratio ${(values / importMs / (rows.length / rawMs)).toFixed(2)} (goal ≥ 0.25)`);
}

// P9: server memory after 10 full-office scorecards, against idle.
if (only.has("P9")) {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  const idle = process.memoryUsage().rss;
  for (let i = 0; i < 10; i++) await gql(token, SCORECARDS, { o: big.officeId });
  gc();
  await new Promise((r) => setTimeout(r, 200));
  const after = process.memoryUsage().rss;
  results.P9 = { idleMb: mb(idle), afterMb: mb(after), growthMb: mb(after - idle), gcExposed: typeof (globalThis as { gc?: unknown }).gc === "function", goal: "≤ 150 MB" };
  log(`P9  RSS after 10 full-office scorecards ${mb(after).toFixed(0)} MB − idle ${mb(idle).toFixed(0)} MB = ${mb(after - idle).toFixed(0)} MB (goal ≤ 150 MB; server and load generator share this process)`);
}

const summary = JSON.stringify({ driver: db.options.type, scale, shape, values: big.values, results }, null, 2);
console.log(summary);
await app.stop();
await services.close();
fs.rmSync(dir, { recursive: true, force: true });
// F: floods from one hostile client against a legitimate user, on servers of its own (see flood.ts).
if (only.has("F")) {
  results.F = await floodScenario(log);
  console.log(JSON.stringify({ F: results.F }, null, 2));
}
if (benchDatabase && adminUrl) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${benchDatabase}" WITH (FORCE)`);
  await admin.end();
}
if (process.env.BENCH_RECORD !== "0") {
  fs.appendFileSync(path.resolve("test/bench/RESULTS.md"), `\n\`\`\`\n${lines.join("\n")}\n\`\`\`\n`);
}
process.exit(0);
