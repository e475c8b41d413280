import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const PROVIDER_A = "provider-a@demo.example";
const PROVIDER_B = "provider-b@demo.example";

// Harbour (provider B) in Wiltshire: WSW-VV-08 reports referrals and cases closed (with improved outcome); its
// return for the demo's open quarter (2024-25 Q1, period 5, due after today) is a draft whose referrals are still
// empty; its 2023-24 Q4 return (closed) was accepted. The CSV upload goes into a quarter the test opens itself.
const OUTREACH = { id: 8, reference: "WSW-VV-08", title: "Domestic abuse outreach and recovery – Wiltshire" };
const OPEN_Q = 5;
const OFFICER = "officer@wiltshire.demo.example";
let FRESH_Q = 0;
let previousReferrals = 0;
let openDue = "";
const longDate = (iso: string) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric" }).format(new Date(`${iso}T12:00:00`));

const RETURN_OF = `query($contractId: Int!, $periodId: Int!) {
  returns(contractId: $contractId, periodId: $periodId) { items { id state version values { value comment measure { code } } } }
}`;

async function returnOf(e2e: E2E, contractId: number, periodId: number) {
  const result = await e2e.server.run<{ returns: { items: { id: number; state: string; version: number; values: { value: number | null; comment: string | null; measure: { code: string } }[] }[] } }>(PROVIDER_B, RETURN_OF, { contractId, periodId });
  return result.data!.returns.items[0];
}

/** A measure's value input: labelled by the measure's name alone (the comment's label also contains it). */
function valueInput(page: Page, name: string) {
  return page.getByLabel(name, { exact: true });
}

async function fillFigures(page: Page, figures: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(figures)) await valueInput(page, name).fill(value);
}

