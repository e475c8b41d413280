import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { formatValue, ragLabel, type MeasureUnit } from "../../dashboard/src/format.js";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const COMMISSIONER = "commissioner@wiltshire.demo.example";
const OFFICER = "officer@wiltshire.demo.example";

interface Cell {
  periodId: number;
  actual: number | null;
  rag: string;
  returnsIn: number;
  returnsDue: number;
}
interface Scorecards {
  scorecards: { portfolioId: number | null; rows: { indicator: { code: string; unit: MeasureUnit }; cells: Cell[] }[] }[];
}

async function data<T>(e2e: E2E, as: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await e2e.server.run<T>(as, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

/** Waits until the live WebSocket is up and the board's subscriptions have had a moment to register. */
async function waitForLive(page: Page) {
  await page.locator('.connection-status[data-state="live"]').first().waitFor({ timeout: 10_000 });
  await page.waitForTimeout(700);
}

describe.skipIf(!browserAvailable())("quarterly review board", () => {
  let e2e: E2E;
  let previousQ: number;
  let openQ: number;
  let victims: number;
  let portfolioNames: string[];

  beforeAll(async () => {
    e2e = await startE2E();
    const frame = await data<{ reportingPeriods: { id: number; label: string }[]; portfolios: { id: number; name: string }[] }>(e2e, COMMISSIONER, "{ reportingPeriods { id label } portfolios { id name } }");
    // The quarter under review is the demo's open one; the one before it is closed, every return accepted.
    previousQ = frame.reportingPeriods.find((p) => p.label === "2023-24 Q4")!.id;
    openQ = frame.reportingPeriods.find((p) => p.label === "2024-25 Q1")!.id;
    victims = frame.portfolios.find((p) => p.name === "Victims & Vulnerability")!.id;
    portfolioNames = frame.portfolios.map((p) => p.name).sort((a, b) => a.localeCompare(b, "en-GB"));
  });

  afterAll(async () => {
    await e2e?.close();
  });

  test("shows the API's figures, RAG in words and the returns counts", async () => {
    const { context, page } = await e2e.open(COMMISSIONER, `/board?quarter=${openQ}`);
    const api = await data<Scorecards>(e2e, COMMISSIONER, "query($ids: [Int!]) { scorecards(periodIds: $ids) { portfolioId rows { indicator { code unit } cells { periodId actual rag returnsIn returnsDue } } } }", { ids: [previousQ] });
    const row = api.scorecards.find((s) => s.portfolioId === victims)!.rows.find((r) => r.indicator.code === "PCT_IMPROVED")!;
    const cell = row.cells.find((c) => c.periodId === previousQ)!;

    const shown = page.getByTestId(`cell-${victims}-PCT_IMPROVED-${previousQ}`);
    await shown.waitFor();
    const text = await shown.innerText();
    expect(text).toContain(formatValue(cell.actual, row.indicator.unit));
    expect(text).toContain(`${cell.returnsIn} of ${cell.returnsDue} returns`);
    expect(await shown.getAttribute("data-rag")).toBe(cell.rag);
    // The rating is written out, not only coloured.
    expect(text).toContain(ragLabel(cell.rag as never));

    const counts = await data<{ returnCompleteness: Record<string, number | null>[] }>(e2e, COMMISSIONER, "query($p: Int!) { returnCompleteness(periodId: $p) { portfolioId due onTime late missing accepted submitted } }", { p: openQ });
    const office = counts.returnCompleteness.find((c) => c.portfolioId == null)!;
    for (const key of ["due", "onTime", "late", "missing", "accepted", "submitted"]) {
      await expect.poll(() => page.getByTestId(`returns-count-${key}`).innerText()).toBe(String(office[key]));
    }
    await page.getByRole("heading", { name: /Money, 2024-25/ }).waitFor();
    await page.locator(".recharts-surface").first().waitFor();
    await screenshot(page, "board");
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 45_000);

  test("a cell drills down to the returns behind it; the board prints as a Panel pack", async () => {
    const { context, page } = await e2e.open(COMMISSIONER, `/board?quarter=${openQ}`);
    const shown = page.getByTestId(`cell-${victims}-PCT_IMPROVED-${previousQ}`);
    await shown.waitFor();

    // Drill-down: the returns behind the cell, as the API lists them.
    const provenance = await data<{ scorecardProvenance: { returnId: number; contractReference: string }[] }>(e2e, COMMISSIONER, "query($i: Int!, $p: Int!, $f: Int) { scorecardProvenance(indicatorId: $i, periodId: $p, portfolioId: $f) { returnId contractReference } }", {
      i: (await data<{ indicators: { id: number; code: string }[] }>(e2e, COMMISSIONER, "{ indicators { id code } }")).indicators.find((i) => i.code === "PCT_IMPROVED")!.id,
      p: previousQ,
      f: victims,
    });
    expect(provenance.scorecardProvenance.length).toBeGreaterThan(0);
    await shown.getByRole("button").focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await expect.poll(() => dialog.locator(".provenance__item").count()).toBe(provenance.scorecardProvenance.length);
    for (const entry of provenance.scorecardProvenance) {
      await expect.poll(() => dialog.getByTestId(`provenance-${entry.returnId}`).innerText()).toContain(entry.contractReference);
      expect(await dialog.getByRole("link", { name: `Open return for ${entry.contractReference}` }).getAttribute("href")).toContain(`return=${entry.returnId}`);
    }
    await screenshot(page, "board-drilldown", false);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    // Focus goes back to the cell that opened it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest("td")?.getAttribute("data-testid"))).toBe(`cell-${victims}-PCT_IMPROVED-${previousQ}`);

    // The Panel pack: print media hides the controls.
    await page.emulateMedia({ media: "print" });
    expect(await page.getByRole("button", { name: "Print panel pack" }).isVisible()).toBe(false);
    await screenshot(page, "board-print");
    await page.emulateMedia({ media: "screen" });
    await context.close();
  }, 45_000);

  test("an accepted return updates the open board live, without a reload", async () => {
    const submitted = await data<{ returns: { items: { id: number; version: number; contract: { portfolio: { id: number }; kpis: { indicator: { code: string } }[] } }[] } }>(
      e2e,
      OFFICER,
      "query($p: Int!) { returns(periodId: $p, state: SUBMITTED) { items { id version contract { portfolio { id } kpis { indicator { code } } } } } }",
      { p: openQ },
    );
    const target = submitted.returns.items.find((r) => r.contract.portfolio.id === victims && r.contract.kpis.some((k) => k.indicator.code === "REFERRALS_RECEIVED"))!;
    const { context, page } = await e2e.open(COMMISSIONER, `/board?quarter=${openQ}`);
    const cell = page.getByTestId(`cell-${victims}-REFERRALS_RECEIVED-${openQ}`);
    await cell.waitFor();
    await waitForLive(page);
    const before = await cell.innerText();
    const acceptedBefore = Number(await page.getByTestId("returns-count-accepted").innerText());
    const url = page.url();
    await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));

    const accepted = await e2e.server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: target.id, v: target.version });
    expect(accepted.errors).toBeUndefined();

    await expect.poll(() => cell.getAttribute("data-updated"), { timeout: 10_000 }).toBe("true");
    expect(await cell.getAttribute("class")).toContain("cell--updated");
    expect(await cell.innerText()).not.toBe(before);
    await expect.poll(() => page.getByTestId("returns-count-accepted").innerText(), { timeout: 10_000 }).toBe(String(acceptedBefore + 1));
    await expect.poll(() => page.getByTestId("board-announcer").innerText()).toContain("Referrals received");
    expect(page.url()).toBe(url);
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    await context.close();
  }, 45_000);

  test("presentation mode moves between portfolios with the keyboard", async () => {
    const { context, page } = await e2e.open(COMMISSIONER, `/board/present?quarter=${openQ}`);
    const title = page.getByTestId("presentation-portfolio");
    await expect.poll(() => title.innerText()).toBe(portfolioNames[0]);
    await expect.poll(() => page.evaluate(() => document.body.classList.contains("presentation"))).toBe(true);
    await page.locator(".scorecard--large").waitFor();
    await screenshot(page, "presentation", false);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.keyboard.press("ArrowRight");
    await expect.poll(() => title.innerText()).toBe(portfolioNames[1]);
    expect(new URL(page.url()).searchParams.get("portfolio")).not.toBeNull();
    await page.keyboard.press("PageDown");
    await expect.poll(() => title.innerText()).toBe(portfolioNames[2]);
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => title.innerText()).toBe(portfolioNames[1]);
    await page.getByRole("button", { name: "Next portfolio" }).click();
    await expect.poll(() => title.innerText()).toBe(portfolioNames[2]);

    await page.keyboard.press("Escape");
    await expect.poll(() => new URL(page.url()).pathname).toBe("/board");
    await expect.poll(() => page.evaluate(() => document.body.classList.contains("presentation"))).toBe(false);
    await context.close();
  }, 45_000);

  test("an officer sends a return back from /returns through the dialog", async () => {
    const submitted = await data<{ returns: { items: { id: number; requiredMeasures: { name: string }[] }[] } }>(e2e, OFFICER, "query($p: Int!) { returns(periodId: $p, state: SUBMITTED) { items { id requiredMeasures { name } } } }", { p: openQ });
    const target = submitted.returns.items[submitted.returns.items.length - 1];
    const { context, page } = await e2e.open(OFFICER, `/returns?quarter=${openQ}`);
    const row = page.getByTestId(`return-row-${target.id}`);
    await row.waitFor();
    await screenshot(page, "returns-review");
    expect(await accessibilityViolations(page)).toEqual([]);

    await row.getByRole("button", { name: "Send back" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Reason").fill("The referrals figure looks like it includes last quarter's cases.");
    const measure = target.requiredMeasures[0].name;
    await dialog.getByLabel(`Comment on ${measure}`).fill("Please count new referrals only.");
    expect(await accessibilityViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Send back to provider" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => row.getAttribute("data-state")).toBe("RETURNED");

    const after = await data<{ performanceReturn: { state: string; reviewReason: string; revisions: { measureComments: { comment: string }[] }[] } }>(
      e2e,
      OFFICER,
      "query($id: Int!) { performanceReturn(id: $id) { state reviewReason revisions { measureComments { comment } } } }",
      { id: target.id },
    );
    expect(after.performanceReturn.state).toBe("RETURNED");
    expect(after.performanceReturn.reviewReason).toBe("The referrals figure looks like it includes last quarter's cases.");
    expect(after.performanceReturn.revisions.at(-1)!.measureComments.map((c) => c.comment)).toEqual(["Please count new referrals only."]);

    // Another officer accepts a return meanwhile: its row changes here without a reload.
    const other = await data<{ returns: { items: { id: number; version: number }[] } }>(e2e, OFFICER, "query($p: Int!) { returns(periodId: $p, state: SUBMITTED) { items { id version } } }", { p: openQ });
    const next = other.returns.items[0];
    await waitForLive(page);
    expect((await e2e.server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: next.id, v: next.version })).errors).toBeUndefined();
    const acceptedRow = page.getByTestId(`return-row-${next.id}`);
    await expect.poll(() => acceptedRow.getAttribute("data-state"), { timeout: 10_000 }).toBe("ACCEPTED");
    await expect.poll(() => acceptedRow.getAttribute("data-updated")).toBe("true");
    await context.close();
  }, 45_000);
});
