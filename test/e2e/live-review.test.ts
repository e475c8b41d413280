import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

/*
 * The headline: a provider's return travels through the real form, the officer reviews it, and the Commissioner's
 * board changes in front of the meeting without anyone reloading it.
 */

const COMMISSIONER = "commissioner@wiltshire.demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const PROVIDER_B = "provider-b@demo.example";

// Wiltshire 2024-25 Q1 (period 5) is the demo's open quarter. Harbour (provider B) has a draft for WSW-VV-08
// (contract 8, referrals still empty) and a submitted return for WSW-VV-09 (contract 9). Both count towards
// Victims & Vulnerability's "Referrals received" (portfolio 2, REFERRALS_RECEIVED).
const OPEN_Q = 5;
const PREVIOUS = 4; // 2023-24 Q4, closed: every return accepted
const VICTIMS = 2;
const CELL = `cell-${VICTIMS}-REFERRALS_RECEIVED-${OPEN_Q}`;

interface ReturnRow {
  id: number;
  state: string;
  version: number;
}

async function returnOf(e2e: E2E, contractId: number): Promise<ReturnRow> {
  const result = await e2e.server.run<{ returns: { items: ReturnRow[] } }>(OFFICER, "query($c: Int!, $p: Int!) { returns(contractId: $c, periodId: $p) { items { id state version } } }", { c: contractId, p: OPEN_Q });
  return result.data!.returns.items[0];
}

async function referralsCell(e2e: E2E): Promise<{ returnsIn: number; returnsDue: number }> {
  const result = await e2e.server.run<{ scorecards: { rows: { indicator: { code: string }; cells: { returnsIn: number; returnsDue: number }[] }[] }[] }>(
    COMMISSIONER,
    "query($p: Int!, $portfolio: Int!) { scorecards(periodIds: [$p], portfolioId: $portfolio) { rows { indicator { code } cells { returnsIn returnsDue } } } }",
    { p: OPEN_Q, portfolio: VICTIMS },
  );
  return result.data!.scorecards[0].rows.find((r) => r.indicator.code === "REFERRALS_RECEIVED")!.cells[0];
}

/** The Commissioner's board, open on the quarter, marked so a reload would show. */
async function openBoard(e2e: E2E): Promise<Page> {
  const { page } = await e2e.open(COMMISSIONER, `/board?quarter=${OPEN_Q}`);
  await page.getByTestId(CELL).waitFor({ timeout: 15_000 });
  await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
  return page;
}

async function notReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true);
}

