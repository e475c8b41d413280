/*
 * Shared kit for the outside attacks (issue 15): real server processes (test/support/server-process.ts), real HTTP,
 * real files. Nothing here knows how the server works inside; it only uses the API, the README and the SQLite file.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sqlite3 from "sqlite3";
import { acknowledged, describeFailure, gql, login, ROOT, sleep, TEST_TOKEN_SECRET, type GqlResponse } from "../support/server-process.js";

export const PASSWORD = "demo-password-2026";
export const OFFICER = "officer@wiltshire.demo.example";
export const ADMIN = "admin@demo.example";
export { acknowledged, describeFailure, gql, login, sleep };

export const codeOf = (r: GqlResponse<unknown>): string | null => r.errors?.[0]?.extensions?.code ?? (r.status !== 200 ? `HTTP ${r.status}` : null);
export function tally(codes: (string | null)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c ?? "OK"] = (out[c ?? "OK"] ?? 0) + 1;
  return out;
}

/** A tmpfs of `mb` megabytes, or null with the reason (not root). */
export function mountTmpfs(mb: number, prefix: string): { dir: string; unmount(): void } | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${mb}m`, "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync("umount", ["-l", dir]);
      } catch {
        // busy
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the filesystem holding `file` until only `headroom` bytes are free. */
export function fill(file: string, headroom: number): void {
  const fd = fs.openSync(file, "a");
  try {
    const chunk = Buffer.alloc(64 * 1024, 7);
    for (;;) {
      const st = fs.statfsSync(path.dirname(file));
      const free = st.bavail * st.bsize;
      if (free <= headroom) return;
      try {
        fs.writeSync(fd, chunk, 0, Math.min(chunk.length, free - headroom));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOSPC") return;
        throw error;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

export async function health(url: string): Promise<{ status: number; body: { status?: string; reason?: string } }> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  let body: never = {} as never;
  try {
    body = (await response.json()) as never;
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

export async function waitHealthy(url: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await health(url)).status === 200) return true;
    } catch {
      // not answering
    }
    await sleep(100);
  }
  return false;
}

export async function sqliteAll<T = any>(file: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
  try {
    return await new Promise<T[]>((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
}

/** Must-succeed GraphQL call. */
export async function ok<T = any>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await gql<T>(url, token, query, variables, 60_000);
  if (!acknowledged(r)) throw new Error(`${query.slice(0, 80)}: ${describeFailure(r)}`);
  return r.data;
}

export const UPLOAD = "mutation($p: Int!, $csv: String!, $key: String!, $submit: Boolean) { uploadReturnsCsv(periodId: $p, csv: $csv, submit: $submit, idempotencyKey: $key) { periodId totalRows returnsCreated returnsUpdated returnsSubmitted replayed returns { id version } } }";

/**
 * Creates `contracts` contracts in the officer's office, each reporting `indicators` indicators of two COUNT measures,
 * and returns the (reference, measure code) pairs a CSV can fill.
 */
export async function bulkContracts(url: string, token: string, tag: string, contracts: number, indicators: number): Promise<{ pairs: [string, string][]; contractIds: number[] }> {
  const portfolios = (await ok(url, token, "{ portfolios { id } }")).portfolios as { id: number }[];
  const providers = (await ok(url, token, "{ providers(first: 5) { items { id } } }")).providers.items as { id: number }[];
  const indicatorIds: number[] = [];
  const codes: string[] = [];
  for (let i = 0; i < indicators; i++) {
    const ms: number[] = [];
    for (const k of ["A", "B"]) {
      const code = `${tag}_M${i}${k}`;
      codes.push(code);
      ms.push((await ok(url, token, `mutation($c: String!) { createMeasure(input: { code: $c, name: $c, unit: COUNT }) { id } }`, { c: code })).createMeasure.id);
    }
    indicatorIds.push((await ok(url, token, `mutation($c: String!, $m: [Int!]!) { createIndicator(input: { code: $c, name: $c, unit: COUNT, direction: HIGHER_IS_BETTER, numeratorMeasureIds: $m }) { id } }`, { c: `${tag}_I${i}`, m: ms })).createIndicator.id);
  }
  const pairs: [string, string][] = [];
  const contractIds: number[] = [];
  const make = async (n: number) => {
    const reference = `${tag}-C-${n}`;
    const c = (await ok(url, token, `mutation($r: String!, $p: Int!, $pr: Int!) { createContract(input: { reference: $r, title: $r, portfolioId: $p, providerId: $pr, mechanism: CONTRACTED_SERVICE, startDate: "2023-04-01", endDate: "2029-03-31", annualValuePence: 10000000, status: LIVE, stage: DO }) { id version } }`, { r: reference, p: portfolios[n % portfolios.length].id, pr: providers[n % providers.length].id })).createContract;
    await ok(url, token, "mutation($c: Int!, $i: [Int!]!, $v: Int!) { setContractKpis(contractId: $c, indicatorIds: $i, version: $v) { id } }", { c: c.id, i: indicatorIds, v: c.version });
    contractIds.push(c.id);
    for (const code of codes) pairs.push([reference, code]);
  };
  for (let n = 0; n < contracts; n += 4) await Promise.all([n, n + 1, n + 2, n + 3].filter((x) => x < contracts).map(make));
  return { pairs, contractIds };
}

export function csvFor(pairs: [string, string][], marker: string, value: number, commentChars = 1900): string {
  const pad = "x".repeat(Math.max(0, commentChars - marker.length - 1));
  return "contract_reference,measure_code,value,comment\n" + pairs.map(([r, c]) => `${r},${c},${value},${marker} ${pad}`).join("\n") + "\n";
}

export function runBackup(env: Record<string, string>, target: string, timeoutMs = 60_000): Promise<{ code: number | null; output: string; ms: number }> {
  // The server runs with TEST_TOKEN_SECRET (server-process.ts); the backup gets the same environment, as an operator's would.
  const full: NodeJS.ProcessEnv = { ...process.env, TOKEN_SECRET: TEST_TOKEN_SECRET, ...env };
  if (!env.DATABASE_URL) delete full.DATABASE_URL;
  const started = Date.now();
  const child = spawn("npm", ["run", "--silent", "backup", "--", target], { cwd: ROOT, env: full, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }, timeoutMs);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    }),
  );
}

/**
 * Another process (a DB browser, a backup tool) takes the SQLite write lock: BEGIN IMMEDIATE plus an uncommitted row,
 * held for `ms` then rolled back; `kill()` ends it with SIGKILL while it holds the lock.
 */
export async function holdLock(file: string, ms: number): Promise<{ released: Promise<number | null>; kill(): void }> {
  const script = `
    const sqlite3 = require(${JSON.stringify(path.join(ROOT, "node_modules/sqlite3"))});
    const db = new sqlite3.Database(process.argv[1]);
    db.configure("busyTimeout", 10000);
    db.serialize(() => {
      db.run("BEGIN IMMEDIATE", (err) => { if (err) { console.error("begin", err.message); process.exit(3); } });
      db.run("INSERT INTO risk (officeId, title, likelihood, impact, ownerName, status, escalated, version) SELECT officeId, 'half-written by the lock holder', 1, 1, 'Lock holder', status, escalated, 1 FROM risk LIMIT 1", (err) => {
        if (err) console.error("insert", err.message);
        console.log("locked");
        setTimeout(() => db.run("ROLLBACK", () => db.close(() => process.exit(0))), Number(process.argv[2]));
      });
    });`;
  const child = spawn(process.execPath, ["-e", script, file, String(ms)], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (c) => (err += c));
  const released = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => String(chunk).includes("locked") && resolve());
    child.once("exit", (code) => reject(new Error(`lock holder exited ${code} before locking: ${err}`)));
  });
  return { released, kill: () => child.kill("SIGKILL") };
}
