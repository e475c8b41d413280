import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

/*
 * Every office's officer finds a working board, explorer and returns view: never an empty board, never an endless
 * "Loading". Screenshots at desktop (1440 px) and phone (375 px) widths go to test/artifacts/.
 */

const OFFICERS = [
  { office: "wiltshire", email: "officer@wiltshire.demo.example" },
  { office: "dorset", email: "officer@dorset.demo.example" },
  { office: "durham", email: "officer@durham.demo.example" },
];
const WIDTHS = [
  { name: "desktop", viewport: { width: 1440, height: 900 } },
  { name: "phone", viewport: { width: 375, height: 800 } },
];

/** No "Loading…" left on the page once it has settled, and no sideways scrolling of the whole page on a phone. */
async function settled(page: Page) {
  await expect.poll(() => page.getByRole("status").filter({ hasText: /Loading/ }).count(), { timeout: 20_000 }).toBe(0);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, "the page is wider than the screen").toBeLessThanOrEqual(innerWidth);
}

describe.skipIf(!browserAvailable())("every office's officer", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => e2e?.close());

  for (const { office, email } of OFFICERS) {
    test(`${office}: a non-empty board (opening on what needs attention), explorer and returns view`, async () => {
      for (const { name, viewport } of WIDTHS) {
        const { context, page } = await e2e.open(email, "/board", { viewport });
        try {
          const summary = page.getByTestId("attention-summary");
          await summary.getByRole("heading", { name: /Needs attention: \d{4}-\d{2} Q[1-4]/ }).waitFor({ timeout: 20_000 });
          await expect.poll(() => page.locator('td[id^="cell-"]').count(), { timeout: 20_000 }).toBeGreaterThan(3);
          expect(await summary.getByTestId("attention-returns").innerText()).toMatch(/\d+ returns? not in, \d+ awaiting review or sent back \(\d+ of \d+ accepted\)/);
          await expect.poll(() => page.locator('td[id^="cell-"][data-rag="GREEN"], td[id^="cell-"][data-rag="AMBER"], td[id^="cell-"][data-rag="RED"]').count()).toBeGreaterThan(0);
          await settled(page);
          // The summary comes before the grids.
          const order = await page.evaluate(() => {
            const a = document.querySelector('[data-testid="attention-summary"]')!;
            const grid = document.querySelector('td[id^="cell-"]')!;
            return a.compareDocumentPosition(grid) & Node.DOCUMENT_POSITION_FOLLOWING;
          });
          expect(order).toBeTruthy();
          // An exception links to its cell: following it lands focus in that cell.
          const link = summary.locator('a[data-testid^="attention-link-"]').first();
          if (await link.count()) {
            const target = (await link.getAttribute("href"))!.slice(1);
            await link.click();
            await expect.poll(() => page.evaluate(() => document.activeElement?.closest("td")?.id ?? null)).toBe(target);
          }
          await screenshot(page, `demo-${office}-board-${name}`);

          await page.goto(`${e2e.server.url}/explorer`);
          await page.getByRole("heading", { name: /^Scorecards, \d{4}-\d{2} Q[1-4]$/, level: 2 }).waitFor({ timeout: 20_000 });
          await expect.poll(() => page.getByTestId("explorer-scorecards").locator("tbody tr").count(), { timeout: 20_000 }).toBeGreaterThan(0);
          await expect.poll(() => page.getByTestId("explorer-contracts").locator("tbody tr").count(), { timeout: 20_000 }).toBeGreaterThan(0);
          await settled(page);
          expect(await page.getByTestId("explorer-no-quarters").count()).toBe(0);
          await screenshot(page, `demo-${office}-explorer-${name}`);

          await page.goto(`${e2e.server.url}/returns`);
          await expect.poll(() => page.locator('[data-testid^="return-row-"]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
          await settled(page);
          await screenshot(page, `demo-${office}-returns-${name}`);
        } finally {
          await context.close();
        }
      }
    });
  }

  test("an office with no data shows empty states on the board, explorer and returns view, never an endless spinner", async () => {
    const created = await e2e.server.run<{ createOffice: { id: number } }>("admin@demo.example", 'mutation { createOffice(input: { code: "empty-test", name: "Empty Test Office", commissionerTitle: "Commissioner" }) { id } }');
    expect(created.errors).toBeUndefined();
    const id = created.data!.createOffice.id;
    const { context, page } = await e2e.open("admin@demo.example", `/explorer?office=${id}`);
    try {
      await page.getByTestId("explorer-no-quarters").waitFor({ timeout: 20_000 });
      await expect.poll(() => page.getByText("The office has no contracts.").count(), { timeout: 20_000 }).toBe(1);
      await settled(page);
      await page.goto(`${e2e.server.url}/board?office=${id}`);
      await page.getByText("This office has no reporting quarters yet, so there is nothing to review.").waitFor({ timeout: 20_000 });
      await settled(page);
      await page.goto(`${e2e.server.url}/returns?office=${id}`);
      await page.getByText("This office has no reporting quarters yet, so no returns are due.").waitFor({ timeout: 20_000 });
      await settled(page);
      await screenshot(page, "demo-empty-office-returns");
    } finally {
      await context.close();
    }
  });

  test("Wiltshire's explorer shows every contract's 2023-24 value from its funding lines", async () => {
    // The explorer follows the chosen quarter's year; 2023-24 is the year the documents' money is for.
    const periods = await e2e.server.run<{ reportingPeriods: { id: number; label: string }[] }>(OFFICERS[0].email, "{ reportingPeriods { id label } }");
    const q4 = periods.data!.reportingPeriods.find((p) => p.label === "2023-24 Q4")!.id;
    const { context, page } = await e2e.open(OFFICERS[0].email, `/explorer?quarter=${q4}`);
    try {
      await page.getByRole("heading", { name: /^Scorecards, / }).waitFor({ timeout: 20_000 });
      const table = page.getByTestId("explorer-contracts");
      await expect.poll(() => table.locator("tbody tr").count(), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await table.locator("thead").innerText()).toContain("Funding 2023-24");
      const rowOf = (reference: string) => table.locator("tbody tr").filter({ has: page.getByRole("rowheader", { name: reference, exact: true }) });
      // The examples: blank before, from their funding lines now (whole pounds, no pence).
      const values = await e2e.server.run<{ contracts: { items: { reference: string; title: string; fundingPence: number | null }[] } }>(OFFICERS[0].email, '{ contracts(first: 100) { items { reference title fundingPence(year: "2023-24") } } }');
      const sarc = values.data!.contracts.items.find((c) => /SARC/.test(c.title))!;
      expect(sarc.fundingPence).toBe(318_000_00);
      for (const c of values.data!.contracts.items.filter((x) => x.fundingPence != null)) {
        const row = rowOf(c.reference);
        if (!(await row.count())) continue; // on a later page
        expect(await row.locator("td.data-table__num").innerText()).toBe(`£${(c.fundingPence! / 100).toLocaleString("en-GB")}`);
      }
    } finally {
      await context.close();
    }
  });
});
