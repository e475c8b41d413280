import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { PLAIN_TEXT, sniff } from "../../server/modules/attachments/attachment-content.js";
import { cleanFilename } from "../../server/modules/attachments/attachment.service.js";
import { contentDisposition } from "../../server/modules/attachments/attachment.routes.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ch-sniff-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(bytes: Buffer | string): string {
  const target = path.join(dir, `f${++n}.bin`);
  fs.writeFileSync(target, bytes);
  return target;
}

describe("an attachment's type comes from its content", () => {
  it("recognises a PDF, a PNG and an Excel workbook whatever they are called", async () => {
    expect(await sniff(file("%PDF-1.7\n%%EOF\n"))).toEqual({ allowed: true, contentType: "application/pdf" });
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3d0a8ae0000000049454e44ae426082", "hex");
    expect(await sniff(file(png))).toEqual({ allowed: true, contentType: "image/png" });
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("figures").addRow(["referrals", 640]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await sniff(file(xlsx))).toEqual({ allowed: true, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
  });

  it("refuses an executable, and a file with magic bytes of a type not on the list", async () => {
    const exe = Buffer.alloc(256);
    exe.write("MZ", 0, "latin1");
    expect((await sniff(file(exe))).allowed).toBe(false);
    expect((await sniff(file(Buffer.from("7z\xbc\xaf\x27\x1c\x00\x04", "latin1")))).allowed).toBe(false);
  });

  it("takes plain UTF-8 text and CSV as text, and refuses markup, control characters and other encodings", async () => {
    expect(await sniff(file("measure,value\nreferrals,640\n"))).toEqual({ allowed: true, contentType: PLAIN_TEXT });
    expect(await sniff(file("\uFEFFNotes: fewer than <5 clients declined.\r\n"))).toEqual({ allowed: true, contentType: PLAIN_TEXT });
    for (const markup of ["<!DOCTYPE html><p>hi</p>", "Report\n\n<script>alert(1)</script>", '<?xml version="1.0"?><a/>', "<svg onload=alert(1)>", "text <IMG src=x onerror=alert(1)>"]) {
      expect((await sniff(file(markup))).allowed, markup).toBe(false);
    }
    expect((await sniff(file("a\u0000b"))).allowed).toBe(false);
    expect((await sniff(file(Buffer.from("caf\xe9", "latin1")))).allowed).toBe(false);
  });
});

describe("an attachment's name", () => {
  it("keeps no folders or control characters", () => {
    expect(cleanFilename("../../etc/passwd")).toBe("passwd");
    expect(cleanFilename("C:\\Users\\me\\report.pdf")).toBe("report.pdf");
    expect(cleanFilename('a"b\r\nc.pdf')).toBe("abc.pdf");
    expect(cleanFilename("   ")).toBe("");
  });

  it("is always sent as an attachment, with an ASCII fallback and the exact name", () => {
    expect(contentDisposition("Case study — Q4.pdf")).toBe(`attachment; filename="Case study _ Q4.pdf"; filename*=UTF-8''Case%20study%20%E2%80%94%20Q4.pdf`);
    expect(contentDisposition('x";.html')).toMatch(/^attachment; filename="x__\.html"; /);
  });
});
