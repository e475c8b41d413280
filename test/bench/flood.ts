import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startApp } from "../../server/app.js";
import { loadConfig } from "../../server/config.js";
import { seedDemoData } from "../../server/db/seed/demo-seed.js";
import { DEMO_PASSWORD, DEMO_REPORTING_LOGINS } from "../../server/db/seed/demo-users.js";
import { createServices } from "../../server/services.js";

/*
 * F: floods from one hostile client against legitimate users. The server runs with its default limits and
 * budgets (rate limit on, 1,200 points a minute). Three of Wiltshire's staff (BENCH_FLOOD_USERS) each ask for the
 * office's scorecards five times a second throughout; first quiet, then during a flood of each shape in turn, each
 * from its own signed-in provider account in a worker thread, 8 connections at once. Goal: the staff's p99 during each
 * flood within 2× of the quiet p99 of the same run. "control" starts an attacker thread that sends nothing: the
 * noise floor of the measure on this machine. The attacker is its own process, run under `nice -n
 * BENCH_FLOOD_NICE` (default 10): on one shared machine its own CPU would otherwise be taken from the server's,
 * which a remote attacker's is not; for the same reason it is held to one core with taskset (BENCH_FLOOD_PIN=0:
 * not). What it sent and got back is reported beside each figure, and the server's longest event-loop stall.
 *   BENCH_FLOOD_SECONDS (default 20): length of the quiet phase and of each flood.
 *   BENCH_FLOOD_SHAPES: a comma-separated subset of FLOOD_SHAPES.
 */
