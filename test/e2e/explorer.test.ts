import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const ANALYST = "analyst@wiltshire.demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const Q4 = 4;

interface Cell {
  periodId: number;
  label: string;
  actual: number | null;
  target: number | null;
  rag: string;
  returnsIn: number;
  returnsDue: number;
  complete: boolean;
  targetBasis: string;
}

const SCORECARDS = `query($periodId: Int!) {
  scorecards(periodIds: [$periodId]) { portfolioId portfolio { name } rows { indicator { code name unit } cells { periodId label actual target rag returnsIn returnsDue complete targetBasis } } }
}`;

function percent(value: number): string {
  return `${new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 }).format(value)}%`;
}

describe.skipIf(!browserAvailable())("data explorer", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("an analyst sees the quarter's scorecards and downloads them as CSV", async () => {
    const api = await e2e.server.run<{ scorecards: { portfolioId: number | null; portfolio: { name: string } | null; rows: { indicator: { code: string; name: string; unit: string }; cells: Cell[] }[] }[] }>(ANALYST, SCORECARDS, { periodId: Q4 });
    const victims = api.data!.scorecards.find((s) => s.portfolio?.name === "Victims & Vulnerability")!;
    const improved = victims.rows.find((r) => r.indicator.code === "PCT_IMPROVED")!;
    const cell = improved.cells[0];
    expect(cell.actual).not.toBeNull();

    const { context, page } = await e2e.open(ANALYST, `/explorer?quarter=${Q4}`);
    try {
      await page.getByRole("heading", { name: "Data explorer", level: 1 }).waitFor();
      await page.getByRole("heading", { name: "Scorecards, 2023-24 Q4", level: 2 }).waitFor();
      const row = page.getByTestId(`explorer-row-${victims.portfolioId}-PCT_IMPROVED`);
      await row.waitFor();
      const text = await row.innerText();
      expect(text).toContain(percent(cell.actual!));
      expect(text).toContain(`${cell.returnsIn} of ${cell.returnsDue}`);
      // The rating reads as words, not colour alone.
      expect(text).toMatch(/On target|Near target|Off target|No data|No target/);

      const section = page.getByRole("region", { name: "Scorecards, 2023-24 Q4" });
      const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("button", { name: /^Download CSV/ }).click()]);
      expect(download.suggestedFilename()).toBe("scorecards-wiltshire-swindon-2023-24-q4.csv");
      const csv = fs.readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
      const lines = csv.trimEnd().split("\r\n");
      expect(lines[0]).toBe("Quarter,Portfolio,Indicator code,Indicator,Unit,Actual,Target,RAG,Rating,Returns in,Returns due,Complete,Target basis");
      const actual = Math.round(cell.actual! * 100) / 100;
      // "&" and "%" need no quoting; the figures are plain numbers.
      expect(lines).toContain(`2023-24 Q4,Victims & Vulnerability,PCT_IMPROVED,${improved.indicator.name},PERCENT,${actual},${cell.target ?? ""},${cell.rag},${{ GREEN: "On target", AMBER: "Near target", RED: "Off target", GREY: "No data", NO_TARGET: "No target" }[cell.rag]},${cell.returnsIn},${cell.returnsDue},${cell.complete ? "yes" : "no"},${cell.targetBasis}`);
      const rows = api.data!.scorecards.reduce((n, s) => n + s.rows.length, 0);
      expect(lines).toHaveLength(1 + rows);

      // Money and contracts are there too, each with its own download.
      await page.getByTestId("explorer-streams").waitFor();
      await page.getByTestId("explorer-contracts").waitFor();
      expect(await page.getByRole("button", { name: /^Download CSV/ }).count()).toBeGreaterThanOrEqual(4);
      const contracts = page.locator("#ex-contracts");
      await contracts.getByRole("navigation", { name: /^Pages of/ }).getByRole("button", { name: "Next" }).click();
      await expect.poll(() => contracts.getByRole("status").filter({ hasText: /showing 21–/ }).count()).toBe(1);
      expect(await page.getByRole("link", { name: "GraphiQL" }).first().getAttribute("href")).toBe("/graphiql/");
    } finally {
      await context.close();
    }
  });

  test("a frozen quarter lists the figures restated since it was frozen", async () => {
    // Freeze 2023-24 Q1, then reopen one of its accepted returns: the Victims & Vulnerability figures move.
    const periods = await e2e.server.run<{ reportingPeriods: { id: number; label: string; version: number }[] }>(OFFICER, "{ reportingPeriods { id label version } }");
    const q1 = periods.data!.reportingPeriods.find((p) => p.label === "2023-24 Q1")!;
    const frozen = await e2e.server.run(OFFICER, "mutation($id: Int!, $version: Int!) { freezePeriod(id: $id, version: $version) { period { id } } }", { id: q1.id, version: q1.version });
    expect(frozen.errors).toBeUndefined();
    const accepted = await e2e.server.run<{ returns: { items: { id: number; version: number; contract: { reference: string } }[] } }>(
      OFFICER,
      "query($periodId: Int!) { returns(periodId: $periodId, state: ACCEPTED, first: 100) { items { id version contract { reference } } } }",
      { periodId: q1.id },
    );
    const outreach = accepted.data!.returns.items.find((r) => r.contract.reference === "WSW-VV-08")!;
    const reopened = await e2e.server.run(OFFICER, "mutation($id: Int!, $version: Int!) { reopenReturn(id: $id, version: $version, reason: \"Cases closed were double counted.\") { state } }", { id: outreach.id, version: outreach.version });
    expect(reopened.errors).toBeUndefined();

    const restated = await e2e.server.run<{ frozenQuarters: { period: { id: number }; restatements: { portfolioId: number | null; indicatorId: number; frozenActual: number | null; currentActual: number | null }[]; scorecards: { portfolioId: number | null; rows: { indicatorId: number; indicator: { name: string; unit: string } }[] }[] }[] }>(
      ANALYST,
      "{ frozenQuarters { period { id } restatements { portfolioId indicatorId frozenActual currentActual } scorecards { portfolioId rows { indicatorId indicator { name unit } } } } }",
    );
    const quarter = restated.data!.frozenQuarters.find((f) => f.period.id === q1.id)!;
    const percentRestatement = quarter.restatements.find((r) => r.portfolioId === 2 && r.frozenActual != null && r.currentActual != null && quarter.scorecards.some((s) => s.portfolioId === 2 && s.rows.some((row) => row.indicatorId === r.indicatorId && row.indicator.unit === "PERCENT")))!;
    expect(percentRestatement).toBeDefined();

    const { context, page } = await e2e.open(ANALYST, "/explorer");
    try {
      const section = page.getByTestId(`frozen-${q1.id}`);
      await section.waitFor();
      const list = section.getByTestId("restatements");
      await list.waitFor();
      expect(await list.locator("li").count()).toBe(quarter.restatements.length);
      const expected = `Restated: frozen ${percent(percentRestatement.frozenActual!)} → now ${percent(percentRestatement.currentActual!)}`;
      expect(await list.innerText()).toContain(expected);
      // The restated rows of the frozen table are marked in words too.
      expect(await section.locator("tr.ex-row--restated").count()).toBe(quarter.restatements.length);

      await section.scrollIntoViewIfNeeded();
      await screenshot(page, "explorer");
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
