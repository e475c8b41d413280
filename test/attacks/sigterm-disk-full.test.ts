/*
 * Attacks on guarantees 1 and 6 together (issue 15): SIGTERM while the store's disk is full and writes (a large CSV
 * upload among them) are being refused; then a restart with the disk still full; then space returns.
 * Holds when: the server exits 0 within 10 s with every request answered (OK, STORE_UNAVAILABLE retryable); after a
 * restart with the disk full it serves reads, reports 503 on /healthz and refuses writes with STORE_UNAVAILABLE (or
 * refuses to start, exiting non-zero), and once space returns it takes writes by itself; every acknowledged write
 * is in the file.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crash, startServer, type ServerProcess } from "../support/server-process.js";
import { acknowledged, bulkContracts, codeOf, csvFor, describeFailure, fill, gql, health, login, mountTmpfs, ok, OFFICER, PASSWORD, sleep, sqliteAll, tally, UPLOAD, waitHealthy } from "./kit.js";

const tmp = mountTmpfs(40, "red15-termfull-");
if (typeof tmp === "string") console.warn(`sigterm-disk-full SKIPPED: ${tmp}`);
afterAll(() => typeof tmp !== "string" && tmp.unmount());
const WRITE = 'mutation($t: String!, $d: String!) { createRisk(input: { title: $t, description: $d, likelihood: 2, impact: 2, ownerName: "Attack term full" }) { id } }';

describe.skipIf(typeof tmp === "string")("SIGTERM on a full disk, and a restart on it", () => {
  it("drains and exits 0 while writes are refused; restarted on a full disk it is read-only and recovers by itself", async () => {
    const dir = (tmp as { dir: string }).dir;
    const file = path.join(dir, "store.sqlite");
    const filler = path.join(dir, "filler.bin");
    const figures: string[] = [];
    const problems: string[] = [];
    let server: ServerProcess | null = await startServer({ databasePath: file, timeoutMs: 90_000 });
    const acked: string[] = [];
    try {
      const s1: ServerProcess = server;
      const { token } = await login(s1.url, OFFICER, PASSWORD);
      const { pairs } = await bulkContracts(s1.url, token, "TF", 40, 10);
      const periodId = (await ok(s1.url, token, 'mutation { openReportingPeriod(quarter: "2025-26 Q1") { id } }')).openReportingPeriod.id;
      fill(filler, 0);
      const codes: (string | null)[] = [];
      const cut: string[] = [];
      let stop = false;
      const writers = Array.from({ length: 5 }, async (_, w) => {
        for (let i = 0; !stop && i < 500; i++) {
          const t = `tf ${w}.${i}`;
          try {
            const r = await gql(s1.url, token, WRITE, { t, d: "f".repeat(2000) });
            codes.push(codeOf(r));
            if (acknowledged(r)) acked.push(t);
            else if (r.errors?.[0]?.extensions?.reason === "STOPPING") return;
            else if (codeOf(r) !== "STORE_UNAVAILABLE" || r.errors?.[0]?.extensions?.retryable !== true) problems.push(`write: ${describeFailure(r)}`);
          } catch (error) {
            const code = (error as { cause?: { code?: string } }).cause?.code;
            if (code !== "ECONNREFUSED") cut.push(`${code} ${String(error).slice(0, 80)}`);
            return;
          }
        }
      });
      const upload = gql(s1.url, token, UPLOAD, { p: periodId, csv: csvFor(pairs, "TFMARK", 5), key: `tf-${Date.now()}`, submit: false }, 60_000).then(
        (r) => codeOf(r) ?? "OK",
        (e) => `cut ${String(e).slice(0, 80)}`,
      );
      await sleep(1200);
      const h = await health(s1.url);
      const t0 = Date.now();
      process.kill(s1.child.pid!, "SIGTERM");
      const exit = await Promise.race([s1.exited, sleep(15_000).then(() => null)]);
      const took = Date.now() - t0;
      stop = true;
      await Promise.all(writers);
      const up = await upload;
      figures.push(`SIGTERM on a full disk: healthz before ${h.status} ${h.body.reason ?? ""}; exit ${JSON.stringify(exit)} in ${took} ms; writes ${JSON.stringify(tally(codes))}; upload ${up}; cut ${cut.length}`);
      if (!exit || exit.code !== 0) problems.push(`exit ${JSON.stringify(exit)}`);
      if (took > 10_000) problems.push(`took ${took} ms`);
      if (cut.length || up.startsWith("cut")) problems.push(`cut requests: ${[...cut, up].slice(0, 3)}`);
      if (!exit) await crash(s1);
      server = null;

      // ---- Restart with the disk still full.
      let restartError = "";
      server = await startServer({ databasePath: file, timeoutMs: 40_000 }).catch((e) => {
        restartError = String(e).split("\n").slice(0, 4).join(" / ").slice(0, 400);
        return null;
      });
      if (server) {
        const s2: ServerProcess = server;
        const t2 = (await login(s2.url, OFFICER, PASSWORD)).token;
        const read = await gql(s2.url, t2, "{ risks { id } }");
        const w = await gql(s2.url, t2, WRITE, { t: "tf restart full", d: "r".repeat(2000) });
        if (acknowledged(w)) acked.push("tf restart full");
        const h2 = await health(s2.url);
        figures.push(`restart on a full disk: up; read ${codeOf(read) ?? "OK"}; write ${codeOf(w) ?? "OK"}; healthz ${h2.status} ${h2.body.reason ?? ""}`);
        if (!acknowledged(read)) problems.push(`read after restart on a full disk: ${describeFailure(read)}`);
        if (!acknowledged(w) && codeOf(w) !== "STORE_UNAVAILABLE") problems.push(`write after restart on a full disk: ${describeFailure(w)}`);
        fs.rmSync(filler);
        const healed = await waitHealthy(s2.url, 15_000);
        const w2 = await gql(s2.url, t2, WRITE, { t: "tf after space", d: "a" });
        if (acknowledged(w2)) acked.push("tf after space");
        figures.push(`space returned: healthy ${healed}; write ${codeOf(w2) ?? "OK"}`);
        if (!acknowledged(w2)) problems.push(`write after space returned: ${describeFailure(w2)}`);
        await crash(s2);
        server = null;
      } else {
        figures.push(`restart on a full disk: did not start: ${restartError}`);
        if (!/exited during start-up/.test(restartError)) problems.push(`restart on a full disk hung: ${restartError}`);
        fs.rmSync(filler, { force: true });
      }
      const [c] = await sqliteAll(file, "PRAGMA integrity_check");
      const titles = new Set((await sqliteAll<{ title: string }>(file, "SELECT title FROM risk WHERE ownerName = 'Attack term full'")).map((r) => r.title));
      const lost = acked.filter((t) => !titles.has(t));
      figures.push(`file: integrity ${c.integrity_check}; ${acked.length} acknowledged, ${lost.length} lost`);
      if (c.integrity_check !== "ok") problems.push(`integrity ${c.integrity_check}`);
      if (lost.length) problems.push(`lost: ${lost.slice(0, 3)}`);
    } finally {
      console.log(`sigterm on a full disk:\n  ${figures.join("\n  ")}`);
      if (server) await crash(server);
      fs.rmSync(filler, { force: true });
    }
    expect(problems).toEqual([]);
  }, 170_000);
});
