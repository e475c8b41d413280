import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const PROVIDER_B = "provider-b@demo.example";
const OUTREACH = 8;
const Q4 = 4;
const PHONE = { width: 375, height: 812 };

/** Every view the dashboard has, as the role that uses it; `ready` is something that shows the view has drawn its data. */
const VIEWS: { name: string; as: string | null; path: string; ready: string }[] = [
  { name: "sign-in", as: null, path: "/", ready: "label:Email address" },
  { name: "board", as: OFFICER, path: `/board?quarter=${Q4}`, ready: "[role=grid]" },
  { name: "present", as: OFFICER, path: `/board/present?quarter=${Q4}`, ready: "[role=grid]" },
  { name: "returns", as: OFFICER, path: `/returns?quarter=${Q4}`, ready: "[data-testid^=returns-table]" },
  { name: "provider-home", as: PROVIDER_B, path: "/provider", ready: `[data-testid=contract-${OUTREACH}]` },
  { name: "return-form", as: PROVIDER_B, path: `/provider/returns/${OUTREACH}/${Q4}`, ready: "form" },
  { name: "explorer", as: ANALYST, path: `/explorer?quarter=${Q4}`, ready: "[data-testid=explorer-scorecards]" },
  { name: "benchmarks", as: ANALYST, path: "/benchmarks", ready: "h1" },
  { name: "transparency", as: null, path: "/open/dorset", ready: "h1" },
];

async function ready(page: Page, what: string): Promise<void> {
  if (what.startsWith("label:")) await page.getByLabel(what.slice(6)).first().waitFor();
  else await page.locator(what).first().waitFor();
  // Lazy chunks, fonts and the live socket's first answers settle.
  await page.waitForLoadState("networkidle").catch(() => undefined);
}

