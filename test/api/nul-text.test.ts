import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PerformanceReturn } from "../../server/modules/returns/return.entities.js";
import { codes, startTestServer, type TestServer } from "./harness.js";
import { collect, wsClient } from "./ws-client.js";

/*
 * Hostile variables: nested past any input of the schema, refused before anything recurses through them (the
 * limits' cache key was a JSON.stringify of them, which overflowed: an internal error). U+0000 in any text: PostgreSQL's text cannot hold it (the mail outbox's insert failed with an internal error when
 * a send-back's reason held one, red15-review-races-postgres), and no field means it. Refused before anything runs,
 * with BAD_USER_INPUT naming where it was, on both transports and both stores, whether it comes as a variable or is
 * written into the document.
 */
const OFFICER = "officer@wiltshire.demo.example";
const SEND_BACK = "mutation($id: Int!, $v: Int!, $r: String!) { sendBackReturn(id: $id, version: $v, reason: $r) { state version } }";

describe("text with a NUL character", () => {
  let server: TestServer;
  let wiltshire: number;
  beforeAll(async () => {
    server = await startTestServer();
    wiltshire = (await server.services.db.manager.findOneByOrFail(Office, { code: "wiltshire" })).id;
  });
  afterAll(async () => server?.close());

  async function submitted() {
    const m = server.services.db.manager;
    const ret = await m.findOneOrFail(PerformanceReturn, { where: { state: "SUBMITTED" as never }, order: { id: "ASC" } });
    return { ret, audit: await m.count(AuditEvent) };
  }

  it("as a variable, anywhere in the variables, is BAD_USER_INPUT naming the place, and changes nothing", async () => {
    const { ret, audit } = await submitted();
    const result = await server.http<any>(OFFICER, SEND_BACK, { id: ret.id, v: ret.version, r: "Figures missing\u0000 for Q2" });
    expect(result.status).toBe(400);
    expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
    expect((result.errors![0] as any).extensions.problems).toEqual([expect.objectContaining({ field: "r", rule: "noNulCharacter" })]);
    // Nested inside a list of inputs, and in a key: named by its path.
    const nested = await server.http<any>(OFFICER, "mutation($id: Int!, $v: Int!, $c: [MeasureCommentInput!]!) { sendBackReturn(id: $id, version: $v, reason: \"ok\", measureComments: $c) { state } }", { id: ret.id, v: ret.version, c: [{ measureId: 1, comment: "fine" }, { measureId: 2, comment: "bad\u0000" }] });
    expect(codes(nested)).toEqual(["BAD_USER_INPUT"]);
    expect((nested.errors![0] as any).extensions.problems.map((p: { field: string }) => p.field)).toEqual(["c.1.comment"]);
    const key = await server.http<any>(OFFICER, SEND_BACK, { id: ret.id, v: ret.version, r: "ok", ["odd\u0000key"]: 1 });
    expect(codes(key)).toEqual(["BAD_USER_INPUT"]);

    const after = await server.services.db.manager.findOneByOrFail(PerformanceReturn, { id: ret.id });
    expect({ state: after.state, version: after.version }).toEqual({ state: ret.state, version: ret.version });
    expect(await server.services.db.manager.count(AuditEvent)).toBe(audit);
  });

  it("written into the document is refused the same way; without it the same send-back goes through", async () => {
    const { ret, audit } = await submitted();
    const literal = await server.http<any>(OFFICER, `mutation { sendBackReturn(id: ${ret.id}, version: ${ret.version}, reason: "Figures missing\\u0000") { state } }`, {});
    expect(codes(literal)).toEqual(["BAD_USER_INPUT"]);
    expect((literal.errors![0] as any).extensions.problems).toEqual([expect.objectContaining({ field: "query" })]);
    expect(await server.services.db.manager.count(AuditEvent)).toBe(audit);

    const clean = await server.http<any>(OFFICER, SEND_BACK, { id: ret.id, v: ret.version, r: "Figures missing for Q2" });
    expect(clean.errors).toBeUndefined();
    expect(clean.data.sendBackReturn).toEqual({ state: "RETURNED", version: ret.version + 1 });
  });

  it("variables nested 10,000 levels deep (with a NUL at the bottom) are refused with BAD_USER_INPUT, not an overflow", async () => {
    // Written by hand: JSON.stringify itself overflows at this depth.
    const depth = 10_000;
    const body = `{"query":"query { me { id } }","variables":{"deep":${"[".repeat(depth)}"x\\u0000"${"]".repeat(depth)}}}`;
    const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${await server.tokenFor(OFFICER)}` }, body });
    const result = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(response.status).toBe(400);
    expect(codes(result as never)).toEqual(["BAD_USER_INPUT"]);
    // 33 levels is already too deep (no input of the schema nests past a few); the same over WebSocket.
    let deep: unknown = 1;
    for (let i = 0; i < 33; i++) deep = [deep];
    expect(codes(await server.http(OFFICER, "query { me { id } }", { deep }))).toEqual(["BAD_USER_INPUT"]);
    const client = wsClient(server.url, await server.tokenFor(OFFICER));
    try {
      const got = await new Promise<unknown>((resolve) => client.subscribe({ query: "subscription($o: Int!) { returnChanged(officeId: $o) { returnId } }", variables: { o: 1, deep } }, { next: resolve, error: resolve, complete: () => resolve("complete") }));
      expect((Array.isArray(got) ? got : [got]).map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    } finally {
      await client.dispose();
    }
  });

  it("over WebSocket: a subscription with NUL in its variables is refused with BAD_USER_INPUT", async () => {
    const client = wsClient(server.url, await server.tokenFor(OFFICER));
    try {
      const got = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: "subscription($o: Int!) { returnChanged(officeId: $o) { returnId } }", variables: { o: wiltshire, note: "a\u0000b" } }, { next: resolve, error: resolve, complete: () => resolve("complete") });
      });
      const errors = (Array.isArray(got) ? got : [got]) as { extensions?: { code?: string } }[];
      expect(errors.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
      // The same subscription without it is accepted (it then waits for events).
      const items = await collect(client, "subscription($o: Int!) { returnChanged(officeId: $o) { returnId } }", { o: wiltshire }, () => false, 300);
      expect(items.filter((i) => i.errors)).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it("half of a surrogate pair, in a variable or the document, is BAD_USER_INPUT (createUser's email check threw on one: red16); a whole pair is text like any other", async () => {
    const admin = "admin@demo.example";
    const CREATE = "mutation($input: CreateUserInput!) { createUser(input: $input) { email } }";
    const users = await server.services.db.manager.count(AuditEvent);
    const input = (email: string) => ({ email, name: "Surrogate test", password: "a long enough password", role: "OFFICER", officeId: wiltshire });
    for (const email of ["lone\uD800@example.org", "\uDC00x@example.org", "x@example.org\uD83D"]) {
      const result = await server.http<any>(admin, CREATE, { input: input(email) });
      expect(result.status).toBe(400);
      expect((result.errors![0] as any).extensions).toMatchObject({ code: "BAD_USER_INPUT", problems: [{ field: "input.email", rule: "wellFormedText" }] });
    }
    const literal = await server.http<any>(admin, `mutation { createUser(input: { email: "x\\uD800@example.org", name: "n", password: "a long enough password", role: OFFICER, officeId: ${wiltshire} }) { email } }`, {});
    // graphql-js's lexer refuses a lone surrogate escape in the document itself before anything of ours sees it.
    expect(literal.status).toBe(400);
    expect(codes(literal)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    expect(await server.services.db.manager.count(AuditEvent)).toBe(users);
    const client = wsClient(server.url, await server.tokenFor(OFFICER));
    try {
      const got = await new Promise<unknown>((resolve) => client.subscribe({ query: "subscription($o: Int!) { returnChanged(officeId: $o) { returnId } }", variables: { o: wiltshire, note: "\uDBFF" } }, { next: resolve, error: resolve, complete: () => resolve("complete") }));
      expect((Array.isArray(got) ? got : [got]).map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    } finally {
      await client.dispose();
    }
    // An emoji is a whole pair: it is kept as written.
    const name = "Team \uD83D\uDE80 lead";
    const ok = await server.http<any>(admin, "mutation($input: CreateUserInput!) { createUser(input: $input) { name } }", { input: { ...input("pair@example.org"), name } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createUser.name).toBe(name);
  });
});
