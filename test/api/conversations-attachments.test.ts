import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Attachment } from "../../server/modules/attachments/attachment.entity.js";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { FigureFlag, ReturnComment } from "../../server/modules/conversations/conversation.entities.js";
import { Decision } from "../../server/modules/decisions/decision.entity.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { codes, startTestServer, type TestServer } from "./harness.js";
import { collect, wsClient } from "./ws-client.js";

/*
 * Conversations on returns (comments, follow-up flags) and attachments: who may read and write them over HTTP and
 * WebSocket, the upload route's limits and content checks (nothing stored after a refusal), and the download's headers.
 */

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const DORSET_OFFICER = "officer@dorset.demo.example";
const PROVIDER_A = "provider-a@demo.example"; // Victim Support: WSW-VV-03
const PROVIDER_B = "provider-b@demo.example"; // Harbour

const MAX_FILE = 64 * 1024;
const MAX_RETURN = 160 * 1024;

/** A small but real PDF: what `file-type` recognises by its `%PDF-` header. */
export function pdfBytes(padTo = 600): Buffer {
  const head = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n";
  const tail = "trailer << /Root 1 0 R >>\n%%EOF\n";
  return Buffer.from(head + "%".repeat(Math.max(0, padTo - head.length - tail.length)) + "\n" + tail);
}
/** A Windows executable's first bytes (MZ header, PE signature), to be renamed .pdf. */
function exeBytes(): Buffer {
  const b = Buffer.alloc(512);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x80, 0x3c);
  b.write("PE\0\0", 0x80, "latin1");
  return b;
}

let server: TestServer;
let wiltshire = 0;
let submittedA = 0; // provider A's submitted return in Wiltshire's quarter under review
let submittedB = 0; // provider B's
let accepted = 0; // an accepted return of provider A
let nextReturn = 0; // provider A's return in the quarter after `accepted`
let contractA = 0;
let measureOnA = 0;
let dorsetDecision = 0;
let wiltshireDecision = 0;
const clients: Client[] = [];
let keys = 0;
const key = () => `test-key-${++keys}-${Date.now()}`;
const m = () => server.services.db.manager;
const dir = () => server.services.config.attachments.dir;