/** Where focus is: the grid cell's test id (cell-<portfolio>-<code>-<period>), or a description of the element. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const cell = el?.closest("[data-testid^=cell-]") as HTMLElement | null;
    if (cell) return cell.dataset.testid!;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}:${(el.textContent ?? "").trim().slice(0, 30)}` : "none";
  });
}

describe.skipIf(!browserAvailable())("phones and keyboards", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("no view scrolls sideways at 375 px, and none has a serious or critical axe violation", async () => {
    const widths: Record<string, number> = {};
    for (const view of VIEWS) {
      const { context, page } = await e2e.open(view.as, view.path, { viewport: PHONE });
      try {
        await ready(page, view.ready);
        widths[view.name] = await page.evaluate(() => document.documentElement.scrollWidth);
        await screenshot(page, `phone-${view.name}-375`);
        expect(await accessibilityViolations(page), view.name).toEqual([]);
      } finally {
        await context.close();
      }
    }
    console.log("scrollWidth at 375 px:", JSON.stringify(widths));
    for (const [name, width] of Object.entries(widths)) expect(width, name).toBeLessThanOrEqual(PHONE.width);
  });

  test("the same views at a desk are saved for people to look at beside the phone ones", async () => {
    for (const view of VIEWS) {
      const { context, page } = await e2e.open(view.as, view.path);
      try {
        await ready(page, view.ready);
        await screenshot(page, `desk-${view.name}-1440`);
      } finally {
        await context.close();
      }
    }
    expect(VIEWS.length).toBe(9);
  });

  test("on a phone the board opens each scorecard at the quarter under review", async () => {
    const { context, page } = await e2e.open(OFFICER, `/board?quarter=${Q4}`, { viewport: PHONE });
    try {
      await ready(page, "[role=grid]");
      const grids = page.locator("[role=grid]");
      expect(await grids.count()).toBeGreaterThan(1);
      for (const grid of await grids.all()) {
        const head = grid.locator(".scorecard__period--selected");
        const names = grid.locator(".scorecard__indicator-head");
        const [quarter, indicator] = [await head.boundingBox(), await names.boundingBox()];
        expect(quarter).not.toBeNull();
        // The whole column is on screen, beside the indicator names rather than under them.
        expect(quarter!.x).toBeGreaterThanOrEqual(indicator!.x + indicator!.width - 1);
        expect(quarter!.x + quarter!.width).toBeLessThanOrEqual(PHONE.width);
        expect(await head.innerText()).toContain("2023-24 Q4");
      }
    } finally {
      await context.close();
    }
  });

  test("each scorecard grid is one Tab stop and the arrow keys reach any cell in a few presses", async () => {
    const { context, page } = await e2e.open(OFFICER, `/board?quarter=${Q4}`);
    try {
      await ready(page, "[role=grid]");
      const grids = await page.locator("[role=grid]").all();
      // Count the Tab presses from the top of the page to the first grid, and through all of them.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      let tabs = 0;
      while (!(await page.evaluate(() => Boolean(document.activeElement?.closest("[role=grid]"))))) {
        await page.keyboard.press("Tab");
        tabs += 1;
        if (tabs > 120) throw new Error("Tab never reached a scorecard grid");
      }
      const firstGrid = await page.evaluate(() => document.activeElement!.closest("[role=grid]")!.getAttribute("aria-labelledby"));
      // Focus lands on the quarter under review (Q4), first indicator.
      const entry = await focused(page);
      expect(entry).toMatch(new RegExp(`^cell-.+-${Q4}$`));
      // One more Tab leaves this grid entirely: the next stop is the next grid (or something after it), not a cell of this one.
      await page.keyboard.press("Tab");
      const after = await page.evaluate(() => document.activeElement?.closest("[role=grid]")?.getAttribute("aria-labelledby") ?? null);
      expect(after).not.toBe(firstGrid);
      await page.keyboard.press("Shift+Tab");
      expect(await focused(page)).toBe(entry);

      // Inside the grid: rows × quarter columns, moved by arrows, Home/End, Ctrl+Home/End and PageUp/PageDown.
      const grid = page.locator(`[role=grid][aria-labelledby="${firstGrid}"]`);
      const rows = await grid.locator("tbody tr").count();
      const cols = await grid.locator("thead .scorecard__period").count();
      const cellAt = async (r: number, c: number) => grid.locator("tbody tr").nth(r).locator("td").nth(c).getAttribute("data-testid");

      await page.keyboard.press("ArrowLeft");
      expect(await focused(page)).toBe(await cellAt(0, cols - 2));
      await page.keyboard.press("ArrowDown");
      expect(await focused(page)).toBe(await cellAt(1, cols - 2));
      await page.keyboard.press("Home");
      expect(await focused(page)).toBe(await cellAt(1, 0));
      await page.keyboard.press("End");
      expect(await focused(page)).toBe(await cellAt(1, cols - 1));
      await page.keyboard.press("Control+End");
      expect(await focused(page)).toBe(await cellAt(rows - 1, cols - 1));
      await page.keyboard.press("Control+Home");
      expect(await focused(page)).toBe(await cellAt(0, 0));
      if (rows > 5) {
        await page.keyboard.press("PageDown");
        expect(await focused(page)).toBe(await cellAt(5, 0));
        await page.keyboard.press("PageUp");
        expect(await focused(page)).toBe(await cellAt(0, 0));
      }

      // The worst case from where the grid is entered (first row, quarter under review): rows by PageDown/arrows
      // or Ctrl+End, quarters by arrows or Home.
      const vertical = (dr: number) => Math.min(Math.floor(dr / 5) + (dr % 5), dr === rows - 1 ? 1 : Infinity, 1 + (rows - 1 - dr));
      const horizontal = (dc: number) => Math.min(dc, 1 + (cols - 1 - dc));
      let worst = 0;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) worst = Math.max(worst, vertical(r) + horizontal(cols - 1 - c));
      expect(worst).toBeLessThanOrEqual(10);

      // A Q4 cell further down, counted key by key from a fresh entry.
      await page.keyboard.press("Control+Home");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Shift+Tab");
      const target = Math.min(3, rows - 1);
      let keys = 0;
      await page.keyboard.press("End");
      keys += 1;
      for (let i = 0; i < target; i++, keys++) await page.keyboard.press("ArrowDown");
      const q4Cell = await focused(page);
      expect(q4Cell).toBe(await cellAt(target, cols - 1));
      expect(q4Cell).toMatch(new RegExp(`-${Q4}$`));
      console.log(`board: ${tabs} Tab presses from the top of the page to the first grid; ${keys} keys from the grid to ${q4Cell}; worst cell ${worst} keys; ${grids.length} grids, one Tab stop each`);
      expect(keys).toBeLessThanOrEqual(10);

      // Enter opens the drill-down on the focused cell (it is a button).
      await page.keyboard.press("Enter");
      await page.getByRole("dialog").waitFor();
      await page.keyboard.press("Escape");
      await expect.poll(() => focused(page)).toBe(q4Cell);

      await screenshot(page, "board-grid-keyboard-1440", false);
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
