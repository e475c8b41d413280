/*
 * Attack on guarantee 2 at start-up (issue 15): another process holds the SQLite write lock (BEGIN IMMEDIATE and an
 * uncommitted row) while the server starts on an existing store.
 *  1. Held for less than SQLITE_BUSY_TIMEOUT_MS (3 s of 6 s): the server must come up and write; nothing of the
 *     holder's row remains.
 *  2. Held for much longer than the busy timeout (10 s of 1.5 s): the server either waits and comes up once the lock
 *     is gone, or exits non-zero; if it is up while the lock is held, writes are STORE_UNAVAILABLE (BUSY, retryable),
 *     never INTERNAL_SERVER_ERROR, and once the lock is gone writes work without a restart.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crash, startServer, type ServerProcess } from "../support/server-process.js";
import { acknowledged, codeOf, describeFailure, gql, holdLock, login, OFFICER, PASSWORD, sleep, sqliteAll, waitHealthy } from "./kit.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "red15-busystart-"));
const file = path.join(dir, "store.sqlite");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const WRITE = 'mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: "Attack busy start" }) { id } }';

describe("a write lock held by another process while the server starts", () => {
  it("comes up under a short lock; under a long one waits or exits non-zero, never up-and-broken", async () => {
    const figures: string[] = [];
    let server: ServerProcess | null = await startServer({ databasePath: file, timeoutMs: 90_000 });
    try {
      await crash(server);
      server = null;

      // ---- 1. Short lock during start-up.
      let lock = await holdLock(file, 3000);
      const t1 = Date.now();
      server = await startServer({ databasePath: file, env: { SQLITE_BUSY_TIMEOUT_MS: "6000" }, timeoutMs: 90_000 });
      figures.push(`short lock: up in ${Date.now() - t1} ms`);
      await lock.released;
      const { token } = await login(server.url, OFFICER, PASSWORD);
      const w1 = await gql(server.url, token, WRITE, { t: "after short lock" });
      expect(acknowledged(w1), describeFailure(w1)).toBe(true);
      expect((await sqliteAll(file, "SELECT COUNT(*) AS n FROM risk WHERE ownerName = 'Lock holder'"))[0].n).toBe(0);
      await crash(server);
      server = null;

      // ---- 2. Long lock during start-up.
      lock = await holdLock(file, 10_000);
      const lockedUntil = Date.now() + 10_000;
      const t2 = Date.now();
      let startError = "";
      const starting = startServer({ databasePath: file, env: { SQLITE_BUSY_TIMEOUT_MS: "1500" }, timeoutMs: 45_000 }).then(
        (s) => (server = s),
        (e) => {
          startError = String(e);
          return null;
        },
      );
      await starting;
      const upAt = Date.now() - t2;
      const codes: (string | null)[] = [];
      if (server) {
        const s: ServerProcess = server;
        const { token: t } = await login(s.url, OFFICER, PASSWORD).catch(() => ({ token: "" }));
        // While the lock may still be held: coded refusals or success, never internal errors.
        for (let i = 0; Date.now() < lockedUntil && i < 10; i++) {
          const r = await gql(s.url, t, WRITE, { t: `during long lock ${i}` });
          codes.push(codeOf(r));
          if (codeOf(r) && (codeOf(r) !== "STORE_UNAVAILABLE" || r.errors?.[0]?.extensions?.retryable !== true)) figures.push(`bad refusal: ${describeFailure(r)}`);
        }
        await lock.released;
        await waitHealthy(s.url, 10_000);
        const after = await gql(s.url, t, WRITE, { t: "after long lock" });
        figures.push(`long lock: up after ${upAt} ms (lock held 10 s); writes while held ${JSON.stringify(codes)}; after release ${codeOf(after) ?? "OK"}`);
        expect(codes.filter((c) => c !== null && c !== "STORE_UNAVAILABLE"), "non-coded failures while the lock was held").toEqual([]);
        expect(codeOf(after), `a write once the lock is gone: ${describeFailure(after)}`).toBeNull();
      } else {
        await lock.released;
        const exitedNonZero = /exited during start-up/.test(startError);
        figures.push(`long lock: start-up failed after ${upAt} ms: ${startError.split("\n").slice(0, 3).join(" / ").slice(0, 300)}`);
        expect(exitedNonZero, "it neither came up nor exited (hung past 45 s)").toBe(true);
      }
      expect((await sqliteAll(file, "SELECT COUNT(*) AS n FROM risk WHERE ownerName = 'Lock holder'"))[0].n).toBe(0);
      const [c] = await sqliteAll(file, "PRAGMA integrity_check");
      expect(c.integrity_check).toBe("ok");
    } finally {
      console.log(`lock at start-up:\n  ${figures.join("\n  ")}`);
      if (server) await crash(server);
    }
  }, 150_000);
});
