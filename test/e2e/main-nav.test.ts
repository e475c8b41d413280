import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST_LINKS = ["Explorer", "Benchmarks", "Briefs", "Decisions", "Risks", "Plans"];
const OFFICER_LINKS = ["Review board", "Returns", "Present", "Explorer", "Benchmarks", "Contracts", "Briefs", "Decisions", "Risks", "Plans", "Money", "Quarters", "Users"];

describe.skipIf(!browserAvailable())("the main navigation, grouped", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("at 1440 px an officer's thirteen links stand on one row in four named groups, with no Menu button", async () => {
    const { context, page } = await e2e.open(OFFICER, "/contracts");
    try {
      const nav = page.getByRole("navigation", { name: "Main" });
      await nav.getByRole("link", { name: "Contracts", exact: true }).waitFor({ timeout: 20_000 });
      expect(await nav.getByRole("button", { name: "Menu" }).count()).toBe(0);
      for (const [group, links] of [["Review", ["Review board", "Returns", "Present", "Explorer", "Benchmarks"]], ["Commissioning", ["Contracts", "Briefs", "Decisions", "Risks", "Plans"]], ["Money & quarters", ["Money", "Quarters"]], ["Admin", ["Users"]]] as const) {
        expect(await nav.getByRole("list", { name: group }).getByRole("link").allInnerTexts()).toEqual(links);
      }
      const boxes = await Promise.all(OFFICER_LINKS.map((name) => nav.getByRole("link", { name, exact: true }).boundingBox()));
      expect(new Set(boxes.map((box) => Math.round(box!.y))).size).toBe(1);
      const right = Math.max(...boxes.map((box) => box!.x + box!.width));
      expect(right).toBeLessThanOrEqual(1440);
      expect(await nav.getByRole("link", { name: "Contracts", exact: true }).getAttribute("aria-current")).toBe("page");
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "main-nav-1440", false);
    } finally {
      await context.close();
    }
  });

  test("at 375 px the groups fold behind a Menu button that opens, leads to a page and closes again", async () => {
    const { context, page } = await e2e.open(OFFICER, "/board", { viewport: { width: 375, height: 800 } });
    try {
      const nav = page.getByRole("navigation", { name: "Main" });
      const menu = nav.getByRole("button", { name: "Menu" });
      await menu.waitFor({ timeout: 20_000 });
      expect(await menu.getAttribute("aria-expanded")).toBe("false");
      expect(await nav.getByRole("link").count()).toBe(0);
      await menu.click();
      expect(await menu.getAttribute("aria-expanded")).toBe("true");
      expect(await nav.getByRole("link").allInnerTexts()).toEqual(OFFICER_LINKS);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "main-nav-375-open", false);
      // Escape closes it and gives focus back to the button.
      await page.keyboard.press("Escape");
      expect(await menu.getAttribute("aria-expanded")).toBe("false");
      expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
      await menu.click();
      await nav.getByRole("link", { name: "Quarters" }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe("/quarters");
      await expect.poll(() => menu.getAttribute("aria-expanded")).toBe("false");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await screenshot(page, "main-nav-375", false);
    } finally {
      await context.close();
    }
  });

  test("an analyst's groups hold only the analyst's pages", async () => {
    const { context, page } = await e2e.open("analyst@wiltshire.demo.example", "/explorer");
    try {
      const nav = page.getByRole("navigation", { name: "Main" });
      await nav.getByRole("link", { name: "Explorer" }).waitFor({ timeout: 20_000 });
      expect(await nav.getByRole("link").allInnerTexts()).toEqual(ANALYST_LINKS);
      expect(await nav.getByRole("list", { name: "Money & quarters" }).count()).toBe(0);
      expect(await nav.getByRole("list", { name: "Admin" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
