/* Guarantees 4 and 6: WebSocket budgets, HTTP rate limit, login throttle; helmet/CSP, body limit, search caps, deactivation closes sockets. */
import WebSocket from "ws";
import { beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/server-process.js";
import { boot, gql, noInternals, post, rawSocket, signIn, PASSWORD } from "./support.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bareSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", { headers });
  const closed = new Promise<number>((r) => ws.on("close", (c) => r(c)));
  ws.on("error", () => {});
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, closed }));
    ws.once("error", reject);
    ws.once("unexpected-response", (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}
const withTimeout = <T>(p: Promise<T>, ms: number, what: string) => Promise.race([p, sleep(ms).then(() => { throw new Error(`${what}: nothing within ${ms} ms`); })]);

describe("WebSocket budgets", () => {
  let server: ServerProcess;
  let provider: string;
  beforeAll(async () => {
    server = await boot({ WS_INIT_TIMEOUT_MS: "1000", WS_CONNECTIONS_PER_USER: "3", WS_CONNECTS_PER_MINUTE: "30", WS_SUBSCRIBE_BURST: "10", WS_SUBSCRIBES_PER_SECOND: "2", WS_MAX_PAYLOAD_BYTES: "8192" });
    provider = await signIn(server.url, "provider-b@demo.example");
  });

  it("no connection_init: closed 4408 within the timeout", async () => {
    const { closed } = await bareSocket(server.url);
    expect(await withTimeout(closed, 6000, "init timeout")).toBe(4408);
  });
  it("connection_init without or with a bad token is refused", async () => {
    for (const payload of [{}, { authorization: "Bearer nope" }, { authorization: `Bearer ${provider}x` }]) {
      const { ws, closed } = await bareSocket(server.url);
      ws.send(JSON.stringify({ type: "connection_init", payload }));
      const code = await withTimeout(closed, 6000, "bad init");
      expect(code).not.toBe(1000);
    }
  });
  it("a message over maxPayload closes with 1009", async () => {
    const s = await rawSocket(server.url, provider);
    s.send({ id: "1", type: "subscribe", payload: { query: "subscription{returnChanged(officeId:1){seq}}", variables: { x: "a".repeat(10_000) } } });
    expect((await withTimeout(s.closed, 6000, "maxPayload")).code).toBe(1009);
  });
  it("a message flood closes with 4029", async () => {
    const s = await rawSocket(server.url, provider);
    for (let i = 0; i < 200; i++) s.send({ id: `p${i}`, type: "subscribe", payload: { query: "subscription{returnChanged(officeId:1){seq}}" } });
    expect((await withTimeout(s.closed, 8000, "flood")).code).toBe(4029);
  });
  it("pings and junk frames also spend the bucket", async () => {
    const s = await rawSocket(server.url, provider);
    for (let i = 0; i < 200; i++) s.send(i % 2 ? { type: "ping" } : "not json at all");
    const c = await withTimeout(s.closed, 8000, "ping flood");
    expect([4029, 4400]).toContain(c.code);
  });
  it("more sockets than the per-user budget: the extra one is closed 4030", async () => {
    await sleep(500);
    const open: Awaited<ReturnType<typeof rawSocket>>[] = [];
    let refusedCode: number | null = null;
    for (let i = 0; i < 5 && refusedCode === null; i++) {
      try {
        const s = await rawSocket(server.url, provider);
        open.push(s);
        const c = await Promise.race([s.closed, sleep(300).then(() => null)]);
        if (c) refusedCode = c.code;
      } catch (e) {
        const m = /closed (\d+)/.exec(String(e));
        refusedCode = m ? Number(m[1]) : -1;
      }
    }
    for (const s of open) s.socket.close();
    expect(refusedCode).toBe(4030);
  });
  it("a foreign Origin is refused", async () => {
    const r = await bareSocket(server.url, { origin: "https://evil.example" }).then(
      async ({ ws, closed }) => {
        ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${provider}` } }));
        const acked = await new Promise<boolean>((res) => {
          ws.on("message", (d) => res(JSON.parse(String(d)).type === "connection_ack"));
          closed.then(() => res(false));
          setTimeout(() => res(false), 3000);
        });
        ws.close();
        return acked;
      },
      () => false,
    );
    expect(r, "socket from https://evil.example was acknowledged").toBe(false);
  });
});

describe("HTTP budgets and hardening", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await boot({ RATE_LIMIT_PER_MINUTE: "400", LOGIN_MAX_FAILURES: "3", LOGIN_LOCK_SECONDS: "30" });
  });

  it("login throttle: locked, unknown and wrong give the same answer; case/space variants are the same account", async () => {
    const login = (e: string, p: string) => gql(server.url, null, "mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}", { e, p });
    const strip = (r: Awaited<ReturnType<typeof login>>) => JSON.stringify({ s: r.status, e: r.errors?.map((x) => [x.message, x.extensions?.code]), d: r.data });
    const wrong = strip(await login("officer@durham.demo.example", "wrong-1"));
    const unknown = strip(await login("nobody-at-all@demo.example", "wrong-1"));
    expect(unknown).toBe(wrong);
    for (let i = 2; i <= 4; i++) await login("officer@durham.demo.example", `wrong-${i}`);
    const locked = strip(await login("officer@durham.demo.example", PASSWORD));
    expect(locked, "the right password logged in during the lock").toBe(wrong);
    for (const variant of ["OFFICER@durham.demo.example", " officer@durham.demo.example", "officer@durham.demo.example ", "officer@DURHAM.demo.example", "officer@durham.demo.example\u0000"]) {
      const r = await login(variant, PASSWORD);
      expect(r.data?.login?.token, `variant ${JSON.stringify(variant)} bypassed the lock`).toBeUndefined();
    }
  });

  it("helmet headers and CSP on every kind of response", async () => {
    const responses = [
      await fetch(`${server.url}/`),
      await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{bad" }),
      await fetch(`${server.url}/open/wiltshire`),
      await fetch(`${server.url}/open/wiltshire/ocds.json`),
      await fetch(`${server.url}/no/such/path`),
      await fetch(`${server.url}/healthz`),
    ];
    for (const r of responses) {
      expect(r.headers.get("x-content-type-options"), r.url).toBe("nosniff");
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, r.url).toMatch(/frame-ancestors 'none'|default-src 'none'/);
      expect(csp, r.url).not.toMatch(/script-src[^;]*('unsafe-inline'|'unsafe-eval'|\*)/);
      expect(r.headers.get("x-powered-by"), r.url).toBeNull();
    }
  });

  it("a body over the limit is 413 before it is read; search is capped and literal", async () => {
    const officer = await signIn(server.url, "officer@wiltshire.demo.example");
    const big = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${officer}`, "content-length": String(13 * 1024 * 1024) }, body: Buffer.alloc(13 * 1024 * 1024, 0x20) }).catch((e) => ({ status: String(e) }));
    expect([413, 429]).toContain((big as { status: number }).status);
    for (const [search, ok] of [["%", true], ["_", true], ["a".repeat(101), false], ["' OR 1=1 --", true], ["\\", true]] as const) {
      const r = await gql(server.url, officer, "query($s:String){providers(search:$s,first:100){totalCount items{name}}}", { s: search });
      noInternals(JSON.stringify(r));
      if (!ok) expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      else {
        expect(r.errors, JSON.stringify(r)).toBeUndefined();
        for (const p of r.data.providers.items) expect(p.name.toLowerCase()).toContain(search.toLowerCase());
      }
    }
  });

  it("the work-charged rate limit answers 429 with Retry-After", async () => {
    const provider = await signIn(server.url, "provider-a@demo.example");
    let limited: Response | null = null;
    for (let i = 0; i < 600 && !limited; i++) {
      const r = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${provider}` }, body: JSON.stringify({ query: `{me{id}} #${"x".repeat(16_000)}` }) });
      await r.text();
      if (r.status === 429) limited = r;
    }
    expect(limited, "never rate limited").not.toBeNull();
    expect(limited!.headers.get("retry-after")).toBeTruthy();
  });
});

