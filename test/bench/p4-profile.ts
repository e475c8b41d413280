/*
 * Where one accept's time goes (issues 9 and 10: P4, and P6's fixed cost): the bench office at 8 quarters, then
 * BENCH_P4_ACCEPTS accepts over HTTP one after another, with BENCH_READERS readers (default 0) reading another
 * portfolio's scorecard meanwhile. Prints the accept's time, then the median accept's timeline: every statement
 * from when it was sent to when its answer reached JavaScript, and the JavaScript between statements.
 *   npx tsx test/bench/p4-profile.ts      (BENCH_P4_PROFILE=file.cpuprofile: a CPU profile of the accepts alone)
 */
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import sqlite3 from "sqlite3";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { refreshContracts } from "../../server/modules/scorecards/scorecard-aggregates.js";
import { profileOffice } from "./profile-office.js";

const { db, big, gql, token, close } = await profileOffice("p4", { portfolios: 10, contractsPerPortfolio: 40, measures: 12, quarters: 8 }, { MAX_QUERY_COST: "100000000" });

// Every statement on any connection: when it was sent and when its answer reached JavaScript.
type Step = { sql: string; sent: number; answered: number };
let steps: Step[] | null = null;
for (const method of ["all", "run", "exec"] as const) {
  const original = sqlite3.Database.prototype[method] as (...args: any[]) => any;
  (sqlite3.Database.prototype as any)[method] = function (this: unknown, sql: string, ...rest: any[]) {
    const callback = rest.at(-1);
    if (!steps || typeof callback !== "function") return original.call(this, sql, ...rest);
    const step: Step = { sql: sql.replace(/\s+/g, " ").slice(0, 90), sent: performance.now(), answered: NaN };
    const recorded = steps;
    recorded.push(step);
    return original.call(this, sql, ...rest.slice(0, -1), function (this: unknown, ...args: unknown[]) {
      step.answered = performance.now();
      return callback.apply(this, args);
    });
  };
}

const portfolioId = big.portfolioIds[0];
const periodId = big.periodIds[big.periodIds.length - 1];
const accepts = Number(process.env.BENCH_P4_ACCEPTS ?? 30);
const ids: number[] = (await db.query(`SELECT r.id FROM "performance_return" r JOIN "contract" c ON c.id = r."contractId" WHERE c."portfolioId" = ? AND r."periodId" = ? ORDER BY r.id LIMIT ?`, [portfolioId, periodId, accepts])).map((r: { id: unknown }) => Number(r.id));
await db.createQueryBuilder().update(PerformanceReturn).set({ state: ReturnState.SUBMITTED }).whereInIds(ids).execute();
const contracts: { contractId: number }[] = await db.query(`SELECT "contractId" FROM "performance_return" WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
await db.transaction((manager) => refreshContracts(manager, contracts.map((c) => Number(c.contractId)), [periodId]));

let reading = true;
const readers = Array.from({ length: Number(process.env.BENCH_READERS ?? 0) }, async () => {
  while (reading) await gql(token, `query($p: Int) { scorecards(portfolioId: $p) { rows { cells { actual } } } }`, { p: big.portfolioIds[1] });
});
const profiler = process.env.BENCH_P4_PROFILE ? new Session() : null;
if (profiler) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.setSamplingInterval", { interval: 100 });
  await profiler.post("Profiler.start");
}
const runs: { ms: number; steps: Step[]; started: number }[] = [];
for (const id of ids) {
  const { version } = await db.manager.findOneByOrFail(PerformanceReturn, { id });
  steps = [];
  const started = performance.now();
  const body = await gql(token, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id, v: version });
  runs.push({ ms: performance.now() - started, steps, started });
  steps = null;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}
reading = false;
await Promise.all(readers);
if (profiler) fs.writeFileSync(process.env.BENCH_P4_PROFILE!, JSON.stringify((await profiler.post("Profiler.stop")).profile));
const sorted = [...runs].sort((a, b) => a.ms - b.ms);
const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].ms.toFixed(1);
console.log(`${runs.length} accepts: p50 ${pick(0.5)} ms, p90 ${pick(0.9)} ms, max ${pick(1)} ms; statements per accept ${(runs.reduce((a, r) => a + r.steps.length, 0) / runs.length).toFixed(1)}`);
const median = sorted[Math.floor(sorted.length / 2)];
let last = median.started;
let inSql = 0;
for (const step of median.steps) {
  const gap = step.sent - last;
  const took = step.answered - step.sent;
  inSql += took;
  console.log(`${(step.sent - median.started).toFixed(1).padStart(6)} ms  +${gap.toFixed(1).padStart(5)} JS  ${took.toFixed(1).padStart(5)} SQL  ${step.sql}`);
  last = Math.max(last, step.answered);
}
console.log(`median accept ${median.ms.toFixed(1)} ms: ${inSql.toFixed(1)} ms waiting on statements (overlaps counted once each), the rest in JavaScript and HTTP`);
await close();
