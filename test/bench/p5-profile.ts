/*
 * Where a CSV import's time goes (issue 9, P5): the bench office at one quarter, then BENCH_P5_FILES uploads of
 * 20,000 values each over HTTP, timed. BENCH_P5_PROFILE=file.cpuprofile profiles the uploads alone (open it in
 * Chrome's DevTools): `BENCH_P5_PROFILE=/tmp/p5.cpuprofile npx tsx test/bench/p5-profile.ts`.
 */
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import { profileOffice } from "./profile-office.js";

const { db, big, gql, token, close } = await profileOffice("p5", { portfolios: 42, contractsPerPortfolio: 40, measures: 12, quarters: 1 });
const contracts: { reference: string }[] = await db.query(`SELECT reference FROM "contract" WHERE "officeId" = ? ORDER BY id`, [big.officeId]);
const measures: { code: string }[] = await db.query(`SELECT code FROM "measure" WHERE "officeId" = ? ORDER BY id`, [big.officeId]);
const perFile = Math.min(contracts.length, Math.ceil(20_000 / measures.length));
const files = Number(process.env.BENCH_P5_FILES ?? 5);
// BENCH_P5_SQL=1: the time of each kind of statement (start to callback), by its first words.
const sqlTimes = new Map<string, { n: number; ms: number }>();
let recording = false;
if (process.env.BENCH_P5_SQL) {
  const sqlite3 = (await import("sqlite3")).default;
  for (const method of ["all", "run", "exec"] as const) {
    const original = sqlite3.Database.prototype[method] as (...args: any[]) => any;
    (sqlite3.Database.prototype as any)[method] = function (this: unknown, sql: string, ...rest: any[]) {
      const started = performance.now();
      const callback = rest.at(-1);
      if (!recording || typeof callback !== "function") return original.call(this, sql, ...rest);
      const key = sql.replace(/\s+/g, " ").replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, "(?…)").replace(/IN \([^)]*\)/g, "IN (…)").slice(0, 110);
      return original.call(this, sql, ...rest.slice(0, -1), function (this: unknown, ...args: unknown[]) {
        const t = sqlTimes.get(key) ?? { n: 0, ms: 0 };
        t.n++;
        t.ms += performance.now() - started;
        sqlTimes.set(key, t);
        return callback.apply(this, args);
      });
    };
  }
}
const profiler = process.env.BENCH_P5_PROFILE ? new Session() : null;
if (profiler) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.start");
}
for (let i = 0; i < files; i++) {
  const opened = await gql(token, "mutation($o: Int, $q: String!) { openReportingPeriod(officeId: $o, quarter: $q) { id } }", { o: big.officeId, q: `${2030 + i}-${String(31 + i).slice(-2)} Q1` });
  const out = ["contract_reference,measure_code,value"];
  for (const c of contracts.slice(0, perFile)) measures.forEach((m, k) => out.push(`${c.reference},${m.code},${k % 2 === 0 ? 10 + ((i + k) % 7) : 30 + ((i + k) % 5)}`));
  recording = true;
  const t = performance.now();
  const body = await gql(token, "mutation($csv: String!, $p: Int!, $k: String!) { uploadReturnsCsv(csv: $csv, periodId: $p, idempotencyKey: $k) { totalRows returnsCreated } }", { csv: out.join("\n"), p: opened.data.openReportingPeriod.id, k: `p5-profile-${Date.now()}-${i}` });
  recording = false;
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
  console.log(`file ${i}: ${body.data.uploadReturnsCsv.totalRows} values in ${(performance.now() - t).toFixed(0)} ms`);
}
if (sqlTimes.size) for (const [sql, t] of [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`${t.ms.toFixed(0).padStart(7)} ms ${String(t.n).padStart(6)}× ${sql}`);
if (profiler) {
  const { profile } = await profiler.post("Profiler.stop");
  fs.writeFileSync(process.env.BENCH_P5_PROFILE!, JSON.stringify(profile));
}
await close();