export const FLOOD_SHAPES = ["control", "http-aliases", "http-directives", "http-variables", "ws-aliases", "ws-directives", "ws-variables", "ws-subscribe"] as const;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function floodScenario(log: (line: string) => void): Promise<Record<string, unknown>> {
  const seconds = Number(process.env.BENCH_FLOOD_SECONDS ?? 20);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-flood-"));
  const config = loadConfig({ DATABASE_PATH: path.join(dir, "flood.sqlite"), NODE_ENV: "production" });
  const services = await createServices(config);
  await seedDemoData(services.writer.dataSource);
  const app = await startApp(services, 0, "127.0.0.1");

  async function post(token: string | null, query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const login = async (email: string) => (await post(null, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }", { e: email, p: DEMO_PASSWORD })).body.data.login.token as string;
  const officer = await login("officer@wiltshire.demo.example");
  // Wiltshire's staff, each signed in on their own account (each with its own budget), asking at once: three
  // times the samples of one user, so that a p99 is not one unlucky request.
  const staff = [officer, ...(await Promise.all(["commissioner@wiltshire.demo.example", "analyst@wiltshire.demo.example"].map(login)))].slice(0, Number(process.env.BENCH_FLOOD_USERS ?? 3));
  const wiltshire = (await post(officer, "{ me { office { id } } }")).body.data.me.office.id as number;
  const attackers = await Promise.all(DEMO_REPORTING_LOGINS.slice(0, FLOOD_SHAPES.length).map((l) => login(l.email)));

  const SCORECARDS = `query($o: Int) { scorecards(officeId: $o) { portfolioId rows { indicatorId cells { periodId actual target rag change returnsIn returnsDue } } } }`;
  /** The legitimate users for `ms`: each one request every 200 ms (or as soon as the last answered, when slower). */
  async function legitimate(ms: number) {
    const before = performance.eventLoopUtilization();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const times: number[] = [];
    const failures: Record<string, number> = {};
    const end = Date.now() + ms;
    await Promise.all(
      staff.map(async (token, i) => {
        await sleep((200 / staff.length) * i); // spread over the 200 ms
        while (Date.now() < end) {
          const started = performance.now();
          const { status, body } = await post(token, SCORECARDS, { o: wiltshire });
          const took = performance.now() - started;
          times.push(took);
          if (status !== 200 || body.errors) failures[`${status} ${body.errors?.[0]?.extensions?.code ?? ""}`.trim()] = (failures[`${status}`] ?? 0) + 1;
          await sleep(Math.max(0, 200 - took));
        }
      }),
    );
    // How busy the server's event loop was: independent of how loaded the machine is.
    delay.disable();
    // The longest the server's event loop was held at once: a stall of the server, as opposed to a machine too busy to run it.
    return { times, failures, loopBusy: performance.eventLoopUtilization(before).utilization, loopMaxMs: delay.max / 1e6, loopP99Ms: delay.percentile(99) / 1e6 };
  }

  await legitimate(2000); // warm up
  const quiet = await legitimate(seconds * 1000);
  const quietP99 = percentile(quiet.times, 99);
  log(`F flood scenario (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores): quiet p50 ${percentile(quiet.times, 50).toFixed(1)} ms, p99 ${quietP99.toFixed(1)} ms over ${quiet.times.length} requests, server loop busy ${(quiet.loopBusy * 100).toFixed(0)} %, longest stall ${quiet.loopMaxMs.toFixed(0)} ms`);
  const results: Record<string, unknown> = { loadAverage: os.loadavg()[0], quiet: { requests: quiet.times.length, p50Ms: percentile(quiet.times, 50), p99Ms: quietP99, loopBusy: quiet.loopBusy } };

  const only = process.env.BENCH_FLOOD_SHAPES?.split(",");
  // A remote attacker's CPU is not the server's: the attacker process is held to one core (the last), so it can
  // never take the core the server runs on; what it costs the server (its bytes, its connections) still does.
  const pinCore = process.env.BENCH_FLOOD_PIN !== "0" && process.platform === "linux" && os.cpus().length >= 2 ? os.cpus().length - 1 : null;
  results.attackerPinnedToCore = pinCore;
  for (const [i, shape] of FLOOD_SHAPES.entries()) {
    if (only && !only.includes(shape)) continue;
    // Each shape from its own address (127.0.0.10 + i): a penalty box earned by one shape does not carry into the next.
    const localAddress = process.platform === "linux" ? `127.0.0.${10 + i}` : undefined;
    const args = JSON.stringify({ url: app.url, token: attackers[i], shape, seconds, concurrency: 8, wiltshire, localAddress });
    const attackerCommand = ["nice", "-n", String(process.env.BENCH_FLOOD_NICE ?? 10), process.execPath, fileURLToPath(new URL("./flood-worker.mjs", import.meta.url)), args];
    if (pinCore !== null) attackerCommand.unshift("taskset", "-c", String(pinCore));
    const child = spawn(attackerCommand[0], attackerCommand.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    const attacker = new Promise<Record<string, number>>((resolve, reject) => {
      child.once("exit", () => {
        try {
          resolve(JSON.parse(output));
        } catch {
          reject(new Error(`the ${shape} flood printed no result`));
        }
      });
    });
    await sleep(200); // the flood under way before measuring
    const during = await legitimate(seconds * 1000 - 200);
    const tally = await attacker;
    const p99 = percentile(during.times, 99);
    results[shape] = { requests: during.times.length, failures: during.failures, p50Ms: percentile(during.times, 50), p99Ms: p99, ratioP99: p99 / quietP99, loopBusy: during.loopBusy, loopMaxMs: during.loopMaxMs, attacker: tally };
    log(
      `F ${shape.padEnd(16)} legit p99 ${p99.toFixed(1)} ms vs quiet ${quietP99.toFixed(1)} ms → ratio ${(p99 / quietP99).toFixed(2)} (goal ≤ 2); server loop busy ${(during.loopBusy * 100).toFixed(0)} %, longest stall ${during.loopMaxMs.toFixed(0)} ms (p99 ${during.loopP99Ms.toFixed(0)})` +
        `; ${during.times.length} requests, failures ${JSON.stringify(during.failures)}; attacker got ${JSON.stringify(tally)}`,
    );
    await sleep(1000);
  }

  await app.stop();
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return results;
}
