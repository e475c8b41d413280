/*
 * kill -9 of the server while it delivers a batch of mail, then a restart on the same SQLite file: every mail of
 * the outbox arrives exactly once. The SMTP server is real and in this process; the kill comes from inside its
 * DATA handler, so the dead process had a message in flight (not yet accepted) and more claimed behind it.
 *
 * Then the one window that no outbox can close: a kill just after the SMTP server's 250 and before the row is
 * marked sent. That mail arrives twice, under the same Message-ID (which is what lets a receiver drop the repeat),
 * and every other mail still once. The README says so.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sqlite3 from "sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { crash, gql, login, sleep, startServer, stopGracefully, type ServerProcess } from "../support/server-process.js";
import { startSmtpSink, type ReceivedMail, type SmtpSink } from "../support/smtp-sink.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mail-crash-"));
const databasePath = path.join(dir, "hub.sqlite");
const KILL_AT = 10; // the second mail of the third batch of 4: it and two more are claimed, unsent
const BURST = 40;

let sink: SmtpSink;
let server: ServerProcess | null = null;
let killAt: ((mail: ReceivedMail) => Promise<void> | void) | null = null;
let killAfter: ((mail: ReceivedMail) => void) | null = null;

afterAll(async () => {
  if (server) await crash(server).catch(() => undefined);
  await sink?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = (smtpUrl: string) => ({ SMTP_URL: smtpUrl, MAIL_SCHEDULE: "on", MAIL_BATCH_SIZE: "4", MAIL_LEASE_MS: "2500", MAIL_POLL_MS: "200", MAIL_RETRY_BASE_MS: "200" });

interface Row {
  id: number;
  state: string;
  messageId: string;
  kind: string;
}

function outbox(): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(databasePath, sqlite3.OPEN_READONLY, (error) => {
      if (error) return reject(error);
      db.all("SELECT id, state, messageId, kind FROM mail_outbox ORDER BY id", (err, rows) => {
        db.close();
        if (err) reject(err);
        else resolve(rows as Row[]);
      });
    });
  });
}

function burst(count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(databasePath, (error) => {
      if (error) return reject(error);
      const at = "2000-01-01 00:00:00.000";
      const values = Array.from({ length: count }, (_, i) => `('burst:${i}', NULL, NULL, 'ACCEPTED', 'burst${i}@example.org', 'Burst ${i}', 'Body ${i}', 'PENDING', 0, '${at}', '<burst-${i}@test>', '${at}')`).join(", ");
      db.run(`INSERT INTO mail_outbox (dedupeKey, officeId, userId, kind, toAddress, subject, body, state, attempts, nextAttemptAt, messageId, createdAt) VALUES ${values}`, (err) => {
        db.close();
        if (err) reject(err);
        else resolve();
      });
    });
  });
}

async function allSent(timeoutMs = 60_000): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await outbox();
    if (rows.length && rows.every((r) => r.state === "SENT")) return rows;
    if (Date.now() > deadline) throw new Error(`Not all sent: ${JSON.stringify(rows.map((r) => r.state))}`);
    await sleep(100);
  }
}

const received = (messageId: string) => sink.mails.filter((m) => m.messageId === messageId).length;

describe("mail delivery across kill -9", () => {
  it("delivers every mail of a batch exactly once after a kill mid-batch and a restart", async () => {
    let killed = false;
    sink = await startSmtpSink({
      beforeAccept: async (mail) => {
        if (killAt) await killAt(mail);
      },
      afterAccept: (mail) => killAfter?.(mail),
    });
    killAt = async () => {
      if (killed || sink.mails.length < KILL_AT - 1) return;
      killed = true;
      await crash(server!);
      throw Object.assign(new Error("the sender went away"), { responseCode: 451 });
    };
    // The store first, then a burst in its outbox as if many returns had been decided at once; the start-up run of
    // the schedule adds its chasers for the demo's late returns and the officers' digests.
    await stopGracefully(await startServer({ databasePath, env: { MAIL_SCHEDULE: "off" } }));
    await burst(BURST);
    server = await startServer({ databasePath, env: env(sink.url) });
    const deadline = Date.now() + 60_000;
    while (!killed && Date.now() < deadline) await sleep(20);
    expect(killed).toBe(true);
    killAt = null;
    const atKill = await outbox();
    expect(atKill.length).toBeGreaterThan(KILL_AT);
    expect(atKill.filter((r) => r.state === "SENDING").length).toBeGreaterThan(0); // claimed by the dead process
    expect(sink.mails.length).toBe(KILL_AT - 1);

    server = await startServer({ databasePath, env: env(sink.url) });
    const rows = await allSent();
    expect(rows.length).toBe(atKill.length); // the restart's schedule run wrote nothing twice
    for (const row of rows) expect(received(row.messageId), `outbox row ${row.id}`).toBe(1);
    expect(sink.mails.length).toBe(rows.length);
    console.log(`[mail-crash] ${rows.length} mails; killed with ${atKill.filter((r) => r.state === "SENDING").length} claimed and ${KILL_AT - 1} accepted; each arrived once after the restart`);
  }, 180_000);

  it("sends a mail twice, under one Message-ID, only when the kill falls between the 250 and the mark", async () => {
    const officer = await login(server!.url, "officer@wiltshire.demo.example", "demo-password-2026");
    const me = await gql(server!.url, officer.token, "{ me { office { id } } }");
    const periods = await gql(server!.url, officer.token, "query($o: Int!) { reportingPeriods(officeId: $o) { id state } }", { o: me.data.me.office.id });
    let target: { id: number; version: number } | null = null;
    for (const p of periods.data.reportingPeriods.filter((x: { state: string }) => x.state === "OPEN")) {
      const r = await gql(server!.url, officer.token, "query($p: Int!) { returns(periodId: $p, first: 100) { items { id version state } } }", { p: p.id });
      target = r.data.returns.items.find((x: { state: string }) => x.state === "SUBMITTED") ?? null;
      if (target) break;
    }
    expect(target).not.toBeNull();
    const before = (await outbox()).length;
    // To land in the window every time: hold the store's write lock (as a backup tool might) from just before the
    // 250, so the server has the 250 but cannot yet mark the row; then kill it, then let go of the lock.
    let doomed: ReceivedMail | null = null;
    let lock: sqlite3.Database | null = null;
    killAt = async () => {
      if (lock) return;
      lock = await new Promise<sqlite3.Database>((resolve, reject) => {
        const db = new sqlite3.Database(databasePath, (error) => (error ? reject(error) : db.exec("BEGIN IMMEDIATE", (err) => (err ? reject(err) : resolve(db)))));
      });
    };
    killAfter = (mail) => {
      if (doomed) return;
      doomed = mail;
      setTimeout(() => {
        void crash(server!).then(() => lock!.exec("ROLLBACK", () => lock!.close()));
      }, 500);
    };
    const sent = await gql(server!.url, officer.token, "mutation($id: Int!, $v: Int!) { sendBackReturn(id: $id, version: $v, reason: \"Please add the case study.\") { id } }", { id: target!.id, v: target!.version });
    expect(sent.errors).toBeUndefined();
    const deadline = Date.now() + 30_000;
    while (!doomed && Date.now() < deadline) await sleep(20);
    expect(doomed).not.toBeNull();
    await server!.exited;
    killAt = null;
    killAfter = null;

    server = await startServer({ databasePath, env: env(sink.url) });
    const rows = await allSent();
    expect(rows.length).toBeGreaterThan(before);
    for (const row of rows) expect(received(row.messageId), `outbox row ${row.id}`).toBe(row.messageId === doomed!.messageId ? 2 : 1);
  }, 180_000);
});
