/*
 * Attack on guarantee 1 (issue 15): a real tmpfs fills while a large CSV upload (≈600 KB, one transaction) and every
 * other kind of write run at once; the disk is freed and filled again three times; clients retry with the same
 * idempotency keys after each fault; and the server is killed -9 the moment it answers STORE_UNAVAILABLE.
 *
 * Holds when: every refusal is STORE_UNAVAILABLE with retryable: true and comes fast; /healthz is 503 with a reason
 * while full and 200 again by itself after space returns; reads work while full; every acknowledged write is in the
 * file after kill -9; no refused write is in the file; a CSV upload is in the file whole or not at all; a retry with
 * the same idempotency key after recovery gets the first result (or, if the first was refused, does it once).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crash, startServer, type ServerProcess } from "../support/server-process.js";
import { acknowledged, bulkContracts, codeOf, csvFor, describeFailure, fill, gql, health, login, mountTmpfs, ok, OFFICER, PASSWORD, sleep, sqliteAll, tally, UPLOAD, waitHealthy } from "./kit.js";

const tmp = mountTmpfs(40, "red15-diskfull-");
if (typeof tmp === "string") console.warn(`disk-full-mixed SKIPPED: no tmpfs: ${tmp}`);
afterAll(() => typeof tmp !== "string" && tmp.unmount());

const CYCLES = 3;
const SUBMIT = "mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { id version state revisionCount } }";
const SAVE = "mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { id version state } }";
const CREATE_RISK = 'mutation($t: String!, $d: String!) { createRisk(input: { title: $t, description: $d, likelihood: 2, impact: 3, ownerName: "Attack disk" }) { id version title } }';
const UPDATE_RISK = "mutation($id: Int!, $v: Int!, $d: String!) { updateRisk(id: $id, version: $v, input: { description: $d }) { id version } }";
const SET_TARGET = "mutation($input: SetTargetInput!) { setTarget(input: $input) { id version value } }";

describe.skipIf(typeof tmp === "string")("disk fills mid-CSV-upload, under mixed writes, repeatedly, then kill -9 right after STORE_UNAVAILABLE", () => {
  it("never acknowledges what is not durable; refuses fast with STORE_UNAVAILABLE; recovers by itself each time; retries get the first result", async () => {
    const { dir } = tmp as { dir: string };
    const file = path.join(dir, "store.sqlite");
    const filler = path.join(dir, "filler.bin");
    let server: ServerProcess | null = await startServer({ databasePath: file, timeoutMs: 90_000 });
    const figures: string[] = [];
    try {
      const url = server.url;
      const { token } = await login(url, OFFICER, PASSWORD);
      const { pairs, contractIds } = await bulkContracts(url, token, "DF", 50, 10);
      const periods: number[] = [];
      for (const q of ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "2025-26 Q4", "2026-27 Q1"]) periods.push((await ok(url, token, "mutation($q: String!) { openReportingPeriod(quarter: $q) { id } }", { q })).openReportingPeriod.id);
      const submitPeriod = periods[4];
      const measureIds = ((await ok(url, token, "query($id: Int!) { contract(id: $id) { reportedMeasures { id } } }", { id: contractIds[0] })).contract.reportedMeasures as { id: number }[]).map((m) => m.id);
      const drafts: { id: number; version: number }[] = [];
      for (const cid of contractIds.slice(0, 3 * CYCLES)) drafts.push((await ok(url, token, SAVE, { input: { contractId: cid, periodId: submitPeriod, version: null, values: measureIds.map((m) => ({ measureId: m, value: 5 })), achievements: "a" } })).saveReturnDraft);
      const indicatorId = ((await ok(url, token, "{ indicators { id code } }")).indicators as { id: number; code: string }[]).find((i) => i.code === "DF_I0")!.id;
      const portfolioId = ((await ok(url, token, "{ portfolios { id } }")).portfolios as { id: number }[])[0].id;
      const risk = (await ok(url, token, CREATE_RISK, { t: "df shared", d: "start" })).createRisk as { id: number; version: number };
      let riskVersion = risk.version;

      const ackedRisks = new Set<string>();
      const refusedRisks = new Set<string>();
      const uploads: { period: number; key: string; marker: string; csv: string; acked: boolean; first?: unknown }[] = [];
      const submits: { input: Record<string, unknown>; first: any; acked: boolean }[] = [];
      const allCodes: (string | null)[] = [];
      const bad: string[] = [];
      const slow: number[] = [];
      const note = (label: string, r: Awaited<ReturnType<typeof gql>>, ms?: number) => {
        const c = codeOf(r);
        allCodes.push(c);
        if (c === null) return true;
        const e = r.errors?.[0]?.extensions;
        if (c !== "STORE_UNAVAILABLE" || e?.retryable !== true || !e?.reason) bad.push(`${label}: ${describeFailure(r)} ${JSON.stringify(e)}`);
        if (ms !== undefined && ms > 3000) slow.push(ms);
        return false;
      };
      let n = 0;
      let bites = 0;

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        // ---- The large upload starts, and the disk fills while it is in flight.
        const key = `df-upload-${cycle}-${Date.now()}`;
        const marker = `DFMARK${cycle}`;
        const csv = csvFor(pairs, marker, 10 + cycle);
        const up = { period: periods[cycle], key, marker, csv, acked: false, first: undefined as unknown };
        uploads.push(up);
        // Less room than the upload needs (≈1.9 MB of comments, more than the WAL already holds), so the disk runs out while it is being written.
        fill(filler, [64, 512, 1024][cycle] * 1024);
        const upload = gql(url, token, UPLOAD, { p: up.period, csv, key, submit: false }, 60_000);
        await sleep(30);
        // ---- Mixed writes of every kind while full.
        const mixed: Promise<unknown>[] = [];
        for (let w = 0; w < 6; w++) {
          mixed.push(
            (async () => {
              for (let i = 0; i < 6; i++) {
                const t = `df risk ${cycle}.${w}.${i} ${++n}`;
                const started = Date.now();
                const r = await gql(url, token, CREATE_RISK, { t, d: "d".repeat(3000) });
                if (note("createRisk", r, Date.now() - started)) ackedRisks.add(t);
                else refusedRisks.add(t);
              }
            })(),
          );
        }
        mixed.push(
          (async () => {
            for (let i = 0; i < 4; i++) {
              const r = await gql<any>(url, token, UPDATE_RISK, { id: risk.id, v: riskVersion, d: `u${cycle}.${i}` });
              if (note("updateRisk", r)) riskVersion = r.data.updateRisk.version;
              const t = await gql(url, token, SET_TARGET, { input: { indicatorId, portfolioId, year: `203${cycle}-3${cycle + 1}`, quarter: i + 1, value: 50 + i } });
              note("setTarget", t);
            }
          })(),
        );
        for (const d of drafts.slice(cycle * 3, cycle * 3 + 3)) {
          const input = { returnId: d.id, version: d.version, idempotencyKey: `df-submit-${d.id}`, acknowledgements: [] };
          mixed.push(
            gql<any>(url, token, SUBMIT, { input }).then((r) => {
              const acked = note("submitReturn", r);
              submits.push({ input, first: acked ? r.data.submitReturn : null, acked });
            }),
          );
        }
        await Promise.all(mixed);
        const upAnswer = await upload;
        up.acked = note("uploadReturnsCsv", upAnswer);
        if (up.acked) up.first = (upAnswer.data as any).uploadReturnsCsv;

        // ---- Make sure the store really is out of space (the WAL may have had room): write until one is refused.
        let bit = allCodes.slice(-3).includes("STORE_UNAVAILABLE");
        fill(filler, 0);
        for (let i = 0; i < 80 && !bit; i++) {
          const t = `df squeeze ${cycle}.${i}`;
          const r = await gql(url, token, CREATE_RISK, { t, d: "s".repeat(3000) });
          if (note("squeeze createRisk", r)) ackedRisks.add(t);
          else {
            refusedRisks.add(t);
            bit = true;
          }
        }
        bites += bit ? 1 : 0;
        // ---- While full: health says why, reads work, a write is refused fast.
        const h = await health(url);
        const read = await gql(url, token, "{ risks { id } contracts(first: 5) { totalCount } }");
        const t0 = Date.now();
        const probe = await gql(url, token, CREATE_RISK, { t: `df probe ${cycle}`, d: "p" });
        const probeMs = Date.now() - t0;
        if (note("probe createRisk", probe)) ackedRisks.add(`df probe ${cycle}`);
        else refusedRisks.add(`df probe ${cycle}`);
        figures.push(`cycle ${cycle}: ${bit ? "full" : "NEVER FULL"}, upload ${up.acked ? "ACKED" : codeOf(upAnswer)}, healthz ${h.status} ${JSON.stringify(h.body)}, read ${acknowledged(read) ? "ok" : describeFailure(read)}, probe ${codeOf(probe) ?? "OK"} in ${probeMs} ms`);
        expect.soft(h.status, `cycle ${cycle}: /healthz while the disk is full`).toBe(503);
        expect.soft(h.body.reason ?? "", `cycle ${cycle}: /healthz reason`).toMatch(/DISK|FULL|SPACE/i);
        expect.soft(acknowledged(read), `cycle ${cycle}: reads while full: ${describeFailure(read)}`).toBe(true);
        expect.soft(codeOf(probe), `cycle ${cycle}: a write while full`).toBe("STORE_UNAVAILABLE");
        expect.soft(probeMs, `cycle ${cycle}: refusal while full is fast`).toBeLessThan(1500);

        // ---- Space returns: healthy again by itself, and every client retries with its idempotency key.
        fs.rmSync(filler);
        const healed = await waitHealthy(url, 15_000);
        expect.soft(healed, `cycle ${cycle}: healthy within 15 s of space returning`).toBe(true);
        const retry = await gql<any>(url, token, UPLOAD, { p: up.period, csv, key, submit: false }, 60_000);
        expect.soft(codeOf(retry), `cycle ${cycle}: upload retry after recovery: ${describeFailure(retry)}`).toBeNull();
        if (acknowledged(retry)) {
          const r = retry.data.uploadReturnsCsv;
          if (up.acked) {
            expect.soft(r.replayed, `cycle ${cycle}: a retry of an acknowledged upload replays it`).toBe(true);
            expect.soft({ ...r, replayed: null }).toEqual({ ...(up.first as object), replayed: null });
          } else {
            expect.soft(r.returnsCreated + r.returnsUpdated, `cycle ${cycle}: a retry of a refused upload applies it once`).toBe(50);
            up.acked = true;
            up.first = r;
          }
        }
        for (const s of submits.splice(0)) {
          const r = await gql<any>(url, token, SUBMIT, { input: s.input });
          expect.soft(codeOf(r), `cycle ${cycle}: submit retry ${JSON.stringify(s.input)}: ${describeFailure(r)}`).toBeNull();
          if (!acknowledged(r)) continue;
          if (s.acked) expect.soft(r.data.submitReturn, "an acknowledged submit's retry gets the first result").toEqual(s.first);
          expect.soft(r.data.submitReturn).toMatchObject({ state: "SUBMITTED", revisionCount: 1 });
        }
        // Re-read the risk's version (a refused update must not have moved it).
        riskVersion = ((await ok(url, token, "{ risks { id version } }")).risks as { id: number; version: number }[]).find((r) => r.id === risk.id)!.version;
      }

      // ---- kill -9 the instant the server says STORE_UNAVAILABLE.
      const lastKey = `df-upload-last-${Date.now()}`;
      const lastCsv = csvFor(pairs, "DFMARKLAST", 77);
      uploads.push({ period: periods[3], key: lastKey, marker: "DFMARKLAST", csv: lastCsv, acked: false });
      fill(filler, 0);
      const lastUpload = gql(url, token, UPLOAD, { p: periods[3], csv: lastCsv, key: lastKey, submit: false }, 60_000).catch(() => null);
      let killedAfter = "";
      for (let i = 0; i < 400 && !killedAfter; i++) {
        const t = `df last ${i}`;
        const r = await gql(url, token, CREATE_RISK, { t, d: "k".repeat(3000) });
        if (acknowledged(r)) ackedRisks.add(t);
        else {
          refusedRisks.add(t);
          killedAfter = `${codeOf(r)} on write ${i}`;
          await crash(server!);
          server = null;
        }
      }
      const lastAnswer = await lastUpload;
      if (lastAnswer && acknowledged(lastAnswer)) uploads.at(-1)!.acked = true;
      fs.rmSync(filler, { force: true });

      // ---- The file after kill -9: integrity, every acknowledged write, no refused one, uploads whole or absent.
      const [check] = await sqliteAll(file, "PRAGMA integrity_check");
      expect(check.integrity_check).toBe("ok");
      const titles = new Set((await sqliteAll<{ title: string }>(file, "SELECT title FROM risk WHERE ownerName = 'Attack disk'")).map((r) => r.title));
      const lost = [...ackedRisks].filter((t) => !titles.has(t));
      const ghost = [...refusedRisks].filter((t) => titles.has(t));
      const uploadState: string[] = [];
      for (const up of uploads) {
        const [{ n: rows }] = await sqliteAll<{ n: number }>(file, "SELECT COUNT(*) AS n FROM return_value v JOIN performance_return r ON r.id = v.returnId WHERE r.periodId = ? AND v.comment LIKE ?", [up.period, `${up.marker} %`]);
        uploadState.push(`${up.marker}: ${up.acked ? "acked" : "refused"}, ${rows}/${pairs.length} rows in the file`);
        if (up.acked) expect.soft(rows, `${up.marker} acknowledged but not whole in the file`).toBe(pairs.length);
        expect.soft([0, pairs.length], `${up.marker}: half an upload in the file`).toContain(rows);
      }
      figures.push(`writes: ${JSON.stringify(tally(allCodes))}; risks ${ackedRisks.size} acked / ${refusedRisks.size} refused, ${lost.length} acked-but-lost, ${ghost.length} refused-but-present; kill -9 after ${killedAfter || "no refusal"}`);
      figures.push(...uploadState);
      console.log(`disk-full-mixed:\n  ${figures.join("\n  ")}`);
      expect(bites, "cycles in which the full disk refused writes").toBe(CYCLES);
      expect(bad.slice(0, 8), `${bad.length} refusals were not STORE_UNAVAILABLE/retryable/with a reason`).toEqual([]);
      expect(slow, "refusals that took over 3 s (not fail-fast)").toEqual([]);
      expect(killedAfter, "the kill -9 came right after a STORE_UNAVAILABLE").toMatch(/STORE_UNAVAILABLE/);
      expect(lost.slice(0, 5), "acknowledged but lost after kill -9").toEqual([]);
      expect(ghost.slice(0, 5), "refused (STORE_UNAVAILABLE) but written anyway").toEqual([]);
    } finally {
      if (server) await crash(server);
      fs.rmSync(filler, { force: true });
    }
  }, 170_000);
});
