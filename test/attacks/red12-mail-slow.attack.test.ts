/*
 * red12: an SMTP server that is slow (2 s for each message's DATA) against the delivery worker's lease. A batch
 * claimed together takes longer to send than the lease lasts; nothing may then send a mail a second time: not the
 * same instance's next poll (SQLite), not the other instance (PostgreSQL). The lease is set short (3 s) so that
 * the test runs in a minute; with the default lease the same happens with a slower server or a larger batch.
 */
import fs from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { crash, sleep, startServer, stopGracefully, type ServerProcess } from "../support/server-process.js";
import { ADMIN_URL as PG_ADMIN_URL, postgresUnreachable, skipWithoutPostgres } from "../support/services.js";
import { ADMIN, OFFICER, must, sink, start, tmp, type Sink } from "./red12-kit.js";

const unreachable = await postgresUnreachable();
const servers: ServerProcess[] = [];
const sinks: Sink[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) await crash(s).catch(() => undefined);
  for (const k of sinks) await k.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const slowEnv = (smtp: Sink) => ({ SMTP_URL: smtp.url, PUBLIC_URL: "https://hub.example.org", MAIL_SCHEDULE: "on", MAIL_BATCH_SIZE: "4", MAIL_LEASE_MS: "3000", MAIL_POLL_MS: "200", MAIL_RETRY_BASE_MS: "200" });

async function settled(url: string, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await must(url, ADMIN, "{ outbox(first: 500) { id kind state toAddress subject messageId attempts } }")).outbox as { id: number; kind: string; state: string; toAddress: string; subject: string; messageId: string; attempts: number }[];
    if (rows.some((r) => r.kind === "LATE") && rows.every((r) => r.state === "SENT" || r.state === "FAILED")) return rows;
    if (Date.now() > deadline) throw new Error(`not settled: ${rows.filter((r) => r.state !== "SENT").length} of ${rows.length}`);
    await sleep(300);
  }
}
function twice(rows: { id: number; messageId: string; toAddress: string; kind: string; attempts: number }[], smtp: Sink) {
  return rows.filter((r) => smtp.mails.filter((m) => m.messageId === r.messageId).length > 1).map((r) => `${r.id} ${r.kind} ${r.toAddress}: received ${smtp.mails.filter((m) => m.messageId === r.messageId).length} (attempts ${r.attempts})`);
}

describe("a slow SMTP server against the lease", () => {
  it("one instance on SQLite: a batch slower than the lease is not sent twice", async () => {
    const smtp = await sink(async () => {
      await sleep(2000);
    });
    sinks.push(smtp);
    const dir = tmp("slow");
    dirs.push(dir);
    let server = await start(dir, slowEnv(smtp));
    servers.push(server);
    await must(server.url, OFFICER, 'mutation { openReportingPeriod(quarter: "2024-25 Q2", dueDate: "2026-11-10") { id } }');
    await stopGracefully(server);
    server = await start(dir, slowEnv(smtp));
    servers.push(server);
    const rows = await settled(server.url);
    expect(rows.length).toBeGreaterThan(4);
    expect(twice(rows, smtp)).toEqual([]);
  }, 300_000);

  it.skipIf(skipWithoutPostgres(unreachable, "red12's slow-SMTP two-instance case"))("two instances on PostgreSQL: a batch slower than the lease is not sent twice", async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    const database = `red12_slow_${process.pid}_${Date.now()}`;
    const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;
    const adminDb = new pg.Client({ connectionString: PG_ADMIN_URL });
    await adminDb.connect();
    await adminDb.query(`CREATE DATABASE "${database}"`);
    try {
      const smtp = await sink(async () => {
        await sleep(2000);
      });
      sinks.push(smtp);
      const env = { ...slowEnv(smtp), DATABASE_URL };
      const [a, b] = await Promise.all([startServer({ env, timeoutMs: 150_000 }), startServer({ env, timeoutMs: 150_000 })]);
      servers.push(a, b);
      await must(a.url, OFFICER, 'mutation { openReportingPeriod(quarter: "2024-25 Q2", dueDate: "2026-11-10") { id } }');
      await Promise.all([crash(a), crash(b)]);
      const [c, d] = await Promise.all([startServer({ env, timeoutMs: 150_000 }), startServer({ env, timeoutMs: 150_000 })]);
      servers.push(c, d);
      const rows = await settled(c.url);
      expect(rows.length).toBeGreaterThan(4);
      expect(twice(rows, smtp)).toEqual([]);
    } finally {
      for (const s of servers) await crash(s).catch(() => undefined);
      await adminDb.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
      await adminDb.end();
    }
  }, 400_000);
});
