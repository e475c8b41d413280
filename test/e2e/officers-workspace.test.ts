import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

/* The officers' workspace (issue 11): briefs, decisions, risks, plans, users, offices and providers, in the browser. */
const ADMIN = "admin@demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";

/** Waits for what a mutation changes on screen: generous, as a shared machine can take seconds to hash a password. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000 });

async function data<T>(e2e: E2E, as: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await e2e.server.run<T>(as, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

/** No serious or critical axe violation, and nothing scrolls sideways at this width. */
async function checkScreen(page: Page, name: string, width: number) {
  expect(await accessibilityViolations(page), `${name} at ${width} px`).toEqual([]);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(width);
  await screenshot(page, `${name}-${width}`);
}

/** The same screen on a phone: accessible, no sideways scroll, a screenshot to look at. */
async function atPhoneWidth(e2e: E2E, as: string, path: string, name: string, ready: (page: Page) => Promise<unknown>) {
  const { context, page } = await e2e.open(as, path, { viewport: { width: 375, height: 800 } });
  try {
    await ready(page);
    await checkScreen(page, name, 375);
  } finally {
    await context.close();
  }
}

describe.skipIf(!browserAvailable())("the officers' workspace", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => e2e?.close());

  test("an officer submits and scores a brief (the product shown); the Commissioner approves it and finds the new contract", async () => {
    const officer = await e2e.open(OFFICER, "/briefs");
    const page = officer.page;
    try {
      const submit = page.getByRole("form", { name: "Submit a project brief" });
      await submit.waitFor();
      await submit.getByLabel("Title").fill("Knife crime education in schools");
      await submit.getByLabel("Business need").fill("Young people carrying knives in Swindon; a schools programme to change that.");
      await submit.getByLabel("Effectiveness (a better-quality service)").check();
      await submit.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await submit.getByLabel("Proposed annual cost (£)").fill("24,000");
      await submit.getByRole("button", { name: "Submit brief" }).click();
      await poll(() => page.getByTestId("status-message").innerText()).toContain("Submitted “Knife crime education in schools”");
      const detail = page.getByTestId("brief-detail");
      await poll(() => detail.getByTestId("brief-state").innerText()).toBe("Submitted, awaiting scores");

      await detail.getByLabel("Business need").selectOption("2");
      await detail.getByLabel("Drivers", { exact: true }).selectOption("3");
      await detail.getByLabel("Deliverability").selectOption("2");
      // The product is shown as the scores are chosen, before anything is saved.
      expect(await detail.getByTestId("brief-product").innerText()).toBe("Total: 2 × 3 × 2 = 12 of 27");
      await detail.getByRole("button", { name: "Save scores" }).click();
      await poll(() => detail.getByTestId("brief-state").innerText()).toBe("Scored, awaiting decision");
      expect(await detail.getByTestId("brief-total").innerText()).toContain("= 12 of 27");
      // Officers score; only the Commissioner decides.
      expect(await detail.getByRole("button", { name: "Approve brief…" }).count()).toBe(0);
      await checkScreen(page, "briefs", 1440);
    } finally {
      await officer.context.close();
    }

    const brief = (await data<{ projectBriefs: { id: number; title: string }[] }>(e2e, OFFICER, "{ projectBriefs { id title } }")).projectBriefs.find((b) => b.title === "Knife crime education in schools")!;
    const commissioner = await e2e.open(COMMISSIONER, `/briefs?brief=${brief.id}`);
    try {
      const detail = commissioner.page.getByTestId("brief-detail");
      await detail.getByRole("heading", { name: "Approve: the contract it becomes" }).waitFor();
      // Asking without the contract's details is answered beside each field, before anything is sent.
      await detail.getByRole("button", { name: "Approve brief…" }).click();
      expect(await detail.getByText("Choose the provider the contract is with.").count()).toBe(1);
      await detail.getByLabel("Provider").selectOption({ label: "Harbour Domestic Abuse Services" });
      await detail.getByLabel("Contract reference").fill("WSW-PY-90");
      await detail.getByLabel("Mechanism").selectOption("GRANT");
      await detail.getByRole("button", { name: "Approve brief…" }).click();
      const dialog = commissioner.page.getByRole("dialog", { name: /Approve “Knife crime education in schools”/ });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain("WSW-PY-90");
      expect(await accessibilityViolations(commissioner.page)).toEqual([]);
      await screenshot(commissioner.page, "briefs-approve-confirm", false);
      await dialog.getByRole("button", { name: "Approve and create contract" }).click();
      const link = detail.getByTestId("brief-contract").getByRole("link");
      await link.waitFor();
      expect(await link.innerText()).toBe("WSW-PY-90: Knife crime education in schools");
      const contract = (await data<{ contracts: { items: { id: number; reference: string; status: string; stage: string }[] } }>(e2e, OFFICER, "{ contracts(first: 100) { items { id reference status stage } } }")).contracts.items.find(
        (c) => c.reference === "WSW-PY-90",
      )!;
      expect(contract).toMatchObject({ status: "PIPELINE", stage: "PLAN" });
      expect(new URL((await link.getAttribute("href"))!, e2e.server.url).pathname).toBe(`/contracts/${contract.id}`);
    } finally {
      await commissioner.context.close();
    }
    await atPhoneWidth(e2e, COMMISSIONER, `/briefs?brief=${brief.id}`, "briefs", (page) => page.getByTestId("brief-contract").waitFor());
  }, 90_000);

  test("a stale brief is a reload notice, not an error; declining asks first", async () => {
    const { context, page } = await e2e.open(COMMISSIONER, "/briefs");
    try {
      const briefs = (await data<{ projectBriefs: { id: number; title: string; version: number; state: string }[] }>(e2e, OFFICER, "{ projectBriefs { id title version state } }")).projectBriefs;
      const scored = briefs.find((b) => b.state === "SCORED" && b.title.startsWith("Youth diversion"))!;
      await page.goto(`${e2e.server.url}/briefs?brief=${scored.id}`);
      const detail = page.getByTestId("brief-detail");
      await detail.getByRole("button", { name: "Rescore" }).waitFor();
      // Someone else rescores it after the page loaded.
      await data(e2e, OFFICER, "mutation($id: Int!, $v: Int!) { scoreBrief(id: $id, version: $v, scores: { businessNeedScore: 3, driversScore: 3, deliverabilityScore: 3 }) { version } }", { id: scored.id, v: scored.version });
      await detail.getByLabel("Reason for declining").fill("Duplicates the county's own programme.");
      await detail.getByRole("button", { name: "Decline brief…" }).click();
      const dialog = page.getByRole("dialog", { name: /Decline/ });
      await dialog.waitFor();
      await screenshot(page, "confirm-dialog-decline-1440", false);
      await dialog.getByRole("button", { name: "Decline brief" }).click();
      const notice = page.getByTestId("stale-notice");
      await notice.waitFor();
      expect(await notice.innerText()).toContain("Someone else changed this brief");
      await notice.scrollIntoViewIfNeeded();
      await screenshot(page, "stale-notice-brief-1440", false);
      await notice.getByRole("button", { name: "Reload brief" }).click();
      await poll(() => detail.getByTestId("brief-total").innerText()).toContain("= 27 of 27");
      expect(await page.getByTestId("stale-notice").count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);

  test("an officer records a decision with evidence from the contract's accepted returns; the Commissioner publishes it", async () => {
    const officer = await e2e.open(OFFICER, "/decisions");
    const page = officer.page;
    let decisionId: number;
    try {
      const form = page.getByRole("form", { name: "Record a decision" });
      await form.waitFor();
      await form.getByLabel("Kind").selectOption("EXTEND");
      await form.getByLabel("Title", { exact: true }).fill("Extend the ISVA service for 2024-25");
      const contractSelect = form.getByLabel("Contract decided on");
      await contractSelect.locator("option", { hasText: "WSW-VV-03:" }).waitFor({ state: "attached" });
      await contractSelect.selectOption((await contractSelect.locator("option", { hasText: "WSW-VV-03:" }).getAttribute("value"))!);
      const evidence = form.getByTestId("decision-evidence");
      const latest = evidence.getByLabel(/\(latest\)/);
      await latest.waitFor();
      await latest.check();
      await form.getByLabel("Rationale").fill("Referrals and outcomes held up through the year; the provider met every target.");
      await form.getByRole("button", { name: "Record decision" }).click();
      await poll(() => page.getByTestId("status-message").innerText()).toContain("Recorded “Extend the ISVA service for 2024-25”");
      const detail = page.getByTestId("decision-detail");
      await poll(() => detail.getByTestId("decision-evidence-list").innerText()).toMatch(/WSW-VV-03, 20\d\d-\d\d Q\d return \(accepted\)/);
      expect(await detail.getByTestId("decision-published").innerText()).toBe("Not yet published");
      // Officers record; only the Commissioner publishes.
      expect(await detail.getByRole("button", { name: "Publish decision…" }).count()).toBe(0);
      await checkScreen(page, "decisions", 1440);
      decisionId = Number(new URL(page.url()).searchParams.get("decision"));
    } finally {
      await officer.context.close();
    }

    const commissioner = await e2e.open(COMMISSIONER, `/decisions?decision=${decisionId}`);
    try {
      const detail = commissioner.page.getByTestId("decision-detail");
      await detail.getByRole("button", { name: "Publish decision…" }).click();
      const dialog = commissioner.page.getByRole("dialog", { name: /Publish “Extend the ISVA service for 2024-25”/ });
      expect(await dialog.innerText()).toContain("cannot be withdrawn");
      await dialog.getByRole("button", { name: "Publish to the Panel" }).click();
      await poll(() => detail.getByTestId("decision-published").innerText()).toBe("Published");
    } finally {
      await commissioner.context.close();
    }
    const published = (await data<{ decisions: { id: number; published: boolean; evidence: { id: number }[] }[] }>(e2e, ANALYST, "{ decisions { id published evidence { id } } }")).decisions.find((d) => d.id === decisionId);
    expect(published).toMatchObject({ published: true });
    expect(published!.evidence).toHaveLength(1);
    await atPhoneWidth(e2e, COMMISSIONER, `/decisions?decision=${decisionId}`, "decisions", (page) => page.getByTestId("decision-detail").waitFor());
  }, 90_000);

  test("a heat-map cell opens its risks; an officer reviews one and sees the history, then escalates it after confirming", async () => {
    const risks = (await data<{ risks: { id: number; title: string; likelihood: number; impact: number }[] }>(e2e, OFFICER, "{ risks { id title likelihood impact } }")).risks;
    const risk = risks.find((r) => r.title.startsWith("Victims' services re-procurement"))!;

    const board = await e2e.open(OFFICER, "/board");
    try {
      const cell = board.page.getByRole("link", { name: new RegExp(`of likelihood ${risk.likelihood} and impact ${risk.impact}: open in the register`) });
      await cell.click();
      await board.page.waitForURL(/\/risks\?/);
      await board.page.getByTestId("cell-filter").waitFor();
      const rows = board.page.getByTestId("risk-table").locator("tbody tr");
      await poll(() => rows.count()).toBe(risks.filter((r) => r.likelihood === risk.likelihood && r.impact === risk.impact).length);
      expect(await rows.first().innerText()).toContain(risk.title);
    } finally {
      await board.context.close();
    }

    const { context, page } = await e2e.open(OFFICER, `/risks?risk=${risk.id}`);
    try {
      const detail = page.getByTestId("risk-detail");
      const history = detail.getByTestId("risk-history");
      await history.waitFor();
      const before = await history.locator("tbody tr").count();
      const form = detail.getByRole("form", { name: "Review this risk" });
      await form.getByLabel("Quarter reviewed").selectOption("2023-24 Q4");
      await form.getByLabel("Likelihood").selectOption("4");
      await form.getByLabel("Impact").selectOption("4");
      await form.getByLabel("Status").selectOption("OPEN");
      await form.getByLabel("Note (optional)").fill("Procurement timetable slipped by two months.");
      await form.getByRole("button", { name: "Record review" }).click();
      await poll(() => history.locator("tbody tr").count()).toBe(before + 1);
      expect(await history.locator("tbody tr").first().innerText()).toContain("2023-24 Q4");
      expect(await history.locator("tbody tr").first().innerText()).toContain("Procurement timetable slipped");
      expect(await detail.getByTestId("risk-score").innerText()).toContain("4 × 4 = ▲ 16 High");

      // The quarter just reviewed is not offered again: one review per quarter, never before the latest.
      const offered = await detail.getByRole("form", { name: "Review this risk" }).getByLabel("Quarter reviewed").locator("option").allInnerTexts();
      expect(offered).not.toContain("2023-24 Q4");
      expect(offered).not.toContain("2023-24 Q3");

      // Someone else edits the risk meanwhile: the next review is a reload notice, and nothing is recorded.
      const current = (await data<{ risks: { id: number; version: number }[] }>(e2e, OFFICER, "{ risks { id version } }")).risks.find((r) => r.id === risk.id)!;
      await data(e2e, COMMISSIONER, "mutation($id: Int!, $v: Int!) { updateRisk(id: $id, version: $v, input: { mitigation: \"Interim extension agreed with the provider.\" }) { version } }", { id: risk.id, v: current.version });
      await detail.getByRole("form", { name: "Review this risk" }).getByRole("button", { name: "Record review" }).click();
      const notice = page.getByTestId("stale-notice");
      await notice.waitFor();
      expect(await history.locator("tbody tr").count()).toBe(before + 1);
      await notice.getByRole("button", { name: "Reload risk" }).click();
      await detail.getByText("Interim extension agreed with the provider.").waitFor();

      await page.reload();
      await detail.getByRole("button", { name: "Escalate to the corporate register…" }).click();
      const dialog = page.getByRole("dialog", { name: /Escalate/ });
      await dialog.getByRole("button", { name: "Escalate", exact: true }).click();
      await poll(() => detail.getByTestId("risk-escalated").innerText()).toBe("Escalated");
      await checkScreen(page, "risks", 1440);

      // A new risk joins the register; a missing owner is refused beside the field first.
      await page.getByText("Add a risk", { exact: true }).click();
      const add = page.getByRole("form", { name: "Add a risk" });
      await add.getByLabel("Risk", { exact: true }).fill("Provider insolvency in the youth portfolio");
      await add.getByRole("button", { name: "Add risk" }).click();
      await add.locator(".field-error").first().waitFor();
      expect(await add.getByLabel("Owner").getAttribute("aria-invalid")).toBe("true");
      await add.getByLabel("Owner").fill("Kelly Cullen");
      await add.getByLabel("Likelihood").selectOption("2");
      await add.getByLabel("Impact").selectOption("5");
      await add.getByRole("button", { name: "Add risk" }).click();
      await poll(() => page.getByTestId("status-message").innerText()).toBe("Added “Provider insolvency in the youth portfolio” to the register.");
      await poll(() => page.getByTestId("risk-table").innerText()).toContain("Provider insolvency in the youth portfolio");
      await poll(() => detail.getByRole("heading", { level: 2 }).innerText()).toBe("Provider insolvency in the youth portfolio");
    } finally {
      await context.close();
    }
    await atPhoneWidth(e2e, OFFICER, `/risks?risk=${risk.id}`, "risks", (page) => page.getByTestId("risk-history").waitFor());
  }, 90_000);

  test("the Commissioner adds a member of staff, then deactivates them after confirming", async () => {
    const { context, page } = await e2e.open(COMMISSIONER, "/users");
    try {
      const form = page.getByRole("form", { name: "Add a user" });
      await form.waitFor();
      // The Commissioner gives the office's staff roles only.
      expect(await form.getByLabel("Role").locator("option").allInnerTexts()).toEqual(["Commissioner", "Commissioning officer", "Panel analyst"]);
      await form.getByLabel("Name").fill("Sam Newcomer");
      await form.getByLabel("Email").fill("sam.newcomer@wiltshire.example");
      await form.getByLabel("Role").selectOption("OFFICER");
      await form.getByLabel("First password").fill("short");
      await form.getByRole("button", { name: "Add user" }).click();
      // The API's rule comes back beside the password.
      await form.locator(".field-error").first().waitFor();
      expect(await form.getByLabel("First password").getAttribute("aria-invalid")).toBe("true");
      await form.getByLabel("First password").fill("a-long-first-password");
      await form.getByRole("button", { name: "Add user" }).click();
      await poll(() => page.getByTestId("status-message").innerText()).toBe("Added Sam Newcomer.");
      const detail = page.getByTestId("user-detail");
      await poll(() => detail.getByTestId("user-active").innerText()).toBe("Active");
      expect((await e2e.server.run(null, 'mutation { login(email: "sam.newcomer@wiltshire.example", password: "a-long-first-password") { token } }')).errors).toBeUndefined();

      await detail.getByRole("button", { name: "Deactivate Sam Newcomer…" }).click();
      const dialog = page.getByRole("dialog", { name: "Deactivate Sam Newcomer?" });
      expect(await accessibilityViolations(page)).toEqual([]);
      await dialog.getByRole("button", { name: "Deactivate", exact: true }).click();
      await poll(() => detail.getByTestId("user-active").innerText()).toBe("Deactivated");
      const login = await e2e.server.run(null, 'mutation { login(email: "sam.newcomer@wiltshire.example", password: "a-long-first-password") { token } }');
      expect(login.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      await checkScreen(page, "users", 1440);
    } finally {
      await context.close();
    }
    await atPhoneWidth(e2e, COMMISSIONER, "/users", "users", (page) => page.getByRole("form", { name: "Add a user" }).waitFor());
  }, 90_000);

  test("plans, offices and providers: each screen accessible at 1440 and 375 px", async () => {
    const quarter = (await data<{ reportingPeriods: { id: number; label: string }[] }>(e2e, OFFICER, "{ reportingPeriods { id label } }")).reportingPeriods.find((p) => p.label === "2023-24 Q3")!;
    for (const [as, path, name, ready] of [
      [OFFICER, `/plans?quarter=${quarter.id}`, "plans", (p: Page) => p.getByRole("heading", { level: 2 }).first().waitFor()],
      // Durham's commissioning strategy has Key Performance Questions under each priority.
      ["officer@durham.demo.example", "/plans", "plans-kpq", (p: Page) => p.getByTestId("kpq").first().waitFor()],
      [ADMIN, "/offices", "offices", (p: Page) => p.getByRole("heading", { name: "Create an office" }).waitFor()],
      [OFFICER, "/providers", "providers", (p: Page) => p.getByRole("table").waitFor()],
    ] as const) {
      const { context, page } = await e2e.open(as, path);
      try {
        await ready(page);
        await checkScreen(page, name, 1440);
      } finally {
        await context.close();
      }
      await atPhoneWidth(e2e, as, path, name, ready);
    }
  }, 120_000);

  test("an officer edits a provider in the register with the version loaded; a stale edit is a reload notice", async () => {
    const { context, page } = await e2e.open(OFFICER, "/providers");
    try {
      await page.getByRole("button", { name: "Edit Harbour Domestic Abuse Services" }).click();
      const form = page.getByRole("form", { name: "Edit Harbour Domestic Abuse Services" });
      await form.getByLabel("Charity number (optional)").fill("1098765");
      // Someone else renames it after the form opened.
      const harbour = (await data<{ providers: { items: { id: number; version: number; name: string; type: string }[] } }>(e2e, OFFICER, '{ providers(search: "Harbour") { items { id version name type } } }')).providers.items[0]!;
      await data(e2e, ADMIN, "mutation($id: Int!, $v: Int!, $t: ProviderType!) { updateProvider(id: $id, version: $v, input: { name: \"Harbour Domestic Abuse Services\", type: $t, companyNumber: \"01234567\" }) { version } }", { id: harbour.id, v: harbour.version, t: harbour.type });
      await form.getByRole("button", { name: "Save provider" }).click();
      await page.getByTestId("stale-notice").waitFor();
      await page.getByTestId("stale-notice").getByRole("button", { name: "Reload provider" }).click();
      await poll(() => page.getByTestId("providers-table").innerText()).toContain("01234567");
      const fresh = page.getByRole("form", { name: "Edit Harbour Domestic Abuse Services" });
      await fresh.getByLabel("Charity number (optional)").fill("1098765");
      await fresh.getByRole("button", { name: "Save provider" }).click();
      await poll(() => page.getByTestId("providers-table").innerText()).toContain("1098765");
    } finally {
      await context.close();
    }
  }, 60_000);

  test("analysts read briefs, decisions, risks and plans, and see no control that writes", async () => {
    const { context, page } = await e2e.open(ANALYST, "/risks?risk=1");
    try {
      await page.getByTestId("risk-history").waitFor();
      expect(await page.getByRole("form", { name: "Review this risk" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: /Escalate to|Take off the corporate register/ }).count()).toBe(0);
      await page.goto(`${e2e.server.url}/briefs?brief=5`);
      await page.getByTestId("brief-detail").waitFor();
      expect(await page.locator("main form").count()).toBe(0);
      await page.goto(`${e2e.server.url}/decisions`);
      await page.getByRole("heading", { name: "Decisions", level: 2 }).waitFor();
      expect(await page.getByRole("form", { name: "Record a decision" }).count()).toBe(0);
      await page.goto(`${e2e.server.url}/users`);
      await page.getByRole("heading", { name: "This page is not part of your role" }).waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);

  test("officers attach papers to a brief and a decision; analysts download them but are offered no upload or removal", async () => {
    const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    const decision = (await data<{ decisions: { id: number; published: boolean }[] }>(e2e, ANALYST, "{ decisions { id published } }")).decisions.find((d) => d.published)!;
    const officer = await e2e.open(OFFICER, "/briefs?brief=5");
    try {
      for (const [path, testId, name] of [["/briefs?brief=5", "brief-detail", "Business case.pdf"], [`/decisions?decision=${decision.id}`, "decision-detail", "Panel paper.pdf"]] as const) {
        await officer.page.goto(e2e.server.url + path);
        const files = officer.page.getByTestId(testId).getByTestId("attachments");
        await files.getByLabel("Attach a file").setInputFiles({ name, mimeType: "application/pdf", buffer: PDF });
        await poll(() => files.getByTestId("attachment-status").innerText()).toContain(`${name} attached.`);
        await poll(() => files.getByRole("button", { name: `${name} (download)` }).count()).toBe(1);
      }
      await checkScreen(officer.page, "decision-attachments", 1440);
    } finally {
      await officer.context.close();
    }
    const analyst = await e2e.open(ANALYST, "/briefs?brief=5");
    try {
      for (const [path, testId, name] of [["/briefs?brief=5", "brief-detail", "Business case.pdf"], [`/decisions?decision=${decision.id}`, "decision-detail", "Panel paper.pdf"]] as const) {
        await analyst.page.goto(e2e.server.url + path);
        const files = analyst.page.getByTestId(testId).getByTestId("attachments");
        await poll(() => files.getByRole("button", { name: `${name} (download)` }).count()).toBe(1);
        expect(await files.getByLabel("Attach a file").count()).toBe(0);
        expect(await files.getByRole("button", { name: /^Remove/ }).count()).toBe(0);
      }
    } finally {
      await analyst.context.close();
    }
  }, 60_000);
});
