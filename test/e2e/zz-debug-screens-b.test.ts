import { test } from "vitest";
import { startE2E, screenshot } from "./browser.js";
test("debug", async () => {
  const e2e = await startE2E();
  const { page } = await e2e.open("officer@durham.demo.example", "/plans");
  page.on("console", (m) => console.log("[console]", m.text()));
  await page.waitForTimeout(5000);
  const r = await page.evaluate(async () => { const res = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer " + localStorage.getItem("ch.token") }, body: JSON.stringify({ query: "query($p: Int!) { strategicPlans { id title kind startYear endYear priorities { id title description position keyPerformanceQuestions { id version question indicators { id } status(periodId: $p) { indicatorId indicator { id code name unit } cell { actual target rag label returnsIn returnsDue provisional } } } } } indicators { id code name } }", variables: { p: 30 } }) }); return res.text(); }); console.log(r);
  await screenshot(page, "debug-plans");
  await e2e.close();
}, 60000);
