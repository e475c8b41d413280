/*
 * red12: two instances on one PostgreSQL database deliver one outbox through one real SMTP server. Both start
 * together on an empty database (and again once the digest is due at any hour), both run the schedule's catch-up
 * at the same moment (a quarter long overdue), one is killed -9 mid-batch and comes back, the other is stopped
 * with SIGTERM and comes back: every mail is received exactly once (only a mail whose 250 came just before a
 * kill -9 is excused), and no mail is written twice.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, DIGEST_FROM_MIDNIGHT, sleep, startServer, stopGracefully, type ServerProcess } from "../support/server-process.js";
import { ADMIN_URL as PG_ADMIN_URL, postgresUnreachable, skipWithoutPostgres } from "../support/services.js";
import { ADMIN, OFFICER, must, sink, type Sink } from "./red12-kit.js";

const ADMIN_URL = PG_ADMIN_URL;
const database = `red12_mail_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;
const unreachable = await postgresUnreachable();

let adminDb: pg.Client;
let smtp: Sink;
const servers: (ServerProcess | null)[] = [null, null];
const acceptedAt = new Map<string, number>();
const acceptances = new Map<string, number[]>();
const t0 = Date.now();
const events: string[] = [];
const kills: number[] = [];
const env = () => ({ DATABASE_URL, SMTP_URL: smtp.url, PUBLIC_URL: "https://hub.example.org", MAIL_SCHEDULE: "on", MAIL_BATCH_SIZE: "2", MAIL_LEASE_MS: "3000", MAIL_POLL_MS: "100", MAIL_RETRY_BASE_MS: "200", WS_CONNECTIONS_PER_USER: "0" });
const up = (i: number) => startServer({ env: env(), timeoutMs: 150_000 }).then((s) => (servers[i] = s));

async function rows(): Promise<{ id: number; state: string; messageId: string; toAddress: string; subject: string }[]> {
  return (await adminDb.query(`SELECT id, state, "messageId", "toAddress", subject FROM mail_outbox ORDER BY id`)).rows;
}
async function settled(timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await rows();
    if (r.length && r.every((x) => x.state === "SENT" || x.state === "FAILED")) return r;
    if (Date.now() > deadline) throw new Error(`not settled: ${r.filter((x) => x.state !== "SENT").length} of ${r.length}`);
    await sleep(200);
  }
}

describe.skipIf(skipWithoutPostgres(unreachable, "red12's two-instance mail attacks"))("two instances on PostgreSQL, one outbox", () => {
  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    adminDb = new pg.Client({ connectionString: ADMIN_URL });
    await adminDb.connect();
    await adminDb.query(`CREATE DATABASE "${database}"`);
    smtp = await sink(async (mail) => {
      await sleep(150);
      acceptedAt.set(mail.messageId, Date.now());
      acceptances.set(mail.messageId, [...(acceptances.get(mail.messageId) ?? []), Date.now() - t0]);
    });
    await Promise.all([up(0), up(1)]);
    await adminDb.end();
    adminDb = new pg.Client({ connectionString: DATABASE_URL });
    await adminDb.connect();
    // Digests at any hour: Wiltshire's from midnight, then both start together again and race to write it. (From
    // the default, 08:00 London time, a run between midnight and eight had no mail at all to race over.)
    await must(servers[0]!.url, OFFICER, DIGEST_FROM_MIDNIGHT);
    await Promise.all([stopGracefully(servers[0]!), stopGracefully(servers[1]!)]);
    await Promise.all([up(0), up(1)]);
  }, 300_000);
  afterAll(async () => {
    for (const s of servers) if (s) await crash(s).catch(() => undefined);
    await adminDb?.end().catch(() => undefined);
    const a = new pg.Client({ connectionString: ADMIN_URL });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await a.end();
    await smtp?.close();
  });

  it("both starting together on an empty database write each digest once and send it once", async () => {
    const r = await settled();
    const ids = r.map((x) => x.messageId);
    for (const id of ids) expect(smtp.mails.filter((m) => m.messageId === id).length, id).toBe(1);
    const keys = r.map((x) => `${x.toAddress}|${x.subject}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("racing catch-up runs, a kill -9 mid-batch and a SIGTERM: every mail exactly once", async () => {
    const url = servers[0]!.url;
    await must(url, OFFICER, 'mutation { openReportingPeriod(quarter: "2024-25 Q2", dueDate: "2026-11-10") { id } }');
    await must(url, "officer@dorset.demo.example", 'mutation { openReportingPeriod(quarter: "2020-21 Q2", dueDate: "2026-11-10") { id } }');
    await must(url, "officer@durham.demo.example", 'mutation { openReportingPeriod(quarter: "2019-20 Q2", dueDate: "2026-11-10") { id } }');
    // Both restart at the same moment: both catch-up runs race to write the chasers.
    kills.push(Date.now());
    events.push(`both kill -9 at ${Date.now() - t0}`);
    await Promise.all([crash(servers[0]!), crash(servers[1]!)]);
    await Promise.all([up(0), up(1)]);
    // Kill -9 one while both deliver, SIGTERM the other, bring both back.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await rows()).filter((x) => x.state === "SENT").length < 6) await sleep(50);
    kills.push(Date.now());
    events.push(`kill -9 of instance 0 at ${Date.now() - t0}`);
    await crash(servers[0]!);
    await sleep(400);
    events.push(`SIGTERM of instance 1 at ${Date.now() - t0}`);
    await stopGracefully(servers[1]!);
    events.push(`instance 1 stopped at ${Date.now() - t0}`);
    await Promise.all([up(0), up(1)]);
    const r = await settled();
    expect(r.length).toBeGreaterThan(10);
    const excused = new Set([...acceptances].filter(([, ats]) => ats.some((at) => kills.some((k) => at > k - t0 - 250 && at < k - t0 + 1000))).map(([id]) => id));
    const twice = r.filter((x) => x.state === "SENT" && smtp.mails.filter((m) => m.messageId === x.messageId).length !== 1 && !excused.has(x.messageId));
    expect(twice.map((x) => `${x.id} ${x.toAddress} ${x.subject}: received at ${acceptances.get(x.messageId)} ms`), events.join("; ")).toEqual([]);
    const keys = r.map((x) => `${x.toAddress}|${x.subject}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i), "no mail written twice").toEqual([]);
    const outbox = (await must(servers[1]!.url, ADMIN, "{ outbox(first: 500, state: FAILED) { id } }")).outbox;
    expect(outbox).toEqual([]);
  }, 300_000);
});
