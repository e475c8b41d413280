import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_URL } from "../support/services.js";

/*
 * Conversations and attachments on PostgreSQL, where writes run concurrently: retried comments racing each other
 * post once, a flag follows its figure to the next quarter, and uploads and deletions of the same bytes racing each
 * other never leave a row without its file. DATABASE_URL must be set before any entity module loads (the time-stamp
 * column type depends on it), hence the dynamic imports.
 */
const database = `hub_convo_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;
const OFFICER = "officer@wiltshire.demo.example";
const PROVIDER_B = "provider-b@demo.example";
const OTHER = "provider-a@demo.example";

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
const up = await reachable();
if (!up && !process.env.CI) console.warn("Skipping the conversations' PostgreSQL tests: PostgreSQL is not reachable.");

const pdf = (tag: string) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`);

describe.skipIf(!up && !process.env.CI)("conversations and attachments on PostgreSQL", () => {
  const previous = process.env.DATABASE_URL;
  let server: Awaited<ReturnType<typeof import("./harness.js").startTestServer>>;
  let admin: pg.Client;
  let open = 0; // provider B's return of WSW-VV-09 in the open quarter (not yet accepted)
  let earlier = 0; // WSW-VV-08's accepted return, and its measure
  let measure = 0;
  let draft = 0; // WSW-VV-08's next-quarter return
  const ok = async (as: string, query: string, variables?: Record<string, unknown>) => {
    const result = await server.http<any>(as, query, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data;
  };
  const upload = async (as: string, target: string, bytes: Buffer, name: string) => {
    const response = await fetch(`${server.url}/attachments/${target}?filename=${name}`, { method: "POST", headers: { authorization: `Bearer ${await server.tokenFor(as)}` }, body: new Uint8Array(bytes) });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    process.env.DATABASE_URL = DATABASE_URL;
    const harness = await import("./harness.js");
    server = await harness.startTestServer({ env: { DATABASE_URL } });
    // The demo's open quarter (its returns are still in review), not a closed one whose returns are all accepted.
    const q4 = (await ok(OFFICER, "{ reportingPeriods { id state } }")).reportingPeriods.find((p: any) => p.state === "OPEN").id;
    const contracts = (await ok(PROVIDER_B, "{ contracts(first: 10) { items { id reference } } }")).contracts.items;
    const idOf = (reference: string) => contracts.find((c: any) => c.reference === reference).id;
    open = (await ok(OFFICER, "query($c: Int!, $p: Int!) { returns(contractId: $c, periodId: $p) { items { id } } }", { c: idOf("WSW-VV-09"), p: q4 })).returns.items[0].id;
    const accepted = (await ok(OFFICER, "query($c: Int!) { returns(contractId: $c, state: ACCEPTED, first: 1) { items { id requiredMeasures { id } } } }", { c: idOf("WSW-VV-08") })).returns.items[0];
    earlier = accepted.id;
    measure = accepted.requiredMeasures[0].id;
    draft = (await ok(OFFICER, "query($c: Int!, $p: Int!) { returns(contractId: $c, periodId: $p) { items { id } } }", { c: idOf("WSW-VV-08"), p: q4 })).returns.items[0].id;
  });
  afterAll(async () => {
    await server?.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  it("posts a comment once when its retries race each other", async () => {
    const input = { returnId: open, body: "Racing retries on PostgreSQL.", idempotencyKey: `pg-race-${Date.now()}` };
    const answers = await Promise.all(Array.from({ length: 6 }, () => ok(PROVIDER_B, "mutation($input: PostReturnCommentInput!) { postReturnComment(input: $input) { id } }", { input })));
    expect(new Set(answers.map((a) => a.postReturnComment.id)).size).toBe(1);
    const [{ count }] = await server.services.db.query(`SELECT COUNT(*)::int AS count FROM "return_comment" WHERE "body" = $1`, [input.body]);
    expect(count).toBe(1);
    expect(codes(await server.http(OTHER, "mutation($input: PostReturnCommentInput!) { postReturnComment(input: $input) { id } }", { input: { ...input, idempotencyKey: "pg-other" } }))).toEqual(["NOT_FOUND"]);
  });

  it("carries a follow-up flag to the next quarter's return until it is cleared", async () => {
    const flag = (await ok(OFFICER, "mutation($r: Int!, $m: Int!) { raiseFigureFlag(input: { returnId: $r, measureId: $m, note: \"Follow up\" }) { id version } }", { r: earlier, m: measure })).raiseFigureFlag;
    const flags = async () => (await ok(PROVIDER_B, "query($id: Int!) { performanceReturn(id: $id) { figureFlags { id open } } }", { id: draft })).performanceReturn.figureFlags;
    expect(await flags()).toEqual([{ id: flag.id, open: true }]);
    await ok(OFFICER, "mutation($id: Int!, $v: Int!) { clearFigureFlag(id: $id, version: $v) { id } }", { id: flag.id, v: flag.version });
    expect(await flags()).toEqual([]);
  });

  it("stores, serves and deletes a file; racing uploads and deletions of the same bytes never leave a row without its file", async () => {
    const first = await upload(PROVIDER_B, `returns/${open}`, pdf("once"), "once.pdf");
    expect(first.status).toBe(201);
    const got = await fetch(`${server.url}/attachments/${first.body.data.attachment.id}`, { headers: { authorization: `Bearer ${await server.tokenFor(OFFICER)}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect((await fetch(`${server.url}/attachments/${first.body.data.attachment.id}`, { headers: { authorization: `Bearer ${await server.tokenFor(OTHER)}` } })).status).toBe(404);

    const bytes = pdf("shared");
    const sha = createHash("sha256").update(bytes).digest("hex");
    const file = path.join(server.services.config.attachments.dir, sha.slice(0, 2), sha);
    const DELETE = "mutation($id: Int!) { deleteAttachment(id: $id) { id } }";
    for (let round = 0; round < 5; round++) {
      const a = await upload(PROVIDER_B, `returns/${open}`, bytes, `a-${round}.pdf`);
      expect(a.status).toBe(201);
      // Deleting one copy while another upload of the same bytes commits: the file must survive for the new row.
      const [, b] = await Promise.all([ok(PROVIDER_B, DELETE, { id: a.body.data.attachment.id }), upload(PROVIDER_B, `returns/${open}`, bytes, `b-${round}.pdf`)]);
      expect(b.status).toBe(201);
      expect(fs.existsSync(file), `round ${round}`).toBe(true);
      await ok(PROVIDER_B, DELETE, { id: b.body.data.attachment.id });
      expect(fs.existsSync(file)).toBe(false);
    }
    const exe = Buffer.alloc(256);
    exe.write("MZ", 0, "latin1");
    const refused = await upload(PROVIDER_B, `returns/${open}`, exe, "evidence.pdf");
    expect(refused.status).toBe(415);
    const [{ count }] = await server.services.db.query(`SELECT COUNT(*)::int AS count FROM "attachment" WHERE "filename" = 'evidence.pdf'`);
    expect(count).toBe(0);
  });
});

function codes(result: { errors?: readonly { extensions?: Record<string, unknown> }[] }): unknown[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}