async function ok<T = any>(as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await server.http<T>(as, query, variables);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

interface Upload {
  status: number;
  body: { data?: { attachment: { id: number; contentType: string; sizeBytes: number; sha256: string } }; errors?: { message: string; extensions: { code: string; problems?: { rule: string }[] } }[] };
}

async function upload(as: string | null, target: string, bytes: Buffer, filename: string, headers: Record<string, string> = {}): Promise<Upload> {
  const response = await fetch(`${server.url}/attachments/${target}?filename=${encodeURIComponent(filename)}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", ...(as ? { authorization: `Bearer ${await server.tokenFor(as)}` } : {}), ...headers },
    body: new Uint8Array(bytes),
  });
  return { status: response.status, body: (await response.json()) as Upload["body"] };
}

/** A body sent in chunks without Content-Length, so only the server's counting can stop it. */
function chunkedUpload(as: string, target: string, total: number): Promise<{ status: number; body: string }> {
  return server.tokenFor(as).then(
    (token) =>
      new Promise((resolve, reject) => {
        const url = new URL(`${server.url}/attachments/${target}?filename=big.pdf`);
        const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", headers: { authorization: `Bearer ${token}`, "transfer-encoding": "chunked" } }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", (error) => reject(error));
        const chunk = pdfBytes(16 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once("drain", pump);
          }
          req.end();
        };
        pump();
      }),
  );
}

async function download(as: string | null, id: number): Promise<Response> {
  return fetch(`${server.url}/attachments/${id}`, { headers: as ? { authorization: `Bearer ${await server.tokenFor(as)}` } : {} });
}

/** Every stored content file (not counting uploads in progress, which must be gone too). */
function storedFiles(): string[] {
  if (!fs.existsSync(dir())) return [];
  return (fs.readdirSync(dir(), { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir(), f)).isFile());
}

beforeAll(async () => {
  server = await startTestServer({ env: { ATTACHMENT_MAX_BYTES: String(MAX_FILE), ATTACHMENTS_PER_RETURN_MAX_BYTES: String(MAX_RETURN), WS_CONNECTIONS_PER_USER: "0", WS_CONNECTS_PER_MINUTE: "0" } });
  wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
  const dorset = (await m().findOneByOrFail(Office, { code: "dorset" })).id;
  const providerA = (await m().findOneByOrFail((await import("../../server/modules/users/user.entity.js")).User, { email: PROVIDER_A })).providerId!;
  const providerB = (await m().findOneByOrFail((await import("../../server/modules/users/user.entity.js")).User, { email: PROVIDER_B })).providerId!;
  const returnsOf = (providerId: number, state?: ReturnState) => {
    const q = m().createQueryBuilder(PerformanceReturn, "r").innerJoin(Contract, "c", "c.id = r.contractId").innerJoin(ReportingPeriod, "p", "p.id = r.periodId").where("c.providerId = :providerId AND c.officeId = :office", { providerId, office: wiltshire });
    if (state) q.andWhere("r.state = :state", { state });
    return q.orderBy("p.year", "DESC").addOrderBy("p.quarter", "DESC").getMany();
  };
  // Returns still with their provider or the office (not accepted): analysts may not see them.
  submittedA = (await returnsOf(providerA)).find((r) => r.state !== ReturnState.ACCEPTED)?.id ?? 0;
  submittedB = (await returnsOf(providerB)).find((r) => r.state !== ReturnState.ACCEPTED)?.id ?? 0;
  // A contract of provider A with an accepted return followed by another return in the next quarter.
  const all = await returnsOf(providerA);
  for (const later of all) {
    const laterPeriod = await m().findOneByOrFail(ReportingPeriod, { id: later.periodId });
    const prevQuarter = laterPeriod.quarter === 1 ? { year: `${Number(laterPeriod.year.slice(0, 4)) - 1}-${laterPeriod.year.slice(2, 4)}`, quarter: 4 } : { year: laterPeriod.year, quarter: laterPeriod.quarter - 1 };
    const prevPeriod = await m().findOneBy(ReportingPeriod, { officeId: wiltshire, ...prevQuarter });
    const earlier = prevPeriod && all.find((r) => r.contractId === later.contractId && r.periodId === prevPeriod.id && r.state === ReturnState.ACCEPTED);
    if (earlier) {
      accepted = earlier.id;
      nextReturn = later.id;
      contractA = later.contractId;
      break;
    }
  }
  const form = await ok<{ performanceReturn: { requiredMeasures: { id: number }[] } }>(OFFICER, "query($id: Int!) { performanceReturn(id: $id) { requiredMeasures { id } } }", { id: accepted });
  measureOnA = form.performanceReturn.requiredMeasures[0].id;
  dorsetDecision = (await m().findOneBy(Decision, { officeId: dorset }))?.id ?? 0;
  wiltshireDecision = (await m().findOneBy(Decision, { officeId: wiltshire }))?.id ?? 0;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

const POST = "mutation($input: PostReturnCommentInput!) { postReturnComment(input: $input) { id body measureId replyToId author { id } } }";
const THREAD = "query($id: Int!) { performanceReturn(id: $id) { id comments { id body measureId replyToId } figureFlags { id open measureId } attachments { id filename contentType sizeBytes downloadPath } } }";
const RAISE = "mutation($input: RaiseFigureFlagInput!) { raiseFigureFlag(input: $input) { id version open measureId returnId } }";
const CLEAR = "mutation($id: Int!, $version: Int!, $note: String) { clearFigureFlag(id: $id, version: $version, note: $note) { id open clearedAt } }";

describe("conversations on returns", () => {
  it("found the demo returns it needs", () => {
    expect(submittedA && submittedB && accepted && nextReturn && contractA && measureOnA).toBeTruthy();
  });

  it("lets the provider and the office's officer talk on a return, on the whole return and on one figure", async () => {
    const first = await ok(OFFICER, POST, { input: { returnId: submittedA, body: "Referrals are well up on last quarter: what changed?", measureId: measureOnA, idempotencyKey: key() } });
    const reply = await ok(PROVIDER_A, POST, { input: { returnId: submittedA, body: "A new referral route from the police hub opened in January.", replyToId: first.postReturnComment.id, idempotencyKey: key() } });
    expect(reply.postReturnComment.replyToId).toBe(first.postReturnComment.id);
    const thread = await ok(PROVIDER_A, THREAD, { id: submittedA });
    expect(thread.performanceReturn.comments.map((c: { body: string }) => c.body)).toEqual([
      "Referrals are well up on last quarter: what changed?",
      "A new referral route from the police hub opened in January.",
    ]);
    expect(thread.performanceReturn.comments[0].measureId).toBe(measureOnA);
    expect(await m().countBy(AuditEvent, { action: "return.comment" })).toBeGreaterThanOrEqual(2);
  });

  it("posts a retried comment once: the same idempotency key answers with the first comment", async () => {
    const input = { returnId: submittedA, body: "Sent twice by a flaky connection.", idempotencyKey: key() };
    const answers = await Promise.all([1, 2, 3].map(() => ok(PROVIDER_A, POST, { input })));
    expect(new Set(answers.map((a) => a.postReturnComment.id)).size).toBe(1);
    expect(await m().countBy(ReturnComment, { body: "Sent twice by a flaky connection." })).toBe(1);
    const reused = await server.http(PROVIDER_A, POST, { input: { ...input, returnId: accepted } });
    expect(codes(reused)).toEqual(["CONFLICT"]);
  });

  it("refuses an empty or oversized comment and a figure that is not on the return, each with its code and rule", async () => {
    const empty = await server.http(PROVIDER_A, POST, { input: { returnId: submittedA, body: "   ", idempotencyKey: key() } });
    expect(codes(empty)).toEqual(["BAD_USER_INPUT"]);
    expect((empty.errors![0] as any).extensions.problems[0]).toMatchObject({ field: "body", rule: "required" });
    const invisible = await server.http(PROVIDER_A, POST, { input: { returnId: submittedA, body: " \u200b\u200c\u200d\u2060\ufeff\n", idempotencyKey: key() } });
    expect(codes(invisible)).toEqual(["BAD_USER_INPUT"]);
    expect((invisible.errors![0] as any).extensions.problems[0]).toMatchObject({ field: "body", rule: "required" });
    const long = await server.http(PROVIDER_A, POST, { input: { returnId: submittedA, body: "x".repeat(4001), idempotencyKey: key() } });
    expect(codes(long)).toEqual(["BAD_USER_INPUT"]);
    expect((long.errors![0] as any).extensions.problems[0]).toMatchObject({ field: "body", rule: "maxLength" });
    const stranger = await server.http(PROVIDER_A, POST, { input: { returnId: submittedA, body: "On a figure I do not report.", measureId: 999_999, idempotencyKey: key() } });
    expect(codes(stranger)).toEqual(["BAD_USER_INPUT"]);
    expect((stranger.errors![0] as any).extensions.problems[0]).toMatchObject({ field: "measureId", rule: "inForm" });
  });

  it("keeps another provider, another office and the analyst out of a return's conversation over HTTP", async () => {
    for (const who of [PROVIDER_B, DORSET_OFFICER]) {
      expect(codes(await server.http(who, POST, { input: { returnId: submittedA, body: "Not mine to comment on.", idempotencyKey: key() } }))).toEqual(["NOT_FOUND"]);
      expect(codes(await server.http(who, THREAD, { id: submittedA }))).toEqual(["NOT_FOUND"]);
    }
    // Analysts read a return's thread only when they may read the return (accepted), and never write.
    expect(codes(await server.http(ANALYST, THREAD, { id: submittedA }))).toEqual(["NOT_FOUND"]);
    expect(codes(await server.http(ANALYST, POST, { input: { returnId: accepted, body: "Analysts never write.", idempotencyKey: key() } }))).toEqual(["FORBIDDEN"]);
    const readable = await ok(ANALYST, THREAD, { id: accepted });
    expect(readable.performanceReturn.id).toBe(accepted);
    expect(await m().countBy(ReturnComment, { body: "Not mine to comment on." })).toBe(0);
  });

  it("delivers comments live to those who may see the return, and to no one else, over WebSocket", async () => {
    const SUB = "subscription($o: Int!, $r: Int) { conversationChanged(officeId: $o, returnId: $r) { seq change returnId comment { id body returnId } } }";
    const listen = async (who: string, returnId: number | null) => {
      const client = wsClient(server.url, await server.tokenFor(who));
      clients.push(client);
      return collect<any>(client, SUB, { o: wiltshire, r: returnId }, (items) => items.length >= 1, 2500);
    };
    const officer = listen(OFFICER, submittedA);
    const providerB = listen(PROVIDER_B, null);
    const analyst = listen(ANALYST, null);
    const dorset = (async () => {
      const client = wsClient(server.url, await server.tokenFor(DORSET_OFFICER));
      clients.push(client);
      return collect<any>(client, SUB, { o: wiltshire, r: null }, (items) => items.length >= 1, 2500);
    })();
    await new Promise((r) => setTimeout(r, 300));
    const posted = await ok(PROVIDER_A, POST, { input: { returnId: submittedA, body: "Live: the case study is attached.", idempotencyKey: key() } });
    const [o, b, a, d] = await Promise.all([officer, providerB, analyst, dorset]);
    expect(o[0].data?.conversationChanged).toMatchObject({ change: "COMMENT_POSTED", returnId: submittedA, comment: { id: posted.postReturnComment.id, body: "Live: the case study is attached." } });
    expect(b.filter((x) => x.data)).toEqual([]);
    expect(a.filter((x) => x.data)).toEqual([]); // a submitted return: not the analyst's to see
    expect(d.flatMap((x) => (x.errors ?? []).map((e: any) => e.extensions?.code))).toEqual(["FORBIDDEN"]);
  });
});

describe("follow-up flags", () => {
  it("lets an officer flag a figure; the flag shows on the return, in the next quarter's form, until an officer clears it", async () => {
    expect(codes(await server.http(PROVIDER_A, RAISE, { input: { returnId: accepted, measureId: measureOnA, note: "Please explain." } }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.http(DORSET_OFFICER, RAISE, { input: { returnId: accepted, measureId: measureOnA, note: "Not my office." } }))).toEqual(["NOT_FOUND"]);
    const raised = (await ok(OFFICER, RAISE, { input: { returnId: accepted, measureId: measureOnA, note: "Check the referral count against the hub's figures next quarter." } })).raiseFigureFlag;
    expect(raised).toMatchObject({ open: true, measureId: measureOnA, returnId: accepted });
    expect(codes(await server.http(OFFICER, RAISE, { input: { returnId: accepted, measureId: measureOnA, note: "Twice." } }))).toEqual(["CONFLICT"]);
    const invisible = await server.http(OFFICER, RAISE, { input: { returnId: accepted, measureId: measureOnA, note: "\u200d\u200b" } });
    expect((invisible.errors![0] as any).extensions).toMatchObject({ code: "BAD_USER_INPUT", problems: [{ field: "note", rule: "required" }] });

    const next = await ok(PROVIDER_A, THREAD, { id: nextReturn });
    expect(next.performanceReturn.figureFlags).toEqual([{ id: raised.id, open: true, measureId: measureOnA }]);
    const contract = await ok(PROVIDER_A, "query($id: Int!) { contract(id: $id) { openFigureFlags { id note measure { id } } } }", { id: contractA });
    expect(contract.contract.openFigureFlags.map((f: { id: number }) => f.id)).toEqual([raised.id]);
    expect(codes(await server.http(PROVIDER_B, "query($id: Int!) { contract(id: $id) { openFigureFlags { id } } }", { id: contractA }))).toEqual(["NOT_FOUND"]);

    expect(codes(await server.http(PROVIDER_A, CLEAR, { id: raised.id, version: raised.version }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.http(OFFICER, CLEAR, { id: raised.id, version: raised.version + 5 }))).toEqual(["CONFLICT"]);
    const cleared = (await ok(OFFICER, CLEAR, { id: raised.id, version: raised.version, note: "Explained in the return." })).clearFigureFlag;
    expect(cleared.open).toBe(false);
    expect((await ok(PROVIDER_A, THREAD, { id: nextReturn })).performanceReturn.figureFlags).toEqual([]);
    // The return it was raised on still shows it, cleared.
    expect((await ok(OFFICER, THREAD, { id: accepted })).performanceReturn.figureFlags).toEqual([{ id: raised.id, open: false, measureId: measureOnA }]);
    expect(await m().countBy(AuditEvent, { action: "figure_flag.clear", entityId: raised.id })).toBe(1);
    expect(await m().countBy(FigureFlag, { returnId: accepted })).toBe(1);
  });
});

describe("attachments", () => {
  it("stores a PDF by its content's hash and serves it only as a download, to those who may see the return", async () => {
    const bytes = pdfBytes(2000);
    const up = await upload(PROVIDER_A, `returns/${submittedA}`, bytes, "Case study — Q4.pdf");
    expect(up.status).toBe(201);
    const row = up.body.data!.attachment;
    expect(row.contentType).toBe("application/pdf");
    const sha = (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex");
    expect(row.sha256).toBe(sha);
    expect(fs.existsSync(path.join(dir(), sha.slice(0, 2), sha))).toBe(true);

    const got = await download(OFFICER, row.id);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-disposition")).toBe(`attachment; filename="Case study _ Q4.pdf"; filename*=UTF-8''Case%20study%20%E2%80%94%20Q4.pdf`);
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-type")).toBe("application/pdf");
    expect(got.headers.get("content-security-policy")).toContain("sandbox");
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

    for (const who of [PROVIDER_B, DORSET_OFFICER, ANALYST]) {
      expect((await download(who, row.id)).status, who).toBe(404);
      expect(codes(await server.http(who, "query($r: Int!) { attachments(owner: RETURN, recordId: $r) { id } }", { r: submittedA })), who).toEqual(["NOT_FOUND"]);
    }
    expect((await ok(PROVIDER_A, "query($r: Int!) { attachments(owner: RETURN, recordId: $r) { id } }", { r: submittedA })).attachments.map((a: { id: number }) => a.id)).toContain(row.id);
    expect((await download(null, row.id)).status).toBe(401);
    const listed = await ok(OFFICER, THREAD, { id: submittedA });
    expect(listed.performanceReturn.attachments).toEqual([{ id: row.id, filename: "Case study — Q4.pdf", contentType: "application/pdf", sizeBytes: bytes.length, downloadPath: `/attachments/${row.id}` }]);
  });

  it("tells the dashboard its limits", async () => {
    expect((await ok(PROVIDER_A, "{ attachmentLimits { maxFileBytes maxReturnBytes allowedTypes } }")).attachmentLimits).toMatchObject({ maxFileBytes: MAX_FILE, maxReturnBytes: MAX_RETURN });
  });

  it("refuses uploads from another provider, another office, an analyst, and without a token, storing nothing", async () => {
    const before = storedFiles().length;
    const rows = await m().countBy(Attachment, {});
    expect((await upload(PROVIDER_B, `returns/${submittedA}`, pdfBytes(), "x.pdf")).status).toBe(404);
    expect((await upload(DORSET_OFFICER, `returns/${submittedA}`, pdfBytes(), "x.pdf")).status).toBe(404);
    expect((await upload(ANALYST, `returns/${accepted}`, pdfBytes(), "x.pdf")).status).toBe(403);
    expect((await upload(null, `returns/${submittedA}`, pdfBytes(), "x.pdf")).status).toBe(401);
    expect((await upload(PROVIDER_A, `returns/${submittedA}`, pdfBytes(), "x.pdf", { origin: "https://evil.example" })).status).toBe(403);
    if (dorsetDecision) expect((await upload(OFFICER, `decisions/${dorsetDecision}`, pdfBytes(), "x.pdf")).status).toBe(404);
    if (wiltshireDecision) expect((await upload(PROVIDER_A, `decisions/${wiltshireDecision}`, pdfBytes(), "x.pdf")).status).toBe(404);
    expect(await m().countBy(Attachment, {})).toBe(rows);
    expect(storedFiles().length).toBe(before);
  });

  it("refuses a file by its content, not its name: an .exe or an HTML page renamed .pdf; plain text is accepted as text", async () => {
    const before = storedFiles().length;
    const rows = await m().countBy(Attachment, {});
    const exe = await upload(PROVIDER_A, `returns/${submittedA}`, exeBytes(), "evidence.pdf");
    expect(exe.status).toBe(415);
    expect(exe.body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", problems: [{ rule: "fileType" }] });
    const html = await upload(PROVIDER_A, `returns/${submittedA}`, Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"), "report.pdf");
    expect(html.status).toBe(415);
    const svg = await upload(PROVIDER_A, `returns/${submittedA}`, Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "chart.png");
    expect(svg.status).toBe(415);
    const empty = await upload(PROVIDER_A, `returns/${submittedA}`, Buffer.alloc(0), "empty.pdf");
    expect(empty.status).toBe(400);
    expect(await m().countBy(Attachment, {})).toBe(rows);
    expect(storedFiles().length).toBe(before);

    const csv = await upload(PROVIDER_A, `returns/${submittedA}`, Buffer.from("measure,value\nreferrals,640\n"), "figures.csv");
    expect(csv.status).toBe(201);
    expect(csv.body.data!.attachment.contentType).toBe("text/plain; charset=utf-8");
  });

  it("refuses an oversized file before reading it (Content-Length) and while reading it (no length), storing nothing", async () => {
    const before = storedFiles().length;
    const rows = await m().countBy(Attachment, {});
    const declared = await upload(PROVIDER_A, `returns/${submittedA}`, pdfBytes(MAX_FILE + 1), "big.pdf");
    expect(declared.status).toBe(413);
    expect(declared.body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", problems: [{ rule: "maxSize" }] });
    const streamed = await chunkedUpload(PROVIDER_A, `returns/${submittedA}`, 4 * MAX_FILE);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).errors[0].extensions.problems[0].rule).toBe("maxSize");
    expect(await m().countBy(Attachment, {})).toBe(rows);
    expect(storedFiles().length).toBe(before);
    expect(fs.readdirSync(path.join(dir(), "incoming"))).toEqual([]);
  });

  it("holds each return's attachments to a total", async () => {
    let total = Number((await m().createQueryBuilder(Attachment, "a").select("SUM(a.sizeBytes)", "t").where("a.returnId = :r", { r: submittedA }).getRawOne()).t);
    let n = 0;
    while (total + MAX_FILE - 100 <= MAX_RETURN) {
      const up = await upload(PROVIDER_A, `returns/${submittedA}`, pdfBytes(MAX_FILE - 100 - n++), `part-${n}.pdf`);
      expect(up.status).toBe(201);
      total += up.body.data!.attachment.sizeBytes;
    }
    const before = storedFiles().length;
    const over = await upload(PROVIDER_A, `returns/${submittedA}`, pdfBytes(MAX_FILE - 100), "one-too-many.pdf");
    expect(over.status).toBe(413);
    expect(over.body.errors![0].extensions.problems![0].rule).toBe("maxReturnTotal");
    expect(storedFiles().length).toBe(before);
    // Another return has its own allowance.
    expect((await upload(PROVIDER_B, `returns/${submittedB}`, pdfBytes(MAX_FILE - 100), "harbour.pdf")).status).toBe(201);
  });

  it("lets the uploader or an officer delete a file, audited; the bytes go when nothing names them", async () => {
    const bytes = pdfBytes(3000);
    const a = (await upload(PROVIDER_B, `returns/${submittedB}`, bytes, "one.pdf")).body.data!.attachment;
    const b = (await upload(OFFICER, `returns/${submittedB}`, bytes, "same-bytes.pdf")).body.data!.attachment;
    expect(a.sha256).toBe(b.sha256);
    const file = path.join(dir(), a.sha256.slice(0, 2), a.sha256);
    const DELETE = "mutation($id: Int!) { deleteAttachment(id: $id) { id } }";
    expect(codes(await server.http(PROVIDER_A, DELETE, { id: a.id }))).toEqual(["NOT_FOUND"]);
    expect(codes(await server.http(DORSET_OFFICER, DELETE, { id: a.id }))).toEqual(["NOT_FOUND"]);
    expect(codes(await server.http(PROVIDER_B, DELETE, { id: b.id }))).toEqual(["FORBIDDEN"]); // uploaded by the officer
    await ok(PROVIDER_B, DELETE, { id: a.id });
    expect(fs.existsSync(file)).toBe(true); // still named by b
    await ok(OFFICER, DELETE, { id: b.id });
    expect(fs.existsSync(file)).toBe(false);
    expect(await m().countBy(AuditEvent, { action: "attachment.delete" })).toBe(2);
    expect((await download(PROVIDER_B, a.id)).status).toBe(404);
  });

  it("attaches papers to a decision for the office's staff only (analysts once it is published)", async () => {
    if (!wiltshireDecision) return expect.fail("the demo data has a Wiltshire decision");
    const decision = await m().findOneByOrFail(Decision, { id: wiltshireDecision });
    const up = await upload(OFFICER, `decisions/${wiltshireDecision}`, pdfBytes(900), "Decision paper.pdf");
    expect(up.status).toBe(201);
    const id = up.body.data!.attachment.id;
    expect((await download(OFFICER, id)).status).toBe(200);
    expect((await download(PROVIDER_A, id)).status).toBe(404);
    expect((await download(DORSET_OFFICER, id)).status).toBe(404);
    expect((await download(ANALYST, id)).status).toBe(decision.published ? 200 : 404);
    expect(codes(await server.http(PROVIDER_A, "query($d: Int!) { attachments(owner: DECISION, recordId: $d) { id } }", { d: wiltshireDecision }))).toEqual(["NOT_FOUND"]);
    expect(codes(await server.http(DORSET_OFFICER, "query($d: Int!) { attachments(owner: DECISION, recordId: $d) { id } }", { d: wiltshireDecision }))).toEqual(["NOT_FOUND"]);
    const listed = await ok(OFFICER, "query($o: Int!) { decisions(officeId: $o) { id attachments { id filename } } }", { o: wiltshire });
    expect(listed.decisions.find((d: { id: number }) => d.id === wiltshireDecision).attachments).toEqual([{ id, filename: "Decision paper.pdf" }]);
  });
});

describe("flags and files, live", () => {
  it("reach the office's staff and the return's provider over WebSocket, never another provider, office or the analyst", async () => {
    const SUB = "subscription($o: Int!) { conversationChanged(officeId: $o) { seq change returnId flag { id measureId } attachment { id filename } attachmentId } }";
    const listen = async (who: string) => {
      const client = wsClient(server.url, await server.tokenFor(who));
      clients.push(client);
      return collect<any>(client, SUB, { o: wiltshire }, (items) => items.filter((i) => i.data?.conversationChanged).length >= 2, 3000);
    };
    const heard = Promise.all([OFFICER, PROVIDER_A, PROVIDER_B, ANALYST].map(listen));
    await new Promise((r) => setTimeout(r, 300));
    const file = await upload(PROVIDER_A, `returns/${submittedA}`, pdfBytes(700), "live.pdf");
    expect(file.status).toBe(201);
    const flag = (await ok(OFFICER, RAISE, { input: { returnId: submittedA, measureId: measureOnA, note: "Live flag." } })).raiseFigureFlag;
    const [officer, providerA, providerB, analyst] = await heard;
    for (const events of [officer, providerA]) {
      const changes = events.map((e) => e.data?.conversationChanged).filter(Boolean);
      expect(changes).toEqual([
        expect.objectContaining({ change: "ATTACHMENT_ADDED", returnId: submittedA, attachment: { id: file.body.data!.attachment.id, filename: "live.pdf" } }),
        expect.objectContaining({ change: "FLAG_RAISED", returnId: submittedA, flag: { id: flag.id, measureId: measureOnA } }),
      ]);
    }
    expect(providerB.filter((e) => e.data?.conversationChanged)).toEqual([]);
    expect(analyst.filter((e) => e.data?.conversationChanged)).toEqual([]);
    await ok(OFFICER, CLEAR, { id: flag.id, version: flag.version });
  });
});
