import type { Socket } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { User } from "../../server/modules/users/user.entity.js";
import { accessibilityViolations, browserAvailable, screenshot, startE2E, type E2E } from "./browser.js";

const PASSWORD = "demo-password-2026";

// The default one-second poll is too short for a first page load on a busy two-core machine.
vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

const ADMIN = "admin@demo.example";
const OFFICER = "officer@wiltshire.demo.example";

async function signInThroughForm(page: Page, email: string): Promise<void> {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

function searchParams(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

describe.skipIf(!browserAvailable())("dashboard shell", () => {
  let e2e: E2E;
  // Every WebSocket the server accepts, so a test can cut them all as a network drop would.
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    e2e = await startE2E();
    e2e.server.app.httpServer.on("upgrade", (_request, socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("signing in through the form lands each role on its home, and signing out returns to /", async () => {
    const homes: [string, string, RegExp][] = [
      ["commissioner@wiltshire.demo.example", "/board", /Demo Commissioner/],
      [OFFICER, "/board", /Demo Commissioning Officer/],
      [ADMIN, "/board", /Demo Administrator/],
      ["provider-a@demo.example", "/provider", /Demo Provider A/],
      ["analyst@wiltshire.demo.example", "/explorer", /Demo Panel Analyst/],
    ];
    const { context, page } = await e2e.open(null, "/");
    try {
      await expect.poll(() => page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
      await screenshot(page, "shell-sign-in");
      expect(await accessibilityViolations(page)).toEqual([]);

      for (const [email, home, name] of homes) {
        await signInThroughForm(page, email);
        await expect.poll(() => new URL(page.url()).pathname).toBe(home);
        await expect.poll(() => page.locator(".site-header").innerText()).toMatch(name);
        await page.getByRole("button", { name: "Sign out" }).click();
        await expect.poll(() => new URL(page.url()).pathname).toBe("/");
        await expect.poll(() => page.getByRole("status").filter({ hasText: "You have signed out" }).count()).toBe(1);
      }
    } finally {
      await context.close();
    }
  });

  test("signing out just as the quarters arrive stays signed out at /: the board's default quarter does not pull the address back", async () => {
    // The worst moment to sign out: the quarters have just been drawn into the picker and the picker has not yet
    // written its default quarter into the address. A MutationObserver fires in that gap (after the DOM changes,
    // before React's effects run) and presses Sign out there, every time rather than one run in many.
    const { context, page } = await e2e.open(null, "/");
    try {
      await page.evaluate(() => {
        const observer = new MutationObserver(() => {
          const quarter = document.querySelector('.picker select option:not([value=""])');
          const button = [...document.querySelectorAll<HTMLButtonElement>(".site-header button")].find((b) => b.textContent?.trim() === "Sign out");
          if (!quarter || !button || new URLSearchParams(location.search).has("quarter")) return;
          observer.disconnect();
          (window as unknown as { signedOutAt: string }).signedOutAt = location.pathname + location.search;
          button.click();
        });
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
      });
      await signInThroughForm(page, OFFICER);
      await expect.poll(() => page.evaluate(() => (window as unknown as { signedOutAt?: string }).signedOutAt ?? null)).toBe("/board");
      await expect.poll(() => page.getByRole("status").filter({ hasText: "You have signed out" }).count()).toBe(1);
      // Past the picker's effects and any answer still on its way: nothing may write the board's address now.
      await page.waitForLoadState("networkidle");
      expect(new URL(page.url()).pathname).toBe("/");
      expect(new URL(page.url()).search).toBe("");
      expect(await page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  test("a deep link opened while signed out asks for sign-in, then opens where it pointed", async () => {
    const { context, page } = await e2e.open(null, "/returns?office=1&quarter=3");
    try {
      await signInThroughForm(page, OFFICER);
      await expect.poll(() => page.getByRole("link", { name: "Returns", exact: true }).getAttribute("aria-current")).toBe("page");
      expect(new URL(page.url()).pathname).toBe("/returns");
      expect(searchParams(page).get("quarter")).toBe("3");
      // A role's page it may not use says so rather than failing.
      await page.goto(e2e.server.url + "/provider");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("This page is not part of your role");
      // The server hands deep links to the app rather than answering 404.
      const response = await page.goto(e2e.server.url + "/provider/returns/3/7");
      expect(response?.status()).toBe(200);
      expect(await response?.headerValue("content-type")).toMatch(/text\/html/);
      // ...but not for the API, the health check, GraphiQL or a missing asset.
      const base = e2e.server.url;
      expect((await fetch(`${base}/healthz`)).headers.get("content-type")).toMatch(/json/);
      expect(await (await fetch(`${base}/graphiql/`)).text()).toMatch(/GraphiQL|graphiql/);
      expect((await fetch(`${base}/assets/no-such-file.js`)).status).toBe(404);
      expect((await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ me { id } }" }) })).headers.get("content-type")).toMatch(/json/);
    } finally {
      await context.close();
    }
  });

  test("the office and quarter pickers write to the URL, and the copied URL opens the same selection", async () => {
    const { context, page } = await e2e.open(ADMIN, "/board");
    try {
      const office = page.getByLabel("Office", { exact: true });
      const quarter = page.getByLabel("Quarter", { exact: true });
      // Defaults: the oldest office, and its newest quarter with returns in it (the open 2024-25 Q1, under review), written to the URL.
      await expect.poll(() => searchParams(page).get("office")).toBe("1");
      await expect.poll(() => searchParams(page).get("quarter")).toBe("5");
      await expect.poll(() => quarter.locator("option:checked").innerText()).toMatch(/^2024-25 Q1/);
      const historyLength = await page.evaluate(() => history.length);

      await quarter.selectOption({ label: "2023-24 Q2 (closed)" });
      await expect.poll(() => searchParams(page).get("quarter")).toBe("2");
      // Replaced, not pushed: Back leaves the board rather than stepping through picker choices.
      expect(await page.evaluate(() => history.length)).toBe(historyLength);

      // The nav carries the selection to the other views.
      await expect.poll(() => page.getByRole("link", { name: "Returns", exact: true }).getAttribute("href")).toBe("/returns?office=1&quarter=2");
      await expect.poll(() => page.getByRole("link", { name: "Review board" }).getAttribute("aria-current")).toBe("page");
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      await screenshot(page, "shell-layout", false);
      expect(await accessibilityViolations(page)).toEqual([]);

      const copied = page.url();
      const second = await e2e.open(ADMIN, new URL(copied).pathname + new URL(copied).search);
      try {
        await expect.poll(() => second.page.getByLabel("Quarter", { exact: true }).locator("option:checked").innerText()).toMatch(/^2023-24 Q2/);
        expect(await second.page.getByLabel("Office", { exact: true }).locator("option:checked").innerText()).toBe("Wiltshire & Swindon");
        expect(second.page.url()).toBe(copied);
      } finally {
        await second.context.close();
      }

      // Another office: its own quarters; the old quarter id does not follow.
      const dorset = await office.locator("option", { hasText: "Dorset" }).getAttribute("value");
      await office.selectOption({ label: "Dorset" });
      await expect.poll(() => searchParams(page).get("office")).toBe(dorset);
      // Dorset's own newest quarter with returns (the demo gives every office quarters), never Wiltshire's id.
      await expect.poll(() => quarter.locator("option:checked").innerText()).toMatch(/^2019-20 Q4/);
      expect(searchParams(page).get("quarter")).not.toBe("2");
    } finally {
      await context.close();
    }
  });

  test("an officer has no office picker and starts on the newest quarter with returns", async () => {
    const { context, page } = await e2e.open(OFFICER, "/board", { viewport: { width: 375, height: 800 } });
    try {
      await expect.poll(() => searchParams(page).get("quarter")).toBe("5");
      expect(await page.getByLabel("Office", { exact: true }).count()).toBe(0);
      // The shell's own parts fit a 375 px phone (the view below is its engineer's to check).
      const widest = await page.evaluate(() =>
        Math.max(...[...document.querySelectorAll(".site-header *, .toolbar *, .site-footer *")].map((el) => el.getBoundingClientRect().right)),
      );
      expect(widest).toBeLessThanOrEqual(375);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      await screenshot(page, "shell-layout-mobile", false);
    } finally {
      await context.close();
    }
  });

  test("the connection indicator shows Live, Reconnecting after the socket drops, then Resynced", async () => {
    const { context, page } = await e2e.open(OFFICER, "/board");
    try {
      const indicator = page.getByRole("status").filter({ hasText: "Connection:" });
      await expect.poll(() => indicator.count()).toBe(1);
      const status = indicator.locator(".connection-status__text");
      await expect.poll(() => status.innerText(), { timeout: 10_000 }).toBe("Live");
      expect(sockets.size).toBeGreaterThan(0);

      for (const socket of sockets) socket.destroy();
      await expect.poll(() => status.innerText(), { timeout: 5_000, interval: 50 }).toMatch(/Reconnecting/);
      await screenshot(page, "shell-reconnecting", false);
      await expect.poll(() => status.innerText(), { timeout: 15_000 }).toBe("Resynced");
      // "Resynced" settles back to "Live" after about five seconds.
      await expect.poll(() => status.innerText(), { timeout: 10_000 }).toBe("Live");

      // The browser going offline drops the socket at once rather than waiting for TCP to notice.
      await context.setOffline(true);
      await expect.poll(() => status.innerText(), { timeout: 5_000, interval: 50 }).toMatch(/Reconnecting/);
      await context.setOffline(false);
      await expect.poll(() => status.innerText(), { timeout: 15_000 }).toMatch(/Resynced/);
    } finally {
      await context.close();
    }
  });

  test("after a reconnection, live subscriptions resubscribe with `since` and receive what they missed", async () => {
    const submitted = await e2e.server.run<{ returns: { items: { id: number; version: number }[] } }>(
      OFFICER,
      `query { returns(periodId: 5, state: SUBMITTED, first: 2) { items { id version } } }`,
    );
    const [first, second] = submitted.data!.returns.items;
    expect(second).toBeDefined();

    const { context, page } = await e2e.open(OFFICER, "/board?office=1&quarter=5");
    // graphql-ws frames: what the page asks for, and the returnChanged events it receives.
    const subscribes: { since?: number; officeId?: number }[] = [];
    const received: number[] = [];
    page.on("websocket", (socket) => {
      socket.on("framesent", ({ payload }) => {
        const message = JSON.parse(String(payload));
        if (message.type === "subscribe" && String(message.payload.query).includes("returnChanged")) subscribes.push(message.payload.variables ?? {});
      });
      socket.on("framereceived", ({ payload }) => {
        const message = JSON.parse(String(payload));
        const event = message.type === "next" ? message.payload?.data?.returnChanged : undefined;
        if (event) received.push(event.seq);
      });
    });
    try {
      const status = page.locator(".connection-status__text");
      await expect.poll(() => status.innerText(), { timeout: 10_000 }).toBe("Live");
      await expect.poll(() => subscribes.length).toBeGreaterThan(0);
      expect(subscribes[0]!.since).toBeUndefined();

      const accept = `mutation ($id: Int!, $version: Int!) { acceptReturn(id: $id, version: $version) { id } }`;
      expect((await e2e.server.run(OFFICER, accept, { id: first!.id, version: first!.version })).errors).toBeUndefined();
      await expect.poll(() => received.length).toBe(1);
      const seen = received[0]!;

      // Drop the socket, and change something while the page cannot hear about it.
      for (const socket of sockets) socket.destroy();
      await expect.poll(() => status.innerText(), { interval: 20 }).toMatch(/Reconnecting/);
      expect((await e2e.server.run(OFFICER, accept, { id: second!.id, version: second!.version })).errors).toBeUndefined();

      await expect.poll(() => status.innerText(), { timeout: 15_000 }).toBe("Resynced");
      await expect.poll(() => subscribes.some((variables) => variables.since === seen)).toBe(true);
      // The event published while the socket was down arrives, replayed by the server.
      await expect.poll(() => received.filter((seq) => seq > seen).length).toBeGreaterThanOrEqual(1);
    } finally {
      await context.close();
    }
  });

  test("a token the API no longer accepts shows the sign-in page with 'Your session has ended'", async () => {
    const { context, page } = await e2e.open(ADMIN, "/board");
    const users = e2e.server.services.db.manager;
    try {
      await expect.poll(() => searchParams(page).get("quarter")).toBe("5");
      // Revoke every token of the account, then make the page ask the API something new.
      await users.increment(User, { email: ADMIN }, "tokenVersion", 1);
      // Written behind the API's back, so the server's short-lived cache of signed-in users is told by hand.
      e2e.server.services.users.forget([(await users.findOneByOrFail(User, { email: ADMIN })).id]);
      // (A view's own refetch may get there first; either way the next request is refused.)
      await page
        .getByLabel("Office", { exact: true })
        .selectOption({ label: "Durham" }, { timeout: 2_000 })
        .catch(() => undefined);
      await expect.poll(() => page.getByRole("status").filter({ hasText: "Your session has ended" }).count()).toBe(1);
      expect(await page.getByLabel("Email address").isVisible()).toBe(true);
      expect(await page.evaluate(() => localStorage.getItem("ch.token"))).toBeNull();
    } finally {
      await users.decrement(User, { email: ADMIN }, "tokenVersion", 1);
      e2e.server.services.users.forget([(await users.findOneByOrFail(User, { email: ADMIN })).id]);
      await context.close();
    }
  });
});
