import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedBenchmarkOffices } from "../api/benchmark-fixture.js";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };

describe.skipIf(!browserAvailable())("open data in the dashboard", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    // Offices with comparable figures, beside the demo's (which share but have no indicator codes in common with them).
    await seedBenchmarkOffices(e2e.server.services.writer.dataSource);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("anyone, signed out, reads an office's transparency page and downloads its open data", async () => {
    for (const [label, viewport] of [["1440", DESKTOP], ["375", PHONE]] as const) {
      const { context, page } = await e2e.open(null, "/open/dorset", { viewport });
      try {
        await page.getByRole("heading", { name: "Police and Crime Commissioner for Dorset", level: 1 }).waitFor();
        await page.getByRole("heading", { name: "Grants", level: 2 }).waitFor();
        const grants = page.getByRole("region", { name: "Grants table", exact: true });
        expect(await grants.getByRole("row").count()).toBeGreaterThan(5);
        expect(await page.getByRole("region", { name: "Contracts table", exact: true }).getByRole("row").count()).toBeGreaterThan(10);
        // No sign-in form, no user.
        expect(await page.getByLabel("Email").count()).toBe(0);
        const links = page.getByRole("region", { name: "Open data", exact: true }).getByRole("link");
        expect(await links.count()).toBe(4);
        for (const href of await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute("href")!))) {
          const response = await page.request.get(e2e.server.url + href);
          expect(response.status(), href).toBe(200);
        }
        expect(await accessibilityViolations(page)).toEqual([]);
        await screenshot(page, `open-data-transparency-${label}`);
        if (viewport === PHONE) {
          // The full page is very tall on a phone: one screen at the top and one at the grants table, to look at.
          await screenshot(page, "open-data-transparency-375-top", false);
          await page.getByRole("heading", { name: "Grants", level: 2 }).scrollIntoViewIfNeeded();
          await screenshot(page, "open-data-transparency-375-grants", false);
        }
      } finally {
        await context.close();
      }
    }
  });

  test("an office that does not publish shows nothing", async () => {
    await e2e.server.services.writer.dataSource.query("UPDATE office_open_data SET publish = ? WHERE officeId = (SELECT id FROM office WHERE code = 'durham')", [false]);
    const { context, page } = await e2e.open(null, "/open/durham");
    try {
      await page.getByRole("heading", { name: "Nothing is published here", level: 1 }).waitFor();
    } finally {
      await context.close();
    }
  });

  test("an officer compares the office's figures with the sharing offices and the median; a provider cannot", async () => {
    for (const [label, viewport] of [["1440", DESKTOP], ["375", PHONE]] as const) {
      const { context, page } = await e2e.open("officer@alpha.test", "/benchmarks", { viewport });
      try {
        await page.getByRole("heading", { name: "Benchmarks", level: 1 }).waitFor();
        const clients = page.getByRole("region", { name: "CLIENTS in alpha, table", exact: true });
        await clients.waitFor();
        const q1 = clients.getByRole("row", { name: /2024-25 Q1/ });
        const text = await q1.innerText();
        expect(text).toContain("10");
        expect(text).toContain("30");
        expect(text).toContain("50");
        expect(text).toMatch(/worse than the median/);
        expect(await clients.getByRole("columnheader").allInnerTexts()).toEqual(["Quarter", "Your office", "Median", "Office bravo", "Office echo"]);
        // Officers see the settings but only the Commissioner changes them.
        expect(await page.getByRole("checkbox", { name: /Share indicator figures/ }).isDisabled()).toBe(true);
        expect(await accessibilityViolations(page)).toEqual([]);
        await screenshot(page, `open-data-benchmarks-${label}`);
      } finally {
        await context.close();
      }
    }

    const { context, page } = await e2e.open("provider@shared.test", "/benchmarks");
    try {
      await page.getByRole("heading", { name: "This page is not part of your role" }).waitFor();
      expect(await page.getByRole("link", { name: "Benchmarks" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
