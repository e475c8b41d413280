import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

/*
 * A return's conversation, live in two browsers: the officer asks for evidence on a figure, the provider attaches a
 * PDF and replies, and the officer's open return shows both without a reload. Then a follow-up flag, and how it
 * looks on a phone.
 */

const OFFICER = "officer@wiltshire.demo.example";
const PROVIDER_B = "provider-b@demo.example";
// In Wiltshire's open quarter (2024-25 Q1) Harbour (provider B) has a submitted return for WSW-VV-09 (contract 9)
// and a draft for WSW-VV-08 (contract 8), whose earlier quarters are accepted.
let Q4 = 0;
const CONTRACT = 9;

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

async function returnId(e2e: E2E): Promise<number> {
  const result = await e2e.server.run<{ returns: { items: { id: number }[] } }>(OFFICER, "query($c: Int!, $p: Int!) { returns(contractId: $c, periodId: $p) { items { id } } }", { c: CONTRACT, p: Q4 });
  return result.data!.returns.items[0].id;
}

async function markNotReloaded(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
}
const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true);

describe.skipIf(!browserAvailable())("conversations on returns", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    const periods = await e2e.server.run<{ reportingPeriods: { id: number; state: string }[] }>(OFFICER, "{ reportingPeriods { id state } }");
    Q4 = periods.data!.reportingPeriods.find((p) => p.state === "OPEN")!.id;
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("the officer comments; the provider uploads a PDF and replies; the officer sees both live", async () => {
    const id = await returnId(e2e);
    const officer = await e2e.open(OFFICER, `/returns?quarter=${Q4}`);
    const provider = await e2e.open(PROVIDER_B, `/provider/returns/${CONTRACT}/${Q4}`);
    try {
      // The officer opens the return and asks about one figure.
      const row = officer.page.getByTestId(`return-row-${id}`);
      await row.waitFor({ timeout: 15_000 });
      await row.getByRole("button", { name: "View" }).click();
      const dialog = officer.page.getByRole("dialog");
      const thread = dialog.getByTestId("return-conversation");
      await thread.waitFor({ timeout: 10_000 });
      await markNotReloaded(officer.page);
      const question = "Referrals fell against last quarter: can you attach the referral log for the quarter?";
      await thread.getByLabel("Add a comment").fill(question);
      await thread.getByLabel("About").selectOption({ label: "Referrals received" });
      await thread.getByRole("button", { name: "Post comment" }).click();
      await expect.poll(() => thread.getByTestId("comment-list").innerText(), { timeout: 10_000 }).toContain(question);

      // The provider, with the return already open, sees the question arrive.
      const mine = provider.page.getByTestId("return-conversation");
      await mine.waitFor({ timeout: 15_000 });
      await markNotReloaded(provider.page);
      await expect.poll(() => mine.getByTestId("comment-list").innerText(), { timeout: 10_000 }).toContain(question);
      expect(await mine.getByTestId("comment-list").innerText()).toContain("On Referrals received");

      // It attaches the log as a PDF and replies to the officer's comment.
      await mine.getByLabel("Attach a file").setInputFiles({ name: "Referral log Q4.pdf", mimeType: "application/pdf", buffer: PDF });
      await expect.poll(() => mine.getByTestId("attachment-status").innerText(), { timeout: 10_000 }).toContain("Referral log Q4.pdf attached.");
      await mine.getByRole("button", { name: /^Reply/ }).first().click();
      const reply = "Attached: the hub was closed for two weeks in February, which explains the drop.";
      await mine.getByLabel(/Your reply to/).fill(reply);
      await mine.getByRole("button", { name: "Post comment" }).click();
      await expect.poll(() => mine.getByTestId("comment-list").innerText(), { timeout: 10_000 }).toContain(reply);

      // The officer's open dialog shows the file and the reply, live.
      await expect.poll(() => thread.getByTestId("attachments").innerText(), { timeout: 10_000 }).toContain("Referral log Q4.pdf");
      await expect.poll(() => thread.getByTestId("comment-list").innerText(), { timeout: 10_000 }).toContain(reply);
      expect(await thread.getByTestId("comment-list").innerText()).toContain("Replying to");
      expect(await notReloaded(officer.page)).toBe(true);
      expect(await notReloaded(provider.page)).toBe(true);

      // The officer downloads it: a file to save, with the bytes that were sent.
      const download = officer.page.waitForEvent("download");
      await thread.getByRole("button", { name: /^Referral log Q4\.pdf/ }).click();
      const saved = await download;
      expect(saved.suggestedFilename()).toBe("Referral log Q4.pdf");

      // And flags the figure for follow-up next quarter.
      await thread.getByLabel("Flag a figure").selectOption({ label: "Referrals received" });
      await thread.getByLabel("What to follow up").fill("Check referrals recover once the hub reopens.");
      await thread.getByRole("button", { name: "Flag for follow-up" }).click();
      await expect.poll(() => thread.getByTestId("open-flags").innerText(), { timeout: 10_000 }).toContain("Check referrals recover");
      await expect.poll(() => mine.getByTestId("open-flags").innerText(), { timeout: 10_000 }).toContain("Check referrals recover");

      expect(await accessibilityViolations(officer.page)).toEqual([]);
      expect(await accessibilityViolations(provider.page)).toEqual([]);
      await thread.scrollIntoViewIfNeeded();
      await screenshot(officer.page, "conversation-officer-1440", false);
      await mine.scrollIntoViewIfNeeded();
      await screenshot(provider.page, "conversation-provider-1440");
    } finally {
      await officer.context.close();
      await provider.context.close();
    }
  });

  test("a figure flagged last quarter shows beside it in this quarter's form until it is cleared", async () => {
    // Harbour's WSW-VV-08 (contract 8) has accepted returns for earlier quarters and a draft for the open one.
    const q3 = await e2e.server.run<{ returns: { items: { id: number; requiredMeasures: { id: number; code: string }[] }[] } }>(OFFICER, "query { returns(contractId: 8, state: ACCEPTED, first: 1) { items { id requiredMeasures { id code } } } }");
    const earlier = q3.data!.returns.items[0];
    const referrals = earlier.requiredMeasures.find((m) => m.code === "REFERRALS")!;
    const raised = await e2e.server.run<{ raiseFigureFlag: { id: number; version: number } }>(OFFICER, "mutation($r: Int!, $m: Int!) { raiseFigureFlag(input: { returnId: $r, measureId: $m, note: \"Referrals dipped: confirm against the police log.\" }) { id version } }", { r: earlier.id, m: referrals.id });
    expect(raised.errors).toBeUndefined();
    const form = await e2e.open(PROVIDER_B, `/provider/returns/8/${Q4}`);
    try {
      const note = form.page.getByTestId(`figure-flag-${referrals.id}`);
      await note.waitFor({ timeout: 15_000 });
      expect(await note.innerText()).toContain("confirm against the police log");
      // Beside its own figure, not another.
      expect(await form.page.getByTestId("measure-REFERRALS").getByTestId(`figure-flag-${referrals.id}`).count()).toBe(1);
      expect(await accessibilityViolations(form.page)).toEqual([]);
      await form.page.getByTestId("measure-REFERRALS").scrollIntoViewIfNeeded();
      await screenshot(form.page, "conversation-flag-next-quarter-1440", false);
      const cleared = await e2e.server.run(OFFICER, "mutation($id: Int!, $v: Int!) { clearFigureFlag(id: $id, version: $v) { open } }", { id: raised.data!.raiseFigureFlag.id, v: raised.data!.raiseFigureFlag.version });
      expect(cleared.errors).toBeUndefined();
      await form.page.reload();
      await form.page.getByTestId("measure-REFERRALS").waitFor({ timeout: 15_000 });
      expect(await form.page.getByTestId(`figure-flag-${referrals.id}`).count()).toBe(0);
    } finally {
      await form.context.close();
    }
  });

  test("on a phone (375 px) the conversation and files fit the screen", async () => {
    const phone = await e2e.open(PROVIDER_B, `/provider/returns/${CONTRACT}/${Q4}`, { viewport: { width: 375, height: 800 } });
    try {
      const panel = phone.page.getByTestId("return-conversation");
      await panel.waitFor({ timeout: 15_000 });
      await expect.poll(() => panel.getByTestId("comment-list").innerText(), { timeout: 10_000 }).toContain("Attached:");
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(phone.page)).toEqual([]);
      await screenshot(phone.page, "conversation-provider-375");
    } finally {
      await phone.context.close();
    }
  });
});
