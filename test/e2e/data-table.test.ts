import fs from "node:fs";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, startE2E, type E2E } from "./browser.js";

const ANALYST = "analyst@wiltshire.demo.example";

/** The shared table (components/data-table), exercised where it is used: the explorer's money by portfolio. */
describe.skipIf(!browserAvailable())("the shared table", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("sorts by a header, searches, and exports exactly the rows left, in their order, to CSV and Excel", async () => {
    const { context, page } = await e2e.open(ANALYST, "/explorer?quarter=4");
    try {
      const table = page.getByTestId("explorer-portfolios");
      await table.waitFor();
      const names = () => table.locator("tbody th").allInnerTexts();
      const all = await names();
      expect(all.length).toBeGreaterThan(2);

      // Sorting: the header's button toggles, aria-sort says which way.
      const header = table.getByRole("columnheader", { name: /Spent/ });
      expect(await header.getAttribute("aria-sort")).toBeNull();
      await header.getByRole("button").click();
      const firstSort = await header.getAttribute("aria-sort");
      expect(["ascending", "descending"]).toContain(firstSort);
      await header.getByRole("button").click();
      expect(await header.getAttribute("aria-sort")).toBe(firstSort === "ascending" ? "descending" : "ascending");
      const sorted = await names();
      expect([...sorted].sort()).toEqual([...all].sort());

      // Export before searching: every row, in the order shown.
      const region = page.locator("#ex-money-portfolios");
      const [csvDownload] = await Promise.all([page.waitForEvent("download"), region.getByRole("button", { name: "Download CSV" }).click()]);
      expect(csvDownload.suggestedFilename()).toMatch(/^money-by-portfolio-wiltshire-swindon-\d{4}-\d{2}\.csv$/);
      const csv = fs.readFileSync((await csvDownload.path())!, "utf8").replace(/^\uFEFF/, "").trimEnd().split("\r\n");
      expect(csv[0]).toBe("Year,Portfolio,Allocated (£),Committed (£),Planned (£),Spent (£),Remaining (£)");
      expect(csv.slice(1).map((line) => line.split(",")[1])).toEqual(sorted);

      // Search narrows the rows and the downloads alike.
      const keep = sorted[0];
      await region.getByRole("searchbox", { name: "Search portfolios" }).fill(keep.slice(0, 6));
      await expect.poll(names).toEqual(sorted.filter((name) => name.toLowerCase().includes(keep.slice(0, 6).toLowerCase())));
      const left = await names();
      expect(left.length).toBeLessThan(sorted.length);
      await expect.poll(() => region.getByRole("status").first().innerText()).toMatch(new RegExp(`^${left.length} of ${sorted.length} rows match`));

      const [xlsxDownload] = await Promise.all([page.waitForEvent("download"), region.getByRole("button", { name: "Download Excel" }).click()]);
      expect(xlsxDownload.suggestedFilename()).toMatch(/\.xlsx$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile((await xlsxDownload.path())!);
      const sheet = workbook.worksheets[0];
      const header1 = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header1).toEqual(["Year", "Portfolio", "Allocated (£)", "Committed (£)", "Planned (£)", "Spent (£)", "Remaining (£)"]);
      const bodyNames: string[] = [];
      sheet.eachRow((row, index) => {
        if (index > 1) bodyNames.push(String(row.getCell(2).value));
      });
      expect(bodyNames).toEqual(left);
      // Money is a number in the sheet, not text.
      expect(typeof sheet.getRow(2).getCell(3).value).toBe("number");

      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
