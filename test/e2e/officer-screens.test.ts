import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

/*
 * The officers' workspace in a real browser: contracts with funding lines across streams, a commitment beyond the
 * budget refused and then overridden with an audited reason, and a quarter opened, closed and frozen after seeing
 * what is outstanding. Each screen passes axe-core and is photographed at 1440 and 375 px without sideways scroll.
 */

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const PHONE = { width: 375, height: 800 };

async function settled(page: Page) {
  await expect.poll(() => page.getByRole("status").filter({ hasText: /Loading|Checking/ }).count(), { timeout: 20_000 }).toBe(0);
}

/** axe-core clean, then a screenshot at desktop width; the same page again on a phone, not wider than the screen. */
async function checkScreen(e2e: E2E, page: Page, name: string, ready: (page: Page) => Promise<unknown>) {
  await ready(page);
  await settled(page);
  expect(await accessibilityViolations(page), `${name}: serious or critical axe-core violations`).toEqual([]);
  await screenshot(page, `officer-${name}-1440`);
  const phone = await e2e.browser.newContext({ viewport: PHONE });
  try {
    await phone.addInitScript((t) => window.localStorage.setItem("ch.token", t), await e2e.server.tokenFor(OFFICER));
    const small = await phone.newPage();
    await small.goto(page.url());
    await ready(small);
    await settled(small);
    const { scrollWidth, innerWidth } = await small.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth, `${name}: the page scrolls sideways at 375 px`).toBeLessThanOrEqual(innerWidth);
    expect(await accessibilityViolations(small), `${name} (375 px): serious or critical axe-core violations`).toEqual([]);
    await screenshot(small, `officer-${name}-375`);
  } finally {
    await phone.close();
  }
}

