import "reflect-metadata";
import os from "node:os"; import path from "node:path"; import fs from "node:fs";
import { graphql } from "graphql";
import { loadConfig } from "./server/config.ts";
import { createServices } from "./server/services.ts";
import { createContext } from "./server/context.ts";
import { createSchema } from "./server/schema.ts";
import { issueToken } from "./server/auth/tokens.ts";
import { generate } from "./test/bench/generate.ts";
import { User } from "./server/modules/users/user.entity.ts";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-"));
const config = loadConfig({ ...process.env, DATABASE_PATH: path.join(dir, "b.sqlite"), SEED_DEMO_DATA: "false" });
const s = await createServices(config);
const db = s.writer.dataSource;
const big = await generate(db, { portfolios: 42, contractsPerPortfolio: 40, measures: 12, quarters: 1 });
const schema = await createSchema();
const stats = new Map<string, [number, number]>();
const conn: any = (db.driver as any).databaseConnection;
for (const m of ["all", "run"]) { const o = conn[m]; conn[m] = function (sql: string, params: any, cb: any) { const t = performance.now(); return o.call(this, sql, params, function (this: any, ...r: any[]) { const k = sql.replace(/\s+/g, " ").slice(0, 90); const e = stats.get(k) ?? [0, 0]; e[0]++; e[1] += performance.now() - t; stats.set(k, e); return cb.apply(this, r); }); }; }
const user = await db.manager.findOneByOrFail(User, { email: big.officerEmail });
const { token } = await issueToken({ userId: user.id, tokenVersion: 0 }, config);
const run = async (q: string, v: any) => { const r: any = await graphql({ schema, source: q, variableValues: v, contextValue: await createContext(s, `Bearer ${token}`) }); if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 500)); return r.data; };
const contracts = await db.query(`SELECT reference FROM contract WHERE "officeId" = ? ORDER BY id`, [big.officeId]);
for (let i = 0; i < 2; i++) {
  const p = await run("mutation($o: Int, $q: String!) { openReportingPeriod(officeId: $o, quarter: $q) { id } }", { o: big.officeId, q: `${2030 + i}-${31 + i} Q1` });
  const out = ["contract_reference,measure_code,value"];
  for (const c of contracts.slice(0, 1667)) for (let k = 0; k < 12; k++) out.push(`${c.reference},M${k},${k % 2 === 0 ? 10 : 30}`);
  const t = performance.now();
  await run("mutation($csv: String!, $p: Int!, $k: String!, $s: Boolean) { uploadReturnsCsv(csv: $csv, periodId: $p, idempotencyKey: $k, submit: $s) { totalRows } }", { csv: out.join("\n"), p: p.openReportingPeriod.id, k: `k-${i}-${Date.now()}`, s: process.env.SUBMIT === "1" });
  console.log("upload", out.length - 1, "rows", (performance.now() - t).toFixed(0), "ms");
}
console.log([...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 25).map(([k, [n, t]]) => `${t.toFixed(0).padStart(6)} ms ${String(n).padStart(6)}× ${k}`).join("\n"));
await s.close();
