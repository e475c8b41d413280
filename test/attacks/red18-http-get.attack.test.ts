// red18: GraphQL over HTTP GET. Mutations refused, CSRF-style simple requests refused, and every query argument,
// limit and budget answered over GET exactly as over POST.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../api/harness.js";
import { cases, fixture } from "./red18-args-sweep.case.js";
import { ANALYST, codesOf, OFFICER, PA, post, type TestServer } from "./red18-kit.js";

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.close(); });

async function get(as: string | null, params: Record<string, string>, headers: Record<string, string> = { "apollo-require-preflight": "true" }) {
  const u = new URL(`${s.url}/graphql`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  const r = await fetch(u, { headers: { ...(as ? { authorization: `Bearer ${await s.tokenFor(as)}` } : {}), ...headers }, signal: AbortSignal.timeout(20_000) });
  const text = await r.text();
  let body: any = {};
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, data: body.data, errors: body.errors, text, contentType: r.headers.get("content-type") ?? "" };
}
async function providerCount() {
  const r = await post(s, OFFICER, `{ providers(first: 1) { totalCount } }`);
  return r.data.providers.totalCount as number;
}
const CREATE = 'mutation M { createProvider(input: { name: "red18 over GET", type: PRIVATE }) { id } }';

describe("red18 GraphQL over GET", () => {
  it("a GET without a preflight header, and POSTs a browser sends without one, are refused and change nothing", async () => {
    const before = await providerCount();
    const token = await s.tokenFor(OFFICER);
    const answers = [
      await get(OFFICER, { query: "{ me { id } }" }, {}),
      await get(OFFICER, { query: CREATE }, {}),
      await get(OFFICER, { query: "{ me { id } }" }, { "content-type": "text/plain" }),
    ];
    for (const [ct, body] of [["text/plain", JSON.stringify({ query: CREATE })], ["application/x-www-form-urlencoded", `query=${encodeURIComponent(CREATE)}`],
      ["multipart/form-data; boundary=x", `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: CREATE })}\r\n--x--\r\n`]]) {
      const r = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": ct, authorization: `Bearer ${token}` }, body });
      answers.push({ status: r.status, text: await r.text(), data: undefined, errors: undefined, contentType: r.headers.get("content-type") ?? "" });
    }
    for (const a of answers) {
      expect(a.status, a.text).toBe(400);
      expect(a.contentType).toMatch(/json/);
      expect(a.text).not.toMatch(/"data":\{/);
    }
    expect(await providerCount()).toBe(before);
  });

  it("a mutation over GET is refused (405), whether alone or chosen by operationName, with or without preflight; nothing changes", async () => {
    const before = await providerCount();
    const mixed = `query Q { me { id } } ${CREATE}`;
    for (const params of [{ query: CREATE } as Record<string, string>, { query: mixed, operationName: "M" }, { query: `${CREATE} query Q { me { id } }`, operationName: "M" }, { query: "mutation { markAllNotificationsRead }" }]) {
      for (const headers of [{ "apollo-require-preflight": "true" } as Record<string, string>, { "content-type": "application/json" }, { "x-apollo-operation-name": "M" }]) {
        const r = await get(OFFICER, params, headers);
        expect(r.status, `${JSON.stringify(params)} ${JSON.stringify(headers)}: ${r.text}`).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.data?.createProvider).toBeUndefined();
      }
    }
    const ok = await get(OFFICER, { query: mixed, operationName: "Q" });
    expect(ok.status, ok.text).toBe(200);
    expect(await providerCount()).toBe(before);
  });

  it("limits hold over GET as over POST: depth, aliases, cost, tokens, directives, NUL", async () => {
    const deep = "{ contracts { items { portfolio { office { id } } provider { id } office { id } kpis { indicator { id } } } } me { office { id } } }";
    const deeper = "{ returns { items { contract { portfolio { office { id } } } period { office { id } } } } }";
    const docs = [
      deeper,
      `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(" ")} }`,
      `{ ${Array.from({ length: 6 }, (_, i) => `c${i}: contracts(first: 100) { items { kpis { indicator { id } } fundingLines { id } spend { __typename } } }`).join(" ")} }`,
      `{ me { ${Array.from({ length: 600 }, () => "id").join(" ")} } }`,
      `{ me @include(if: true) ${"@include(if: true) ".repeat(55)} { id } }`,
      "{ me { id } }\u0000",
      deep,
    ];
    const differ: string[] = [];
    for (const query of docs) {
      const viaPost = await post(s, OFFICER, query);
      const viaGet = await get(OFFICER, { query });
      if (viaGet.status !== viaPost.status || JSON.stringify(codesOf(viaGet)) !== JSON.stringify(codesOf(viaPost)))
        differ.push(`${query.slice(0, 60)}: POST ${viaPost.status} ${codesOf(viaPost)} | GET ${viaGet.status} ${codesOf(viaGet)} ${viaGet.text.slice(0, 150)}`);
    }
    expect(differ).toEqual([]);
  });

  for (const role of [OFFICER, ANALYST, PA]) {
    it(`every query argument's hostile values answer over GET as over POST (${role})`, async () => {
      const fx = await fixture(s);
      const differ: string[] = [];
      let n = 0;
      for (const c of cases(fx)) {
        if (c.query.startsWith("mutation")) continue;
        const vars = JSON.stringify(c.variables);
        if (vars.length + c.query.length > 6000) continue; // a URL, not a body
        n++;
        const viaPost = await post(s, role, c.query, c.variables);
        const viaGet = await get(role, { query: c.query, variables: vars });
        if (viaGet.status >= 500 || viaGet.status !== viaPost.status || JSON.stringify(codesOf(viaGet)) !== JSON.stringify(codesOf(viaPost)) || JSON.stringify(viaGet.data) !== JSON.stringify(viaPost.data))
          differ.push(`${c.label}: POST ${viaPost.status} ${codesOf(viaPost)} | GET ${viaGet.status} ${codesOf(viaGet)} ${viaGet.text.slice(0, 120)}`);
      }
      expect(n).toBeGreaterThan(300);
      expect(differ.slice(0, 30)).toEqual([]);
    });
  }
});

describe("red18 GraphQL over GET, with a budget", () => {
  let b: TestServer;
  beforeAll(async () => { b = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: "40" } }); });
  afterAll(async () => { await b?.close(); });
  it("GET requests are charged from the same budget as POST: over it, 429 TOO_MANY_REQUESTS", async () => {
    const token = await b.tokenFor(OFFICER);
    const statuses: number[] = [];
    let refusal = "";
    for (let i = 0; i < 60; i++) {
      const u = new URL(`${b.url}/graphql`);
      u.searchParams.set("query", `{ me { id } n${i}: contracts(first: 5) { totalCount } }`);
      const r = await fetch(u, { headers: { authorization: `Bearer ${token}`, "apollo-require-preflight": "true" } });
      statuses.push(r.status);
      const text = await r.text();
      if (r.status === 429) { refusal = text; break; }
    }
    expect(statuses).toContain(429);
    expect(refusal).toMatch(/TOO_MANY_REQUESTS/);
    // And the budget is shared: a POST is now refused too.
    const r = await post(b, OFFICER, "{ me { id } }");
    expect(r.status).toBe(429);
  });
});
