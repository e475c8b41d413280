/*
 * Attack on guarantee 7 (issue 15): `npm run backup` at bad moments.
 *  1. Under write load with a large CSV upload in flight when the backup starts.
 *  2. The backup's own disk is full (a 2 MB tmpfs): it must fail (exit ≠ 0, no "integrity_check ok") and leave no
 *     file that looks like a good backup; the server keeps taking writes.
 *  3. The store's disk is full (the server refuses writes): a backup to elsewhere still works and holds every write.
 *  4. Another process holds the write lock during the backup.
 *  5. The server is killed -9 while the backup runs.
 * Holds when: every backup that exits 0 passes integrity_check and holds every write acknowledged before it began.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crash, startServer, type ServerProcess } from "../support/server-process.js";
import { acknowledged, bulkContracts, csvFor, fill, gql, holdLock, login, mountTmpfs, ok, OFFICER, PASSWORD, runBackup, sleep, sqliteAll, UPLOAD } from "./kit.js";

const store = mountTmpfs(48, "red15-bstore-");
const small = mountTmpfs(2, "red15-bsmall-");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "red15-bout-"));
afterAll(() => {
  for (const t of [store, small]) if (typeof t !== "string") t.unmount();
  fs.rmSync(out, { recursive: true, force: true });
});
/** What a failed backup (target disk full) left at the target path; checked by the second test. */
let leftoverAfterFailure: string | null = null;
const WRITE = 'mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: "Attack backup" }) { id } }';

async function checkCopy(copy: string, mustHold: string[]): Promise<{ integrity: string; missing: string[]; held: number }> {
  const [c] = await sqliteAll(copy, "PRAGMA integrity_check");
  const titles = new Set((await sqliteAll<{ title: string }>(copy, "SELECT title FROM risk WHERE ownerName = 'Attack backup'")).map((r) => r.title));
  return { integrity: c.integrity_check, missing: mustHold.filter((t) => !titles.has(t)), held: titles.size };
}

