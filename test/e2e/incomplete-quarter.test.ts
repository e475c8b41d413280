import { afterAll, beforeAll, describe, expect, test } from "vitest";
import path from "node:path";
import { accessibilityViolations, ARTIFACTS, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const COMMISSIONER = "commissioner@wiltshire.demo.example";

describe.skipIf(!browserAvailable())("incomplete quarters on the board, in presentation and in the Panel pack", () => {
  let e2e: E2E;
  // The demo's open quarter (2024-25 Q1): some returns in, others still to come.
  let q4: number;
  let previous: number;
  let victims: number;
  /** The whole-office "Referrals received" cells, from the API: what the board must show. */
  let cell: { actual: number; target: number | null; targetBasis: string; rag: string; returnsIn: number; returnsDue: number; complete: boolean };
  let previousActual: number;

  beforeAll(async () => {
    e2e = await startE2E();
    const frame = (await e2e.server.run<any>(COMMISSIONER, "{ reportingPeriods { id label } portfolios { id name } }")).data!;
    q4 = frame.reportingPeriods.find((p: any) => p.label === "2024-25 Q1").id;
    previous = frame.reportingPeriods.find((p: any) => p.label === "2023-24 Q4").id;
    victims = frame.portfolios.find((p: any) => p.name === "Victims & Vulnerability").id;
    const api = (await e2e.server.run<any>(COMMISSIONER, "query($p: [Int!]) { scorecards(periodIds: $p) { portfolioId rows { indicator { code } cells { periodId actual target targetBasis rag returnsIn returnsDue complete } } } }", { p: [previous, q4] })).data!;
    const cells = api.scorecards.find((s: any) => s.portfolioId == null).rows.find((r: any) => r.indicator.code === "REFERRALS_RECEIVED").cells;
    cell = cells.find((c: any) => c.periodId === q4);
    previousActual = cells.find((c: any) => c.periodId === previous).actual;
    expect(cell.complete).toBe(false);
    expect(cell.returnsIn).toBeGreaterThan(0);
    expect(cell.targetBasis).toBe("REPORTING_CONTRACTS");
  });
  afterAll(async () => e2e?.close());

  for (const width of [1440, 375]) {
    test(`marks Wiltshire's whole-office referrals for the open quarter incomplete, with as-at, outstanding returns and the legend, at ${width} px`, async () => {
      const { context, page } = await e2e.open(COMMISSIONER, `/board?quarter=${q4}`, { viewport: { width, height: 900 } });
      const shown = page.getByTestId(`cell-office-REFERRALS_RECEIVED-${q4}`);
      await shown.waitFor();
      expect(await shown.getAttribute("data-complete")).toBe("false");
      const text = await shown.innerText();
      const n = (v: number) => v.toLocaleString("en-GB");
      expect(text).toContain(n(cell.actual));
      expect(text).toContain(`Incomplete: ${cell.returnsIn} of ${cell.returnsDue} returns`);
      // Judged against what the reporting contracts were asked for, never the whole quarter's target.
      expect(text).toContain(`Target ${n(cell.target!)} (the ${cell.returnsIn} reporting ${cell.returnsIn === 1 ? "contract's" : "contracts'"})`);
      // No change from last quarter's complete figure: a partial sum is not a fall.
      expect(text).not.toContain(n(Math.abs(cell.actual - previousActual)));
      // A complete quarter is not marked.
      const q3 = page.locator(`[data-testid^="cell-office-REFERRALS_RECEIVED-"][data-complete="true"]`).first();
      expect(await q3.innerText()).not.toContain("Incomplete");

      const asAt = page.getByTestId("board-as-at");
      await expect.poll(() => asAt.innerText()).toMatch(/Figures as at \d/);
      expect(await asAt.innerText()).toMatch(/2024-25 Q1: \d+ of \d+ returns still outstanding/);
      const legend = page.getByTestId("rating-legend");
      for (const words of ["Direction", "Target", "amber tolerance", "Incomplete"]) expect(await legend.innerText()).toContain(words);
      await screenshot(page, `incomplete-board-${width}`);
      await shown.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, `incomplete-board-cell-${width}.png`) });

      // The Panel pack: the same marks, the as-at line and the legend survive print media.
      await page.emulateMedia({ media: "print" });
      expect(await shown.isVisible()).toBe(true);
      expect(await shown.innerText()).toContain(`Incomplete: ${cell.returnsIn} of ${cell.returnsDue} returns`);
      expect(await asAt.isVisible()).toBe(true);
      expect(await legend.isVisible()).toBe(true);
      await screenshot(page, `incomplete-print-${width}`);
      await page.screenshot({ path: path.join(ARTIFACTS, `incomplete-print-top-${width}.png`) });
      await page.emulateMedia({ media: "screen" });
      if (width === 1440) expect(await accessibilityViolations(page)).toEqual([]);
      await context.close();
    });
  }

  test("presentation mode marks incomplete cells and shows the as-at line and legend", async () => {
    const { context, page } = await e2e.open(COMMISSIONER, `/board/present?quarter=${q4}&portfolio=${victims}`);
    await page.getByTestId("presentation-portfolio").waitFor();
    const incomplete = page.locator(`[data-testid^="cell-${victims}-"][data-complete="false"]`);
    await incomplete.first().waitFor();
    expect(await incomplete.first().innerText()).toMatch(/Incomplete: \d+ of \d+ returns/);
    await expect.poll(() => page.getByTestId("board-as-at").innerText()).toMatch(/Figures as at \d/);
    expect(await page.getByTestId("rating-legend").isVisible()).toBe(true);
    await screenshot(page, "incomplete-presentation", false);
    await context.close();
  });

  test("the explorer marks incomplete rows", async () => {
    const { context, page } = await e2e.open("analyst@wiltshire.demo.example", `/explorer?quarter=${q4}`);
    const row = page.getByTestId("explorer-row-office-REFERRALS_RECEIVED");
    await row.waitFor();
    expect(await row.innerText()).toContain("(incomplete)");
    await context.close();
  });
});
