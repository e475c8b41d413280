import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { User } from "../../server/modules/users/user.entity.js";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

const PROVIDER_B = "provider-b@demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const ADMIN = "admin@demo.example";

describe.skipIf(!browserAvailable())("notifications in the dashboard", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    // The demo's open quarters are due after the day it was seeded; made ten days late here, the schedule chases
    // their missing and draft returns, so provider B starts with notifications (and the outbox with rows).
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    await e2e.server.services.writer.dataSource.query("UPDATE reporting_period SET dueDate = ? WHERE state = 'OPEN'", [tenDaysAgo]);
    await e2e.server.services.mail.runSchedule();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const unreadIn = async (page: import("playwright-core").Page) => Number.parseInt((await page.getByTestId("unread-count").textContent({ timeout: 5000 }).catch(() => "0")) ?? "0", 10);

  test("a provider's list and unread count update live when the office sends a return back, and marking read lowers the count", async () => {
    const m = e2e.server.services.db.manager;
    const b = await m.findOneByOrFail(User, { email: PROVIDER_B });
    const contracts = await m.findBy(Contract, { providerId: b.providerId! });
    const ret = await m.findOneOrFail(PerformanceReturn, { where: contracts.map((c) => ({ contractId: c.id, state: ReturnState.SUBMITTED })), order: { id: "ASC" } });

    const { context, page } = await e2e.open(PROVIDER_B, "/notifications");
    try {
      await expect.poll(() => page.getByRole("heading", { name: /Your notifications/ }).isVisible()).toBe(true);
      await expect.poll(() => page.locator(".connection-status").getAttribute("data-state")).toBe("live");
      const before = await unreadIn(page);
      expect(before).toBeGreaterThan(0);
      await expect.poll(() => page.getByRole("link", { name: new RegExp(`^Notifications\\s*${before} unread$`) }).isVisible()).toBe(true);

      const sent = await e2e.server.run(OFFICER, "mutation($id: Int!, $v: Int!) { sendBackReturn(id: $id, version: $v, reason: \"Please add this quarter's case study.\") { id } }", { id: ret.id, v: ret.version });
      expect(sent.errors).toBeUndefined();
      await expect.poll(() => unreadIn(page)).toBe(before + 1);
      const first = page.getByTestId("notification").first();
      await expect.poll(() => first.innerText()).toContain("Sent back");
      await expect.poll(() => first.innerText()).toContain("Please add this quarter's case study.");

      await screenshot(page, "notifications-provider-1440");
      expect(await accessibilityViolations(page)).toEqual([]);

      await first.getByRole("button", { name: /Mark as read/ }).click();
      await expect.poll(() => unreadIn(page)).toBe(before);
      await expect.poll(() => page.getByTestId("notification").first().innerText()).not.toContain("Unread");

      // The notification links into the return.
      const href = await page.getByTestId("notification").first().getByRole("link").getAttribute("href");
      expect(href).toMatch(/^\/provider\/returns\/\d+\/\d+$/);
    } finally {
      await context.close();
    }
  });

  test("at 375 px the page fits the screen, and passes axe", async () => {
    const { context, page } = await e2e.open(PROVIDER_B, "/notifications", { viewport: { width: 375, height: 800 } });
    try {
      await expect.poll(() => page.getByRole("heading", { name: /Your notifications/ }).isVisible()).toBe(true);
      await expect.poll(() => page.getByRole("heading", { name: "Your mail" }).isVisible()).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await screenshot(page, "notifications-provider-375");
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test("an officer sets the office's schedule; an administrator reads the outbox", async () => {
    const { context, page } = await e2e.open(OFFICER, "/notifications");
    try {
      await expect.poll(() => page.getByRole("heading", { name: "Office reminders" }).isVisible()).toBe(true);
      await page.getByLabel("Remind providers this many days before the due date").fill("21, 7, 2");
      await page.getByRole("button", { name: "Save the schedule" }).click();
      await expect.poll(() => page.getByText("Saved.").isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, "notifications-officer-1440");
    } finally {
      await context.close();
    }
    const admin = await e2e.open(ADMIN, "/notifications");
    try {
      await expect.poll(() => admin.page.getByRole("heading", { name: "Outbox" }).isVisible()).toBe(true);
      await expect.poll(() => admin.page.locator(".outbox-table tbody tr").count()).toBeGreaterThan(0);
      expect(await accessibilityViolations(admin.page)).toEqual([]);
      await screenshot(admin.page, "notifications-admin-outbox-1440");
    } finally {
      await admin.context.close();
    }
    const narrow = await e2e.open(ADMIN, "/notifications", { viewport: { width: 375, height: 800 } });
    try {
      await expect.poll(() => narrow.page.getByRole("heading", { name: "Outbox" }).isVisible()).toBe(true);
      expect(await narrow.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      expect(await accessibilityViolations(narrow.page)).toEqual([]);
      await screenshot(narrow.page, "notifications-admin-outbox-375");
    } finally {
      await narrow.context.close();
    }
  });
});
