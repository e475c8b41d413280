import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startTestServer, type TestServer } from "../api/harness.js";

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARTIFACTS = path.resolve("test/artifacts");

/** Whether a real browser can run here. CI must have one (.ci/run installs it); elsewhere the tests skip with a message. */
export function browserAvailable(): boolean {
  const found = fs.existsSync(CHROMIUM);
  if (!found && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}; CI requires the browser tests to run.`);
  if (!found) console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`);
  if (found && !fs.existsSync(path.resolve("dashboard/dist/index.html"))) throw new Error("The dashboard is not built: run `npm run build:dashboard` (npm test does it first).");
  return found;
}

export interface E2E {
  server: TestServer;
  browser: Browser;
  /** A fresh browser context signed in as the given demo user (or signed out for null). */
  open(as: string | null, urlPath?: string, options?: { viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  const server = await startTestServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    server,
    browser,
    async open(as, urlPath = "/", options = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 } });
      if (as) {
        const token = await server.tokenFor(as);
        await context.addInitScript((t) => window.localStorage.setItem("ch.token", t), token);
      }
      const page = await context.newPage();
      page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
      await page.goto(server.url + urlPath);
      return { context, page };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Saves a screenshot under test/artifacts/ so people can look at what users see. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.2 AA rules). */
export async function accessibilityViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: number }[]> {
  const source = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  // Evaluated through DevTools rather than added as an inline <script>, which the Content Security Policy refuses.
  await page.evaluate(source);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } });
  });
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
}
