/*
 * Attack on guarantees 2 and 6 together (issue 15): another process holds the SQLite write lock for 30 s (default
 * SQLITE_BUSY_TIMEOUT_MS, 5 s) while 6 clients send writes, and then the operator sends SIGTERM.
 * Holds when: the server exits 0 within 10 s of SIGTERM, and every write gets a whole answer (STORE_UNAVAILABLE,
 * BUSY or STOPPING, retryable), none cut; nothing of the lock holder's row, nothing refused, in the file.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crash, startServer } from "../support/server-process.js";
import { codeOf, gql, holdLock, login, OFFICER, PASSWORD, sleep, sqliteAll } from "./kit.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "red15-termlock-"));
const file = path.join(dir, "store.sqlite");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const WRITE = 'mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: "Attack term lock" }) { id } }';

describe("SIGTERM while writes queue behind a lock another process holds", () => {
  it("exits 0 within 10 s, every queued write answered", async () => {
    const server = await startServer({ databasePath: file, timeoutMs: 90_000 });
    let lock: Awaited<ReturnType<typeof holdLock>> | null = null;
    try {
      const { token } = await login(server.url, OFFICER, PASSWORD);
      lock = await holdLock(file, 30_000);
      const sent = Date.now();
      const writes = Array.from({ length: 6 }, (_, i) =>
        gql(server.url, token, WRITE, { t: `term lock ${i}` }, 60_000).then(
          (r) => `${codeOf(r) ?? "OK"}${r.errors?.[0]?.extensions?.reason ? "/" + r.errors[0].extensions.reason : ""} at ${Date.now() - sent} ms`,
          (e) => `cut ${(e as { cause?: { code?: string } }).cause?.code ?? String(e).slice(0, 60)} at ${Date.now() - sent} ms`,
        ),
      );
      await sleep(1000);
      const t0 = Date.now();
      process.kill(server.child.pid!, "SIGTERM");
      const exit = await Promise.race([server.exited, sleep(40_000).then(() => null)]);
      const took = Date.now() - t0;
      const answers = await Promise.all(writes);
      lock.kill();
      await lock.released;
      console.log(`SIGTERM with 6 writes queued behind a 30 s lock (busy timeout 5 s): exit ${JSON.stringify(exit)} after ${took} ms; writes: ${answers.join(", ")}`);
      const [{ n }] = await sqliteAll(file, "SELECT COUNT(*) AS n FROM risk WHERE ownerName IN ('Lock holder', 'Attack term lock')");
      expect(n, "refused writes or the holder's row in the file").toBe(0);
      expect(answers.filter((a) => a.startsWith("cut")), "cut requests").toEqual([]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(took, "drain time after SIGTERM").toBeLessThan(10_000);
    } finally {
      lock?.kill();
      if (server.child.exitCode === null && server.child.signalCode === null) await crash(server);
    }
  }, 120_000);
});
