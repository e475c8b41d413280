/*
 * A store locked by another process (a backup tool, a DB browser): writes wait for the lock up to the busy timeout
 * and then succeed; past it they fail with the coded, retryable STORE_UNAVAILABLE (reason BUSY) and write nothing.
 * The lock is held by a real second process on the same file, which also writes a row it never commits.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, startTestServer, type TestServer } from "./harness.js";

const BUSY_TIMEOUT_MS = 1500;
const OFFICER = "officer@wiltshire.demo.example";
const CREATE_RISK = "mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: \"Busy test\" }) { id title } }";

/** A second process takes the write lock (BEGIN IMMEDIATE plus an uncommitted row), holds it for `ms`, then rolls back. */
async function holdLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const sqlite3 = require(${JSON.stringify(path.resolve("node_modules/sqlite3"))});
    const db = new sqlite3.Database(process.argv[1]);
    db.serialize(() => {
      db.run("BEGIN IMMEDIATE");
      db.run("INSERT INTO risk (officeId, title, likelihood, impact, ownerName, status, escalated, version) SELECT officeId, 'half-written by the lock holder', 1, 1, 'Busy test', status, escalated, 1 FROM risk LIMIT 1", (err) => {
        if (err) { console.error(err); process.exit(2); }
        console.log("locked");
        setTimeout(() => db.run("ROLLBACK", () => db.close(() => process.exit(0))), Number(process.argv[2]));
      });
    });`;
  const child = spawn(process.execPath, ["-e", script, file, String(ms)], { stdio: ["ignore", "pipe", "inherit"] });
  const released = new Promise<void>((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited ${code}`)))));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => String(chunk).includes("locked") && resolve());
    child.once("exit", (code) => reject(new Error(`lock holder exited ${code} before locking`)));
  });
  return { released };
}

let server: TestServer;
let file: string;
const count = async () => Number((await server.services.db.query("SELECT COUNT(*) AS n FROM risk WHERE ownerName = 'Busy test'"))[0].n);

beforeAll(async () => {
  server = await startTestServer({ env: { SQLITE_BUSY_TIMEOUT_MS: String(BUSY_TIMEOUT_MS) } });
  file = String(server.services.writer.dataSource.options.database);
});
afterAll(() => server?.close());

describe("a store locked by another process", () => {
  it("every connection has the busy timeout", async () => {
    for (const source of [server.services.writer.dataSource, server.services.db, server.services.liveDb]) {
      const [{ timeout }] = await source.query("PRAGMA busy_timeout");
      expect(timeout).toBe(BUSY_TIMEOUT_MS);
    }
  });

  it("shorter than the busy timeout: concurrent writes wait for the lock and then all succeed", async () => {
    const before = await count();
    const lock = await holdLock(file, 600);
    const started = Date.now();
    const results = await Promise.all([1, 2, 3, 4].map((i) => server.http(OFFICER, CREATE_RISK, { t: `short lock ${i}` })));
    const waited = Date.now() - started;
    await lock.released;
    expect(results.map((r) => codes(r))).toEqual([[], [], [], []]);
    expect(waited).toBeGreaterThanOrEqual(400); // they did wait for the holder
    expect(await count()).toBe(before + 4);
    // Reads went on meanwhile; nothing of the holder's uncommitted row remains.
    expect(Number((await server.services.db.query("SELECT COUNT(*) AS n FROM risk WHERE title = 'half-written by the lock holder'"))[0].n)).toBe(0);
  });

  it("longer than the busy timeout: STORE_UNAVAILABLE (BUSY, retryable) after the timeout, nothing written, reads and health unaffected", async () => {
    const before = await count();
    const auditsBefore = Number((await server.services.db.query("SELECT COUNT(*) AS n FROM audit_event"))[0].n);
    const lock = await holdLock(file, BUSY_TIMEOUT_MS * 3);
    const started = Date.now();
    const write = server.http(OFFICER, CREATE_RISK, { t: "long lock" });
    // While the writer waits, reads answer and the store is not reported down: a lock is not an outage.
    const read = await server.http(OFFICER, "{ me { id } }");
    expect(codes(read)).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const refused = await write;
    const took = Date.now() - started;
    expect(codes(refused)).toEqual(["STORE_UNAVAILABLE"]);
    const extensions = (refused.errors![0] as { extensions: Record<string, unknown> }).extensions;
    expect(extensions).toMatchObject({ retryable: true, reason: "BUSY" });
    expect(took).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS - 100);
    expect(took).toBeLessThan(BUSY_TIMEOUT_MS * 3);
    await lock.released;
    expect(await count()).toBe(before);
    expect(Number((await server.services.db.query("SELECT COUNT(*) AS n FROM audit_event"))[0].n)).toBe(auditsBefore);
    // Once the lock is gone, the same write succeeds.
    expect(codes(await server.http(OFFICER, CREATE_RISK, { t: "long lock" }))).toEqual([]);
    expect(await count()).toBe(before + 1);
  });
});
