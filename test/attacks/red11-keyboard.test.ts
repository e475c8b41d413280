/*
 * red11 (outside tester, issue 11, part 3): keyboards and phones, as a keyboard-only officer and a provider on a phone.
 * The scorecard grid is one Tab stop, arrow keys move between cells, any cell within 10 keystrokes, focus visible;
 * dialogs open at 375 px do not widen the page; the provider's home at 375 px does not scroll sideways.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "../e2e/browser.js";

const OFFICER = "officer@wiltshire.demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const PHONE = { width: 375, height: 812 };

const activeCell = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const cell = el?.closest("[data-testid^=cell-], [role=gridcell], [role=columnheader], [role=rowheader], td, th") as HTMLElement | null;
    if (!cell) return `not-a-cell:${el?.tagName}`;
    const row = cell.closest("tr");
    const table = cell.closest("table");
    const r = row && table ? Array.from(table.querySelectorAll("tr")).indexOf(row) : -1;
    const c = row ? Array.from(row.children).indexOf(cell) : -1;
    return cell.dataset.testid ?? `r${r}c${c}`;
  });

describe.skipIf(!browserAvailable())("red11: keyboards and phones", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("each scorecard grid is exactly one Tab stop; focus is visible; arrows move; the far corner is within 10 keystrokes", async () => {
    const { context, page } = await e2e.open(OFFICER, "/board?quarter=4");
    try {
      await page.locator("[role=grid]").first().waitFor({ timeout: 20_000 });
      await page.waitForLoadState("networkidle").catch(() => undefined);
      const grids = page.locator("[role=grid]");
      const n = await grids.count();
      expect(n).toBeGreaterThan(0);
      for (let g = 0; g < n; g++) {
        const grid = grids.nth(g);
        const tabbables = await grid.evaluate((root) =>
          Array.from(root.querySelectorAll<HTMLElement>("a[href], button, input, select, textarea, [tabindex]")).filter((el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.offsetParent !== null).length,
        );
        expect(tabbables, `grid ${g}: elements in the Tab order`).toBe(1);
      }
      // Tab from the top of the page until focus lands in the first grid; then one Tab leaves it.
      await page.locator("body").click({ position: { x: 1, y: 1 } });
      let presses = 0;
      while (!(await page.evaluate(() => !!document.activeElement?.closest("[role=grid]"))) && presses < 200) {
        await page.keyboard.press("Tab");
        presses++;
      }
      expect(presses).toBeLessThan(200);
      const firstGrid = await page.evaluate(() => Array.from(document.querySelectorAll("[role=grid]")).indexOf(document.activeElement!.closest("[role=grid]")!));
      // Focus visible on the focused cell.
      const ring = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const s = getComputedStyle(el);
        return { outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== "none" };
      });
      expect(ring.outline || ring.shadow, "focused cell shows a focus indicator").toBe(true);
      const start = await activeCell(page);
      // The grid opens on the quarter under review (often the last column): Left moves, Right comes back.
      await page.keyboard.press("ArrowLeft");
      const left = await activeCell(page);
      expect(left).not.toBe(start);
      await page.keyboard.press("ArrowRight");
      const right = await activeCell(page);
      expect(right).toBe(start);
      await page.keyboard.press("ArrowDown");
      const down = await activeCell(page);
      expect(down).not.toBe(right);
      // The bottom-right cell: the grid's last cell.
      const target = await page.evaluate((i) => {
        const grid = document.querySelectorAll("[role=grid]")[i];
        const cells = grid.querySelectorAll<HTMLElement>("[data-testid^=cell-]");
        const last = cells[cells.length - 1];
        if (last) return last.dataset.testid!;
        const rows = grid.querySelectorAll("tr");
        const row = rows[rows.length - 1];
        return `r${rows.length - 1}c${row.children.length - 1}`;
      }, firstGrid);
      const keys = ["Control+End"];
      for (const key of keys) await page.keyboard.press(key);
      let reached = (await activeCell(page)) === target;
      if (!reached) {
        // End then PageDown, a common alternative; still counted against the 10.
        for (const key of ["Control+Home", "End", "PageDown", "PageDown", "PageDown"]) {
          await page.keyboard.press(key);
          if ((await activeCell(page)) === target) {
            reached = true;
            break;
          }
        }
      }
      expect(reached, `reached ${target} within 10 keystrokes (now on ${await activeCell(page)})`).toBe(true);
      // One Tab leaves the grid.
      await page.keyboard.press("Tab");
      const stillIn = await page.evaluate((i) => document.querySelectorAll("[role=grid]")[i].contains(document.activeElement), firstGrid);
      expect(stillIn).toBe(false);
    } finally {
      await context.close();
    }
  });

  test("the provider's home at 375 px does not scroll sideways (every provider account)", async () => {
    const wide: Record<string, number> = {};
    for (const who of ["provider-a@demo.example", "provider-b@demo.example"]) {
      const { context, page } = await e2e.open(who, "/provider", { viewport: PHONE });
      try {
        await page.locator("h1").waitFor({ timeout: 20_000 });
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await page.waitForTimeout(1500);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > PHONE.width) {
          wide[who] = width;
          await page.locator("table.pv-table").first().scrollIntoViewIfNeeded().catch(() => undefined);
          await screenshot(page, `red11-provider-home-wide-${who.split("@")[0]}`, false);
        }
      } finally {
        await context.close();
      }
    }
    expect(wide).toEqual({});
  });

  test("closing a return's detail with Escape (or Close) puts focus back on the View button that opened it", async () => {
    const periods = (await e2e.server.http<{ reportingPeriods: { id: number; label: string }[] }>(OFFICER, "{ reportingPeriods { id label } }")).data!.reportingPeriods;
    const open = periods.find((p) => p.label === "2024-25 Q1")!;
    const { context, page } = await e2e.open(OFFICER, `/returns?quarter=${open.id}`);
    const results: Record<string, string> = {};
    try {
      const view = page.locator("[data-testid=returns-table-submitted] tbody tr").first().getByRole("button", { name: "View" });
      await view.waitFor({ timeout: 20_000 });
      const detail = page.locator("dialog.return-detail");
      const focusIsView = () => page.evaluate(() => document.activeElement?.textContent?.trim() === "View" && !!document.activeElement?.closest("[data-testid=returns-table-submitted]"));
      await view.focus();
      await page.keyboard.press("Enter");
      await detail.waitFor();
      await page.waitForTimeout(500);
      await page.keyboard.press("Escape");
      await detail.waitFor({ state: "hidden", timeout: 5000 });
      results.escape = (await focusIsView()) ? "ok" : await page.evaluate(() => document.activeElement?.tagName ?? "none");
      await view.focus();
      await page.keyboard.press("Enter");
      await detail.waitFor();
      await detail.getByRole("button", { name: "Close" }).first().click();
      await detail.waitFor({ state: "hidden", timeout: 5000 });
      results.close = (await focusIsView()) ? "ok" : await page.evaluate(() => document.activeElement?.tagName ?? "none");
      await view.focus();
      await page.keyboard.press("Enter");
      await detail.waitFor();
      await detail.getByRole("button", { name: "Accept", exact: true }).click();
      await page.getByTestId("accept-confirm").waitFor();
      await page.getByTestId("accept-confirm").getByRole("button", { name: "Cancel" }).click();
      await page.keyboard.press("Escape");
      await detail.waitFor({ state: "hidden", timeout: 5000 });
      results.afterCancelledAccept = (await focusIsView()) ? "ok" : await page.evaluate(() => document.activeElement?.tagName ?? "none");
    } finally {
      await context.close();
    }
    expect(results).toEqual({ escape: "ok", close: "ok", afterCancelledAccept: "ok" });
  });

  test("dialogs open at 375 px do not widen the page (freeze, deactivate, accept)", async () => {
    const wide: Record<string, number> = {};
    {
      const { context, page } = await e2e.open(OFFICER, "/quarters", { viewport: PHONE });
      try {
        await page.getByTestId("quarters-table").waitFor({ timeout: 20_000 });
        await page.getByRole("button", { name: "Freeze 2023-24 Q3…" }).click();
        const d = page.getByRole("dialog", { name: /Freeze 2023-24 Q3/ });
        await d.waitFor();
        await page.waitForTimeout(1500);
        const w = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, ...Array.from(document.querySelectorAll("dialog[open], [role=dialog]")).map((el) => el.getBoundingClientRect().right)));
        if (w > PHONE.width) wide.freeze = w;
        const axeFreeze = await accessibilityViolations(page);
        expect(axeFreeze, "axe with the freeze dialog open").toEqual([]);
        await screenshot(page, "red11-phone-freeze-dialog", false);
        await page.keyboard.press("Escape");
        await page.getByLabel("Quarter", { exact: true }).fill("2024-25 Q2");
        await page.getByRole("button", { name: "Open the quarter…" }).click();
        await page.getByRole("dialog", { name: /Open 2024-25 Q2/ }).waitFor();
        await page.waitForTimeout(1500);
        const w2 = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, ...Array.from(document.querySelectorAll("dialog[open], [role=dialog]")).map((el) => el.getBoundingClientRect().right)));
        if (w2 > PHONE.width) wide.open = w2;
      } finally {
        await context.close();
      }
    }
    {
      const { context, page } = await e2e.open(COMMISSIONER, "/users", { viewport: PHONE });
      try {
        await page.getByTestId("users-table").waitFor({ timeout: 20_000 });
        await page.getByTestId("users-table").getByText(/analyst/i).first().click().catch(() => undefined);
        const btn = page.getByRole("button", { name: /^Deactivate .*…$/ }).first();
        await btn.waitFor({ timeout: 10_000 });
        await btn.click();
        await page.getByRole("dialog").first().waitFor();
        await page.waitForTimeout(800);
        const w = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, ...Array.from(document.querySelectorAll("dialog[open], [role=dialog]")).map((el) => el.getBoundingClientRect().right)));
        if (w > PHONE.width) wide.deactivate = w;
      } finally {
        await context.close();
      }
    }
    {
      const periods = (await e2e.server.http<{ reportingPeriods: { id: number; label: string }[] }>(OFFICER, "{ reportingPeriods { id label } }")).data!.reportingPeriods;
      const open = periods.find((p) => p.label === "2024-25 Q1")!;
      const { context, page } = await e2e.open(OFFICER, `/returns?quarter=${open.id}`, { viewport: PHONE });
      try {
        await page.locator("[data-testid=returns-table-submitted]").waitFor({ timeout: 20_000 });
        await page.locator("[data-testid=returns-table-submitted] tbody tr").first().locator("a, button").first().click();
        const detail = page.locator("dialog.return-detail");
        await detail.waitFor({ timeout: 10_000 });
        await page.waitForTimeout(1500);
        let w = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, ...Array.from(document.querySelectorAll("dialog[open], [role=dialog]")).map((el) => el.getBoundingClientRect().right)));
        if (w > PHONE.width) wide.returnDetail = w;
        await screenshot(page, "red11-phone-return-detail", false);
        await detail.getByRole("button", { name: "Accept", exact: true }).click();
        await page.getByTestId("accept-confirm").waitFor();
        await page.waitForTimeout(1500);
        w = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, ...Array.from(document.querySelectorAll("dialog[open], [role=dialog]")).map((el) => el.getBoundingClientRect().right)));
        if (w > PHONE.width) wide.accept = w;
        await screenshot(page, "red11-phone-accept-confirm", false);
        expect(await accessibilityViolations(page), "axe with the accept confirmation open").toEqual([]);
        // Escape closes the confirmation (not the return too), and focus goes back to Accept.
        await page.keyboard.press("Escape");
        await page.getByTestId("accept-confirm").waitFor({ state: "hidden", timeout: 5000 });
        expect(await detail.isVisible()).toBe(true);
        expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Accept");
      } finally {
        await context.close();
      }
    }
    expect(wide).toEqual({});
  });
});
