import "reflect-metadata";
import { loadConfig } from "./config.js";
import { openDatabase } from "./db/data-source.js";
import { verifyStore } from "./modules/scorecards/scorecard-verify.js";

/*
 * npm run verify:scorecards — checks a live store (DATABASE_PATH or DATABASE_URL, as the server would open it):
 * every office's maintained scorecard cells against a recomputation from the raw return values.
 * Exits 1 and lists the differences if any cell disagrees. `-- --rebuild` rebuilds the tables first.
 */
const config = loadConfig();
const dataSource = await openDatabase(config);
try {
  if (process.argv.includes("--rebuild")) {
    const { rebuildScorecardAggregates } = await import("./modules/scorecards/scorecard-aggregates.js");
    await dataSource.transaction((manager) => rebuildScorecardAggregates(manager));
  }
  const started = Date.now();
  const { offices, mismatches } = await verifyStore(dataSource.manager);
  console.log(`Checked ${offices} office(s) in ${Date.now() - started} ms: ${mismatches.length ? `${mismatches.length} cell field(s) differ` : "the maintained scorecards match a recomputation from the raw values"}.`);
  for (const m of mismatches.slice(0, 50)) console.log(JSON.stringify(m));
  process.exitCode = mismatches.length ? 1 : 0;
} finally {
  await dataSource.destroy();
}
