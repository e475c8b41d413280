import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { formatChange, formatValue, type MeasureUnit } from "../../dashboard/src/format.js";
import { formatPercentChange } from "../../dashboard/src/features/returns/figure-change.js";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

/*
 * The officer's return review: every figure beside the previous quarter's, its target and the change, and an
 * Accept that asks first. Every expected number is read from the API here, then looked for on the page.
 */

const OFFICER = "officer@wiltshire.demo.example";
const IDVA = 9; // WSW-VV-09, Harbour: its return for the open quarter is submitted, awaiting review
const OUTREACH = 8; // WSW-VV-08, Harbour: its return for the open quarter is a draft

interface Cell {
  periodId: number;
  actual: number | null;
  target: number | null;
  fullTarget: number | null;
  targetBasis: string;
  rag: string;
  complete: boolean;
  returnsIn: number;
}
interface Row {
  indicator: { id: number; name: string; unit: MeasureUnit };
  cells: Cell[];
}
interface Ret {
  id: number;
  state: string;
  version: number;
  values: { value: number | null; measure: { id: number; name: string; unit: MeasureUnit } }[];
}

const RETURN = "query($c: Int!, $p: Int!) { returns(contractId: $c, periodId: $p) { items { id state version values { value measure { id name unit } } } } }";
const SCORECARD = "query($c: Int!) { contractScorecard(contractId: $c, includeSubmitted: true) { rows { indicator { id name unit } cells { periodId actual target fullTarget targetBasis rag complete returnsIn } } } }";

