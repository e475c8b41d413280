/*
 * red11 (outside tester, issue 11, part 3): at 375 px no view scrolls sideways — on EVERY route, for EVERY role
 * (including routes a role was not meant to open), and axe-core finds no serious or critical violation on any of them.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "../e2e/browser.js";

const PHONE = { width: 375, height: 812 };
const ROLES: Record<string, string> = {
  admin: "admin@demo.example",
  commissioner: "commissioner@wiltshire.demo.example",
  officer: "officer@wiltshire.demo.example",
  analyst: "analyst@wiltshire.demo.example",
  provider: "provider-b@demo.example",
};
const ROUTES = [
  "/board?quarter=4",
  "/board/present?quarter=4",
  "/returns?quarter=4",
  "/returns?quarter=5",
  "/provider",
  "/provider/returns/8/4",
  "/explorer?quarter=4",
  "/benchmarks",
  "/notifications",
  "/contracts",
  "/contracts/new",
  "/contracts/1",
  "/contracts/1/edit",
  "/money",
  "/quarters",
  "/briefs",
  "/decisions",
  "/risks",
  "/plans",
  "/users",
  "/providers",
  "/offices",
  "/no-such-page",
];

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.locator("main, h1, [role=main]").first().waitFor({ timeout: 15_000 }).catch(() => undefined);
  await page
    .waitForFunction(() => !Array.from(document.querySelectorAll("[role=status]")).some((el) => /Loading|Checking/.test(el.textContent ?? "")), undefined, { timeout: 15_000 })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}

/** What sticks out beyond the viewport: the widest offenders, for the report. */
function offenders(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: { w: number; d: string }[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("body *"))) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && r.width > 0) {
        // Only the outermost offender: skip if an ancestor scrolls horizontally by itself.
        let p = el.parentElement;
        let clipped = false;
        while (p && p !== document.body) {
          const s = getComputedStyle(p);
          if (s.overflowX === "auto" || s.overflowX === "scroll" || s.overflowX === "hidden" || s.overflowX === "clip") clipped = true;
          p = p.parentElement;
        }
        if (!clipped) out.push({ w: Math.round(r.right), d: `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""}${el.dataset.testid ? `[${el.dataset.testid}]` : ""}` });
      }
    }
    return out
      .sort((a, b) => b.w - a.w)
      .slice(0, 4)
      .map((o) => `${o.d}→${o.w}`);
  });
}

describe.skipIf(!browserAvailable())("red11: every route, every role, at 375 px", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  for (const [role, email] of Object.entries(ROLES)) {
    test(`${role}: no route scrolls sideways at 375 px and none has a serious/critical axe violation`, async () => {
      const wide: Record<string, string> = {};
      const axe: Record<string, string[]> = {};
      const { context, page } = await e2e.open(email, "/", { viewport: PHONE });
      try {
        for (const route of ROUTES) {
          await page.goto(e2e.server.url + route);
          await settle(page);
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          const slug = route.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "");
          if (width > PHONE.width) {
            wide[route] = `${width}px ${(await offenders(page)).join(" ")}`;
            await screenshot(page, `red11-wide-${role}-${slug}`, false);
          }
          const violations = await accessibilityViolations(page);
          if (violations.length) {
            axe[route] = violations.map((v) => `${v.id}(${v.impact},${v.nodes})`);
            await screenshot(page, `red11-axe-${role}-${slug}`, false);
          }
        }
      } finally {
        await context.close();
      }
      console.log(role, "wide:", JSON.stringify(wide, null, 1), "axe:", JSON.stringify(axe, null, 1));
      expect(wide).toEqual({});
      expect(axe).toEqual({});
    }, 400_000);
  }

  test("signed out: sign-in, transparency pages and an unknown address at 375 px", async () => {
    const wide: Record<string, number> = {};
    const axe: Record<string, string[]> = {};
    const { context, page } = await e2e.open(null, "/", { viewport: PHONE });
    try {
      for (const route of ["/", "/board", "/open/dorset", "/open/wiltshire-swindon", "/open/durham", "/open/nope", "/mail/unsubscribe?token=junk"]) {
        await page.goto(e2e.server.url + route);
        await settle(page);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > PHONE.width) wide[route] = width;
        const violations = await accessibilityViolations(page);
        if (violations.length) axe[route] = violations.map((v) => `${v.id}(${v.impact},${v.nodes})`);
      }
    } finally {
      await context.close();
    }
    expect(wide).toEqual({});
    expect(axe).toEqual({});
  }, 200_000);
});
