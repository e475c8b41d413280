import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const PROVIDER_B = "provider-b@demo.example";
const REASON = "Referrals were double counted in May.";

describe.skipIf(!browserAvailable())("correcting a return in a frozen quarter", () => {
  let e2e: E2E;
  let q1: { id: number; version: number };
  let ret: { id: number; version: number; contract: { id: number } };

  beforeAll(async () => {
    e2e = await startE2E();
    const periods = (await e2e.server.run<any>(OFFICER, "{ reportingPeriods { id label version } }")).data!.reportingPeriods;
    q1 = periods.find((p: any) => p.label === "2023-24 Q1");
    expect((await e2e.server.run(OFFICER, "mutation($id: Int!, $v: Int!) { freezePeriod(id: $id, version: $v) { period { id } } }", { id: q1.id, v: q1.version })).errors).toBeUndefined();
    const items = (await e2e.server.run<any>(OFFICER, "query($p: Int!) { returns(periodId: $p, state: ACCEPTED, first: 100) { items { id version contract { id reference } } } }", { p: q1.id })).data!.returns.items;
    ret = items.find((r: any) => r.contract.reference === "WSW-VV-08");
  });
  afterAll(async () => e2e?.close());

  test("the officer opens one return for correction with a reason; the provider edits and resubmits it; the Panel sees who, when and why", async () => {
    // The officer opens it for correction from the return's page, with the reason the restatement will name.
    const officer = await e2e.open(OFFICER, `/returns?quarter=${q1.id}&return=${ret.id}`);
    try {
      const detail = officer.page.locator("dialog.return-detail");
      await detail.getByRole("button", { name: "Open for correction" }).click();
      const dialog = officer.page.getByRole("dialog", { name: /for correction/ });
      await dialog.getByLabel("Reason for the correction").fill(REASON);
      expect(await accessibilityViolations(officer.page)).toEqual([]);
      await screenshot(officer.page, "correction-officer-reason", false);
      await dialog.getByRole("button", { name: "Open for correction" }).click();
      await dialog.waitFor({ state: "detached" });
      await expect.poll(async () => (await e2e.server.run<any>(OFFICER, "query($id: Int!) { performanceReturn(id: $id) { correctionReason } }", { id: ret.id })).data!.performanceReturn.correctionReason).toBe(REASON);
    } finally {
      await officer.context.close();
    }

    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${ret.contract.id}/${q1.id}`);
    try {
      const banner = page.getByTestId("return-under-correction");
      await banner.waitFor();
      expect(await banner.innerText()).toContain(REASON);
      const referrals = page.getByLabel("Referrals received", { exact: true });
      await referrals.waitFor();
      const before = Number(await referrals.inputValue());
      await referrals.fill(String(before - 1));
      await page.getByRole("button", { name: "Submit return" }).click();
      await page.getByTestId("return-submitted").waitFor({ timeout: 15_000 });
      await screenshot(page, "correction-provider", false);
    } finally {
      await context.close();
    }

    const submitted = (await e2e.server.run<any>(OFFICER, "query($id: Int!) { performanceReturn(id: $id) { state version } }", { id: ret.id })).data!.performanceReturn;
    expect(submitted.state).toBe("SUBMITTED");
    expect((await e2e.server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: ret.id, v: submitted.version })).errors).toBeUndefined();

    const { context: analyst, page: explorer } = await e2e.open(ANALYST, "/explorer");
    try {
      const list = explorer.getByTestId(`frozen-${q1.id}`).getByTestId("restatements");
      await list.waitFor();
      const text = await list.innerText();
      expect(text).toContain("corrected return accepted by Demo Commissioning Officer");
      expect(text).toContain(REASON.replace(/\.$/, ""));
      await list.scrollIntoViewIfNeeded();
      await screenshot(explorer, "correction-explorer", false);
    } finally {
      await analyst.close();
    }
  });

  test("a target change that restates a frozen quarter asks for its reason beside the field; the Panel sees it as the cause", async () => {
    const frame = (await e2e.server.run<any>(OFFICER, "{ reportingPeriods { id label state } portfolios { id name } }")).data!;
    const frozen = frame.reportingPeriods.find((p: any) => p.label === "2022-23 Q4");
    expect(frozen.state).toBe("FROZEN");
    const victims = frame.portfolios.find((p: any) => p.name === "Victims & Vulnerability").id;
    const why = "The Panel agreed a stretch target for improved outcomes.";
    const { context, page } = await e2e.open(OFFICER, `/board?quarter=${frozen.id}`);
    try {
      const cell = page.getByTestId(`cell-${victims}-PCT_IMPROVED-${frozen.id}`);
      await cell.waitFor({ timeout: 15_000 });
      await cell.getByRole("button").click();
      const dialog = page.getByRole("dialog");
      const form = dialog.locator("form.target-form");
      await form.waitFor();
      await form.getByLabel(/^Target/).fill("95");
      await form.getByRole("button", { name: "Save target" }).click();
      // Refused by the server (rule restatementReason), shown beside the reason field; nothing saved.
      const reason = form.getByLabel(/^Reason for the change/);
      await expect.poll(() => reason.getAttribute("aria-invalid"), { timeout: 10_000 }).toBe("true");
      expect(await form.locator(`[id="${await reason.getAttribute("aria-describedby")}"]`).innerText()).toContain("reason");
      expect(await accessibilityViolations(page)).toEqual([]);
      await reason.fill(why);
      await form.getByRole("button", { name: "Save target" }).click();
      await expect.poll(() => form.getByRole("status").innerText(), { timeout: 10_000 }).toContain("saved");
      await screenshot(page, "correction-target-reason", false);
    } finally {
      await context.close();
    }

    const { context: analyst, page: explorer } = await e2e.open(ANALYST, "/explorer");
    try {
      const list = explorer.getByTestId(`frozen-${frozen.id}`).getByTestId("restatements");
      await list.waitFor();
      await expect.poll(() => list.innerText()).toContain(`target changed by Demo Commissioning Officer`);
      expect(await list.innerText()).toContain(why.replace(/\.$/, ""));
    } finally {
      await analyst.close();
    }
  });
});
