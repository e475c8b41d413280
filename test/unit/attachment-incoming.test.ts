/*
 * What uploads leave in `<ATTACHMENTS_DIR>/incoming/`: a body the HTTP layer already destroyed is refused before any
 * file is made (it would never end, so nothing would remove it), and at start-up the leftovers of a crashed run go:
 * on SQLite every one written before the start, on PostgreSQL (instances may share the folder) only idle ones.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { AttachmentStore } from "../../server/modules/attachments/attachment-store.js";
import { sweepLeftUploads } from "../../server/modules/attachments/attachment.service.js";
import type { Services } from "../../server/services.js";

const dirs: string[] = [];
function store(): AttachmentStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-incoming-"));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "incoming"));
  return new AttachmentStore(dir);
}
function part(s: AttachmentStore, name: string, ageMs: number, now: number): string {
  const file = path.join(s.dir, "incoming", name);
  fs.writeFileSync(file, "partial");
  const at = new Date(now - ageMs);
  fs.utimesSync(file, at, at);
  return name;
}
const incoming = (s: AttachmentStore) => fs.readdirSync(path.join(s.dir, "incoming")).sort();
const services = (s: AttachmentStore, databaseUrl?: string) => ({ config: { databaseUrl, attachments: { dir: s.dir } } }) as unknown as Services;

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("incoming uploads", () => {
  it("refuses a body that is already destroyed without leaving a file", async () => {
    const s = store();
    const body = new PassThrough();
    body.write(Buffer.from("%PDF-1.4 the start of it"));
    body.destroy();
    await new Promise((r) => setImmediate(r));
    await expect(s.receive(body, 1024)).rejects.toThrow(/cut off/);
    expect(incoming(s)).toEqual([]);
  });

  it("removes a partial file when the body passes the limit or is cut off", async () => {
    const s = store();
    const big = new PassThrough();
    const refused = s.receive(big, 10);
    big.write(Buffer.alloc(8));
    big.write(Buffer.alloc(8));
    await expect(refused).rejects.toThrow();
    const cut = new PassThrough();
    const cutOff = s.receive(cut, 1024);
    cut.write(Buffer.alloc(8));
    await new Promise((r) => setTimeout(r, 20));
    cut.destroy();
    await expect(cutOff).rejects.toThrow(/cut off/);
    expect(incoming(s)).toEqual([]);
  });

  it("on SQLite, removes at start-up every partial file written before the start, and nothing else", async () => {
    const s = store();
    const now = Date.now();
    part(s, "old.part", 3_600_000, now);
    part(s, "crashed-a-moment-ago.part", 1000, now);
    part(s, "not-an-upload.txt", 3_600_000, now);
    expect(await sweepLeftUploads(services(s), now)).toBe(2);
    expect(incoming(s)).toEqual(["not-an-upload.txt"]);
  });

  it("on PostgreSQL, keeps what another instance may still be receiving and removes what no live request can own", async () => {
    const s = store();
    const now = Date.now();
    part(s, "idle-an-hour.part", 3_600_000, now);
    part(s, "written-a-minute-ago.part", 60_000, now);
    expect(await sweepLeftUploads(services(s, "postgres://127.0.0.1/x"), now)).toBe(1);
    expect(incoming(s)).toEqual(["written-a-minute-ago.part"]);
  });

  it("does nothing when there is no incoming folder yet", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-incoming-"));
    dirs.push(dir);
    expect(await new AttachmentStore(dir).sweepIncoming(Date.now())).toBe(0);
  });
});
