import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Logger } from "typeorm";
import { startApp } from "../../server/app.js";
import { loadConfig } from "../../server/config.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { scorecardSums } from "../../server/modules/scorecards/scorecard.service.js";
import { createServices } from "../../server/services.js";
import { wsClient } from "../api/ws-client.js";
import { floodScenario } from "./flood.js";
import { generate, type BenchShape } from "./generate.js";

/*
 * npm run bench — the performance targets of the scorecard, measured as ratios against raw baselines taken in the
 * same run (these machines are noisy: absolute times mean little, ratios travel).
 *   BENCH_SCALE=full (default): 50 portfolios × 40 contracts × 12 measures × 40 quarters ≈ 0.96 million values
 *   BENCH_SCALE=small: a quick smoke run
 */
const FULL: BenchShape = { portfolios: 50, contractsPerPortfolio: 40, measures: 12, quarters: 40 };
const SMALL: BenchShape = { portfolios: 5, contractsPerPortfolio: 10, measures: 12, quarters: 4 };
const large = process.env.BENCH_SCALE === "small" ? { portfolios: 10, contractsPerPortfolio: 10, measures: 12, quarters: 8 } : FULL;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const log = (line: string) => console.log(line);

// BENCH_ONLY=flood runs only scenario F (floods against a legitimate user; see flood.ts).
if (process.env.BENCH_ONLY === "flood") {
  console.log(JSON.stringify({ results: { F: await floodScenario(log) } }, null, 2));
  process.exit(0);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-bench-"));
const config = loadConfig({ ...process.env, DATABASE_PATH: path.join(dir, "bench.sqlite"), MAX_QUERY_COST: "100000000", MAX_QUERY_DEPTH: "20", RATE_LIMIT_PER_MINUTE: "0" });
const services = await createServices(config);
const db = services.writer.dataSource;

log(`Generating data (${JSON.stringify(large)}) on ${db.options.type}…`);
let start = process.hrtime.bigint();
const big = await generate(db, large);
const small = await generate(db, SMALL);
log(`  ${big.values.toLocaleString("en-GB")} return values in ${(ms(start) / 1000).toFixed(1)} s`);
// Measure the steady state, not the aftermath of the bulk load: fold the write-ahead log into the database first.
if (db.options.type === "sqlite") await db.query("PRAGMA wal_checkpoint(TRUNCATE)");

const app = await startApp(services, 0, "127.0.0.1");
async function gql(token: string, query: string, variables: Record<string, unknown> = {}): Promise<{ text: string; body: any }> {
  const response = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  return { text, body: JSON.parse(text) };
}
async function login(email: string, password: string): Promise<string> {
  const response = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", variables: { e: email, p: password } }) });
  return ((await response.json()) as any).data.login.token;
}
const bigToken = await login(big.officerEmail, big.password);
const smallToken = await login(small.officerEmail, small.password);

const SCORECARDS = `query($o: Int) { scorecards(officeId: $o) { portfolioId rows { indicatorId cells { periodId actual numerator denominator target rag change returnsIn returnsDue provisional } } } }`;
const CONTRACTS = `query { contracts(first: 50) { items { id title provider { name } portfolio { name } fundingLines { amountPence stream { name } } } } }`;
const results: Record<string, unknown> = {};

// S1: a full office scorecard over all quarters, end to end over HTTP, against the same aggregate SQL + JSON.stringify.
{
  const runs = 5;
  await gql(bigToken, SCORECARDS, { o: big.officeId }); // warm caches and the query planner
  const endToEnd: number[] = [];
  let cells = 0;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const { body } = await gql(bigToken, SCORECARDS, { o: big.officeId });
    endToEnd.push(ms(t));
    cells = body.data.scorecards.reduce((n: number, s: any) => n + s.rows.reduce((m: number, r: any) => m + r.cells.length, 0), 0);
  }
  const [sql, params] = scorecardSums(services.db.manager, { officeId: big.officeId, includeSubmitted: false }, big.periodIds).getQueryAndParameters();
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    JSON.stringify(await services.db.query(sql, params));
    raw.push(ms(t));
  }
  results.S1 = { cells, endToEndMs: median(endToEnd), rawSqlMs: median(raw), ratio: median(endToEnd) / median(raw), goal: "≤ 1.5" };
  log(`S1 full office scorecard: ${cells} cells, HTTP ${median(endToEnd).toFixed(0)} ms vs raw SQL+JSON ${median(raw).toFixed(0)} ms → ratio ${(median(endToEnd) / median(raw)).toFixed(2)} (goal ≤ 1.5)`);
}

