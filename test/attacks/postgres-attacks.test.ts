/*
 * Attacks on guarantees 3, 4 and 5 on PostgreSQL (issue 15), with real server processes on one real database.
 *  - Three instances start at the same moment on an empty database, and the first is killed -9 1.5 s into its
 *    start-up (maybe holding the migration lock, maybe mid-seed): the other two must come up, seeded once.
 *  - Every edit mutation raced across two instances from one version; identical creates across both.
 *  - Identical submitReturn and uploadReturnsCsv retries with one key, half on each instance: one result for all.
 *  - The database kills the servers' connections (pg_terminate_backend) under writes: refusals must be coded,
 *    retryable STORE_UNAVAILABLE (CONNECTION), never INTERNAL_SERVER_ERROR; acknowledged writes are there.
 */
import fs from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, killGroup, startServer, type ServerProcess } from "../support/server-process.js";
import { codeOf, csvFor, describeFailure, gql, login, ok, OFFICER, PASSWORD, sleep, tally, UPLOAD, bulkContracts } from "./kit.js";
import { raceCreates, raceEveryEdit } from "./races.js";
import { postgresUnreachable, skipWithoutPostgres } from "../support/services.js";

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const database = `red15_pg_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;

const unreachable = await postgresUnreachable();

let admin: pg.Client;
const servers: ServerProcess[] = [];
let startup = "";

describe.skipIf(skipWithoutPostgres(unreachable, "the PostgreSQL attacks"))("PostgreSQL: start-up, races, idempotent retries, killed connections", () => {
  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
  });
  afterAll(async () => {
    for (const s of servers) await crash(s).catch(() => {});
    await admin?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
    await admin?.end();
  });

  it("three instances start together on an empty database, one killed -9 during start-up: the others come up, seeded once", async () => {
    const starts = [0, 1, 2].map(() => startServer({ env: { DATABASE_URL }, timeoutMs: 100_000 }));
    // The first one's child is not known until it is healthy, so kill by its process group via pg: find the
    // backend that holds an advisory lock (the migrating instance) and kill -9 the server that owns it… we cannot
    // map a backend to a process from outside, so kill the first instance's whole group instead.
    const firstChild = await Promise.race([starts[0].then((s) => s.child), sleep(1500).then(() => null)]);
    let killed = "none (it was already up)";
    if (!firstChild) {
      // not yet healthy: find it by its command line and port-less env is not available; use /proc to find a node
      // process whose environment holds our DATABASE_URL and that started first.
      const pids = findServerPids(DATABASE_URL);
      if (pids.length) {
        try {
          process.kill(-pids[0], "SIGKILL");
          killed = `pgid ${pids[0]} at 1.5 s`;
        } catch {
          killed = "kill failed";
        }
      }
    }
    const settled = await Promise.allSettled(starts);
    for (const s of settled) if (s.status === "fulfilled") servers.push(s.value);
    const up = settled.filter((s) => s.status === "fulfilled").length;
    const check = new pg.Client({ connectionString: DATABASE_URL });
    await check.connect();
    const o = (await check.query("SELECT COUNT(*)::int AS n FROM office")).rows[0].n;
    const dupMigrations = (await check.query("SELECT name, COUNT(*)::int AS n FROM migrations GROUP BY name HAVING COUNT(*) > 1")).rows;
    const users = (await check.query(`SELECT COUNT(*)::int AS n, COUNT(DISTINCT email)::int AS d FROM "user"`)).rows[0];
    await check.end();
    startup = `start-up: ${up}/3 up, killed ${killed}; offices ${o}, duplicate migrations ${dupMigrations.length}, users ${users.n} (${users.d} distinct)`;
    console.log(startup);
    for (const s of settled) if (s.status === "rejected") console.log(String(s.reason).slice(0, 1500));
    // Every instance that was not killed must be up.
    expect(up).toBeGreaterThanOrEqual(killed.startsWith("pgid") ? 2 : 3);
    expect(o).toBe(3);
    expect(dupMigrations).toEqual([]);
    expect(users.n).toBe(users.d);
    // Each up instance answers.
    for (const s of servers) expect(codeOf(await gql(s.url, (await login(s.url, OFFICER, PASSWORD)).token, "{ me { id } }"))).toBeNull();
  }, 150_000);

  it("every edit raced across two instances: one winner, the rest CONFLICT; stale/missing versions CONFLICT", async () => {
    expect(servers.length).toBeGreaterThanOrEqual(2);
    const urls = servers.slice(0, 2).map((s) => s.url);
    const edits = await raceEveryEdit(urls);
    const creates = await raceCreates(urls, "42");
    console.log(`PostgreSQL races: ${edits.races + creates.races} races, ${edits.contenders + creates.contenders} requests\n  ${[...edits.lines, ...creates.lines].join("\n  ")}`);
    expect([...edits.problems, ...creates.problems]).toEqual([]);
  }, 100_000);

  it("identical submitReturn and CSV retries with one key across both instances (and one key with a different file) all get the first result", async () => {
    const [a, b] = servers;
    const ta = (await login(a.url, OFFICER, PASSWORD)).token;
    const tb = (await login(b.url, OFFICER, PASSWORD)).token;
    const { pairs, contractIds } = await bulkContracts(a.url, ta, "PG", 8, 3);
    const periodId = (await ok(a.url, ta, 'mutation { openReportingPeriod(quarter: "2044-45 Q1") { id } }')).openReportingPeriod.id;
    const csvPeriod = (await ok(a.url, ta, 'mutation { openReportingPeriod(quarter: "2044-45 Q2") { id } }')).openReportingPeriod.id;
    const measureIds = ((await ok(a.url, ta, "query($id: Int!) { contract(id: $id) { reportedMeasures { id } } }", { id: contractIds[0] })).contract.reportedMeasures as { id: number }[]).map((m) => m.id);
    const problems: string[] = [];
    const figures: string[] = [];
    for (const cid of contractIds.slice(0, 4)) {
      const d = (await ok(a.url, ta, "mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id version } }", { i: { contractId: cid, periodId, version: null, values: measureIds.map((m) => ({ measureId: m, value: 6 })) } })).saveReturnDraft;
      const input = { returnId: d.id, version: d.version, idempotencyKey: `pg-sub-${d.id}-${Date.now()}`, acknowledgements: [] };
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => gql(i % 2 ? b.url : a.url, i % 2 ? tb : ta, "mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { id version state revisionCount submittedAt } }", { i: input }, 30_000)));
      const codes = answers.map(codeOf);
      figures.push(`submitReturn ${d.id}: ${JSON.stringify(tally(codes))}`);
      if (codes.some((c) => c !== null)) problems.push(`submitReturn ${d.id}: ${answers.filter((x) => codeOf(x)).map(describeFailure).slice(0, 2).join(" | ")}`);
      const okOnes = answers.filter((x) => codeOf(x) === null).map((x) => JSON.stringify((x.data as any).submitReturn));
      if (new Set(okOnes).size > 1) problems.push(`submitReturn ${d.id}: ${new Set(okOnes).size} different results: ${[...new Set(okOnes)].join(" / ")}`);
    }
    for (let round = 0; round < 2; round++) {
      const key = `pg-csv-${round}-${Date.now()}`;
      const csv = csvFor(pairs, `PGCSV${round}`, 11 + round, 300);
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => gql(i % 2 ? b.url : a.url, i % 2 ? tb : ta, UPLOAD, { p: csvPeriod, csv, key, submit: false }, 60_000)));
      const codes = answers.map(codeOf);
      const outs = answers.filter((x) => codeOf(x) === null).map((x) => (x.data as any).uploadReturnsCsv);
      figures.push(`uploadReturnsCsv round ${round}: ${JSON.stringify(tally(codes))}, ${outs.filter((o) => !o.replayed).length} not replayed`);
      if (codes.some((c) => c !== null)) problems.push(`upload round ${round}: ${answers.filter((x) => codeOf(x)).map(describeFailure).slice(0, 2).join(" | ")}`);
      if (outs.filter((o) => !o.replayed).length !== 1) problems.push(`upload round ${round}: ${outs.filter((o) => !o.replayed).length} uploads applied (want 1)`);
      if (new Set(outs.map((o) => JSON.stringify({ ...o, replayed: null }))).size > 1) problems.push(`upload round ${round}: different results for one key`);
      // The same key with a different file: it must not be applied as a new upload, nor be an internal error.
      const other = await gql(b.url, tb, UPLOAD, { p: csvPeriod, csv: csvFor(pairs, `PGOTHER${round}`, 99, 300), key, submit: false });
      figures.push(`  same key, different file: ${codeOf(other) ?? "OK"} ${codeOf(other) === null ? JSON.stringify({ replayed: (other.data as any).uploadReturnsCsv.replayed }) : ""}`);
      if (codeOf(other) === "INTERNAL_SERVER_ERROR" || (codeOf(other) === null && (other.data as any).uploadReturnsCsv.replayed !== true)) problems.push(`upload round ${round}: same key with a different file gave ${describeFailure(other)}`);
    }
    console.log(`PostgreSQL idempotent retries:\n  ${figures.join("\n  ")}`);
    expect(problems).toEqual([]);
  }, 100_000);

  it("the servers' connections are killed by the database under writes: coded refusals only, acknowledged writes all there", async () => {
    const [a, b] = servers;
    const ta = (await login(a.url, OFFICER, PASSWORD)).token;
    const tb = (await login(b.url, OFFICER, PASSWORD)).token;
    const acked: string[] = [];
    const refused: string[] = [];
    const codes: (string | null)[] = [];
    const bad: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; !stop && i < 300; i++) {
        const t = `pg kill ${w}.${i}`;
        const r = await gql(w % 2 ? b.url : a.url, w % 2 ? tb : ta, 'mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: "Attack pg kill" }) { id } }', { t }, 30_000).catch((e) => ({ status: 0, errors: [{ message: String(e), extensions: { code: "NO ANSWER" } }] }) as any);
        codes.push(codeOf(r));
        if (codeOf(r) === null) acked.push(t);
        else if (codeOf(r) === "STORE_UNAVAILABLE") refused.push(t);
        if (codeOf(r) === null || codeOf(r) === "STORE_UNAVAILABLE") continue;
        else if (codeOf(r) !== "STORE_UNAVAILABLE" || r.errors?.[0]?.extensions?.retryable !== true) bad.push(`${t}: ${describeFailure(r)} ${JSON.stringify(r.errors?.[0]?.extensions)}`);
      }
    });
    let kills = 0;
    for (let k = 0; k < 4; k++) {
      await sleep(600);
      const r = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
      kills += r.rowCount ?? 0;
    }
    await sleep(1500);
    stop = true;
    await Promise.all(writers);
    // Writes work again afterwards.
    const after = await gql(a.url, ta, 'mutation { createRisk(input: { title: "pg after kills", likelihood: 1, impact: 1, ownerName: "Attack pg kill" }) { id } }');
    const check = new pg.Client({ connectionString: DATABASE_URL });
    await check.connect();
    const titles = new Set((await check.query(`SELECT title FROM risk WHERE "ownerName" = 'Attack pg kill'`)).rows.map((r: { title: string }) => r.title));
    await check.end();
    const lost = acked.filter((t) => !titles.has(t));
    const ghosts = refused.filter((t) => titles.has(t));
    expect(ghosts, "refused with STORE_UNAVAILABLE (nothing saved) but in the database").toEqual([]);
    console.log(`PostgreSQL killed connections: ${kills} backends terminated; writes ${JSON.stringify(tally(codes))}; ${lost.length} acknowledged but missing; after: ${codeOf(after) ?? "OK"}; bad: ${bad.slice(0, 3).join(" | ")}`);
    if (bad.length) for (const s of [a, b]) console.log(`server log (errors):\n${s.output().split("\n").filter((l) => /terminat|error|57P01|ECONNRESET|Connection/i.test(l)).slice(0, 12).join("\n")}`);
    expect(bad.slice(0, 5), `${bad.length} refusals not STORE_UNAVAILABLE retryable`).toEqual([]);
    expect(lost).toEqual([]);
    expect(codeOf(after), describeFailure(after)).toBeNull();
  }, 100_000);

  it("the database refuses connections for a while: writes STORE_UNAVAILABLE (CONNECTION), /healthz 503, back by itself", async () => {
    const [a] = servers;
    const ta = (await login(a.url, OFFICER, PASSWORD)).token;
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    const figures: string[] = [];
    const results: string[] = [];
    let h: { status: number; body: any } = { status: 0, body: {} };
    try {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
      for (let i = 0; i < 6; i++) {
        const t0 = Date.now();
        const r = await gql(a.url, ta, 'mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: "Attack pg down" }) { id } }', { t: `pg down ${i}` }, 30_000).catch((e) => ({ status: 0, errors: [{ message: String(e), extensions: { code: "NO ANSWER" } }] }) as any);
        const e = r.errors?.[0]?.extensions;
        results.push(`${codeOf(r) ?? "OK"}${e?.reason ? `/${e.reason}` : ""}${e?.retryable ? "/retryable" : ""} in ${Date.now() - t0} ms`);
      }
      const res = await fetch(`${a.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      h = { status: res.status, body: await res.json().catch(() => ({})) };
    } finally {
      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    }
    let back = false;
    let after: any = null;
    for (let i = 0; i < 40 && !back; i++) {
      await sleep(500);
      after = await gql(a.url, ta, 'mutation { createRisk(input: { title: "pg back", likelihood: 1, impact: 1, ownerName: "Attack pg down" }) { id } }').catch(() => null);
      back = after !== null && codeOf(after) === null;
    }
    figures.push(`writes while PostgreSQL refuses connections: ${results.join("; ")}`, `/healthz ${h.status} ${JSON.stringify(h.body)}`, `writes back within 20 s: ${back}`);
    console.log(`PostgreSQL unreachable:\n  ${figures.join("\n  ")}`);
    expect(results.filter((r) => !/^STORE_UNAVAILABLE\/CONNECTION\/retryable/.test(r)), "every write STORE_UNAVAILABLE, reason CONNECTION, retryable").toEqual([]);
    expect(h.status).toBe(503);
    expect(h.body.reason ?? "", "/healthz names the reason").toMatch(/CONNECTION/);
    expect(back).toBe(true);
  }, 100_000);
});

/** Node processes whose environment holds this DATABASE_URL, oldest first (their pid is their process group). */
function findServerPids(url: string): number[] {
  const found: { pid: number; start: number }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
      if (!env.includes(`DATABASE_URL=${url}\0`)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pgrp = Number(fields[2]);
      if (pgrp !== Number(entry)) continue; // only group leaders (the spawned node)
      found.push({ pid: Number(entry), start: Number(fields[19]) });
    } catch {
      // gone or not ours
    }
  }
  return found.sort((x, y) => x.start - y.start).map((f) => f.pid);
}
void killGroup;
