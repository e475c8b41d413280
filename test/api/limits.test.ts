import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { codes, startTestServer, type TestServer } from "./harness.js";
import { rawSocket, type RawSocket } from "./raw-ws.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const PROVIDER = "provider-a@demo.example";

let server: TestServer;
let wiltshire: number;
beforeAll(async () => {
  // A bigger bucket than the default: this file sends a dozen refused subscribes in a row on one socket on purpose.
  server = await startTestServer({ env: { WS_SUBSCRIBE_BURST: "500" } });
  wiltshire = ((await server.run<any>(OFFICER, "{ me { office { id } } }")).data as any).me.office.id;
});
afterAll(async () => server?.close());

async function post(body: unknown, as: string | null = OFFICER, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(as ? { authorization: `Bearer ${await server.tokenFor(as)}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as { data?: any; errors?: any[] } };
}

/** `n` directives on repetitions of one field (each directive once per field: they are not repeatable). */
const directives = (n: number, field = "id") =>
  Array.from({ length: Math.ceil(n / 2) }, (_, i) => (2 * i + 1 < n ? `${field} @skip(if: false) @include(if: true)` : `${field} @skip(if: false)`)).join(" ");

describe("limits before parsing, over HTTP", () => {
  it("refuses a document over the byte limit, the token limit or the directive limit with QUERY_TOO_COMPLEX", async () => {
    const bytes = await post({ query: `{ me { id } } # ${"x".repeat(17 * 1024)}` });
    expect([bytes.status, codes(bytes.body as never)]).toEqual([400, ["QUERY_TOO_COMPLEX"]]);
    expect(bytes.body.errors![0].message).toMatch(/larger than 16384 bytes/);
    const tokens = await post({ query: `{ me { ${"id ".repeat(1200)} } }` });
    expect([tokens.status, codes(tokens.body as never)]).toEqual([400, ["QUERY_TOO_COMPLEX"]]);
    expect(tokens.body.errors![0].message).toMatch(/more than 1000 tokens/);
    const many = await post({ query: `{ me { ${directives(51)} } }` });
    expect([many.status, codes(many.body as never)]).toEqual([400, ["QUERY_TOO_COMPLEX"]]);
    expect(many.body.errors![0].message).toMatch(/51 directives/);
    // At the limits themselves, the same operations run.
    expect((await post({ query: `{ me { ${directives(50)} } }` })).body).toEqual({ data: { me: { id: expect.any(Number) } } });
  });

  it("refuses an operation whose estimated cost is over the limit (the estimate works against the real schema)", async () => {
    const page = (alias: string) => `${alias}: contracts(first: 100) { items { id title reference status provider { name } portfolio { name } fundingLines { year amountPence status stream { name } } } }`;
    const costly = await post({ query: `{ ${["a", "b", "c", "d", "e"].map(page).join(" ")} }` });
    expect([costly.status, codes(costly.body as never)]).toEqual([400, ["QUERY_TOO_COMPLEX"]]);
    expect(costly.body.errors![0].message).toMatch(/would cost \d+, above the limit of 5000/);
    expect((await post({ query: `{ ${page("a")} }` })).body.errors).toBeUndefined();
  });

  it("refuses variables over the byte limit with BAD_USER_INPUT, except the CSV upload's", async () => {
    const big = await post({ query: "query($x: String) { me { id } }", variables: { x: "x".repeat(70 * 1024) } });
    expect([big.status, codes(big.body as never)]).toEqual([400, ["BAD_USER_INPUT"]]);
    const csv = await post(
      { query: "mutation($csv: String!, $k: String!) { uploadReturnsCsv(periodId: 1, csv: $csv, idempotencyKey: $k) { replayed } }", variables: { csv: "x".repeat(1024 * 1024), k: "limits-test-upload" } },
      PROVIDER,
    );
    expect(JSON.stringify(csv.body)).not.toMatch(/variables are larger/);
  });

  it("refuses a body over the limit with 413 and a code, and a body that is not JSON with 400, never a stack trace", async () => {
    const huge = await post({ query: "{ me { id } }", variables: { x: "x".repeat(13 * 1024 * 1024) } });
    expect([huge.status, codes(huge.body as never)]).toEqual([413, ["BAD_USER_INPUT"]]);
    const broken = await post('{"query": "{ me { id } }"');
    expect([broken.status, codes(broken.body as never)]).toEqual([400, ["BAD_REQUEST"]]);
    for (const r of [huge, broken]) expect(r.text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it("caps a search's length and matches it literally", async () => {
    const long = await post({ query: "query($s: String) { providers(search: $s) { totalCount } }", variables: { s: "x".repeat(101) } });
    expect(codes(long.body as never)).toEqual(["BAD_USER_INPUT"]);
    expect(long.body.errors![0].extensions.problems).toEqual([expect.objectContaining({ field: "search" })]);
    const megabyte = await post({ query: "query($s: String) { providers(search: $s) { totalCount } }", variables: { s: "%_".repeat(512 * 1024) } });
    expect(codes(megabyte.body as never)).toEqual(["BAD_USER_INPUT"]);
    const count = async (s: string) => (await post({ query: "query($s: String) { providers(search: $s) { totalCount } }", variables: { s } })).body.data.providers.totalCount;
    expect(await count("Victim")).toBeGreaterThan(0);
    expect(await count("%")).toBe(0);
    expect(await count("_")).toBe(0);
    expect(await count("V_ctim")).toBe(0);
    expect(await count("\\")).toBe(0);
  });
});

describe("who may read the schema", () => {
  const INTROSPECT = "{ __schema { queryType { name } } }";
  it("answers introspection for staff and analysts, never for providers or anonymous callers", async () => {
    for (const who of [OFFICER, ANALYST, "admin@demo.example"]) expect((await post({ query: INTROSPECT }, who)).body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
    for (const who of [PROVIDER, null]) expect(codes((await post({ query: INTROSPECT }, who)).body as never)).toEqual(["FORBIDDEN"]);
  });

  it("gives field suggestions only to those who may introspect", async () => {
    const typo = { query: "{ contrcts { totalCount } }" };
    expect((await post(typo, OFFICER)).body.errors![0].message).toMatch(/Did you mean "contracts"/);
    for (const who of [PROVIDER, null]) {
      const refused = await post(typo, who);
      expect(codes(refused.body as never)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      expect(refused.body.errors![0].message).not.toMatch(/Did you mean|contracts/);
    }
  });
});

describe("errors and headers", () => {
  it("sends no stack traces unless NODE_ENV=development is set", async () => {
    const refused = await post({ query: "{ contrcts { totalCount } }" });
    expect(JSON.stringify(refused.body)).not.toMatch(/stacktrace/);
    const development = await startTestServer({ seed: false, env: { NODE_ENV: "development" } });
    try {
      const response = await fetch(`${development.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ nope }" }) });
      expect(JSON.stringify(await response.json())).toMatch(/stacktrace/);
    } finally {
      await development.close();
    }
  });

  it("sets the security headers on every response", async () => {
    for (const path of ["/", "/graphiql/", "/healthz"]) {
      const response = await fetch(server.url + path);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/worker-src 'self' blob:/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-powered-by")).toBeNull();
    }
  });

  it("answers GraphQL with an API's headers: nothing may load, frame, sniff or cache it, answer or refusal", async () => {
    const answers = [
      await post({ query: "{ me { id } }" }),
      await post("{not json"),
      await post({ query: "{ nope }" }, null),
      // A browser opening /graphql gets a JSON refusal, not a page (GraphiQL is at /graphiql).
      await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() })),
      await fetch(`${server.url}/graphql/?query=${encodeURIComponent("{ me { id } }")}`, { headers: { "apollo-require-preflight": "true" } }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() })),
    ];
    for (const { status, headers, text } of answers) {
      expect(headers.get("content-type"), `${status} ${text}`).toMatch(/^application\/(graphql-response\+)?json/);
      expect(headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("x-frame-options")).toBe("DENY");
      expect(headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(headers.get("referrer-policy")).toBe("no-referrer");
      expect(headers.get("x-powered-by")).toBeNull();
      expect(text).not.toMatch(/<html|<script/i);
    }
    expect(answers[0].headers.get("cache-control")).toBe("no-store");
    expect(answers.map((a) => a.status)).toEqual([200, 400, 400, 400, 200]);
  });
});

describe("limits and codes over WebSocket", () => {
  let socket: RawSocket;
  let n = 0;
  beforeAll(async () => {
    socket = await rawSocket(server.url, await server.tokenFor(OFFICER));
  });
  afterAll(() => socket?.socket.close());

  async function refusal(query: string, variables?: Record<string, unknown>): Promise<{ code: unknown; message: string }> {
    const id = `s${++n}`;
    socket.send({ id, type: "subscribe", payload: { query, variables } });
    const message = await socket.next((m) => m.id === id && (m.type === "error" || m.type === "next")).catch((e) => { throw new Error(`${query.slice(0, 80)}: ${e.message}`); });
    expect(message.type).toBe("error");
    return { code: message.payload[0].extensions?.code, message: message.payload[0].message };
  }

  it("refuses each kind of bad operation with its own code, never INTERNAL_SERVER_ERROR, and logs no stack trace", async () => {
    const logged = vi.spyOn(console, "error");
    const sub = (selection: string) => `subscription { returnChanged(officeId: ${wiltshire}) { ${selection} } }`;
    try {
      expect((await refusal(sub("nope"))).code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect((await refusal(`subscription { returnChanged { seq } }`)).code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect((await refusal(sub("seq {"))).code).toBe("GRAPHQL_PARSE_FAILED");
      expect((await refusal(sub(directives(1000, "seq")))).code).toBe("QUERY_TOO_COMPLEX");
      expect((await refusal(sub(directives(51, "seq")))).code).toBe("QUERY_TOO_COMPLEX");
      expect((await refusal(sub(Array.from({ length: 16 }, (_, i) => `a${i}: seq`).join(" ")))).code).toBe("QUERY_TOO_COMPLEX");
      expect((await refusal(`${sub("seq")} # ${"x".repeat(17 * 1024)}`)).code).toBe("QUERY_TOO_COMPLEX");
      expect((await refusal("subscription($o: Int!) { returnChanged(officeId: $o) { seq } }", { o: "Wiltshire" })).code).toBe("BAD_USER_INPUT");
      expect((await refusal("subscription($o: Int!, $pad: String) { returnChanged(officeId: $o) { seq } }", { o: wiltshire, pad: "x".repeat(70 * 1024) })).code).toBe("BAD_USER_INPUT");
      expect((await refusal("{ me { id } }")).code).toBe("FORBIDDEN");
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it("gives a provider no field suggestions over WebSocket either", async () => {
    const provider = await rawSocket(server.url, await server.tokenFor(PROVIDER));
    provider.send({ id: "p1", type: "subscribe", payload: { query: `subscription { returnChanged(officeId: ${wiltshire}) { seqq } }` } });
    const message = await provider.next((m) => m.id === "p1");
    provider.socket.close();
    expect(message.payload[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(message.payload[0].message).not.toMatch(/Did you mean/);
  });

  it("still accepts a good subscription on the same socket after the refusals", async () => {
    socket.send({ id: "ok", type: "subscribe", payload: { query: `subscription { returnChanged(officeId: ${wiltshire}) { seq } }` } });
    await new Promise((r) => setTimeout(r, 500));
    expect(socket.messages.filter((m) => m.id === "ok")).toEqual([]); // no error: it is running, waiting for events
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
  });
});