describe.skipIf(!browserAvailable())("the officer's return review", () => {
  let e2e: E2E;
  let open: number;
  let previous: number;

  async function api<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const result = await e2e.server.run<T>(OFFICER, query, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!;
  }
  const returnOf = async (contractId: number, periodId: number) => (await api<{ returns: { items: Ret[] } }>(RETURN, { c: contractId, p: periodId })).returns.items[0];
  const scorecardOf = async (contractId: number) => (await api<{ contractScorecard: { rows: Row[] } }>(SCORECARD, { c: contractId })).contractScorecard.rows;

  async function openDetail(returnId: number, width: number): Promise<{ page: Page; close(): Promise<void> }> {
    const { context, page } = await e2e.open(OFFICER, `/returns?quarter=${open}&return=${returnId}`, { viewport: { width, height: 900 } });
    await page.getByTestId("return-kpis").waitFor({ timeout: 15_000 });
    return { page, close: () => context.close() };
  }

  beforeAll(async () => {
    e2e = await startE2E();
    const { reportingPeriods } = await api<{ reportingPeriods: { id: number; label: string; state: string }[] }>("{ reportingPeriods { id label state } }", {});
    open = reportingPeriods.find((p) => p.state === "OPEN")!.id;
    previous = reportingPeriods.find((p) => p.label === "2023-24 Q4")!.id;
  });
  afterAll(async () => {
    await e2e?.close();
  });

  for (const width of [1440, 375]) {
    test(`each figure beside the previous quarter's, its target and the change, at ${width} px`, async () => {
      const ret = await returnOf(IDVA, open);
      expect(ret.state).toBe("SUBMITTED");
      const before = await returnOf(IDVA, previous);
      expect(before.state).toBe("ACCEPTED");
      const rows = await scorecardOf(IDVA);
      const { page, close } = await openDetail(ret.id, width);
      try {
        // The figures the provider reported, beside last quarter's accepted return.
        expect(await page.getByText("Compared with the accepted return for 2023-24 Q4.").count()).toBe(1);
        for (const v of ret.values) {
          const was = before.values.find((b) => b.measure.id === v.measure.id)!.value!;
          const row = page.getByTestId(`value-${v.measure.id}`);
          expect(await row.getByTestId("value-current").innerText()).toBe(formatValue(v.value, v.measure.unit));
          expect(await row.getByTestId("value-previous").innerText()).toBe(formatValue(was, v.measure.unit));
          expect(await row.getByTestId("value-change").innerText()).toBe(formatChange(v.value! - was, v.measure.unit));
          expect(await row.getByTestId("value-change-percent").innerText()).toBe(formatPercentChange(was === 0 ? null : ((v.value! - was) / was) * 100));
        }
        // Each KPI: this quarter (the submitted figures), the previous quarter, the change and the target.
        expect(rows.length).toBeGreaterThan(0);
        for (const r of rows) {
          const now = r.cells.find((c) => c.periodId === open)!;
          const then = r.cells.find((c) => c.periodId === previous)!;
          const row = page.getByTestId(`kpi-${r.indicator.id}`);
          expect(await row.getByTestId("kpi-current").innerText()).toContain(formatValue(now.actual, r.indicator.unit));
          expect(await row.getByTestId("kpi-previous").innerText()).toContain(formatValue(then.actual, r.indicator.unit));
          expect(await row.getByTestId("kpi-change").innerText()).toBe(formatChange(now.actual! - then.actual!, r.indicator.unit));
          expect(await row.getByTestId("kpi-change-percent").innerText()).toBe(formatPercentChange(((now.actual! - then.actual!) / then.actual!) * 100));
          expect(now.target).not.toBeNull();
          expect(await row.getByTestId("kpi-target").innerText()).toContain(formatValue(now.target, r.indicator.unit));
        }
        expect(await accessibilityViolations(page)).toEqual([]);
        // Wide tables scroll inside themselves: the page itself never scrolls sideways.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await page.getByTestId("return-kpis").scrollIntoViewIfNeeded();
        await screenshot(page, `return-review-${width}`, false);
      } finally {
        await close();
      }
    });
  }

  test("a return not yet in is not rated against the full quarter's target (the incomplete-quarter rule)", async () => {
    const draft = await returnOf(OUTREACH, open);
    expect(draft.state).toBe("DRAFT");
    const rows = await scorecardOf(OUTREACH);
    const { page, close } = await openDetail(draft.id, 1440);
    try {
      for (const r of rows) {
        const now = r.cells.find((c) => c.periodId === open)!;
        expect(now.complete).toBe(false);
        const text = await page.getByTestId(`kpi-${r.indicator.id}`).getByTestId("kpi-target").innerText();
        if (now.fullTarget != null && now.target == null) expect(text).toBe(`Not rated until all returns are in (full quarter ${formatValue(now.fullTarget, r.indicator.unit)})`);
        else expect(text).toContain(formatValue(now.target, r.indicator.unit));
        expect(await page.getByTestId(`kpi-${r.indicator.id}`).getByTestId("kpi-current").innerText()).toContain("No data");
      }
    } finally {
      await close();
    }
  });

  test("Accept asks for confirmation naming the return and its figures off target; Cancel changes nothing", async () => {
    const ret = await returnOf(IDVA, open);
    expect(ret.state).toBe("SUBMITTED");
    const rows = await scorecardOf(IDVA);
    const off = rows.filter((r) => r.cells.find((c) => c.periodId === open)!.rag === "RED").map((r) => r.indicator.name);
    const near = rows.filter((r) => r.cells.find((c) => c.periodId === open)!.rag === "AMBER").map((r) => r.indicator.name);
    const { page, close } = await openDetail(ret.id, 1440);
    try {
      await page.locator("dialog.return-detail").getByRole("button", { name: "Accept", exact: true }).click();
      const dialog = page.getByTestId("accept-confirm");
      await dialog.waitFor();
      expect(await dialog.getByRole("heading").innerText()).toMatch(/^Accept WSW-VV-09 .+, 2024-25 Q1\?$/);
      await expect.poll(() => dialog.getByRole("button", { name: "Accept return" }).count()).toBe(1);
      await expect.poll(async () => (await dialog.innerText()).includes("Checking the figures")).toBe(false);
      if (off.length) for (const name of off) expect(await dialog.getByTestId("accept-confirm-off-target").innerText()).toContain(name);
      else expect(await dialog.getByTestId("accept-confirm-off-target").count()).toBe(0);
      if (near.length) for (const name of near) expect(await dialog.getByTestId("accept-confirm-near-target").innerText()).toContain(name);
      if (!off.length && !near.length) await dialog.getByTestId("accept-confirm-on-target").waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "return-review-accept-confirm", false);

      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      const after = await returnOf(IDVA, open);
      expect({ state: after.state, version: after.version }).toEqual({ state: "SUBMITTED", version: ret.version });

      // Confirmed, it is accepted.
      await page.locator("dialog.return-detail").getByRole("button", { name: "Accept", exact: true }).click();
      await page.getByTestId("accept-confirm").getByRole("button", { name: "Accept return" }).click();
      await expect.poll(async () => (await returnOf(IDVA, open)).state, { timeout: 10_000 }).toBe("ACCEPTED");
    } finally {
      await close();
    }
  });

  test("an accepted return is opened for correction with a reason, which the provider then sees", async () => {
    const ret = await returnOf(IDVA, open);
    expect(ret.state).toBe("ACCEPTED");
    const { page, close } = await openDetail(ret.id, 1440);
    try {
      await page.locator("dialog.return-detail").getByRole("button", { name: "Open for correction" }).click();
      const dialog = page.getByRole("dialog", { name: /for correction/ });
      await dialog.getByRole("button", { name: "Open for correction" }).click();
      // No reason: refused in the browser, beside the field; nothing changes.
      await expect.poll(() => dialog.getByRole("alert").first().innerText()).toContain("Say why");
      expect((await returnOf(IDVA, open)).state).toBe("ACCEPTED");
      expect(await accessibilityViolations(page)).toEqual([]);
      const reason = "Referrals include cases carried over from last quarter.";
      await dialog.getByLabel("Reason for the correction").fill(reason);
      await dialog.getByRole("button", { name: "Open for correction" }).click();
      await expect.poll(async () => (await returnOf(IDVA, open)).state, { timeout: 10_000 }).not.toBe("ACCEPTED");
      const seen = await e2e.server.run<{ performanceReturn: { reviewReason: string | null } }>("provider-b@demo.example", "query($id: Int!) { performanceReturn(id: $id) { reviewReason } }", { id: ret.id });
      expect(seen.data!.performanceReturn.reviewReason).toBe(reason);
    } finally {
      await close();
    }
  });
});
