import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_PASSWORD } from "../../server/db/seed/demo-users.js";
import { codes, startTestServer, type TestServer } from "./harness.js";
import { rawSocket } from "./raw-ws.js";

const OFFICER = "officer@wiltshire.demo.example";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let wiltshire: number;
beforeAll(async () => {
  server = await startTestServer({
    env: {
      WS_SUBSCRIBE_BURST: "10",
      WS_SUBSCRIBES_PER_SECOND: "1",
      WS_CONNECTIONS_PER_USER: "3",
      WS_CONNECTS_PER_MINUTE: "6",
      WS_INIT_TIMEOUT_MS: "300",
      LOGIN_MAX_FAILURES: "3",
      LOGIN_LOCK_SECONDS: "1",
      RATE_LIMIT_PER_MINUTE: "300",
    },
  });
  wiltshire = ((await server.run<any>(OFFICER, "{ me { office { id } } }")).data as any).me.office.id;
});
afterAll(async () => server?.close());

async function post(as: string | null, body: unknown) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(as ? { authorization: `Bearer ${await server.tokenFor(as)}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe("WebSocket budgets", () => {
  it("closes a socket that floods subscribe messages with 4029, while another user's sockets and requests still answer", async () => {
    const bystander = await rawSocket(server.url, await server.tokenFor(OFFICER));
    const flooder = await rawSocket(server.url, await server.tokenFor("officer@dorset.demo.example"));
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: seq`).join(" ");
    const flood = (async () => {
      for (let i = 0; i < 2000 && flooder.socket.readyState === flooder.socket.OPEN; i++) {
        flooder.send({ id: `f${i}`, type: "subscribe", payload: { query: `subscription { returnChanged(officeId: 1) { seq } }` } });
        if (i % 50 === 0) await sleep(0);
      }
    })();
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(OFFICER, { query: "{ me { id } contracts(first: 5) { totalCount } }" })));
    await flood;
    const closed = await flooder.closed;
    expect(closed).toEqual({ code: 4029, reason: "Too many messages" });
    // No more than the bucket's worth was answered before the close.
    expect(flooder.messages.filter((m) => m.id?.startsWith("f")).length).toBeLessThanOrEqual(11);
    expect(answers.map((a) => [a.status, a.body.errors])).toEqual(answers.map(() => [200, undefined]));
    bystander.send({ id: "b", type: "subscribe", payload: { query: `subscription { returnChanged(officeId: ${wiltshire}) { ${aliases} } }` } });
    const answer = await bystander.next((m) => m.id === "b");
    expect(answer.payload[0].extensions.code).toBe("QUERY_TOO_COMPLEX"); // answered, not closed
    expect(bystander.socket.readyState).toBe(bystander.socket.OPEN);
    bystander.socket.close();
  });

  it("caps the connections one user holds at once (4030), without touching other users", async () => {
    const token = await server.tokenFor("commissioner@wiltshire.demo.example");
    const open = [await rawSocket(server.url, token), await rawSocket(server.url, token), await rawSocket(server.url, token)];
    await expect(rawSocket(server.url, token)).rejects.toThrow(/closed 4030 At most 3 connections per user/);
    const other = await rawSocket(server.url, await server.tokenFor("analyst@wiltshire.demo.example"));
    expect(other.socket.readyState).toBe(other.socket.OPEN);
    open[0].socket.close();
    await open[0].closed;
    await sleep(50);
    const again = await rawSocket(server.url, token); // a place was freed
    for (const s of [...open, other, again]) s.socket.close();
  });

  it("limits how often one user may open connections (4031)", async () => {
    const token = await server.tokenFor("officer@durham.demo.example");
    for (let i = 0; i < 6; i++) {
      const s = await rawSocket(server.url, token);
      s.socket.close();
      await s.closed;
    }
    await expect(rawSocket(server.url, token)).rejects.toThrow(/closed 4031 Too many connections opened/);
  });

  it("closes a socket that never sends connection_init (4408) and one that sends an oversized message (1009) without logging a stack", async () => {
    const silent = await rawSocket(server.url, null, { init: false });
    expect((await silent.closed).code).toBe(4408);
    const logged = vi.spyOn(console, "error");
    try {
      const big = await rawSocket(server.url, await server.tokenFor("provider-b@demo.example"));
      big.send({ id: "x", type: "subscribe", payload: { query: "subscription { returnChanged(officeId: 1) { seq } }", variables: { pad: "x".repeat(200 * 1024) } } });
      expect((await big.closed).code).toBe(1009);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});

describe("WebSocket upgrades per address", () => {
  it("refuses upgrades past the per-address budget with HTTP 429, held back rather than answered at once", async () => {
    const small = await startTestServer({ seed: false, env: { WS_UPGRADES_PER_MINUTE: "3" } });
    try {
      const { default: WebSocket } = await import("ws");
      const upgrade = () =>
        new Promise<{ status: number; ms: number }>((resolve) => {
          const started = performance.now();
          const socket = new WebSocket(small.url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
          socket.on("open", () => (socket.close(), resolve({ status: 101, ms: performance.now() - started })));
          socket.on("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
          socket.on("error", () => {});
        });
      const answers = [await upgrade(), await upgrade(), await upgrade(), await upgrade()];
      expect(answers.map((a) => a.status)).toEqual([101, 101, 101, 429]);
      expect(answers[3].ms).toBeGreaterThan(900);
    } finally {
      await small.close();
    }
  });
});

describe("HTTP budgets charge by work", () => {
  it("a client sending expensive refusals runs out of budget (429) long before one sending small requests, and others still answer", async () => {
    const tenThousandAliases = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: me { id }`).join(" ")} }`;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await post("provider-a@demo.example", { query: tenThousandAliases })).status);
    const firstLimited = statuses.indexOf(429);
    // Each costs 1 + 14 (its 227 KB) + 5 (refused) points of 300: about 15 get an answer, not 300.
    expect(firstLimited).toBeGreaterThan(5);
    expect(firstLimited).toBeLessThan(25);
    expect(statuses.slice(0, firstLimited).every((s) => s === 400)).toBe(true);
    const limited = await post("provider-a@demo.example", { query: "{ me { id } }" });
    expect([limited.status, codes(limited.body as never)]).toEqual([429, ["TOO_MANY_REQUESTS"]]);
    // Another user, from the same address, is charged to their own budget.
    const other = await post(OFFICER, { query: "{ me { id } }" });
    expect([other.status, other.body.errors]).toEqual([200, undefined]);
  });
});

describe("the login throttle", () => {
  const login = (email: string, password: string) =>
    post(null, { query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", variables: { e: email, p: password } });

  it("locks an account after repeated wrong passwords, with the same answer as unknown or wrong, and backs off", async () => {
    const account = "analyst@wiltshire.demo.example";
    const wrong = await login(account, "not-the-password-1");
    expect(codes(wrong.body as never)).toEqual(["UNAUTHENTICATED"]);
    await login(account, "not-the-password-2");
    await login(account, "not-the-password-3");
    // Locked: even the right password gets exactly the answer a wrong one gets.
    const locked = await login(account, DEMO_PASSWORD);
    const unknown = await login("nobody@demo.example", DEMO_PASSWORD);
    expect(locked.body).toEqual(wrong.body);
    expect(unknown.body).toEqual(wrong.body);
    await sleep(1100); // first lock: 1 s
    expect((await login(account, DEMO_PASSWORD)).body.data?.login.token).toEqual(expect.any(String));
    for (let i = 0; i < 3; i++) await login(account, `wrong-again-${i}-xx`);
    await sleep(1100); // second lock that day: 2 s
    expect((await login(account, DEMO_PASSWORD)).body).toEqual(wrong.body);
    await sleep(1000);
    expect((await login(account, DEMO_PASSWORD)).body.data?.login.token).toEqual(expect.any(String));
  });

  it("the right password on the last allowed attempt signs in and does not count as a lock: the next lock that day is still the first, 1 s", async () => {
    const account = "commissioner@wiltshire.demo.example";
    await login(account, "not-the-password-1");
    await login(account, "not-the-password-2");
    expect((await login(account, DEMO_PASSWORD)).body.data?.login.token).toEqual(expect.any(String));
    for (let i = 0; i < 3; i++) await login(account, `wrong-later-${i}-xx`);
    expect((await login(account, DEMO_PASSWORD)).body.data?.login).toBeUndefined();
    await sleep(1100); // had the sign-in counted as a lock, this one would be the second of the day: 2 s
    expect((await login(account, DEMO_PASSWORD)).body.data?.login.token).toEqual(expect.any(String));
  });

  it("throttles unknown accounts like known ones", async () => {
    for (let i = 0; i < 3; i++) await login("ghost@demo.example", "some-password-123");
    const throttle = (await import("../../server/security/budgets.js")).budgetsFor(server.services).logins;
    expect(await throttle.isLocked("ghost@demo.example")).toBe(true);
    expect(await throttle.isLocked("officer@wiltshire.demo.example")).toBe(false);
  });
});
