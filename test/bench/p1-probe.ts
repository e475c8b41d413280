import fs from "node:fs";
import { Session } from "node:inspector/promises";
import { profileOffice } from "./profile-office.js";
const { big, app, token, close } = await profileOffice("p1", { portfolios: 50, contractsPerPortfolio: 40, measures: 12, quarters: 40 }, { MAX_QUERY_COST: "100000000", MAX_QUERY_DEPTH: "20" });
const Q = `query($o: Int) { scorecards(officeId: $o) { portfolioId rows { indicatorId cells { periodId label actual numerator denominator target rag change returnsIn returnsDue provisional } } } }`;
const profiler = new Session();
profiler.connect();
await profiler.post("Profiler.enable");
for (const [round, enc] of ["identity", "identity", "gzip, deflate"].entries()) {
  if (round === 1) await profiler.post("Profiler.start");
  const times: string[] = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const r = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", "accept-encoding": enc, authorization: `Bearer ${token}` }, body: JSON.stringify({ query: Q, variables: { o: big.officeId } }) });
    const first = performance.now();
    const text = await r.text();
    const got = performance.now();
    JSON.parse(text);
    times.push(`${(first - t).toFixed(0)}/${(got - t).toFixed(0)}/${(performance.now() - t).toFixed(0)}`);
  }
  if (round === 1) fs.writeFileSync("/tmp/p1.cpuprofile", JSON.stringify((await profiler.post("Profiler.stop")).profile));
  console.log(enc, "first byte/last byte/parsed ms:", times.join(" "));
}
await close();