// S3: SQL statements per request stay constant as the data grows.
{
  let statements = 0;
  const counting: Logger = { logQuery: () => void statements++, logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} };
  const original = services.db.logger;
  Object.defineProperty(services.db, "logger", { value: counting, configurable: true });
  const count = async (token: string, query: string, variables: Record<string, unknown>) => {
    const before = statements;
    const { body } = await gql(token, query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return statements - before;
  };
  const scorecardSmall = await count(smallToken, SCORECARDS, { o: small.officeId });
  const scorecardBig = await count(bigToken, SCORECARDS, { o: big.officeId });
  const listSmall = await count(smallToken, CONTRACTS, {});
  const listBig = await count(bigToken, CONTRACTS, {});
  Object.defineProperty(services.db, "logger", { value: original, configurable: true });
  results.S3 = { scorecard: { small: scorecardSmall, large: scorecardBig, ratio: scorecardBig / scorecardSmall }, contracts50: { small: listSmall, large: listBig, ratio: listBig / listSmall }, goal: "ratio 1.0" };
  log(`S3 statements per request (small office → large office): scorecard ${scorecardSmall} → ${scorecardBig}; 50-contract list ${listSmall} → ${listBig} (goal: equal, ratio 1.0)`);
}

// S4: accepting a return → a subscribed client has the new cells; p50 and p99 while readers run.
{
  const wanted = process.env.BENCH_SCALE === "small" ? 10 : 30;
  const portfolioId = big.portfolioIds[0];
  const periodId = big.periodIds[big.periodIds.length - 1];
  const pending: { id: number }[] = await db.query(
    `SELECT r.id FROM "performance_return" r JOIN "contract" c ON c.id = r."contractId" WHERE c."portfolioId" = ${db.options.type === "postgres" ? "$1" : "?"} AND r."periodId" = ${db.options.type === "postgres" ? "$2" : "?"} ORDER BY r.id LIMIT ${wanted * 2}`,
    [portfolioId, periodId],
  );
  const ids = pending.map((r) => Number(r.id));
  // Half the returns are accepted through the API, the other half by raw SQL for the baseline.
  const accepts = Math.floor(ids.length / 2);
  await db.createQueryBuilder().update(PerformanceReturn).set({ state: ReturnState.SUBMITTED }).whereInIds(ids).execute();

  let reading = true;
  const readerCount = Number(process.env.BENCH_READERS ?? 2);
  const readTimes: number[] = [];
  const readers = Array.from({ length: readerCount }, async () => {
    while (reading) {
      const t = process.hrtime.bigint();
      await gql(bigToken, `query($p: Int) { scorecards(portfolioId: $p) { rows { cells { actual } } } }`, { p: big.portfolioIds[1] });
      readTimes.push(ms(t));
    }
  });
  // One long-lived subscriber, as a dashboard would have; each accept waits for its own update to arrive.
  const client = wsClient(app.url, bigToken);
  let arrived: (() => void) | null = null;
  const stop = client.subscribe(
    { query: "subscription($p: Int!, $per: Int!) { scorecardChanged(portfolioId: $p, periodId: $per) { seq scorecard { rows { cells { actual returnsIn } } } } }", variables: { p: portfolioId, per: periodId } },
    { next: () => arrived?.(), error: (e) => console.error(e), complete: () => {} },
  );
  await new Promise((r) => setTimeout(r, 500)); // connected and subscribed before the first change
  const latencies: number[] = [];
  for (const id of ids.slice(0, accepts)) {
    const { version } = await services.db.manager.findOneByOrFail(PerformanceReturn, { id });
    const update = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no scorecard update arrived")), 15_000);
      arrived = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const t = process.hrtime.bigint();
    const accepted = await gql(bigToken, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id, v: version });
    if (accepted.body.errors) throw new Error(JSON.stringify(accepted.body.errors));
    await update;
    latencies.push(ms(t));
  }
  stop();
  reading = false;
  await Promise.all(readers);
  await client.dispose();

  // Baseline: the same state change and the same portfolio-quarter aggregate, as raw SQL.
  const [sql, params] = scorecardSums(services.db.manager, { officeId: big.officeId, portfolioId, includeSubmitted: false }, [periodId]).getQueryAndParameters();
  const raw: number[] = [];
  for (const id of ids.slice(accepts, accepts * 2)) {
    const t = process.hrtime.bigint();
    await db.createQueryBuilder().update(PerformanceReturn).set({ state: ReturnState.ACCEPTED }).where("id = :id", { id }).execute();
    JSON.stringify(await services.db.query(sql, params));
    raw.push(ms(t));
  }
  results.S4 = { accepts, readers: readerCount, readerRequests: readTimes.length, readerP50Ms: readTimes.length ? percentile(readTimes, 50) : null, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), rawP50Ms: percentile(raw, 50), ratioP50: percentile(latencies, 50) / percentile(raw, 50), ratioP99: percentile(latencies, 99) / percentile(raw, 50) };
  log(`S4 accept → subscriber has new cells (${accepts} accepts, ${readerCount} readers running): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; raw update+aggregate p50 ${percentile(raw, 50).toFixed(1)} ms → ratio p50 ${(percentile(latencies, 50) / percentile(raw, 50)).toFixed(2)}, p99 ${(percentile(latencies, 99) / percentile(raw, 50)).toFixed(2)}`);
}

await app.stop();
await services.close();
fs.rmSync(dir, { recursive: true, force: true });
results.F = await floodScenario(log);
console.log(JSON.stringify({ shape: large, values: big.values, driver: db.options.type, results }, null, 2));
process.exit(0);
