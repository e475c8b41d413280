import { expect, test } from "vitest";
import { diff, snapshot, verdict, type TestServer } from "./red17-kit.js";

export interface Attack {
  name: string;
  as: string;
  query: string;
  vars?: Record<string, unknown>;
  /** The guarantee says this must be refused (optionally with this code). */
  refuse?: string | true;
}
export interface Outcome { name: string; problem: string }

/** Runs attacks one by one over HTTP: each must be a coded refusal or a success; a refusal changes no table. */
export async function runAttacks(server: TestServer, attacks: Attack[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const a of attacks) {
    const before = await snapshot(server);
    let r: Awaited<ReturnType<TestServer["http"]>>;
    try {
      r = await server.http(a.as, a.query, a.vars);
    } catch (e) {
      out.push({ name: a.name, problem: `transport: ${(e as Error).message}` });
      continue;
    }
    const v = verdict(r);
    if (v !== "ok") { out.push({ name: a.name, problem: v }); continue; }
    const errs = r.errors ?? [];
    if (a.refuse && errs.length === 0) { out.push({ name: a.name, problem: `accepted: ${JSON.stringify(r.data).slice(0, 200)}` }); continue; }
    const code = (errs[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code;
    if (typeof a.refuse === "string" && errs.length && code !== a.refuse) out.push({ name: a.name, problem: `code ${code}, wanted ${a.refuse}: ${JSON.stringify(errs[0]).slice(0, 300)}` });
    if (errs.length) {
      const after = await snapshot(server);
      const d = diff(before, after);
      if (d.length) out.push({ name: a.name, problem: `refused (${code}) but wrote: ${d.join("; ")}` });
    }
  }
  return out;
}

/** One vitest test per attack group, on a server the caller starts. */
export function attackSuite(build: (server: TestServer) => Promise<Attack[]>, getServer: () => TestServer, label: string): void {
  test(label, async () => {
    const server = getServer();
    const attacks = await build(server);
    const problems = await runAttacks(server, attacks);
    for (const p of problems) console.log(`DEFECT [${label}] ${p.name}: ${p.problem}`);
    expect(problems).toEqual([]);
  });
}