describe.skipIf(!browserAvailable())("the officers' workspace", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => e2e?.close());

  test("an officer creates a contract funded from two streams and finds it in the filtered list", async () => {
    const { context, page } = await e2e.open(OFFICER, "/contracts/new");
    try {
      await checkScreen(e2e, page, "contract-new", (p) => p.getByLabel("Portfolio").locator("option", { hasText: "Prevention & Youth" }).waitFor({ state: "attached" }));
      await page.getByLabel("Reference").fill("WSW-PY-90");
      await page.getByLabel("Title").fill("Knife crime diversion in schools");
      await page.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await page.getByLabel("Provider").selectOption({ label: "Circles Southwest" });
      await page.getByLabel("Mechanism").selectOption({ label: "Grant" });
      await page.getByLabel("Status", { exact: true }).selectOption({ label: "Live" });
      await page.getByLabel("Starts").fill("2023-04-01");
      await page.getByLabel("Ends").fill("2027-03-31");

      // Nothing typed yet is a figure the browser can check: the server's refusal lands beside the field.
      await page.getByRole("button", { name: "Add a funding line" }).click();
      await page.getByLabel("Line 1: funding stream").selectOption({ label: "PCC Commissioning Budget" });
      await page.getByLabel("Line 1: year").fill("2023-24");
      await page.getByLabel("Line 1: amount (£)").fill("forty thousand");
      await page.getByRole("button", { name: "Create contract" }).click();
      await expect.poll(() => page.getByLabel("Line 1: amount (£)").getAttribute("aria-invalid")).toBe("true");
      await page.getByLabel("Line 1: amount (£)").fill("40000");

      await page.getByRole("button", { name: "Add a funding line" }).click();
      await page.getByLabel("Line 2: funding stream").selectOption({ label: "Home Office Serious Violence Duty Grant" });
      await page.getByLabel("Line 2: year").fill("2023-24");
      await page.getByLabel("Line 2: amount (£)").fill("500");
      await page.getByRole("button", { name: "Add a quarter's spend" }).click();
      await page.getByLabel("Spend 1: year").fill("2023-24");
      await page.getByLabel("Spend 1: quarter").selectOption({ label: "Q1" });
      await page.getByLabel("Spend 1: amount (£)").fill("9500");
      await page.getByRole("button", { name: "Create contract" }).click();

      const contractPage = page.getByTestId("contract-page");
      await contractPage.waitFor({ timeout: 20_000 });
      const lines = await page.getByTestId("contract-funding-lines").innerText();
      expect(lines).toContain("PCC Commissioning Budget");
      expect(lines).toContain("£40,000");
      expect(lines).toContain("Home Office Serious Violence Duty Grant");
      expect(lines).toContain("£500");
      expect(await page.getByTestId("contract-spend").innerText()).toMatch(/2023-24 Q1\s+£9,500\s+£9,500\s+£40,500\s+23%/);
      await checkScreen(e2e, page, "contract-page", (p) => p.getByTestId("contract-page").waitFor());

      // Ending the service asks first; cancelling saves nothing.
      await page.getByRole("link", { name: "Edit contract" }).click();
      await page.getByLabel("Status", { exact: true }).selectOption({ label: "Ended" });
      await page.getByRole("button", { name: "Save changes" }).click();
      const ask = page.getByRole("dialog", { name: "Mark this contract as ended?" });
      await ask.waitFor();
      await ask.getByRole("button", { name: "Cancel" }).click();
      expect(page.url()).toMatch(/\/edit$/);
      await checkScreen(e2e, page, "contract-edit", (p) => p.getByLabel("Line 2: amount (£)").waitFor());

      // The list, filtered by portfolio and mechanism and searched, holds it; another portfolio's filter does not.
      await page.goto(`${e2e.server.url}/contracts`);
      await page.getByTestId("contracts-table").waitFor({ timeout: 20_000 });
      await page.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await page.getByLabel("Mechanism").selectOption({ label: "Grant" });
      await page.getByLabel("Search").fill("knife crime");
      await expect.poll(() => page.locator('[data-testid^="contract-row-"]').count()).toBe(1);
      expect(await page.getByTestId("contract-row-WSW-PY-90").innerText()).toContain("Circles Southwest");
      expect(page.url()).toContain("q=knife");
      await checkScreen(e2e, page, "contracts-list", (p) => p.getByTestId("contract-row-WSW-PY-90").waitFor());
      await page.getByLabel("Portfolio").selectOption({ label: "Victims & Vulnerability" });
      await expect.poll(() => page.locator('[data-testid^="contract-row-"]').count()).toBe(0);
      await page.getByLabel("Portfolio").selectOption({ label: "All portfolios" });
      await page.getByLabel("Search").fill("");
      // It ends on 31 March 2027; the server's clock is in December 2026.
      await page.getByLabel("Ending within").selectOption({ label: "6 months" });
      await expect.poll(() => page.getByTestId("contract-row-WSW-PY-90").count()).toBe(1);
      await page.getByLabel("Ending within").selectOption({ label: "3 months" });
      await expect.poll(() => page.getByTestId("contract-row-WSW-PY-90").count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  test("a commitment beyond the stream's budget is refused, then saved with a reason that is audited", async () => {
    const { context, page } = await e2e.open(OFFICER, "/contracts/new");
    const REASON = "Grant uplift agreed by the Home Office in writing; the amount follows.";
    try {
      await page.getByLabel("Portfolio").locator("option", { hasText: "Prevention & Youth" }).waitFor({ state: "attached" });
      await page.getByLabel("Reference").fill("WSW-PY-91");
      await page.getByLabel("Title").fill("Violence reduction youth workers");
      await page.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await page.getByLabel("Provider").selectOption({ label: "Circles Southwest" });
      await page.getByLabel("Status", { exact: true }).selectOption({ label: "Live" });
      await page.getByRole("button", { name: "Add a funding line" }).click();
      await page.getByLabel("Line 1: funding stream").selectOption({ label: "Home Office Serious Violence Duty Grant" });
      await page.getByLabel("Line 1: year").fill("2023-24");
      await page.getByLabel("Line 1: amount (£)").fill("5000");
      await page.getByRole("button", { name: "Create contract" }).click();

      const refusal = page.getByTestId("over-commitment");
      await refusal.waitFor({ timeout: 20_000 });
      expect(await refusal.innerText()).toContain("Home Office Serious Violence Duty Grant");
      expect(page.url()).toContain("/contracts/new");
      await refusal.scrollIntoViewIfNeeded();
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "officer-over-commitment-1440", false);

      // An override needs a reason.
      await refusal.getByRole("button", { name: "Override and save" }).click();
      await expect.poll(() => refusal.getByLabel("Reason for committing beyond the budget").getAttribute("aria-invalid")).toBe("true");
      await refusal.getByLabel("Reason for committing beyond the budget").fill(REASON);
      await refusal.getByRole("button", { name: "Override and save" }).click();
      await page.getByTestId("contract-page").waitFor({ timeout: 20_000 });
    } finally {
      await context.close();
    }
    const contracts = (await e2e.server.run<any>(OFFICER, "{ contracts(first: 100) { items { id reference } } }")).data!.contracts.items;
    const created = contracts.find((c: any) => c.reference === "WSW-PY-91");
    expect(created).toBeDefined();
    const audit = (await e2e.server.run<any>(OFFICER, 'query($id: Int!) { auditEvents(entityType: "Contract", entityId: $id) { items { action after } } }', { id: created.id })).data!.auditEvents.items;
    const override = audit.find((a: any) => a.action === "contract.over_commitment_override");
    expect(JSON.stringify(override?.after)).toContain(REASON);

    // The money screen now warns on the stream.
    const { context: again, page: money } = await e2e.open(OFFICER, "/money");
    try {
      await checkScreen(e2e, money, "money", (p) => p.getByTestId("money-streams").waitFor({ timeout: 20_000 }));
      const streams = await money.getByTestId("money-streams").innerText();
      expect(streams).toMatch(/Home Office Serious Violence Duty Grant[\s\S]*⚠/);
    } finally {
      await again.close();
    }
  });

  test("an officer adds a capped one-off stream under a parent, sets its year, and an allocation beyond it is refused by field", async () => {
    const { context, page } = await e2e.open(OFFICER, "/money");
    try {
      await page.getByTestId("streams-table").waitFor({ timeout: 20_000 });
      await page.getByRole("button", { name: "Add a funding stream" }).click();
      const form = page.getByTestId("stream-form");
      await form.getByLabel("Name").fill("Safer Streets Small Grants");
      await form.getByLabel("Source").selectOption({ label: "Home Office grant" });
      await form.getByLabel("Part of").selectOption({ label: "Home Office Serious Violence Duty Grant" });
      await form.getByLabel("Largest award (£, optional)").fill("3000");
      await form.getByLabel(/One-off/).check();
      await form.getByLabel("Voluntary and community sector").check();
      await form.getByRole("button", { name: "Create stream" }).click();
      await expect.poll(() => page.getByTestId("money-message").innerText(), { timeout: 20_000 }).toContain("Safer Streets Small Grants created");
      const row = page.getByTestId("streams-table").locator("tr", { hasText: "Safer Streets Small Grants" });
      const text = await row.innerText();
      expect(text).toContain("Home Office Serious Violence Duty Grant");
      expect(text).toContain("Largest award £3,000");
      expect(text).toContain("One-off");

      await row.getByRole("button", { name: /Set 2023-24/ }).click();
      const yearForm = page.getByTestId("stream-year-form");
      await yearForm.getByLabel("Amount (£)").fill("20000");
      await yearForm.getByRole("button", { name: "Save amount" }).click();
      await expect.poll(() => page.getByTestId("streams-table").locator("tr", { hasText: "Safer Streets Small Grants" }).innerText(), { timeout: 20_000 }).toContain("2023-24: £20,000");

      await page.getByRole("button", { name: "Add an allocation" }).click();
      const allocation = page.getByTestId("allocation-form");
      await allocation.getByLabel("From stream").selectOption({ label: "Safer Streets Small Grants" });
      await allocation.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await allocation.getByLabel("What it is for").fill("Small grants round");
      await allocation.getByLabel("Amount (£)").fill("25000");
      await allocation.getByRole("button", { name: "Save allocation" }).click();
      await expect.poll(() => allocation.getByLabel("Amount (£)").getAttribute("aria-invalid"), { timeout: 20_000 }).toBe("true");
      expect(await allocation.innerText()).toContain("more than Safer Streets Small Grants");
      expect(await accessibilityViolations(page)).toEqual([]);
      await allocation.scrollIntoViewIfNeeded();
      await screenshot(page, "officer-allocation-refused-1440", false);
      await allocation.getByLabel("Amount (£)").fill("15000");
      await allocation.getByRole("button", { name: "Save allocation" }).click();
      await expect.poll(() => page.getByTestId("allocations-table").innerText(), { timeout: 20_000 }).toContain("Small grants round");
    } finally {
      await context.close();
    }
  });

  test("an officer opens, closes and freezes a quarter, seeing what is outstanding before each step", async () => {
    const { context, page } = await e2e.open(OFFICER, "/quarters");
    try {
      await checkScreen(e2e, page, "quarters", (p) => p.getByTestId("quarters-table").waitFor({ timeout: 20_000 }));

      await page.getByLabel("Quarter", { exact: true }).fill("2024-25 Q2");
      await page.getByRole("button", { name: "Open the quarter…" }).click();
      const openDialog = page.getByRole("dialog", { name: "Open 2024-25 Q2 for returns?" });
      await openDialog.waitFor();
      await expect.poll(() => openDialog.getByTestId("outstanding-summary").count(), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await openDialog.innerText()).toContain("2024-25 Q1 is still open");
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "officer-quarter-open-dialog-1440", false);
      await openDialog.getByRole("button", { name: "Open the quarter" }).click();
      await page.getByTestId("quarter-2024-25 Q2").waitFor({ timeout: 20_000 });
      expect(await page.getByTestId("quarters-message").innerText()).toContain("2024-25 Q2 is open for returns");

      // Close 2024-25 Q1 (the demo's one open quarter; the older ones are closed already): the dialog says how many returns are not in and not reviewed, and names those not accepted.
      await page.getByRole("button", { name: "Close 2024-25 Q1…" }).click();
      const closeDialog = page.getByRole("dialog", { name: "Close 2024-25 Q1?" });
      const summary = closeDialog.getByTestId("outstanding-summary");
      await summary.waitFor({ timeout: 20_000 });
      const counts = /(\d+) returns? not in, (\d+) not reviewed(?:, (\d+) sent back)? \((\d+) of (\d+) due accepted/.exec(await summary.innerText());
      expect(counts).not.toBeNull();
      // The figures are the office's completeness for the quarter, as the API gives it.
      const q1 = (await e2e.server.run<any>(OFFICER, "{ reportingPeriods { id label } }")).data!.reportingPeriods.find((p: any) => p.label === "2024-25 Q1");
      const whole = (await e2e.server.run<any>(OFFICER, "query($p: Int!) { returnCompleteness(periodId: $p) { portfolioId due missing accepted } }", { p: q1.id })).data!.returnCompleteness.find((c: any) => c.portfolioId == null);
      expect([Number(counts![1]), Number(counts![4]), Number(counts![5])]).toEqual([whole.missing, whole.accepted, whole.due]);
      expect(whole.due).toBeGreaterThan(0);
      // Each return counted is named: whom to chase, and what to review.
      expect(await closeDialog.getByTestId("outstanding-not-in").locator("li").count()).toBe(Number(counts![1]));
      expect(await closeDialog.getByTestId("outstanding-not-reviewed").locator("li").count()).toBe(Number(counts![2]));
      expect(await closeDialog.getByTestId("outstanding-sent-back").locator("li").count()).toBe(Number(counts![3] ?? 0));
      await screenshot(page, "officer-quarter-close-dialog-1440", false);
      // Cancel leaves it open.
      await closeDialog.getByRole("button", { name: "Cancel" }).click();
      expect(await page.getByTestId("quarter-2024-25 Q1").getByTestId("quarter-state").innerText()).toBe("Open for returns");
      await page.getByRole("button", { name: "Close 2024-25 Q1…" }).click();
      await page.getByRole("dialog", { name: "Close 2024-25 Q1?" }).getByRole("button", { name: "Close the quarter" }).click();
      await expect.poll(() => page.getByTestId("quarter-2024-25 Q1").getByTestId("quarter-state").innerText(), { timeout: 20_000 }).toBe("Closed");

      await page.getByRole("button", { name: "Freeze 2024-25 Q1…" }).click();
      const freezeDialog = page.getByRole("dialog", { name: "Freeze 2024-25 Q1 for the Panel?" });
      await freezeDialog.getByTestId("outstanding-summary").waitFor({ timeout: 20_000 });
      expect(await freezeDialog.innerText()).toContain("cannot be undone");
      await freezeDialog.getByRole("button", { name: "Freeze the quarter" }).click();
      await expect.poll(() => page.getByTestId("quarter-2024-25 Q1").getByTestId("quarter-state").innerText(), { timeout: 30_000 }).toBe("Frozen for the Panel");
    } finally {
      await context.close();
    }
    const periods = (await e2e.server.run<any>(OFFICER, "{ reportingPeriods { label state } }")).data!.reportingPeriods;
    expect(periods.find((p: any) => p.label === "2024-25 Q1").state).toBe("FROZEN");
    expect(periods.find((p: any) => p.label === "2024-25 Q2").state).toBe("OPEN");
  });

  test("a contract edited by someone else meanwhile shows a reload notice, not a silent overwrite", async () => {
    const item = (await e2e.server.run<any>(OFFICER, "{ contracts(first: 1) { items { id version title } } }")).data!.contracts.items[0];
    const { context, page } = await e2e.open(OFFICER, `/contracts/${item.id}/edit`);
    try {
      await page.getByLabel("Title").waitFor({ timeout: 20_000 });
      await expect.poll(() => page.getByLabel("Title").inputValue()).toBe(item.title);
      const other = await e2e.server.run(OFFICER, "mutation($id: Int!, $v: Int!) { updateContract(id: $id, version: $v, input: { description: \"Changed elsewhere\" }) { version } }", { id: item.id, v: item.version });
      expect(other.errors).toBeUndefined();
      await page.getByLabel("Title").fill(`${item.title} (renamed)`);
      await page.getByRole("button", { name: "Save changes" }).click();
      const notice = page.getByTestId("stale-notice");
      await notice.waitFor({ timeout: 20_000 });
      await notice.getByRole("button", { name: /Reload/ }).click();
      await expect.poll(() => page.getByLabel("Description").inputValue(), { timeout: 20_000 }).toBe("Changed elsewhere");
    } finally {
      await context.close();
    }
  });

  test("an administrator chooses the office: Dorset's money rolls the Safer Dorset Fund's funds up into it", async () => {
    const { context, page } = await e2e.open("admin@demo.example", "/money");
    try {
      const office = page.getByRole("form", { name: "Office" }).getByLabel("Office");
      await office.waitFor({ timeout: 20_000 });
      await office.locator("option", { hasText: "Dorset" }).waitFor({ state: "attached" });
      await office.selectOption({ label: (await office.locator("option", { hasText: "Dorset" }).innerText()).trim() });
      const streams = page.getByTestId("money-streams");
      await expect.poll(() => streams.innerText(), { timeout: 20_000 }).toContain("Safer Dorset Fund (with its funds)");
      await settled(page);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "officer-money-dorset-admin-1440");
    } finally {
      await context.close();
    }
  });

  test("analysts are not offered the officers' screens", async () => {
    const { context, page } = await e2e.open(ANALYST, "/contracts");
    try {
      await page.getByRole("heading", { name: "This page is not part of your role" }).waitFor({ timeout: 20_000 });
      const nav = await page.getByRole("navigation", { name: "Main" }).innerText();
      expect(nav).not.toContain("Contracts");
      expect(nav).not.toContain("Quarters");
    } finally {
      await context.close();
    }
  });
});
