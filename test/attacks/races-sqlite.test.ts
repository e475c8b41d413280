/*
 * Attack on guarantees 3 and 4 on SQLite: every update/set mutation of the schema, raced by 6 clients from one
 * version; then stale and (where the schema allows) missing versions; then identical concurrent creates.
 * Holds when: exactly one winner per race, every loser CONFLICT, stale/missing version CONFLICT, the version moves by
 * exactly one, never INTERNAL_SERVER_ERROR.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, startServer, type ServerProcess } from "../support/server-process.js";
import { raceCreates, raceEveryEdit, raceIdempotent } from "./races.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "red15-races-"));
let server: ServerProcess;
beforeAll(async () => {
  server = await startServer({ databasePath: path.join(dir, "store.sqlite"), timeoutMs: 90_000 });
}, 100_000);
afterAll(async () => {
  if (server) await crash(server);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("races on SQLite (one instance)", () => {
  it("every edit mutation: one winner from a version, the rest CONFLICT; stale or missing versions CONFLICT", async () => {
    const report = await raceEveryEdit([server.url]);
    console.log(`SQLite edit races: ${report.races} races, ${report.contenders} requests\n  ${report.lines.join("\n  ")}`);
    expect(report.problems).toEqual([]);
  });
  it("identical concurrent creates: one winner, the rest CONFLICT; identical keyed submitReturn/uploadReturnsCsv: one result; never INTERNAL_SERVER_ERROR", async () => {
    const report = await raceCreates([server.url], "41");
    const idem = await raceIdempotent([server.url], "2045-46 Q1", "2045-46 Q2");
    console.log(`SQLite identical keyed retries: ${idem.contenders} requests\n  ${idem.lines.join("\n  ")}`);
    report.problems.push(...idem.problems);
    console.log(`SQLite create races: ${report.races} races, ${report.contenders} requests\n  ${report.lines.join("\n  ")}`);
    expect(report.problems).toEqual([]);
  });
});
