import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const PROVIDER_A = "provider-a@demo.example";
const PROVIDER_B = "provider-b@demo.example";

// Harbour (provider B) in Wiltshire: WSW-VV-08 reports referrals and cases closed (with improved outcome); its
// 2023-24 Q4 return (period 4) is a draft whose referrals are still empty. 2023-24 Q3 accepted 298 referrals.
const OUTREACH = { id: 8, reference: "WSW-VV-08", title: "Domestic abuse outreach and recovery – Wiltshire" };
const Q4 = 4;
const NEXT_Q1 = 5;

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
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("the provider's home lists each contract's open quarters with their state and a late warning", async () => {
    const { context, page } = await e2e.open(PROVIDER_B, "/provider");
    try {
      await page.getByRole("heading", { name: "Your returns", level: 1 }).waitFor();
      const row = page.getByTestId(`provider-return-${OUTREACH.id}-${Q4}`);
      await row.waitFor();
      expect(await row.innerText()).toMatch(/2023-24 Q4[\s\S]*30 April 2024[\s\S]*Draft[\s\S]*Late: it was due on 30 April 2024[\s\S]*Continue return/);
      expect(await page.getByTestId("provider-return-9-4").innerText()).toMatch(/Submitted[\s\S]*View return/);
      // Provider B holds no Dorset contract, and sees nobody else's.
      expect(await page.getByRole("heading", { level: 2, name: "Dorset" }).count()).toBe(0);
      expect(await page.locator("main").innerText()).not.toContain("Adult victims of crime service");

      await screenshot(page, "provider-home");
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test("a negative value is refused by the server and the message is shown beside the field", async () => {
    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${OUTREACH.id}/${Q4}`);
    try {
      await page.getByRole("heading", { name: OUTREACH.title, level: 1 }).waitFor();
      await valueInput(page, "Cases closed").waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "provider-form");

      await fillFigures(page, { "Referrals received": "300", "Cases closed": "-5", "Cases closed with improved outcome": "0" });
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
      const ret = await returnOf(e2e, OUTREACH.id, Q4);
      expect(ret.state).toBe("DRAFT");
      expect(ret.values.find((v) => v.measure.code === "CASES_CLOSED")?.value).toBe(-5);
    } finally {
      await context.close();
    }
  });

  test("a sharp change needs an explanation, which is sent with the resubmission", async () => {
    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${OUTREACH.id}/${Q4}`);
    try {
      await valueInput(page, "Referrals received").waitFor();
      // 298 referrals were accepted last quarter: 900 is a rise of about 200%.
      await fillFigures(page, { "Referrals received": "900", "Cases closed": "170", "Cases closed with improved outcome": "130" });
      await page.getByRole("button", { name: "Submit return" }).click();

      const explanation = page.getByLabel("Explain the change in Referrals received");
      await explanation.waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("error-summary").innerText()).toContain("Explain the change in referrals received");
      expect(await page.getByTestId("measure-REFERRALS").innerText()).toMatch(/298 → 900/);
      expect((await returnOf(e2e, OUTREACH.id, Q4)).state).toBe("DRAFT");

      // Submitting again without the explanation is stopped in the browser, beside the field.
      await page.getByRole("button", { name: "Submit return" }).click();
      await expect.poll(() => page.getByTestId("measure-REFERRALS").getByRole("alert").textContent()).toContain("Explain the change in referrals received");

      await explanation.fill("A new referral route from the police hub opened in January.");
      await page.getByRole("button", { name: "Submit return" }).click();
      await page.getByTestId("return-submitted").waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("return-status").innerText()).toContain("Submitted: waiting for review");

      const ret = await returnOf(e2e, OUTREACH.id, Q4);
      expect(ret.state).toBe("SUBMITTED");
      expect(ret.values.find((v) => v.measure.code === "REFERRALS")).toMatchObject({ value: 900, comment: "A new referral route from the police hub opened in January." });
      // A submitted return is read only.
      expect(await page.getByRole("button", { name: "Save draft" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  test("another provider's return, typed into the address bar, is refused without showing any of it", async () => {
    const { context, page } = await e2e.open(PROVIDER_A, `/provider/returns/${OUTREACH.id}/${Q4}`);
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
      await expect.poll(() => upload.getByLabel("Quarter").locator("option").allTextContents()).toContain("Wiltshire & Swindon: 2024-25 Q1");
      await upload.getByLabel("Quarter").selectOption({ label: "Wiltshire & Swindon: 2024-25 Q1" });

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

      const outreach = await returnOf(e2e, OUTREACH.id, NEXT_Q1);
      expect(outreach.state).toBe("DRAFT");
      expect(outreach.values.find((v) => v.measure.code === "REFERRALS")?.value).toBe(310);
      // The home page shows the new drafts (it refetches when returns change).
      await expect.poll(() => page.getByTestId(`provider-return-${OUTREACH.id}-${NEXT_Q1}`).innerText()).toContain("Draft");
    } finally {
      await context.close();
    }
  });

  test("a submission whose answer is lost is retried with the same idempotency key and counts once", async () => {
    // WSW-VV-08's 2024-25 Q1 return is the draft the CSV upload made.
    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${OUTREACH.id}/${NEXT_Q1}`);
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
      expect((await returnOf(e2e, OUTREACH.id, NEXT_Q1)).state).toBe("SUBMITTED");

      await page.getByRole("button", { name: "Submit return" }).click();
      await page.getByTestId("return-submitted").waitFor({ timeout: 10_000 });
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
      const revisions = await e2e.server.run<{ returns: { items: { revisionCount: number }[] } }>(PROVIDER_B, "query($c: Int!, $p: Int!) { returns(contractId: $c, periodId: $p) { items { revisionCount } } }", { c: OUTREACH.id, p: NEXT_Q1 });
      expect(revisions.data!.returns.items[0].revisionCount).toBe(1);
    } finally {
      await context.close();
    }
  });

  test("changes are saved as the provider types; a return changed elsewhere asks for a reload", async () => {
    const idva = 9;
    const { context, page } = await e2e.open(PROVIDER_B, `/provider/returns/${idva}/${NEXT_Q1}`);
    try {
      await expect.poll(() => valueInput(page, "Referrals received").inputValue()).toBe("470");
      await page.getByLabel("Challenges").fill("Two advisers left in February.");
      await expect.poll(() => page.getByTestId("save-status").innerText(), { timeout: 8_000 }).toMatch(/^Saved at \d\d:\d\d$/);
      const saved = await returnOf(e2e, idva, NEXT_Q1);
      expect(saved.state).toBe("DRAFT");

      // Someone else (another tab, the CSV upload) saves the return in the meantime.
      const elsewhere = await e2e.server.run(PROVIDER_B, "mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { version } }", {
        input: { contractId: idva, periodId: NEXT_Q1, version: saved.version, values: [{ measureId: 1, value: 475 }] },
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
