/*
 * Two server instances on one PostgreSQL database deliver one outbox: each claims rows with FOR UPDATE SKIP LOCKED,
 * so no mail is sent twice, and between them every mail is sent. Both also run the schedule at start-up, at the same
 * moment, and write each reminder once (its unique key). Under CI=true this must run, never skip.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, type ScratchDatabase } from "../support/services.js";
import { crash, DIGEST_FROM_MIDNIGHT, gql, login, sleep, startServer, stopGracefully, type ServerProcess } from "../support/server-process.js";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.js";

const BURST = 120;
const unreachable = await postgresUnreachable();

describe.skipIf(skipWithoutPostgres(unreachable, "the PostgreSQL mail test"))("mail from two instances on PostgreSQL", () => {
  let scratch: ScratchDatabase | null = null;
  const servers: ServerProcess[] = [];
  let sink: SmtpSink;
  afterAll(async () => {
    for (const server of servers) await crash(server).catch(() => undefined);
    await sink?.close();
    await scratch?.drop();
  });

  it("sends every mail exactly once between them", async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    scratch = await scratchDatabase("hub_mail");
    const url = scratch.url;
    // A slow receiver, so the two workers' batches overlap in time.
    sink = await startSmtpSink({ beforeAccept: async () => void (await sleep(5)) });
    const env = { DATABASE_URL: url, SMTP_URL: sink.url, MAIL_SCHEDULE: "on", MAIL_BATCH_SIZE: "3", MAIL_POLL_MS: "100", MAIL_LEASE_MS: "30000" };
    const first = await Promise.all([0, 1].map(() => startServer({ env, timeoutMs: 90_000 })));
    servers.push(...first);
    // Mail from the start-up runs at any hour: Wiltshire's digest from midnight, then both start together again.
    // (From the default, 08:00 London time, the runs between midnight and eight wrote nothing.)
    const { token } = await login(first[0].url, "officer@wiltshire.demo.example", "demo-password-2026");
    const set = await gql(first[0].url, token, DIGEST_FROM_MIDNIGHT);
    expect(set.errors).toBeUndefined();
    await Promise.all(first.map((server) => stopGracefully(server)));
    servers.length = 0;
    const started = await Promise.all([0, 1].map(() => startServer({ env, timeoutMs: 90_000 })));
    servers.push(...started);

    // A burst on top of the start-up run's chasers and digests: as if many returns had been decided at once.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO mail_outbox ("dedupeKey", "officeId", kind, "toAddress", subject, body, state, attempts, "nextAttemptAt", "messageId", "createdAt")
         SELECT 'burst:' || n, NULL, 'ACCEPTED', 'burst' || n || '@example.org', 'Burst ' || n, 'Body ' || n, 'PENDING', 0, now(), '<burst-' || n || '@test>', now()
         FROM generate_series(1, ${BURST}) AS n`,
      );
      const deadline = Date.now() + 90_000;
      let rows: { id: number; state: string; messageId: string; leaseOwner: string | null; kind: string }[] = [];
      for (;;) {
        rows = (await db.query(`SELECT id, state, "messageId", "leaseOwner", kind FROM mail_outbox ORDER BY id`)).rows;
        if (rows.every((r) => r.state === "SENT")) break;
        if (Date.now() > deadline) throw new Error(`not all sent: ${rows.filter((r) => r.state !== "SENT").length} left\n${servers[0].output().slice(-3000)}`);
        await sleep(200);
      }
      const isBurst = (r: { messageId: string }) => r.messageId.startsWith("<burst-");
      const scheduled = rows.filter((r) => !isBurst(r));
      expect(scheduled.length).toBeGreaterThan(0);
      // Both start-up runs wrote the same reminders: once each.
      expect(new Set(scheduled.map((r) => r.messageId)).size).toBe(scheduled.length);
      const counts = new Map<string, number>();
      for (const mail of sink.mails) counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
      const twice = [...counts].filter(([, n]) => n > 1);
      expect(twice).toEqual([]);
      expect(sink.mails.length).toBe(rows.length);
      for (const row of rows) expect(counts.get(row.messageId), `row ${row.id}`).toBe(1);
      // Both running instances did part of the burst. (The first pair, stopped before the burst, may have sent
      // start-up mail of its own under its own lease owners, so only the burst's rows are counted.)
      const burst = rows.filter(isBurst);
      const owners = new Set(burst.map((r) => r.leaseOwner));
      expect(owners.size).toBe(2);
      console.log(`[mail-postgres] ${rows.length} mails; the burst's ${burst.length} split ${[...owners].map((o) => burst.filter((r) => r.leaseOwner === o).length).join(" + ")} between the two instances, none twice`);
    } finally {
      await db.end();
    }
  }, 240_000);
});
