import "reflect-metadata";
import os from "node:os"; import path from "node:path"; import fs from "node:fs";
import { loadConfig } from "./server/config.ts";
import { createServices } from "./server/services.ts";
import { generate } from "./test/bench/generate.ts";
import { rebuildScorecardAggregates } from "./server/modules/scorecards/scorecard-aggregates.ts";
import { readScorecards } from "./server/modules/scorecards/scorecard-read.ts";
import { computeScorecards } from "./server/modules/scorecards/scorecard.service.ts";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prof-"));
const s = await createServices(loadConfig({ ...process.env, DATABASE_PATH: path.join(dir, "b.sqlite"), SEED_DEMO_DATA: "false" }));
const db = s.writer.dataSource;
const big = await generate(db, { portfolios: Number(process.env.P ?? 10), contractsPerPortfolio: 40, measures: 12, quarters: Number(process.env.Q ?? 8) });
let t = Date.now();
await db.transaction((m) => rebuildScorecardAggregates(m, [big.officeId]));
console.log("rebuild", Date.now() - t);
for (let i = 0; i < 3; i++) {
  t = performance.now(); const r = await readScorecards(s.db.manager, { officeId: big.officeId, includeSubmitted: false }); const a = performance.now() - t;
  t = performance.now(); JSON.stringify(r.scorecards); const b = performance.now() - t;
  t = performance.now(); await computeScorecards(s.db.manager, { officeId: big.officeId, includeSubmitted: false }); const c = performance.now() - t;
  t = performance.now(); await s.db.query(`SELECT * FROM scorecard_cell WHERE "officeId" = ?`, [big.officeId]); const d = performance.now() - t;
  console.log("read", a.toFixed(1), "stringify", b.toFixed(1), "oracle", c.toFixed(1), "raw cells", d.toFixed(1));
}
// accept path timing: maintain for one contract/period
const { refreshContracts } = await import("./server/modules/scorecards/scorecard-aggregates.ts");
const cid = Number((await db.query(`SELECT id FROM contract WHERE "officeId" = ? LIMIT 1`, [big.officeId]))[0].id);
for (let i = 0; i < 3; i++) { t = performance.now(); await db.transaction((m) => refreshContracts(m, [cid], [big.periodIds[0]])); console.log("refresh one", (performance.now() - t).toFixed(1)); }
await s.close();
