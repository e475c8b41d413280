import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, startServer, type ServerProcess } from "../support/server-process.js";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";
import { sweep } from "./red18-args-sweep.case.js";
import { attacks, auditSomething, foreignSuite } from "./red18-foreign-ids.case.js";
import { OFFICER, type TestServer } from "./red18-kit.js";
import { pagingSuite } from "./red18-paging.case.js";
import { addTricky, answers, searchSuite } from "./red18-search.case.js";

// red18 (an outside attack on the arguments of queries, 2026-12-04) on a scratch PostgreSQL database, and the same
// searches on PostgreSQL and on SQLite (the real server as a child process) compared answer for answer.
// DATABASE_URL must be set before the entity modules load, hence the dynamic import of the harness.
const unreachable = await postgresUnreachable();
describe.skipIf(skipWithoutPostgres(unreachable, "red18 PostgreSQL"))("red18 PostgreSQL", () => {
  let s: TestServer; let db: ScratchDatabase; let restore: () => void;
  beforeAll(async () => {
    db = await scratchDatabase("hub_red18");
    restore = useDatabaseUrl(db.url);
    const h = await import("../api/harness.js");
    s = await h.startTestServer({ env: { DATABASE_URL: db.url } });
    await auditSomething(s);
  });
  afterAll(async () => { await s?.close(); await db?.drop(); restore?.(); });
  describe("foreign ids", () => foreignSuite(() => s, attacks));
  describe("every query argument", () => sweep(() => s));
  describe("page sizes and offsets", () => pagingSuite(() => s));
  describe("providers(search:)", () => searchSuite(() => s));

  describe("the same searches on SQLite", () => {
    let child: ServerProcess; let dir: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "red18-sqlite-"));
      child = await startServer({ databasePath: path.join(dir, "hub.sqlite") });
    }, 90_000);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    it("answer exactly as on PostgreSQL (case, accents, wildcards, escapes)", async () => {
      const tokens = new Map<string, string>();
      const sqlite = { url: child.url, async tokenFor(email: string) { if (!tokens.has(email)) tokens.set(email, (await login(child.url, email, "demo-password-2026")).token); return tokens.get(email)!; } } as unknown as TestServer;
      await addTricky(sqlite);
      const [pg, lite] = [await answers(s), await answers(sqlite)];
      const differ = Object.keys(pg).filter((q) => pg[q] !== lite[q]).map((q) => `${q}: PostgreSQL ${pg[q].slice(0, 200)} | SQLite ${lite[q].slice(0, 200)}`);
      expect(differ).toEqual([]);
      expect(OFFICER).toBeTruthy();
    });
  });
});
