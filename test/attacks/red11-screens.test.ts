/*
 * red11 (outside tester, issue 11, part 1): the workspace screens as careless and hostile users use them. Double
 * clicks, Back, nonsense input, cancelled confirmations (checked through the API), two tabs editing one record,
 * analysts and providers typing officers' addresses, and another office's ids in the address.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { browserAvailable, screenshot, startE2E, type E2E } from "../e2e/browser.js";

const OFFICER = "officer@wiltshire.demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const PROVIDER = "provider-b@demo.example";
const DORSET = "officer@dorset.demo.example";

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.locator("h1").first().waitFor({ timeout: 15_000 }).catch(() => undefined);
  await page.waitForTimeout(500);
}

describe.skipIf(!browserAvailable())("red11: the workspace screens, attacked", () => {
  let e2e: E2E;
  const data = async <T>(as: string, query: string, variables?: Record<string, unknown>): Promise<T> => {
    const r = await e2e.server.http<T>(as, query, variables);
    expect(r.errors, query).toBeUndefined();
    return r.data!;
  };

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("double-clicking Add provider creates one provider", async () => {
    const { context, page } = await e2e.open(OFFICER, "/providers");
    try {
      const form = page.getByRole("form", { name: /Add a provider/ }).or(page.locator("form", { has: page.getByRole("button", { name: "Add provider" }) }));
      await form.first().waitFor({ timeout: 20_000 });
      await form.first().getByLabel("Name").fill("Red11 Double Click Trust");
      await form.first().getByRole("button", { name: "Add provider" }).dblclick();
      await page.waitForTimeout(2500);
      const found = await data<{ providers: { totalCount: number } }>(OFFICER, `{ providers(search: "Red11 Double Click") { totalCount } }`);
      expect(found.providers.totalCount).toBe(1);
    } finally {
      await context.close();
    }
  });

  test("double-clicking Submit brief submits one brief", async () => {
    const { context, page } = await e2e.open(OFFICER, "/briefs");
    try {
      const submit = page.getByRole("form", { name: "Submit a project brief" });
      await submit.waitFor({ timeout: 20_000 });
      await submit.getByLabel("Title").fill("Red11 double brief");
      await submit.getByLabel("Business need").fill("Testing a double click on submit.");
      await submit.getByLabel("Effectiveness (a better-quality service)").check();
      await submit.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await submit.getByLabel("Proposed annual cost (£)").fill("1000");
      await submit.getByRole("button", { name: "Submit brief" }).dblclick();
      await page.waitForTimeout(2500);
      const briefs = { briefs: (await data<{ projectBriefs: { title: string }[] }>(OFFICER, "{ projectBriefs { title } }")).projectBriefs };
      expect(briefs.briefs.filter((b) => b.title === "Red11 double brief").length).toBe(1);
    } finally {
      await context.close();
    }
  });

  test("double-clicking Create contract creates one; Back after create shows a blank form, not a resubmittable one", async () => {
    const { context, page } = await e2e.open(OFFICER, "/contracts/new");
    try {
      await page.getByLabel("Portfolio").locator("option", { hasText: "Prevention & Youth" }).waitFor({ state: "attached", timeout: 20_000 });
      await page.getByLabel("Reference").fill("RED11-DBL");
      await page.getByLabel("Title").fill("Red11 double-click contract");
      await page.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await page.getByLabel("Provider").selectOption({ label: "Circles Southwest" });
      await page.getByLabel("Mechanism").selectOption({ label: "Grant" });
      await page.getByLabel("Status", { exact: true }).selectOption({ label: "Live" });
      await page.getByLabel("Starts").fill("2024-04-01");
      await page.getByLabel("Ends").fill("2026-03-31");
      await page.getByRole("button", { name: "Create contract" }).dblclick();
      await page.getByTestId("contract-page").waitFor({ timeout: 20_000 });
      const contracts = await data<{ contracts: { items: { reference: string }[] } }>(OFFICER, `{ contracts(first: 100) { items { reference } } }`);
      expect(contracts.contracts.items.filter((c) => c.reference === "RED11-DBL").length).toBe(1);
      // Any error shown beside the page after the double click (e.g. "reference already used") is a broken double click too.
      expect(await page.locator("[role=alert]").filter({ hasText: /already|exists|duplicate/i }).count()).toBe(0);
      await page.goBack();
      await settle(page);
      if (new URL(page.url()).pathname === "/contracts/new") {
        expect(await page.getByLabel("Reference").inputValue()).toBe("");
      }
    } finally {
      await context.close();
    }
  });

  test("empty, oversized and nonsense contract input is refused beside its fields, and nothing is created", async () => {
    const before = (await data<{ contracts: { totalCount: number } }>(OFFICER, "{ contracts(first: 1) { totalCount } }")).contracts.totalCount;
    const { context, page } = await e2e.open(OFFICER, "/contracts/new");
    try {
      await page.getByLabel("Portfolio").locator("option", { hasText: "Prevention & Youth" }).waitFor({ state: "attached", timeout: 20_000 });
      await page.getByRole("button", { name: "Create contract" }).click();
      await page.waitForTimeout(1500);
      const invalidEmpty = await page.locator("[aria-invalid=true]").count();
      expect(invalidEmpty, "fields marked invalid after an empty submit").toBeGreaterThan(0);
      await page.getByLabel("Reference").fill("R".repeat(5000));
      await page.getByLabel("Title").fill("T".repeat(20000));
      await page.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await page.getByLabel("Provider").selectOption({ label: "Circles Southwest" });
      await page.getByLabel("Mechanism").selectOption({ label: "Grant" });
      await page.getByLabel("Status", { exact: true }).selectOption({ label: "Live" });
      await page.getByLabel("Starts").fill("2026-04-01");
      await page.getByLabel("Ends").fill("2024-03-31"); // ends before it starts
      await page.getByRole("button", { name: "Add a funding line" }).click();
      await page.getByLabel("Line 1: funding stream").selectOption({ index: 1 });
      await page.getByLabel("Line 1: year").fill("twenty-twenty");
      await page.getByLabel("Line 1: amount (£)").fill("-5");
      await page.getByRole("button", { name: "Create contract" }).click();
      await page.waitForTimeout(2500);
      await screenshot(page, "red11-contract-nonsense", false);
      const invalid = await page.locator("[aria-invalid=true]").evaluateAll((els) => els.map((e) => (e as HTMLElement).id || (e as HTMLInputElement).name));
      console.log("invalid fields:", invalid);
      expect(invalid.length).toBeGreaterThan(0);
      // The page still works (no blank screen) and horizontal overflow from 20,000 characters is contained.
      expect(await page.locator("h1").count()).toBeGreaterThan(0);
      const after = (await data<{ contracts: { totalCount: number } }>(OFFICER, "{ contracts(first: 1) { totalCount } }")).contracts.totalCount;
      expect(after).toBe(before);
    } finally {
      await context.close();
    }
  });

  test("each nonsense contract value is refused beside its own field (end before start, bad year, oversized text)", async () => {
    const before = (await data<{ contracts: { totalCount: number } }>(OFFICER, "{ contracts(first: 1) { totalCount } }")).contracts.totalCount;
    const { context, page } = await e2e.open(OFFICER, "/contracts/new");
    const flagged = new Set<string>();
    const collect = async () => {
      for (const label of ["Reference", "Title", "Starts", "Ends", "Line 1: year", "Line 1: amount (£)"]) {
        const field = page.getByLabel(label, { exact: true });
        if ((await field.count()) && (await field.first().getAttribute("aria-invalid")) === "true") flagged.add(label);
      }
    };
    try {
      await page.getByLabel("Portfolio").locator("option", { hasText: "Prevention & Youth" }).waitFor({ state: "attached", timeout: 20_000 });
      await page.getByLabel("Reference").fill("R".repeat(5000));
      await page.getByLabel("Title").fill("T".repeat(20000));
      await page.getByLabel("Portfolio").selectOption({ label: "Prevention & Youth" });
      await page.getByLabel("Provider").selectOption({ label: "Circles Southwest" });
      await page.getByLabel("Mechanism").selectOption({ label: "Grant" });
      await page.getByLabel("Status", { exact: true }).selectOption({ label: "Live" });
      await page.getByLabel("Starts").fill("2026-04-01");
      await page.getByLabel("Ends").fill("2024-03-31");
      await page.getByRole("button", { name: "Add a funding line" }).click();
      await page.getByLabel("Line 1: funding stream").selectOption({ index: 1 });
      await page.getByLabel("Line 1: year").fill("twenty-twenty");
      await page.getByLabel("Line 1: amount (£)").fill("5000");
      // Submit, and keep submitting as a user fixing one problem at a time would not: nothing is fixed, so every
      // problem must show at once or on the following attempts.
      for (let i = 0; i < 3; i++) {
        await page.getByRole("button", { name: "Create contract" }).click();
        await page.waitForTimeout(2000);
        await collect();
      }
      // The shape problems fixed, the contract still ends before it starts: the API's afterStart rule beside Ends.
      await page.getByLabel("Reference").fill("RED11-ENDS");
      await page.getByLabel("Title").fill("Ends before it starts (UI)");
      await page.getByLabel("Line 1: year").fill("2024-25");
      await page.getByRole("button", { name: "Create contract" }).click();
      await page.waitForTimeout(2500);
      await collect();
      await screenshot(page, "red11-contract-nonsense-2", true);
      console.log("flagged:", [...flagged]);
      const after = (await data<{ contracts: { totalCount: number } }>(OFFICER, "{ contracts(first: 1) { totalCount } }")).contracts.totalCount;
      expect(after, "no contract created from nonsense").toBe(before);
      // What does the API itself say about a contract that ends two years before it starts?
      const portfolios = await data<{ portfolios: { id: number }[] }>(OFFICER, "{ portfolios { id } }");
      const providers = await data<{ providers: { items: { id: number }[] } }>(OFFICER, `{ providers(search: "Circles Southwest") { items { id } } }`);
      const api = await e2e.server.http<{ createContract: { id: number } }>(OFFICER, `mutation($i: ContractInput!) { createContract(input: $i) { id } }`, {
        i: { reference: "RED11-BACKWARDS", title: "Ends before it starts", portfolioId: portfolios.portfolios[0].id, providerId: providers.providers.items[0].id, mechanism: "GRANT", status: "LIVE", stage: "DO", startDate: "2026-04-01", endDate: "2024-03-31" },
      });
      console.log("API on end before start:", JSON.stringify(api.errors?.[0]?.extensions ?? api.data));
      expect(api.errors?.[0]?.extensions?.code, "the API refuses a contract that ends before it starts").toBe("BAD_USER_INPUT");
      expect([...flagged].sort()).toEqual(expect.arrayContaining(["Ends", "Line 1: year"]));
      expect(flagged.has("Reference") || flagged.has("Title"), "a 5,000-character reference / 20,000-character title flagged").toBe(true);
    } finally {
      await context.close();
    }
  });

  test("cancelling (and escaping) the freeze confirmation changes nothing; the dialog traps focus and returns it", async () => {
    const periods = async () => (await data<{ reportingPeriods: { id: number; label: string; state: string; version: number }[] }>(OFFICER, "{ reportingPeriods { id label state version } }")).reportingPeriods;
    const before = (await periods()).find((p) => p.label === "2023-24 Q3")!;
    const { context, page } = await e2e.open(OFFICER, "/quarters");
    try {
      await page.getByTestId("quarters-table").waitFor({ timeout: 20_000 });
      const opener = page.getByRole("button", { name: "Freeze 2023-24 Q3…" });
      await opener.click();
      const dialog = page.getByRole("dialog", { name: "Freeze 2023-24 Q3 for the Panel?" });
      await dialog.waitFor();
      // Focus is trapped: 25 Tabs and 25 Shift+Tabs never leave the dialog.
      const outside: string[] = [];
      for (const key of [...Array(25).fill("Tab"), ...Array(25).fill("Shift+Tab")]) {
        await page.keyboard.press(key);
        // Focus passing through the browser's own controls (activeElement = body) is what a native modal dialog does;
        // landing on any element of the page outside the dialog is an escape.
        const inside = await page.evaluate(() => !document.activeElement || document.activeElement === document.body || !!document.activeElement.closest("dialog, [role=dialog]"));
        if (!inside) outside.push(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? "none"));
      }
      expect(outside).toEqual([]);
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden", timeout: 5000 });
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Freeze 2023-24 Q3…");
      await opener.click();
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "hidden", timeout: 5000 });
      const after = (await periods()).find((p) => p.label === "2023-24 Q3")!;
      expect(after).toEqual(before);
    } finally {
      await context.close();
    }
  });

  test("cancelling the deactivate confirmation leaves the user active; Escape closes it and focus returns", async () => {
    const users = async () => (await data<{ users: { id: number; name: string; email: string; active: boolean; version: number }[] }>(COMMISSIONER, "{ users { id name email active version } }")).users;
    const analyst = (await users()).find((u) => u.email === ANALYST)!;
    const { context, page } = await e2e.open(COMMISSIONER, "/users");
    try {
      await page.getByTestId("users-table").waitFor({ timeout: 20_000 });
      await page.getByTestId("users-table").getByText(analyst.name).first().click();
      const button = page.getByRole("button", { name: `Deactivate ${analyst.name}…` });
      await button.waitFor({ timeout: 10_000 });
      await button.click();
      const dialog = page.getByRole("dialog", { name: `Deactivate ${analyst.name}?` });
      await dialog.waitFor();
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden", timeout: 5000 });
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(`Deactivate ${analyst.name}…`);
      await button.click();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "hidden", timeout: 5000 });
      const after = (await users()).find((u) => u.email === ANALYST)!;
      expect(after).toEqual(analyst);
    } finally {
      await context.close();
    }
  });

  test("two tabs edit the same contract: the second save shows a reload notice and does not overwrite the first", async () => {
    const { context, page: a } = await e2e.open(OFFICER, "/contracts/2/edit");
    const b = await context.newPage();
    try {
      await b.goto(`${e2e.server.url}/contracts/2/edit`);
      for (const p of [a, b]) await p.getByLabel("Title").waitFor({ timeout: 20_000 });
      await a.waitForFunction(() => (document.querySelector("input[name=title], #title") as HTMLInputElement | null)?.value !== "", undefined, { timeout: 5000 }).catch(() => undefined);
      await a.getByLabel("Title").fill("Red11 tab A title");
      await a.getByRole("button", { name: "Save changes" }).click();
      await a.getByTestId("contract-page").waitFor({ timeout: 20_000 });
      await b.getByLabel("Title").fill("Red11 tab B title");
      await b.getByRole("button", { name: "Save changes" }).click();
      await b.waitForTimeout(2500);
      await screenshot(b, "red11-version-clash-tab-b", false);
      const notice = b.getByRole("alert").filter({ hasText: /changed|someone|reload|newer|version/i });
      expect(await notice.count(), "a reload notice in tab B").toBeGreaterThan(0);
      expect(await b.getByRole("button", { name: /Reload/ }).count()).toBeGreaterThan(0);
      const now = await data<{ contract: { title: string } }>(OFFICER, "{ contract(id: 2) { title } }");
      expect(now.contract.title).toBe("Red11 tab A title");
    } finally {
      await context.close();
    }
  });

  test("two tabs edit the same provider: the second save shows a reload notice", async () => {
    const { context, page: a } = await e2e.open(OFFICER, "/providers");
    const b = await context.newPage();
    try {
      await b.goto(`${e2e.server.url}/providers`);
      const name = "Circles Southwest";
      for (const p of [a, b]) {
        await p.getByTestId("providers-table").waitFor({ timeout: 20_000 });
        await p.getByLabel("Search by name").fill("Circles");
        await p.getByRole("button", { name: `Edit ${name}` }).click();
      }
      const fill = async (p: Page, v: string) => {
        const field = p.getByLabel("Company number (optional)").last();
        await field.fill(v);
        await p.getByRole("button", { name: /^Save/ }).first().click();
      };
      await fill(a, "01234567");
      await a.waitForTimeout(1500);
      await fill(b, "07654321");
      await b.waitForTimeout(2000);
      await screenshot(b, "red11-provider-clash-tab-b", false);
      expect(await b.getByRole("alert").filter({ hasText: /changed|someone|reload|newer|version/i }).count()).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  const WRITE = /^(Create|Save|Add|Freeze|Close the|Open the|Deactivate|Accept|Send back|Publish|Approve|Decline|Record|Override|Set |Escalate|Submit|Edit|Upload|Reopen|Open for correction)/;
  const OFFICER_ROUTES = ["/contracts", "/contracts/new", "/contracts/1", "/contracts/1/edit", "/money", "/quarters", "/briefs", "/decisions", "/risks", "/plans", "/users", "/providers", "/offices", "/returns?quarter=5", "/board?quarter=5"];

  for (const [who, email] of [
    ["an analyst", ANALYST],
    ["a provider", PROVIDER],
  ] as const) {
    test(`${who} typing officers' addresses sees no control that writes`, async () => {
      const shown: string[] = [];
      const { context, page } = await e2e.open(email, "/");
      try {
        for (const route of OFFICER_ROUTES) {
          await page.goto(e2e.server.url + route);
          await settle(page);
          const buttons = await page.locator("main button:visible, main a:visible, main input[type=submit]:visible").evaluateAll((els) =>
            els.filter((e) => !(e as HTMLButtonElement).disabled).map((e) => (e.textContent ?? (e as HTMLInputElement).value ?? "").trim()),
          );
          const writes = buttons.filter((t) => WRITE.test(t) && !/^Close$/.test(t) && !/[↕▲▼]$/.test(t));
          if (writes.length) {
            shown.push(`${route}: ${writes.join(" | ")}`);
            await screenshot(page, `red11-writes-${who.replace(/ /g, "-")}-${route.replace(/[^a-z0-9]+/gi, "-")}`, false);
          }
        }
      } finally {
        await context.close();
      }
      console.log(who, "write controls:", shown);
      expect(shown).toEqual([]);
    }, 200_000);
  }

  test("the server refuses analysts' and providers' writes anyway", async () => {
    for (const as of [ANALYST, PROVIDER]) {
      const r = await e2e.server.http(as, `mutation { createProvider(input: { name: "Red11 sneaky", type: PRIVATE }) { id } }`);
      expect((r.errors?.[0] as { extensions?: { code?: string } })?.extensions?.code, as).toBe("FORBIDDEN");
      const f = await e2e.server.http(as, `mutation { freezePeriod(id: 4, version: 1) { __typename } }`);
      expect(["FORBIDDEN", "NOT_FOUND"], as).toContain((f.errors?.[0] as { extensions?: { code?: string } })?.extensions?.code);
    }
  });

  test("another office's risk and brief ids (and any decisions) in the address show nothing of them", async () => {
    // Dorset's own records, made by Dorset's officer.
    await data(DORSET, `mutation { createRisk(input: { title: "Red11 Dorset secret risk", ownerName: "Dorset owner", likelihood: 3, impact: 4 }) { id } }`);
    await data(DORSET, `mutation { submitBrief(input: { title: "Red11 Dorset secret brief", summary: "Dorset only", drivers: [EFFICIENCY] }) { id } }`);
    const offices = (await data<{ offices: { id: number; name: string }[] }>("admin@demo.example", "{ offices { id name } }")).offices.filter((o) => !/Wiltshire/.test(o.name));
    const risks: { id: number; title: string }[] = [];
    const briefs: { id: number; title: string }[] = [];
    const decisions: { id: number; title: string }[] = [];
    for (const o of offices) {
      risks.push(...(await data<{ risks: { id: number; title: string }[] }>("admin@demo.example", `{ risks(officeId: ${o.id}) { id title } }`)).risks);
      briefs.push(...(await data<{ projectBriefs: { id: number; title: string }[] }>("admin@demo.example", `{ projectBriefs(officeId: ${o.id}) { id title } }`)).projectBriefs);
      decisions.push(...(await data<{ decisions: { id: number; title: string }[] }>("admin@demo.example", `{ decisions(officeId: ${o.id}) { id title } }`)).decisions);
    }
    const targets: [string, string][] = [
      ...risks.slice(0, 2).map((r) => [`/risks?risk=${r.id}`, r.title] as [string, string]),
      ...briefs.slice(0, 2).map((b) => [`/briefs?brief=${b.id}`, b.title] as [string, string]),
      ...decisions.slice(0, 2).map((d) => [`/decisions?decision=${d.id}`, d.title] as [string, string]),
    ];
    console.log("other office targets:", targets.length);
    expect(targets.length).toBeGreaterThan(0);
    const leaked: string[] = [];
    const { context, page } = await e2e.open(OFFICER, "/");
    try {
      for (const [route, title] of targets) {
        await page.goto(e2e.server.url + route);
        await settle(page);
        await page.waitForTimeout(800);
        if ((await page.locator("body").innerText()).includes(title)) {
          leaked.push(`${route}: ${title}`);
          await screenshot(page, `red11-leak-${route.replace(/[^a-z0-9]+/gi, "-")}`, false);
        }
      }
    } finally {
      await context.close();
    }
    expect(leaked).toEqual([]);
  }, 120_000);

  test("a nonsense or missing id in the address ends in a 'not found' message, not an endless 'Loading…'", async () => {
    const stuck: string[] = [];
    const { context, page } = await e2e.open(OFFICER, "/");
    try {
      for (const route of ["/contracts/abc", "/contracts/abc/edit", "/contracts/-1/edit", "/contracts/99999", "/contracts/1.5", "/risks?risk=abc", "/risks?risk=99999", "/briefs?brief=99999", "/decisions?decision=99999", "/returns?quarter=abc", "/returns?quarter=9999&return=abc"]) {
        await page.goto(e2e.server.url + route);
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await page.waitForTimeout(4000);
        const loading = await page.locator("main").getByText(/^Loading/).count();
        const h1 = await page.locator("h1").count();
        if (loading || !h1) {
          stuck.push(`${route}: ${loading ? "still loading" : "no heading"}`);
          await screenshot(page, `red11-blank-${route.replace(/[^a-z0-9]+/gi, "-")}`, false);
        }
      }
    } finally {
      await context.close();
    }
    expect(stuck).toEqual([]);
  }, 120_000);

  test("another office's contract id in the address shows nothing of it (view and edit)", async () => {
    const dorset = await data<{ contracts: { items: { id: number; title: string; reference: string }[] } }>(DORSET, "{ contracts(first: 5) { items { id title reference } } }");
    const target = dorset.contracts.items[0];
    const { context, page } = await e2e.open(OFFICER, `/contracts/${target.id}`);
    try {
      await settle(page);
      await page.waitForTimeout(1000);
      let text = await page.locator("body").innerText();
      expect(text).not.toContain(target.title);
      expect(text).not.toContain(target.reference);
      await page.goto(`${e2e.server.url}/contracts/${target.id}/edit`);
      await settle(page);
      await page.waitForTimeout(1000);
      text = await page.locator("body").innerText();
      expect(text).not.toContain(target.title);
      // No enabled Save on another office's record.
      expect(await page.getByRole("button", { name: "Save changes" }).and(page.locator(":enabled")).count()).toBe(0);
      await screenshot(page, "red11-other-office-contract-edit", false);
    } finally {
      await context.close();
    }
  });
});
