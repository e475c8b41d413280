/*
 * The real server as a separate process, for tests that kill it, signal it or fill its disk.
 *
 * The server runs exactly as `npm start` runs it (node with tsx as a loader, see START_COMMAND) in a process group
 * of its own, so a SIGKILL to the group leaves nothing behind, and a SIGTERM to the node process is what an operator
 * or a supervisor sends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const TEST_TOKEN_SECRET = "server-process-test-secret-0123456789";

/** The command `npm start` runs after building the dashboard: its last `&&` step, e.g. `node --import tsx server/main.ts`. */
export function startCommand(): string[] {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
  const last = scripts.start.split("&&").at(-1)!.trim();
  return last.split(/\s+/);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of [...children]) killGroup(child, "SIGKILL");
  await Promise.all([...children].map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once("exit", resolve)))));
});

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** True while a process of the group is still running (zombies waiting to be reaped hold no files or locks). */
function groupRunning(pgid: number): boolean {
  if (fs.existsSync("/proc/self/stat")) {
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue;
      }
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function groupGone(pgid: number | undefined, timeoutMs = 5000): Promise<void> {
  if (pgid === undefined) return;
  const deadline = Date.now() + timeoutMs;
  while (groupRunning(pgid)) {
    if (Date.now() > deadline) throw new Error(`process group ${pgid} is still running after SIGKILL`);
    await sleep(10);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** SQLite file; ignored when env.DATABASE_URL is given. */
  databasePath?: string;
  env?: Record<string, string>;
  /** How long to wait for /healthz to answer 200. */
  timeoutMs?: number;
}

/** Starts the server with the demo seed and waits until /healthz answers 200. */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SEED_DEMO_DATA: "true", TOKEN_SECRET: TEST_TOKEN_SECRET, NODE_ENV: "test", RATE_LIMIT_PER_MINUTE: "0" };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (options.databasePath) env.DATABASE_PATH = options.databasePath;
  Object.assign(env, options.env);
  const [command, ...args] = startCommand();
  // detached: the server gets a process group of its own, so one signal reaches everything it starts.
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  let dead = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      dead = true;
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (dead) throw new Error(`The server exited during start-up:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      throw new Error(`The server did not become healthy in time:\n${output}`);
    }
    await sleep(50);
  }
  return { child, url, output: () => output, exited };
}

/** kill -9 of the whole process group; returns once nothing of it is left running. */
export async function crash(server: ServerProcess): Promise<void> {
  killGroup(server.child, "SIGKILL");
  await server.exited;
  await groupGone(server.child.pid);
}

export async function stopGracefully(server: ServerProcess): Promise<void> {
  killGroup(server.child, "SIGTERM");
  const stopped = await Promise.race([server.exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!stopped) {
    killGroup(server.child, "SIGKILL");
    await server.exited;
    throw new Error(`The server did not stop on SIGTERM:\n${server.output()}`);
  }
  await groupGone(server.child.pid);
}

// ---------------------------------------------------------------------------------------------------------------
// GraphQL over HTTP

export interface GqlError {
  message: string;
  extensions?: { code?: string; retryable?: boolean; reason?: string };
}
export interface GqlResponse<T> {
  status: number;
  data?: T;
  errors?: GqlError[];
}

/** Throws only if no complete answer came back (connection refused or reset, body cut off). */
export async function gql<T = any>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}, timeoutMs = 20_000): Promise<GqlResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = JSON.parse(await response.text()) as { data?: T; errors?: GqlError[] };
  return { status: response.status, data: body.data ?? undefined, errors: body.errors };
}

/** Acknowledged: HTTP 200 with data and no errors. */
export function acknowledged<T>(response: GqlResponse<T>): response is GqlResponse<T> & { data: T } {
  return response.status === 200 && response.data != null && !response.errors?.length;
}

export function describeFailure(response: GqlResponse<unknown>): string {
  return `HTTP ${response.status}: ${(response.errors ?? []).map((e) => `${e.extensions?.code ?? "?"} ${e.message}`).join("; ") || "no data"}`;
}

export async function login(url: string, email: string, password: string): Promise<{ token: string; userId: number }> {
  const r = await gql(url, null, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }", { e: email, p: password });
  if (!acknowledged(r)) throw new Error(`login ${email}: ${describeFailure(r)}`);
  return { token: r.data.login.token, userId: Number(r.data.login.user.id) };
}

/**
 * An office's officers' digest from midnight, London time (first save of its schedule; the other settings are the
 * defaults). Tests that need the schedule's mail use it: from the default hour, 08:00, a run between midnight and
 * eight writes no digest.
 */
export const DIGEST_FROM_MIDNIGHT = "mutation { setMailSchedule(input: { version: 0, reminderDays: [14, 3], chaserIntervalDays: 7, digestHour: 0 }) { digestHour } }";
