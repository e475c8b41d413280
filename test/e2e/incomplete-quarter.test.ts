import { afterAll, beforeAll, describe, expect, test } from "vitest";
import path from "node:path";
import { accessibilityViolations, ARTIFACTS, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const COMMISSIONER = "commissioner@wiltshire.demo.example";

describe.skipIf(!browserAvailable())("incomplete quarters on the board, in presentation and in the Panel pack", () => {
  let e2e: E2E;
  let q4: number;
  let victims: number;

  beforeAll(async () => {
    e2e = await startE2E();
    const frame = (await e2e.server.run<any>(COMMISSIONER, "{ reportingPeriods { id label } portfolios { id name } }")).data!;
    q4 = frame.reportingPeriods.find((p: any) => p.label === "2023-24 Q4").id;
    victims = frame.portfolios.find((p: any) => p.name === "Victims & Vulnerability").id;
  });
  afterAll(async () => e2e?.close());

  for (const width of [1440, 375]) {
    test(`marks Wiltshire's whole-office referrals (2 of 10 returns) incomplete, with as-at, outstanding returns and the legend, at ${width} px`, async () => {
      const { context, page } = await e2e.open(COMMISSIONER, `/board?quarter=${q4}`, { viewport: { width, height: 900 } });
      const cell = page.getByTestId(`cell-office-REFERRALS_RECEIVED-${q4}`);
      await cell.waitFor();
      expect(await cell.getAttribute("data-complete")).toBe("false");
      const text = await cell.innerText();
      expect(text).toContain("2,606");
      expect(text).toContain("Incomplete: 2 of 10 returns");
      expect(text).toContain("Target 2,610 (the 2 reporting contracts')");
      expect(text).not.toContain("Off target");
      expect(text).not.toContain("2,064");
      // A complete quarter is not marked.
      const q3 = page.locator(`[data-testid^="cell-office-REFERRALS_RECEIVED-"][data-complete="true"]`).first();
      expect(await q3.innerText()).not.toContain("Incomplete");

      const asAt = page.getByTestId("board-as-at");
      await expect.poll(() => asAt.innerText()).toMatch(/Figures as at \d/);
      expect(await asAt.innerText()).toMatch(/2023-24 Q4: \d+ of \d+ returns still outstanding/);
      const legend = page.getByTestId("rating-legend");
      for (const words of ["Direction", "Target", "amber tolerance", "Incomplete"]) expect(await legend.innerText()).toContain(words);
      await screenshot(page, `incomplete-board-${width}`);
      await cell.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, `incomplete-board-cell-${width}.png`) });

      // The Panel pack: the same marks, the as-at line and the legend survive print media.
      await page.emulateMedia({ media: "print" });
      expect(await cell.isVisible()).toBe(true);
      expect(await cell.innerText()).toContain("Incomplete: 2 of 10 returns");
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
