/*
 * Attack on guarantee 6 (issue 15): signals to the process `npm start` runs, at awkward moments.
 *  1. SIGTERM while a large CSV upload (≈1 MB, one transaction) is in flight, with WebSocket subscribers.
 *  2. SIGINT twice, 150 ms apart, under HTTP write load (an impatient operator pressing Ctrl-C again).
 *  3. SIGTERM while writes are waiting on a write lock another process holds (busy timeout 5 s).
 * Holds when: exit code 0 (no signal) within 10 s; every request that reached the server gets a whole answer (OK,
 * or 503 STORE_UNAVAILABLE STOPPING / a coded retryable refusal); no reset or cut answer; sockets closed 1001;
 * after a restart, an acknowledged upload is whole in the file and an unacknowledged one absent.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { afterAll, describe, expect, it } from "vitest";
import { crash, startServer, type ServerProcess } from "../support/server-process.js";
import { bulkContracts, codeOf, csvFor, gql, holdLock, login, ok, OFFICER, PASSWORD, sleep, sqliteAll, UPLOAD } from "./kit.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "red15-signals-"));
const file = path.join(dir, "store.sqlite");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const WRITE = 'mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: "Attack signal" }) { id } }';

function subscriber(url: string, token: string, officeId: number): { ready: Promise<void>; closed: Promise<number> } {
  const socket = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
  let ready!: () => void;
  const r = new Promise<void>((resolve) => (ready = resolve));
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  socket.on("error", () => {});
  socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
  socket.on("message", (data) => {
    if (JSON.parse(String(data)).type === "connection_ack") {
      socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription($o: Int!) { returnChanged(officeId: $o) { seq } }", variables: { o: officeId } } }));
      setTimeout(ready, 100);
    }
  });
  return { ready: r, closed };
}

type Outcome = "ok" | "stopping" | "refused-conn" | "coded" | string;
async function send(url: string, token: string, query: string, vars: Record<string, unknown>, timeoutMs = 30_000): Promise<Outcome> {
  try {
    const r = await gql(url, token, query, vars, timeoutMs);
    const c = codeOf(r);
    if (c === null) return "ok";
    const e = r.errors?.[0]?.extensions;
    if (c === "STORE_UNAVAILABLE" && e?.reason === "STOPPING") return "stopping";
    if (c === "STORE_UNAVAILABLE" && e?.retryable) return "coded";
    return `other: ${c} ${r.errors?.[0]?.message}`;
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === "ECONNREFUSED") return "refused-conn";
    return `cut: ${code ?? ""} ${String(error).slice(0, 120)}`;
  }
}

async function load(url: string, token: string, out: Outcome[], stop: { v: boolean }, tag: string): Promise<void> {
  for (let i = 0; !stop.v && i < 400; i++) {
    const o = await send(url, token, WRITE, { t: `${tag} ${i}` });
    out.push(o);
    if (o === "stopping" || o === "refused-conn" || o.startsWith("cut")) return;
  }
}

describe("signals to the server at awkward moments", () => {
  it("SIGTERM mid-CSV-upload, SIGINT twice, SIGTERM while writes wait on a lock: answered, 1001, exit 0 within 10 s", async () => {
    const figures: string[] = [];
    const problems: string[] = [];
    let server: ServerProcess | null = null;
    try {
      // ---- Round 1: SIGTERM during a large upload.
      server = await startServer({ databasePath: file, timeoutMs: 90_000 });
      let { token } = await login(server.url, OFFICER, PASSWORD);
      const { pairs } = await bulkContracts(server.url, token, "SG", 25, 10);
      const periodId = (await ok(server.url, token, 'mutation { openReportingPeriod(quarter: "2025-26 Q1") { id } }')).openReportingPeriod.id;
      const officeId = (await ok(server.url, token, "{ me { office { id } } }")).me.office.id;
      for (let round = 1; round <= 3; round++) {
        if (round > 1) {
          server = await startServer({ databasePath: file, timeoutMs: 90_000 });
          token = (await login(server.url, OFFICER, PASSWORD)).token;
        }
        const live: ServerProcess = server!;
        const url = live.url;
        const subs = Array.from({ length: 4 }, () => subscriber(url, token, officeId));
        await Promise.all(subs.map((s) => Promise.race([s.ready, sleep(5000)])));
        const outcomes: Outcome[] = [];
        const stop = { v: false };
        let uploadOutcome: Outcome = "n/a";
        let upload: Promise<Outcome> | null = null;
        let lock: Awaited<ReturnType<typeof holdLock>> | null = null;
        const marker = `SGMARK${round}`;
        const loaders = Array.from({ length: 4 }, (_, w) => load(url, token, outcomes, stop, `sig ${round}.${w}`));
        if (round === 1) {
          upload = send(url, token, UPLOAD, { p: periodId, csv: csvFor(pairs, marker, 30), key: `sig-upload-${Date.now()}`, submit: false }, 60_000);
          await sleep(150); // the upload is being read, checked or applied
        } else if (round === 3) {
          await sleep(300);
          lock = await holdLock(file, 8000);
          await sleep(500); // writes are now waiting for the lock
        } else await sleep(500);
        const t0 = Date.now();
        process.kill(live.child.pid!, round === 2 ? "SIGINT" : "SIGTERM");
        if (round === 2) {
          await sleep(150);
          try {
            process.kill(live.child.pid!, "SIGINT");
          } catch {
            // already gone
          }
        }
        const exit = await Promise.race([live.exited, sleep(15_000).then(() => null)]);
        const took = Date.now() - t0;
        stop.v = true;
        await Promise.all(loaders);
        if (upload) uploadOutcome = await upload;
        const closes = await Promise.all(subs.map((s) => Promise.race([s.closed, sleep(2000).then(() => -1)])));
        if (lock) lock.kill();
        const counts: Record<string, number> = {};
        for (const o of outcomes) counts[o.split(":")[0]] = (counts[o.split(":")[0]] ?? 0) + 1;
        figures.push(`round ${round} (${["SIGTERM mid-upload", "SIGINT twice", "SIGTERM while writes wait on a lock"][round - 1]}): exit ${JSON.stringify(exit)} in ${took} ms; requests ${JSON.stringify(counts)}; upload ${uploadOutcome}; WS closes ${closes.join(",")}`);
        if (!exit || exit.code !== 0 || exit.signal !== null) problems.push(`round ${round}: exit ${JSON.stringify(exit)}`);
        if (took > 10_000) problems.push(`round ${round}: took ${took} ms to exit`);
        for (const o of outcomes) if (o.startsWith("cut") || o.startsWith("other")) problems.push(`round ${round}: request ${o}`);
        if (uploadOutcome.startsWith("cut") || uploadOutcome.startsWith("other")) problems.push(`round ${round}: upload ${uploadOutcome}`);
        if (closes.some((c) => c !== 1001)) problems.push(`round ${round}: WebSocket closes ${closes.join(",")}`);
        if (!exit) await crash(live);
        server = null;
        if (round === 1) {
          const [{ n }] = await sqliteAll(file, "SELECT COUNT(*) AS n FROM return_value v JOIN performance_return r ON r.id = v.returnId WHERE r.periodId = ? AND v.comment LIKE ?", [periodId, `${marker} %`]);
          figures.push(`round 1: ${n}/${pairs.length} upload rows in the file`);
          if (uploadOutcome === "ok" && n !== pairs.length) problems.push(`acknowledged upload has ${n}/${pairs.length} rows after the stop`);
          if (uploadOutcome !== "ok" && n !== 0) problems.push(`unacknowledged upload left ${n} rows`);
        }
      }
    } finally {
      console.log(`signals:\n  ${figures.join("\n  ")}`);
      if (server) await crash(server);
    }
    expect(problems).toEqual([]);
  }, 170_000);
});
