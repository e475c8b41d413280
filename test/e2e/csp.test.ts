import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const OFFICER = "officer@wiltshire.demo.example";

/** Every Content Security Policy violation a page (or one of its workers) reports, from the DOM event and the console. */
async function watchViolations(context: BrowserContext, page: Page): Promise<() => Promise<string[]>> {
  const logged: string[] = [];
  const record = (text: string) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|create|frame)/i.test(text)) logged.push(text);
  };
  page.on("console", (message) => record(message.text()));
  page.on("worker", (worker) => worker.on("console", (message) => record(`[worker] ${message.text()}`)));
  const cdp = await context.newCDPSession(page);
  await cdp.send("Log.enable");
  cdp.on("Log.entryAdded", ({ entry }) => record(`[log:${entry.source}] ${entry.text}`));
  return async () => {
    const fromDom = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    return [...fromDom, ...logged];
  };
}

describe.skipIf(!browserAvailable())("the Content Security Policy", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => e2e?.close());

  async function open(urlPath: string) {
    // Opened on a page outside the app, so the init script below runs before the app starts on the real navigation.
    const { context, page } = await e2e.open(null, "/healthz");
    await context.addInitScript((token) => {
      window.localStorage.setItem("ch.token", token);
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    }, await e2e.server.tokenFor(OFFICER));
    const violations = await watchViolations(context, page);
    await page.goto(e2e.server.url + urlPath);
    return { context, page, violations };
  }

  test("the dashboard's board loads, goes live over WebSocket and breaks no rule of the policy", async () => {
    const { context, page, violations } = await open("/board");
    try {
      const response = await page.request.get(e2e.server.url + "/board");
      expect(response.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      const status = page.getByRole("status").filter({ hasText: "Connection:" }).locator(".connection-status__text");
      await expect.poll(() => status.innerText(), { timeout: 15_000 }).toBe("Live");
      await page.waitForLoadState("networkidle");
      await screenshot(page, "csp-board", false);
      expect(await violations()).toEqual([]);
      // The policy does bite, and this watcher sees it: an injected inline script is refused and reported.
      await page.evaluate(() => {
        const script = document.createElement("script");
        script.textContent = "window.__injected = true";
        document.body.append(script);
      });
      await expect.poll(async () => (await violations()).length).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  test("GraphiQL runs under it: Monaco's editors and GraphQL worker (diagnostics), a query's result, no violation", async () => {
    const { context, page, violations } = await open("/graphiql/");
    try {
      const editor = page.locator(".graphiql-query-editor .monaco-editor").first();
      await editor.waitFor({ timeout: 30_000 });
      await editor.click();
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("{ me { email } nosuchfield }");
      // The red squiggle comes from monaco-graphql's worker validating against the schema: the worker runs.
      await page.locator(".graphiql-query-editor .squiggly-error").first().waitFor({ timeout: 30_000 });
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText("{ me { email } }");
      // Monaco may have auto-closed a brace after the cursor: drop whatever follows it, and any suggestion box.
      await page.keyboard.press("Control+Shift+End");
      await page.keyboard.press("Delete");
      await page.keyboard.press("Escape");
      await page.keyboard.press("Control+Enter");
      await expect.poll(() => page.locator(".graphiql-response").innerText(), { timeout: 15_000 }).toMatch(/officer@wiltshire\.demo\.example/);
      await screenshot(page, "csp-graphiql", false);
      expect(await violations()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