describe("deactivating a user closes their sockets at once", () => {
  let server: ServerProcess;
  let admin: string;
  let officer: string;
  beforeAll(async () => {
    server = await boot();
    admin = await signIn(server.url, "admin@demo.example");
    officer = await signIn(server.url, "officer@wiltshire.demo.example");
  });
  async function deactivate(token: string): Promise<void> {
    const me = await gql(server.url, token, "{me{id version}}");
    const u = await gql(server.url, admin, "mutation($id:Int!,$v:Int!){updateUser(id:$id,version:$v,input:{active:false}){id active}}", { id: me.data.me.id, v: me.data.me.version });
    expect(u.errors, JSON.stringify(u)).toBeUndefined();
  }

  it("an admin deactivates provider-b: its open socket closes within 2 s", async () => {
    const pb = await signIn(server.url, "provider-b@demo.example");
    const s = await rawSocket(server.url, pb);
    s.send({ id: "1", type: "subscribe", payload: { query: "subscription{returnChanged(officeId:1){seq}}" } });
    await sleep(300);
    await deactivate(pb);
    const after = await gql(server.url, pb, "{contracts{totalCount}}");
    expect(after.data?.contracts, "HTTP still serves the deactivated user").toBeFalsy();
    const c = await withTimeout(s.closed, 2000, "socket of a deactivated user");
    expect(c.code).not.toBe(1000);
  });

  it("a deactivated provider's socket receives no further event about its own returns", async () => {
    const pa = await signIn(server.url, "provider-a@demo.example");
    const mine = await gql(server.url, pa, "{returns(first:100,state:ACCEPTED){items{id version period{office{id}}}}}");
    const target = mine.data.returns.items.find((r: { period: { office: { id: number } } }) => r.period.office.id === 1);
    const s = await rawSocket(server.url, pa);
    s.send({ id: "1", type: "subscribe", payload: { query: "subscription{returnChanged(officeId:1){seq returnId state performanceReturn{id reviewReason}}}" } });
    const control = await rawSocket(server.url, officer);
    control.send({ id: "1", type: "subscribe", payload: { query: "subscription{returnChanged(officeId:1){seq returnId}}" } });
    await sleep(300);
    await deactivate(pa);
    await sleep(200);
    const r = await gql(server.url, officer, "mutation($id:Int!,$v:Int!){reopenReturn(id:$id,version:$v,reason:\"Correction needed after deactivation\"){id state}}", { id: target.id, v: target.version });
    expect(r.errors, JSON.stringify(r)).toBeUndefined();
    await sleep(1500);
    expect(control.messages.some((m) => m.type === "next" && m.payload?.data?.returnChanged?.returnId === target.id), "control officer got no event: the test proves nothing").toBe(true);
    control.socket.close();
    const got = s.messages.filter((m) => m.type === "next" && m.payload?.data);
    expect(got, `deactivated user received ${JSON.stringify(got).slice(0, 300)}`).toEqual([]);
    s.socket.close();
  });
});