describe.skipIf(typeof store === "string" || typeof small === "string")("npm run backup at bad moments", () => {
  it("under load with a large upload in flight, on a full target disk, with the store's disk full, with a lock held, and with the server killed -9", async () => {
    const dir = (store as { dir: string }).dir;
    const file = path.join(dir, "store.sqlite");
    const filler = path.join(dir, "filler.bin");
    let server: ServerProcess | null = await startServer({ databasePath: file, timeoutMs: 90_000 });
    const figures: string[] = [];
    const problems: string[] = [];
    try {
      const url = server.url;
      const { token } = await login(url, OFFICER, PASSWORD);
      const { pairs } = await bulkContracts(url, token, "BK", 30, 8);
      const periods: number[] = [];
      for (const q of ["2025-26 Q1", "2025-26 Q2"]) periods.push((await ok(url, token, "mutation($q: String!) { openReportingPeriod(quarter: $q) { id } }", { q })).openReportingPeriod.id);
      const acked: string[] = [];
      let stop = false;
      let n = 0;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        while (!stop && n < 5000) {
          const t = `bk w${w} #${++n}`;
          const r = await gql(url, token, WRITE, { t }).catch(() => null);
          if (r && acknowledged(r)) acked.push(t);
          else await sleep(50);
        }
      });
      await sleep(800);

      // ---- 1. A large upload in flight as the backup starts.
      const upload = gql(url, token, UPLOAD, { p: periods[0], csv: csvFor(pairs, "BKMARK", 9), key: `bk-${Date.now()}`, submit: false }, 60_000);
      await sleep(100);
      let before = [...acked];
      const copy1 = path.join(out, "one.sqlite");
      const b1 = await runBackup({ DATABASE_PATH: file }, copy1);
      const up = await upload;
      const c1 = b1.code === 0 ? await checkCopy(copy1, before) : null;
      const [{ n: rows1 }] = b1.code === 0 ? await sqliteAll(copy1, "SELECT COUNT(*) AS n FROM return_value v JOIN performance_return r ON r.id = v.returnId WHERE r.periodId = ? AND v.comment LIKE 'BKMARK %'", [periods[0]]) : [{ n: -1 }];
      figures.push(`1 under load + upload: exit ${b1.code} in ${b1.ms} ms; ${before.length} acked before; copy ${JSON.stringify(c1 && { ...c1, missing: c1.missing.length })}; upload ${acknowledged(up) ? "acked" : "refused"}, ${rows1}/${pairs.length} upload rows in the copy`);
      if (b1.code !== 0) problems.push(`1: backup failed: ${b1.output.slice(-500)}`);
      if (c1 && (c1.integrity !== "ok" || c1.missing.length)) problems.push(`1: copy ${c1.integrity}, missing ${c1.missing.slice(0, 3)}`);
      if (rows1 !== 0 && rows1 !== pairs.length) problems.push(`1: half an upload in the copy (${rows1}/${pairs.length})`);

      // ---- 2. The backup's own disk is full.
      const smallDir = (small as { dir: string }).dir;
      fill(path.join(smallDir, "filler.bin"), 0);
      const copy2 = path.join(smallDir, "two.sqlite");
      const b2 = await runBackup({ DATABASE_PATH: file }, copy2);
      const writeDuring = await gql(url, token, WRITE, { t: "bk while backup disk full" });
      let leftover = "none";
      if (fs.existsSync(copy2)) {
        try {
          const [c] = await sqliteAll(copy2, "PRAGMA integrity_check");
          const tables = (await sqliteAll(copy2, "SELECT COUNT(*) AS n FROM sqlite_master"))[0].n;
          leftover = `a ${fs.statSync(copy2).size}-byte file that checks ${c.integrity_check} with ${tables} schema objects`;
        } catch (error) {
          leftover = `a broken file (${String(error).slice(0, 60)})`;
        }
      }
      figures.push(`2 target disk full: exit ${b2.code}; output ${JSON.stringify(b2.output.trim().slice(-160))}; left ${leftover}; server write ${acknowledged(writeDuring) ? "ok" : "refused"}`);
      if (b2.code === 0) problems.push("2: backup to a full disk exited 0");
      if (/integrity_check ok/.test(b2.output)) problems.push("2: backup to a full disk said integrity_check ok");
      // A failed backup must not leave, at the path the operator named, a file that opens and checks "ok" but
      // holds none of the store (a restore from it would lose everything): it should remove what it wrote.
      leftoverAfterFailure = leftover;
      if (!acknowledged(writeDuring)) problems.push("2: the server stopped taking writes while the backup's disk was full");

      // ---- 3. The store's disk is full: the server refuses writes; a backup elsewhere still holds everything.
      stop = true;
      await Promise.all(writers);
      fill(filler, 0);
      for (let i = 0; i < 300; i++) {
        const t = `bk squeeze ${i}`;
        const r = await gql(url, token, WRITE, { t });
        if (!acknowledged(r)) break;
        acked.push(t);
      }
      before = [...acked];
      const copy3 = path.join(out, "three.sqlite");
      const b3 = await runBackup({ DATABASE_PATH: file }, copy3);
      const c3 = b3.code === 0 ? await checkCopy(copy3, before) : null;
      figures.push(`3 store disk full: exit ${b3.code}; copy ${JSON.stringify(c3 && { ...c3, missing: c3.missing.length })}; ${b3.output.trim().slice(-160)}`);
      if (b3.code !== 0) problems.push(`3: backup failed while the store's disk was full: ${b3.output.slice(-300)}`);
      if (c3 && (c3.integrity !== "ok" || c3.missing.length)) problems.push(`3: copy ${c3.integrity}, missing ${c3.missing.length}`);
      fs.rmSync(filler);
      await sleep(1500);

      // ---- 4. Another process holds the write lock during the backup.
      before = [...acked];
      const lock = await holdLock(file, 4000);
      const copy4 = path.join(out, "four.sqlite");
      const b4 = await runBackup({ DATABASE_PATH: file }, copy4);
      lock.kill();
      const c4 = b4.code === 0 ? await checkCopy(copy4, before) : null;
      const half4 = b4.code === 0 ? (await sqliteAll(copy4, "SELECT COUNT(*) AS n FROM risk WHERE ownerName = 'Lock holder'"))[0].n : 0;
      figures.push(`4 lock held: exit ${b4.code} in ${b4.ms} ms; copy ${JSON.stringify(c4 && { ...c4, missing: c4.missing.length })}, holder's uncommitted rows ${half4}`);
      if (b4.code === 0 && (c4!.integrity !== "ok" || c4!.missing.length || half4)) problems.push(`4: bad copy under a held lock`);
      if (b4.code !== 0 && /integrity_check ok/.test(b4.output)) problems.push("4: failed but said ok");

      // ---- 5. The server is killed -9 while the backup runs (under writes).
      stop = false;
      const acked5: string[] = [];
      const w5 = (async () => {
        for (let i = 0; !stop && i < 2000; i++) {
          const r = await gql(url, token, WRITE, { t: `bk5 ${i}` }).catch(() => null);
          if (!r) return;
          if (acknowledged(r)) acked5.push(`bk5 ${i}`);
        }
      })();
      await sleep(500);
      before = [...acked, ...acked5];
      const copy5 = path.join(out, "five.sqlite");
      const b5p = runBackup({ DATABASE_PATH: file }, copy5);
      await sleep(150);
      await crash(server);
      server = null;
      stop = true;
      await w5;
      const b5 = await b5p;
      const c5 = b5.code === 0 ? await checkCopy(copy5, before) : null;
      figures.push(`5 server killed -9 mid-backup: exit ${b5.code}; copy ${JSON.stringify(c5 && { ...c5, missing: c5.missing.length })}`);
      if (b5.code === 0 && (c5!.integrity !== "ok" || c5!.missing.length)) problems.push(`5: bad copy: ${c5!.integrity}, missing ${c5!.missing.length}`);
    } finally {
      console.log(`backup faults:\n  ${figures.join("\n  ")}`);
      if (server) await crash(server);
      fs.rmSync(filler, { force: true });
    }
    expect(problems).toEqual([]);
  }, 170_000);

  it("a backup that failed on a full target disk leaves nothing at the target that opens as a (hollow) database", () => {
    // An empty file opens as an empty SQLite database that passes integrity_check: restored by mistake, it loses everything.
    expect(leftoverAfterFailure, "the first test did not get as far as the full-target backup").not.toBeNull();
    expect(leftoverAfterFailure).toBe("none");
  });
});
