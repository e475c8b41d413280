/*
 * red12: attachments. Hostile files (HTML/SVG/EXE named .pdf, polyglots, empty), hostile names, oversize bodies
 * (declared, chunked, lying, trickled), racing uploads past the per-return limit, other providers' and offices'
 * files by id and by hash, analysts uploading, cross-origin posts, and what is left behind after a refusal.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, type ServerProcess } from "../support/server-process.js";
import { sqliteAll } from "./kit.js";
import { ADMIN, ANALYST, DORSET_OFFICER, OFFICER, PROVIDER_A, PROVIDER_B, code, download, files, must, officeReturns, pdf, providerId, q, rawRequest, start, tmp, token, upload, type Ret } from "./red12-kit.js";

const MAX_FILE = 64 * 1024;
const MAX_RETURN = 160 * 1024;
const dir = tmp("att");
const store = path.join(dir, "attachments");
let server: ServerProcess;
let url = "";
let retA: Ret; // provider A's open return in Wiltshire
let retB: Ret; // provider B's open return in Wiltshire
let acceptedA: Ret; // provider A's accepted return
let serial = 0;
const uniq = (n = 600) => pdf(n, `red12-${++serial}-${Date.now()}`);

const rows = () => sqliteAll(path.join(dir, "hub.sqlite"), "SELECT * FROM attachment");
const incoming = () => files(path.join(store, "incoming"));
const stored = () => files(store).filter((f) => !f.startsWith("incoming"));
const rule = (body: any) => body?.errors?.[0]?.extensions?.problems?.[0]?.rule;

beforeAll(async () => {
  server = await start(dir, { ATTACHMENT_MAX_BYTES: String(MAX_FILE), ATTACHMENTS_PER_RETURN_MAX_BYTES: String(MAX_RETURN) });
  url = server.url;
  const a = await providerId(url, PROVIDER_A);
  const b = await providerId(url, PROVIDER_B);
  const all = await officeReturns(url);
  const open = (p: number) => all.find((r) => r.contract.provider.id === p && r.state !== "ACCEPTED" && r.state !== "DRAFT") ?? all.find((r) => r.contract.provider.id === p && r.state !== "ACCEPTED");
  retA = open(a)!;
  retB = open(b)!;
  acceptedA = all.find((r) => r.contract.provider.id === a && r.state === "ACCEPTED")!;
  expect(retA && retB && acceptedA).toBeTruthy();
}, 180_000);
afterAll(async () => {
  if (server) await crash(server).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("types by content, not by name", () => {
  const hostile: [string, Buffer][] = [
    ["HTML named .pdf", Buffer.from("<!doctype html><html><body><script>alert(document.domain)</script></body></html>")],
    ["SVG named .pdf", Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')],
    ["SVG without an XML prolog, after a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')])],
    ["HTML in UTF-16", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<html><script>alert(1)</script></html>", "utf16le")])],
    ["HTML late in a long text", Buffer.from("Quarterly notes.\n".repeat(400) + "<img src=x onerror=alert(1)>")],
    ["an EXE named .pdf", (() => { const b = Buffer.alloc(512); b.write("MZ", 0, "latin1"); b.writeUInt32LE(0x80, 0x3c); b.write("PE\0\0", 0x80, "latin1"); return b; })()],
    ["a zip named .pdf", Buffer.from("504b0304140000000800000000000000000000000000000000000500000061", "hex")],
    ["JavaScript with a NUL", Buffer.from("alert(1)\u0000")],
    ["invalid UTF-8 text", Buffer.from([0x48, 0x69, 0xff, 0xfe, 0x20, 0x21])],
  ];
  for (const [name, bytes] of hostile)
    it(`refuses ${name} with 415 fileType and stores nothing`, async () => {
      const before = (await rows()).length;
      const storedBefore = stored().length;
      const r = await upload(url, PROVIDER_A, `returns/${retA.id}`, bytes, "report.pdf");
      expect(r.status, JSON.stringify(r.body)).toBe(415);
      expect(rule(r.body)).toBe("fileType");
      expect((await rows()).length).toBe(before);
      expect(stored().length).toBe(storedBefore);
      expect(incoming()).toEqual([]);
    });

  it("serves a PDF/HTML polyglot only as a sandboxed download, never as HTML", async () => {
    const poly = Buffer.concat([pdf(400, `poly-${Date.now()}`), Buffer.from("<html><script>alert(document.cookie)</script></html>")]);
    const r = await upload(url, PROVIDER_A, `returns/${retA.id}`, poly, "evidence.html");
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const got = await download(url, PROVIDER_A, r.body.data.attachment.id);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toMatch(/^application\/pdf/);
    expect(got.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-security-policy") ?? "").toMatch(/sandbox/);
    expect(got.headers.get("content-security-policy") ?? "").toMatch(/default-src 'none'/);
    expect(got.headers.get("cache-control") ?? "").toMatch(/no-store/);
  });

  it("serves plain text as text/plain; charset=utf-8, as an attachment", async () => {
    const r = await upload(url, PROVIDER_A, `returns/${retA.id}`, Buffer.from(`referrals,42\nclosed,17 ${Date.now()}\n`), "figures.html");
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const got = await download(url, PROVIDER_A, r.body.data.attachment.id);
    expect(got.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(got.headers.get("content-disposition")).toMatch(/^attachment/);
  });

  it("refuses a zero-byte file with 400 required, and stores nothing", async () => {
    const before = (await rows()).length;
    const r = await upload(url, PROVIDER_A, `returns/${retA.id}`, Buffer.alloc(0), "empty.pdf");
    expect(r.status).toBe(400);
    expect(rule(r.body)).toBe("required");
    expect((await rows()).length).toBe(before);
  });
});

describe("hostile file names", () => {
  const names = ['a"; filename="evil.html', "x\r\nSet-Cookie: pwned=1\r\nX-Evil: 1", "../../../../etc/passwd", "..\\..\\boot.ini", "résumé – 報告 🙂.pdf", "n".repeat(1000) + ".pdf", "%0d%0aX-Injected: 1.pdf", "\u202Efdp.exe"];
  for (const name of names)
    it(`keeps the name ${JSON.stringify(name.slice(0, 40))} out of headers and paths`, async () => {
      const r = await upload(url, PROVIDER_A, `returns/${retA.id}`, uniq(), name);
      if (r.status !== 201) {
        // A clear refusal is acceptable; a crash is not.
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect(code({ status: r.status, errors: r.body.errors })).toBe("BAD_USER_INPUT");
        return;
      }
      const got = await download(url, PROVIDER_A, r.body.data.attachment.id);
      expect(got.status).toBe(200);
      expect(got.headers.get("set-cookie")).toBeNull();
      expect(got.headers.get("x-evil")).toBeNull();
      expect(got.headers.get("x-injected")).toBeNull();
      const cd = got.headers.get("content-disposition")!;
      expect(cd).toMatch(/^attachment/);
      // At most one plain filename= parameter, and no unescaped quote inside it.
      const plain = cd.match(/filename="((?:[^"\\]|\\.)*)"/g) ?? [];
      expect(plain.length).toBeLessThanOrEqual(1);
      expect(cd).not.toMatch(/[\r\n]/);
      // Stored only content-addressed: no file anywhere outside the attachments dir, no name on disk.
      expect(fs.existsSync(path.join(dir, "etc"))).toBe(false);
      for (const f of stored()) expect(f).toMatch(/^[0-9a-f]{2}[\\/][0-9a-f]{64}$/);
    });
});

describe("size limits", () => {
  it("refuses a declared Content-Length over the limit with 413 maxSize", async () => {
    const r = await upload(url, PROVIDER_A, `returns/${retA.id}`, pdf(MAX_FILE + 1), "big.pdf");
    expect(r.status).toBe(413);
    expect(rule(r.body)).toBe("maxSize");
    expect(incoming()).toEqual([]);
  });

  it("accepts exactly the limit", async () => {
    const r = await upload(url, PROVIDER_B, `returns/${retB.id}`, pdf(MAX_FILE, `exact-${Date.now()}`).subarray(0, MAX_FILE), "exact.pdf");
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.data.attachment.sizeBytes).toBe(MAX_FILE);
    await must(url, PROVIDER_B, "mutation($id: Int!) { deleteAttachment(id: $id) { id } }", { id: r.body.data.attachment.id });
  });

  it("cuts off a chunked body as soon as it passes the limit, leaving nothing behind", async () => {
    const t = await token(url, PROVIDER_A);
    const before = (await rows()).length;
    let sent = 0;
    const res = await rawRequest(url, `POST /attachments/returns/${retA.id}?filename=c.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nTransfer-Encoding: chunked\r\n\r\n`, async function* () {
      const chunk = pdf(8 * 1024);
      while (sent < 20 * MAX_FILE) {
        sent += chunk.length;
        yield Buffer.from(chunk.length.toString(16) + "\r\n" + chunk.toString("latin1") + "\r\n", "latin1");
        await new Promise((r) => setTimeout(r, 2));
      }
      yield Buffer.from("0\r\n\r\n");
    });
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(10 * MAX_FILE);
    expect((await rows()).length).toBe(before);
    await new Promise((r) => setTimeout(r, 300));
    expect(incoming()).toEqual([]);
  });

  it("does not trust a Content-Length that lies low: the extra bytes are not stored as part of the file", async () => {
    const t = await token(url, PROVIDER_A);
    const body = pdf(MAX_FILE * 3);
    const res = await rawRequest(url, `POST /attachments/returns/${retA.id}?filename=lie.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n`, body);
    // HTTP reads exactly 1000 bytes as the body: a truncated PDF at most 1000 bytes, never more.
    if (res.status === 201) {
      const size = Number(/"sizeBytes":(\d+)/.exec(res.text)![1]);
      expect(size).toBe(1000);
    } else expect([400, 413, 415]).toContain(res.status);
    for (const f of stored()) expect(fs.statSync(path.join(store, f)).size).toBeLessThanOrEqual(MAX_FILE);
  });

  it("a slow trickled body over the limit is refused and its partial file removed", async () => {
    const t = await token(url, PROVIDER_A);
    const res = await rawRequest(url, `POST /attachments/returns/${retA.id}?filename=slow.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nTransfer-Encoding: chunked\r\n\r\n`, async function* () {
      const chunk = pdf(16 * 1024);
      for (let i = 0; i < 8; i++) {
        yield Buffer.from(chunk.length.toString(16) + "\r\n" + chunk.toString("latin1") + "\r\n", "latin1");
        await new Promise((r) => setTimeout(r, 250));
      }
      yield Buffer.from("0\r\n\r\n");
    });
    expect(res.status).toBe(413);
    // Give it every chance: two seconds after the refusal, the partial upload must be gone.
    await new Promise((r) => setTimeout(r, 2000));
    expect(incoming()).toEqual([]);
  });

  it("does not let concurrent uploads race past the per-return total", async () => {
    // A fresh return of provider B: its files start at 0 bytes (deleting what earlier tests left).
    const mine = (await must(url, PROVIDER_B, "query($o: AttachmentOwner!, $id: Int!) { attachments(owner: $o, recordId: $id) { id } }", { o: "RETURN", id: retB.id })).attachments;
    for (const f of mine) await must(url, PROVIDER_B, "mutation($id: Int!) { deleteAttachment(id: $id) { id } }", { id: f.id });
    const leftBefore = new Set(incoming());
    const each = 50 * 1024; // 3 fit in 160 KB, 12 do not
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => upload(url, PROVIDER_B, `returns/${retB.id}`, pdf(each, `race-${i}-${Date.now()}`), `race-${i}.pdf`)));
    const okCount = answers.filter((a) => a.status === 201).length;
    const refused = answers.filter((a) => a.status === 413);
    expect(okCount).toBe(3);
    expect(refused.length).toBe(9);
    for (const r of refused) expect(rule(r.body)).toBe("maxReturnTotal");
    const total = (await rows()).filter((r: any) => r.returnId === retB.id).reduce((s: number, r: any) => s + Number(r.sizeBytes), 0);
    expect(total).toBeLessThanOrEqual(MAX_RETURN);
    await new Promise((r) => setTimeout(r, 300));
    expect(incoming().filter((f) => !leftBefore.has(f))).toEqual([]);
  });
});

describe("who may see, upload and delete", () => {
  let bFile: { id: number; sha256: string };
  beforeAll(async () => {
    const r = await upload(url, PROVIDER_B, `returns/${retB.id}`, uniq(), "harbour-evidence.pdf");
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    bFile = r.body.data.attachment;
  });

  it("another provider cannot download it by id or by hash, nor list it", async () => {
    expect((await download(url, PROVIDER_A, bFile.id)).status).toBe(404);
    for (const p of [`/attachments/${bFile.sha256}`, `/attachments/${bFile.sha256.slice(0, 2)}/${bFile.sha256}`, `/data/attachments/${bFile.sha256.slice(0, 2)}/${bFile.sha256}`, `/attachments/${bFile.id}/../${bFile.id}`, `/attachments/%2e%2e/${bFile.id}`, `/attachments/${bFile.id}.0`, `/attachments/0${bFile.id}`])
    {
      // Paths the server has no route for get the dashboard's own page (a client-side route, 200 text/html) once the
      // dashboard is built: that is not the file. What must never come back is the file's bytes.
      const r = await download(url, PROVIDER_A, p);
      if (r.status === 200) {
        expect(r.headers.get("content-type")).toMatch(/^text\/html/);
        expect(await r.text()).not.toContain("%PDF");
      } else expect([400, 401, 404]).toContain(r.status);
    }
    const listed = await q(url, PROVIDER_A, "query($o: AttachmentOwner!, $id: Int!) { attachments(owner: $o, recordId: $id) { id } }", { o: "RETURN", id: retB.id });
    expect(code(listed)).toBe("NOT_FOUND");
  });

  it("another office's officer cannot download, list or delete it", async () => {
    expect((await download(url, DORSET_OFFICER, bFile.id)).status).toBe(404);
    expect(code(await q(url, DORSET_OFFICER, "mutation($id: Int!) { deleteAttachment(id: $id) { id } }", { id: bFile.id }))).toBe("NOT_FOUND");
  });

  it("another provider cannot delete it, and cannot upload to that return", async () => {
    expect(code(await q(url, PROVIDER_A, "mutation($id: Int!) { deleteAttachment(id: $id) { id } }", { id: bFile.id }))).toBe("NOT_FOUND");
    const r = await upload(url, PROVIDER_A, `returns/${retB.id}`, uniq(), "x.pdf");
    expect(r.status).toBe(404);
    expect((await download(url, PROVIDER_B, bFile.id)).status).toBe(200);
  });

  it("an analyst cannot upload, even to an accepted return it can see, and cannot read an unaccepted return's files", async () => {
    const before = (await rows()).length;
    const r1 = await upload(url, ANALYST, `returns/${acceptedA.id}`, uniq(), "a.pdf");
    expect([403, 404]).toContain(r1.status);
    const r2 = await upload(url, ANALYST, `returns/${retB.id}`, uniq(), "a.pdf");
    expect([403, 404]).toContain(r2.status);
    expect((await rows()).length).toBe(before);
    expect((await download(url, ANALYST, bFile.id)).status).toBe(404);
  });

  it("without a token: 401, not the file", async () => {
    expect((await download(url, null, bFile.id)).status).toBe(401);
    expect((await upload(url, null, `returns/${retB.id}`, uniq(), "x.pdf")).status).toBe(401);
  });

  it("deleting one of two identical files (other provider's) keeps the other downloadable", async () => {
    const bytes = uniq();
    const a = await upload(url, PROVIDER_A, `returns/${retA.id}`, bytes, "same.pdf");
    const b = await upload(url, PROVIDER_B, `returns/${retB.id}`, bytes, "same.pdf");
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.data.attachment.sha256).toBe(b.body.data.attachment.sha256);
    await must(url, PROVIDER_A, "mutation($id: Int!) { deleteAttachment(id: $id) { id } }", { id: a.body.data.attachment.id });
    const got = await download(url, PROVIDER_B, b.body.data.attachment.id);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    // ... and the first provider cannot reach it through its own deleted id.
    expect((await download(url, PROVIDER_A, a.body.data.attachment.id)).status).toBe(404);
  });

  it("a provider cannot add to or delete the evidence of an accepted return", async () => {
    const r = await upload(url, PROVIDER_A, `returns/${acceptedA.id}`, uniq(), "late.pdf");
    expect(r.status).toBe(403);
    const staff = await upload(url, OFFICER, `returns/${acceptedA.id}`, uniq(), "officer-note.pdf");
    expect(staff.status, JSON.stringify(staff.body)).toBe(201);
    expect(code(await q(url, PROVIDER_A, "mutation($id: Int!) { deleteAttachment(id: $id) { id } }", { id: staff.body.data.attachment.id }))).toBe("FORBIDDEN");
  });

  it("a provider cannot attach to a decision or a brief", async () => {
    const decisions = await q(url, OFFICER, "{ decisions { id } }");
    const id = decisions.data?.decisions?.[0]?.id ?? 1;
    const r = await upload(url, PROVIDER_A, `decisions/${id}`, uniq(), "x.pdf");
    expect([403, 404]).toContain(r.status);
    const s = await upload(url, PROVIDER_A, `briefs/1`, uniq(), "x.pdf");
    expect([403, 404]).toContain(s.status);
  });

  it("another office's officer cannot attach to this office's decision", async () => {
    const decisions = await q(url, OFFICER, "{ decisions { id } }");
    const id = decisions.data?.decisions?.[0]?.id;
    expect(id).toBeTruthy();
    const r = await upload(url, DORSET_OFFICER, `decisions/${id}`, uniq(), "x.pdf");
    expect(r.status).toBe(404);
  });

  it("the admin sees it; the download is never rendered inline", async () => {
    const got = await download(url, ADMIN, bFile.id);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(got.headers.get("x-frame-options") ?? got.headers.get("content-security-policy") ?? "").toMatch(/DENY|SAMEORIGIN|frame-ancestors|sandbox/i);
  });
});

describe("cross-origin uploads", () => {
  it("refuses an upload whose Origin is another site, even with a valid bearer token", async () => {
    const before = (await rows()).length;
    const r = await upload(url, PROVIDER_A, `returns/${retA.id}`, uniq(), "csrf.pdf", { origin: "https://evil.example" });
    expect(r.status).toBe(403);
    expect((await rows()).length).toBe(before);
  });

  it("does not allow the Authorization header cross-origin in a preflight", async () => {
    const res = await fetch(`${url}/attachments/returns/${retA.id}?filename=x.pdf`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization" } });
    const allow = res.headers.get("access-control-allow-origin");
    expect(allow === null || allow === url).toBe(true);
    expect((res.headers.get("access-control-allow-headers") ?? "").toLowerCase()).not.toContain("authorization");
  });

  it("refuses a simple form post (text/plain, no token, cookie-style) from another origin", async () => {
    const res = await fetch(`${url}/attachments/returns/${retA.id}?filename=x.txt`, { method: "POST", headers: { origin: "https://evil.example", "content-type": "text/plain", cookie: "token=whatever" }, body: "hello" });
    expect([401, 403]).toContain(res.status);
  });
});

describe("a bad day: uploads that never finish, decision papers before publication", () => {
  it("an upload cut off mid-body (the client goes away) leaves nothing on disk or in the database", async () => {
    const t = await token(url, PROVIDER_A);
    const before = (await rows()).length;
    const leftBefore = new Set(incoming());
    const res = await rawRequest(
      url,
      `POST /attachments/returns/${retA.id}?filename=cut.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Length: ${MAX_FILE - 10}\r\n\r\n`,
      async function* () {
        yield pdf(20 * 1024);
        await new Promise((r) => setTimeout(r, 300));
      },
      600,
    );
    expect(res.status).toBe(0); // we hung up before any answer
    await new Promise((r) => setTimeout(r, 2500));
    expect((await rows()).length).toBe(before);
    expect(incoming().filter((f) => !leftBefore.has(f))).toEqual([]);
  });

  it("an officer's paper on an unpublished decision is not the analyst's nor any provider's", async () => {
    const decisions = (await must(url, OFFICER, "{ decisions { id published } }")).decisions as { id: number; published: boolean }[];
    const draft = decisions.find((d) => !d.published);
    expect(draft, "an unpublished decision in the demo").toBeTruthy();
    const r = await upload(url, OFFICER, `decisions/${draft!.id}`, uniq(), "decision-paper.pdf");
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await download(url, ANALYST, r.body.data.attachment.id)).status).toBe(404);
    expect((await download(url, PROVIDER_A, r.body.data.attachment.id)).status).toBe(404);
    expect((await download(url, DORSET_OFFICER, r.body.data.attachment.id)).status).toBe(404);
    expect((await download(url, OFFICER, r.body.data.attachment.id)).status).toBe(200);
    expect(code(await q(url, ANALYST, "query($o: AttachmentOwner!, $id: Int!) { attachments(owner: $o, recordId: $id) { id } }", { o: "DECISION", id: draft!.id }))).toBe("NOT_FOUND");
  });
});