describe.skipIf(!browserAvailable())("provider returns", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    const periods = (await e2e.server.run<{ reportingPeriods: { id: number; label: string; state: string; dueDate: string }[] }>(OFFICER, "{ reportingPeriods { id label state dueDate } }")).data!.reportingPeriods;
    const open = periods.find((p) => p.id === OPEN_Q)!;
    expect(open).toMatchObject({ label: "2024-25 Q1", state: "OPEN" });
    openDue = open.dueDate;
    // Last quarter's accepted referrals, which the outlier rule compares with.
    const previous = await returnOf(e2e, OUTREACH.id, periods.find((p) => p.label === "2023-24 Q4")!.id);
    expect(previous.state).toBe("ACCEPTED");
    previousReferrals = previous.values.find((v) => v.measure.code === "REFERRALS")!.value!;
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("the provider's home lists each contract's open quarter with its due date and state; a late warning once it is overdue", async () => {
    const { context, page } = await e2e.open(PROVIDER_B, "/provider");
    try {
      await page.getByRole("heading", { name: "Your returns", level: 1 }).waitFor();
      const row = page.getByTestId(`provider-return-${OUTREACH.id}-${OPEN_Q}`);
      await row.waitFor();
      // The open quarter is due after today: what is due, not a column of "Late".
      expect(openDue > new Date().toISOString().slice(0, 10)).toBe(true);
      const text = await row.innerText();
      expect(text).toMatch(new RegExp(`2024-25 Q1[\\s\\S]*${longDate(openDue)}[\\s\\S]*Draft[\\s\\S]*Continue return`));
      expect(text).not.toContain("Late");
      expect(await page.getByTestId(`provider-return-9-${OPEN_Q}`).innerText()).toMatch(/Submitted[\s\S]*View return/);
      // Provider B holds no Dorset contract, and sees nobody else's.
      expect(await page.getByRole("heading", { level: 2, name: "Dorset" }).count()).toBe(0);
      expect(await page.locator("main").innerText()).not.toContain("Adult victims of crime service");

      await screenshot(page, "provider-home");
      expect(await accessibilityViolations(page)).toEqual([]);

      // Overdue (the test moves the due date into the past, then back): the draft is flagged late.
      const writer = e2e.server.services.writer.dataSource;
      await writer.query("UPDATE reporting_period SET dueDate = '2024-07-31' WHERE id = ?", [OPEN_Q]);
      try {
        await page.reload();
        await expect.poll(() => page.getByTestId(`provider-return-${OUTREACH.id}-${OPEN_Q}`).innerText(), { timeout: 10_000 }).toMatch(/Draft[\s\S]*Late: it was due on 31 July 2024/);
      } finally {
        await writer.query("UPDATE reporting_period SET dueDate = ? WHERE id = ?", [openDue, OPEN_Q]);
      }
    } finally {
      await context.close();
    }
  });

  test("a negative value is refused by the server and the message is shown beside the field", async () => {
    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${OUTREACH.id}/${OPEN_Q}`);
    try {
      await page.getByRole("heading", { name: OUTREACH.title, level: 1 }).waitFor();
      await valueInput(page, "Cases closed").waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "provider-form");

      await fillFigures(page, { "Referrals received": String(previousReferrals), "Cases closed": "-5", "Cases closed with improved outcome": "0" });
      await page.getByRole("button", { name: "Submit return" }).click();

      const field = page.getByTestId("measure-CASES_CLOSED");
      await expect.poll(() => field.getByRole("alert").textContent(), { timeout: 10_000 }).toContain("Cases closed cannot be negative.");
      expect(await valueInput(page, "Cases closed").getAttribute("aria-invalid")).toBe("true");
      // The GOV.UK error summary takes focus and links to the field.
      const summary = page.getByTestId("error-summary");
      expect(await summary.getAttribute("role")).toBe("alert");
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("error-summary");
      await summary.getByRole("link", { name: "Cases closed cannot be negative." }).click();
      await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe("-5");
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "provider-form-errors");

      // Nothing was submitted: the return is still a draft, holding what was typed.
      const ret = await returnOf(e2e, OUTREACH.id, OPEN_Q);
      expect(ret.state).toBe("DRAFT");
      expect(ret.values.find((v) => v.measure.code === "CASES_CLOSED")?.value).toBe(-5);
    } finally {
      await context.close();
    }
  });

  test("a sharp change needs an explanation, which is sent with the resubmission", async () => {
    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${OUTREACH.id}/${OPEN_Q}`);
    try {
      await valueInput(page, "Referrals received").waitFor();
      // Three times last quarter's accepted referrals is a rise of 200%.
      const sharp = previousReferrals * 3;
      await fillFigures(page, { "Referrals received": String(sharp), "Cases closed": "170", "Cases closed with improved outcome": "130" });
      await page.getByRole("button", { name: "Submit return" }).click();

      const explanation = page.getByLabel("Explain the change in Referrals received");
      await explanation.waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("error-summary").innerText()).toContain("Explain the change in referrals received");
      expect(await page.getByTestId("measure-REFERRALS").innerText()).toContain(`${previousReferrals.toLocaleString("en-GB")} → ${sharp.toLocaleString("en-GB")}`);
      expect((await returnOf(e2e, OUTREACH.id, OPEN_Q)).state).toBe("DRAFT");

      // Submitting again without the explanation is stopped in the browser, beside the field.
      await page.getByRole("button", { name: "Submit return" }).click();
      await expect.poll(() => page.getByTestId("measure-REFERRALS").getByRole("alert").textContent()).toContain("Explain the change in referrals received");

      await explanation.fill("A new referral route from the police hub opened in January.");
      await page.getByRole("button", { name: "Submit return" }).click();
      await page.getByTestId("return-submitted").waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("return-status").innerText()).toContain("Submitted: waiting for review");

      const ret = await returnOf(e2e, OUTREACH.id, OPEN_Q);
      expect(ret.state).toBe("SUBMITTED");
      expect(ret.values.find((v) => v.measure.code === "REFERRALS")).toMatchObject({ value: sharp, comment: "A new referral route from the police hub opened in January." });
      // A submitted return is read only.
      expect(await page.getByRole("button", { name: "Save draft" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  test("another provider's return, typed into the address bar, is refused without showing any of it", async () => {
    const { context, page } = await e2e.open(PROVIDER_A, `/provider/returns/${OUTREACH.id}/${OPEN_Q}`);
    try {
      await page.getByRole("heading", { name: "You can’t see this return", level: 1 }).waitFor();
      const text = await page.locator("main").innerText();
      expect(text).not.toContain(OUTREACH.title);
      expect(text).not.toContain(OUTREACH.reference);
      expect(text).not.toContain("Harbour");
      expect(await page.getByRole("textbox").count()).toBe(0);
      // Nor does guessing a quarter of the provider's own contract that does not exist show anything.
      await page.goto(`${e2e.server.url}/provider/returns/3/999`);
      await page.getByRole("heading", { name: "You can’t see this return", level: 1 }).waitFor();
    } finally {
      await context.close();
    }
  });

  test("a CSV upload shows its progress to 100% and what it did; a bad file lists problems by row and column", async () => {
    // A quarter with no returns yet, opened by the office for this test (the demo's open quarter has Harbour's returns).
    const opened = await e2e.server.run<{ openReportingPeriod: { id: number } }>(OFFICER, 'mutation { openReportingPeriod(quarter: "2024-25 Q2", dueDate: "2099-01-31") { id } }');
    expect(opened.errors).toBeUndefined();
    FRESH_Q = opened.data!.openReportingPeriod.id;
    const { context, page } = await e2e.open(PROVIDER_B, "/provider");
    // Progress arrives over the WebSocket, from a subscription made before the upload starts.
    const phases: string[] = [];
    page.on("websocket", (socket) =>
      socket.on("framereceived", ({ payload }) => {
        const match = /"csvImportProgress":\{[^}]*"phase":"(\w+)"/.exec(String(payload));
        if (match) phases.push(match[1]);
      }),
    );
    try {
      const upload = page.getByRole("region", { name: "Upload returns from a spreadsheet" });
      await upload.waitFor();
      await expect.poll(() => upload.getByLabel("Quarter").locator("option").allTextContents()).toContain("Wiltshire & Swindon: 2024-25 Q2");
      await upload.getByLabel("Quarter").selectOption({ label: "Wiltshire & Swindon: 2024-25 Q2" });

      // The template has a row for each of the provider's contracts and measures.
      const [template] = await Promise.all([page.waitForEvent("download"), upload.getByRole("button", { name: "Download template" }).click()]);
      const lines = fs.readFileSync((await template.path())!, "utf8").trim().split(/\r\n/);
      expect(lines[0]).toBe("contract_reference,measure_code,value,comment");
      expect(lines).toContain("WSW-VV-08,REFERRALS,,");
      expect(lines).toContain("WSW-VV-09,REFERRALS_CONTACTED_2D,,");
      expect(lines).toHaveLength(1 + 3 + 4);

      const bad = ["contract_reference,measure_code,value,comment", "WSW-VV-08,REFERRALS,lots,", "WSW-VV-08,NOT_A_MEASURE,3,"].join("\n");
      await upload.getByLabel("CSV file").setInputFiles({ name: "returns.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
      await upload.getByRole("button", { name: "Upload file" }).click();
      const problems = page.getByTestId("csv-problems");
      await problems.waitFor({ timeout: 10_000 });
      const rows = await problems.locator("tbody tr").allInnerTexts();
      expect(rows.some((row) => /^2\s+value\s+/.test(row))).toBe(true);
      expect(rows.some((row) => /^3\s+measure_code\s+/.test(row))).toBe(true);

      const good = [
        "contract_reference,measure_code,value,comment",
        "WSW-VV-08,REFERRALS,310,",
        "WSW-VV-08,CASES_CLOSED,180,",
        "WSW-VV-08,CASES_CLOSED_IMPROVED,140,",
        "WSW-VV-09,REFERRALS,470,",
        "WSW-VV-09,REFERRALS_CONTACTED_2D,420,",
        "WSW-VV-09,CASES_CLOSED,270,",
        '"WSW-VV-09",CASES_CLOSED_IMPROVED,190,"Includes cases closed on 31 March, after the audit"',
      ].join("\r\n");
      await upload.getByLabel("CSV file").setInputFiles({ name: "returns.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
      await upload.getByRole("button", { name: "Upload file" }).click();
      const result = page.getByTestId("csv-result");
      await result.waitFor({ timeout: 10_000 });
      expect(await result.innerText()).toContain("7 rows read: 2 returns created, 0 returns updated, 0 returns submitted.");
      const progress = upload.locator("progress");
      expect(await progress.getAttribute("value")).toBe("100");
      expect(await upload.getByRole("status").filter({ hasText: "Done" }).innerText()).toContain("Done: 7 of 7 rows (100%)");
      expect(phases).toContain("APPLYING");
      expect(phases.at(-1)).toBe("DONE");
      await screenshot(page, "provider-csv-upload");

      const outreach = await returnOf(e2e, OUTREACH.id, FRESH_Q);
      expect(outreach.state).toBe("DRAFT");
      expect(outreach.values.find((v) => v.measure.code === "REFERRALS")?.value).toBe(310);
      // The home page shows the new drafts (it refetches when returns change).
      await expect.poll(() => page.getByTestId(`provider-return-${OUTREACH.id}-${FRESH_Q}`).innerText()).toContain("Draft");
    } finally {
      await context.close();
    }
  });

  test("a submission whose answer is lost is retried with the same idempotency key and counts once", async () => {
    // WSW-VV-08's 2024-25 Q2 return is the draft the CSV upload made.
    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${OUTREACH.id}/${FRESH_Q}`);
    const keys: string[] = [];
    await page.route("**/graphql", async (route) => {
      const body = route.request().postData() ?? "";
      if (!body.includes("mutation SubmitReturn")) return route.fallback();
      keys.push(JSON.parse(body).variables.input.idempotencyKey);
      if (keys.length > 1) return route.fallback();
      // The server gets the first attempt and submits the return, but the answer never reaches the browser.
      await route.fetch();
      await route.abort("connectionreset");
    });
    try {
      await expect.poll(() => valueInput(page, "Referrals received").inputValue()).toBe("310");
      await page.getByRole("button", { name: "Submit return" }).click();
      await expect.poll(() => page.getByTestId("error-summary").innerText(), { timeout: 10_000 }).toContain("may not have been submitted");
      expect((await returnOf(e2e, OUTREACH.id, FRESH_Q)).state).toBe("SUBMITTED");

      await page.getByRole("button", { name: "Submit return" }).click();
      await page.getByTestId("return-submitted").waitFor({ timeout: 10_000 });
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
      const revisions = await e2e.server.run<{ returns: { items: { revisionCount: number }[] } }>(PROVIDER_B, "query($c: Int!, $p: Int!) { returns(contractId: $c, periodId: $p) { items { revisionCount } } }", { c: OUTREACH.id, p: FRESH_Q });
      expect(revisions.data!.returns.items[0].revisionCount).toBe(1);
    } finally {
      await context.close();
    }
  });

  test("changes are saved as the provider types; a return changed elsewhere asks for a reload", async () => {
    const idva = 9;
    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${idva}/${FRESH_Q}`);
    try {
      await expect.poll(() => valueInput(page, "Referrals received").inputValue()).toBe("470");
      await page.getByLabel("Challenges").fill("Two advisers left in February.");
      await expect.poll(() => page.getByTestId("save-status").innerText(), { timeout: 8_000 }).toMatch(/^Saved at \d\d:\d\d$/);
      const saved = await returnOf(e2e, idva, FRESH_Q);
      expect(saved.state).toBe("DRAFT");

      // Someone else (another tab, the CSV upload) saves the return in the meantime.
      const elsewhere = await e2e.server.run(PROVIDER_B, "mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { version } }", {
        input: { contractId: idva, periodId: FRESH_Q, version: saved.version, values: [{ measureId: 1, value: 475 }] },
      });
      expect(elsewhere.errors).toBeUndefined();

      await valueInput(page, "Cases closed").fill("271");
      await page.getByRole("button", { name: "Save draft" }).click();
      const conflict = page.getByTestId("return-conflict");
      await conflict.waitFor({ timeout: 10_000 });
      expect(await conflict.innerText()).toContain("This return changed elsewhere — reload to see the latest");
      await conflict.getByRole("button", { name: "Reload the return" }).click();
      await expect.poll(() => valueInput(page, "Referrals received").inputValue()).toBe("475");
      expect(await page.getByTestId("return-conflict").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