describe.skipIf(!browserAvailable())("live review", () => {
  let e2e: E2E;
  let board: Page;

  beforeAll(async () => {
    e2e = await startE2E();
    board = await openBoard(e2e);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("a provider submits through the form; once the officer accepts it, the board's cell changes live", async () => {
    const boardUrl = board.url();
    const before = await referralsCell(e2e);
    expect(await board.getByTestId(CELL).innerText()).toContain(`${before.returnsIn} of ${before.returnsDue} returns`);

    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/8/${OPEN_Q}`);
    try {
      // Last quarter's accepted referrals again needs no explanation.
      const last = await e2e.server.run<{ returns: { items: { values: { value: number; measure: { code: string } }[] }[] } }>(OFFICER, "query($c: Int!, $p: Int!) { returns(contractId: $c, periodId: $p) { items { values { value measure { code } } } } }", { c: 8, p: PREVIOUS });
      const referrals = last.data!.returns.items[0].values.find((v) => v.measure.code === "REFERRALS")!.value;
      await page.getByLabel("Referrals received", { exact: true }).fill(String(referrals));
      await page.getByRole("button", { name: "Submit return" }).click();
      await page.getByTestId("return-submitted").waitFor({ timeout: 10_000 });
      const submitted = await returnOf(e2e, 8);
      expect(submitted.state).toBe("SUBMITTED");
      // Submitted is not accepted: the board's (accepted-only) figure has not moved.
      expect(await board.getByTestId(CELL).innerText()).toContain(`${before.returnsIn} of ${before.returnsDue} returns`);

      const accepted = await e2e.server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: submitted.id, v: submitted.version });
      expect(accepted.errors).toBeUndefined();

      const cell = board.getByTestId(CELL);
      await expect.poll(() => cell.getAttribute("data-updated"), { timeout: 10_000 }).toBe("true");
      await expect.poll(() => cell.innerText()).toContain(`${before.returnsIn + 1} of ${before.returnsDue} returns`);
      expect(await cell.getAttribute("class")).toContain("cell--updated");
      expect(await notReloaded(board)).toBe(true);
      expect(board.url()).toBe(boardUrl);
      await cell.scrollIntoViewIfNeeded();
      await screenshot(board, "live-review-board-updated", false);

      // The provider's open page follows too: the return now reads as accepted.
      await expect.poll(() => page.getByTestId("return-status").innerText(), { timeout: 10_000 }).toContain("Accepted");
    } finally {
      await context.close();
    }
  });

  test("the officer sends a return back with comments; the provider corrects it; once accepted the board shows it", async () => {
    const reason = "Referrals look low against the police referral log: please check.";
    const comment = "The log shows 480 referrals for the quarter.";
    const target = await returnOf(e2e, 9);
    expect(target.state).toBe("SUBMITTED");

    const officer = await e2e.open(OFFICER, `/returns?quarter=${OPEN_Q}`);
    const provider = await e2e.open(PROVIDER_B, `/provider/returns/9/${OPEN_Q}`);
    try {
      await expect.poll(() => provider.page.getByTestId("return-status").innerText(), { timeout: 10_000 }).toContain("Submitted: waiting for review");
      // The officer sends it back through the dialog, with a reason and a comment on one measure.
      const row = officer.page.getByTestId(`return-row-${target.id}`);
      await row.waitFor({ timeout: 15_000 });
      await row.getByRole("button", { name: "Send back" }).click();
      const dialog = officer.page.getByRole("dialog");
      await dialog.getByLabel("Reason").fill(reason);
      await dialog.getByLabel("Comment on Referrals received", { exact: true }).fill(comment);
      await dialog.getByRole("button", { name: "Send back to provider" }).click();
      await expect.poll(async () => (await returnOf(e2e, 9)).state, { timeout: 10_000 }).toBe("RETURNED");

      // The provider, who had the submitted return open, sees it come back with the reason and the comment.
      const page = provider.page;
      await page.getByTestId("review-reason").waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("review-reason").innerText()).toContain(reason);
      expect(await page.getByTestId("review-comment-REFERRALS").innerText()).toContain(comment);
      await screenshot(page, "live-review-sent-back");

      await page.getByLabel("Referrals received", { exact: true }).fill("480");
      await page.getByRole("button", { name: "Submit return" }).click();
      await page.getByTestId("return-submitted").waitFor({ timeout: 10_000 });
      expect((await returnOf(e2e, 9)).state).toBe("SUBMITTED");

      // The officer accepts the corrected return from the list, which follows the resubmission live.
      const before = await referralsCell(e2e);
      await expect.poll(() => row.getAttribute("data-state"), { timeout: 10_000 }).toBe("SUBMITTED");
      await row.getByRole("button", { name: "Accept" }).click();
      // Accepting is confirmed in a dialog that names the return.
      const confirm = officer.page.getByTestId("accept-confirm");
      await confirm.waitFor({ timeout: 10_000 });
      expect(await confirm.getByRole("heading").innerText()).toContain("WSW-VV-09");
      await confirm.getByRole("button", { name: "Accept return" }).click();
      await expect.poll(async () => (await returnOf(e2e, 9)).state, { timeout: 10_000 }).toBe("ACCEPTED");

      const cell = board.getByTestId(CELL);
      await expect.poll(() => cell.innerText(), { timeout: 10_000 }).toContain(`${before.returnsIn + 1} of ${before.returnsDue} returns`);
      expect(await cell.getAttribute("data-updated")).toBe("true");
      expect(await notReloaded(board)).toBe(true);
    } finally {
      await officer.context.close();
      await provider.context.close();
    }
  });
});
