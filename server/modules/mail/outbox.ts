import crypto from "node:crypto";
import type { EntityManager } from "typeorm";
import type { UnitOfWork } from "../../db/writer.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";
import type { User } from "../users/user.entity.js";
import { MailKind, MailPreference, Notification, OutboxMail, OutboxState } from "./mail.entities.js";
import type { MailConfig } from "./mail.config.js";
import { preferenceFor } from "./mail.rules.js";
import type { Composed } from "./mail.templates.js";

/** Carried by NOTIFICATIONS_CHANGED: whose lists changed. Transient: published after commit, never stored. */
export interface NotificationsChangedPayload {
  userIds: number[];
}

export interface Outgoing {
  recipient: Pick<User, "id" | "email" | "active">;
  officeId: number | null;
  kind: MailKind;
  /** Unique per recipient, return (or office), kind and day: a repeat writes nothing. */
  key: string;
  returnId: number | null;
  mail: Composed;
}

/** Signed links that turn a kind of mail off without signing in (the token secret keys them). */
export function unsubscribeToken(secret: string, userId: number, preference: string): string {
  return crypto.createHmac("sha256", `unsubscribe:${secret}`).update(`${userId}.${preference}`).digest("base64url");
}

export function unsubscribeUrl(config: MailConfig, secret: string, userId: number, preference: string): string {
  return `${config.publicUrl}/mail/unsubscribe?u=${userId}&p=${preference}&s=${unsubscribeToken(secret, userId, preference)}`;
}

export function verifyUnsubscribe(secret: string, userId: number, preference: string, signature: string): boolean {
  const expected = Buffer.from(unsubscribeToken(secret, userId, preference));
  const given = Buffer.from(signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

export async function preferencesOf(manager: EntityManager, userIds: number[]): Promise<Map<number, MailPreference>> {
  if (!userIds.length) return new Map();
  const rows = await manager.createQueryBuilder(MailPreference, "p").where("p.userId IN (:...ids)", { ids: userIds }).getMany();
  return new Map(rows.map((p) => [p.userId, p]));
}

/** A deterministic Message-ID: every attempt at one outbox row carries the same one, so a repeat can be recognised. */
export function messageIdFor(config: MailConfig, dedupeKey: string): string {
  let host = "commissioning-hub.invalid";
  try {
    host = new URL(config.publicUrl).hostname || host;
  } catch {
    // keep the placeholder host
  }
  const digest = crypto.createHash("sha256").update(dedupeKey).digest("hex").slice(0, 32);
  return `<${digest}.outbox@${host}>`;
}

/**
 * Writes notifications and their mails inside the caller's transaction: the change that causes a mail and the mail
 * commit together or not at all. Repeats (same key) are ignored. A mail the recipient turned off is not written;
 * the notification still is (the dashboard list is not mail).
 */
export async function enqueue(uow: UnitOfWork, config: MailConfig, secret: string, items: Outgoing[], at: Date): Promise<number> {
  const live = items.filter((i) => i.recipient.active);
  if (!live.length) return 0;
  const prefs = await preferencesOf(uow.manager, [...new Set(live.map((i) => i.recipient.id))]);
  const state = config.smtpUrl ? OutboxState.PENDING : OutboxState.HELD;
  let written = 0;
  const notified = new Set<number>();
  for (const item of live) {
    const key = `${item.kind}:${item.recipient.id}:${item.key}`;
    // Checked first (SQLite's single writer makes that exact); the ignore covers PostgreSQL's concurrent writers.
    if (await uow.manager.existsBy(Notification, { dedupeKey: key })) continue;
    const inserted = await uow.manager
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .values({ dedupeKey: key, userId: item.recipient.id, officeId: item.officeId, kind: item.kind, title: item.mail.subject, body: item.mail.summary, link: item.mail.path, returnId: item.returnId, createdAt: at, readAt: null })
      .orIgnore()
      .execute();
    if (!affected(inserted)) continue;
    notified.add(item.recipient.id);
    const preference = preferenceFor(item.kind);
    if (preference && prefs.get(item.recipient.id)?.[preference] === false) continue;
    const unsubscribe = preference ? unsubscribeUrl(config, secret, item.recipient.id, preference) : null;
    const body = `${item.mail.body}\n\n--\nCommissioning Hub${unsubscribe ? `\nTo stop these mails (${preference}), open: ${unsubscribe}` : "\nThis mail asks you to act on a return, so it cannot be turned off."}\nManage your mail: ${config.publicUrl}/notifications\n`;
    const result = await uow.manager
      .createQueryBuilder()
      .insert()
      .into(OutboxMail)
      .values({
        dedupeKey: key,
        officeId: item.officeId,
        userId: item.recipient.id,
        kind: item.kind,
        toAddress: item.recipient.email,
        subject: item.mail.subject,
        body,
        unsubscribeUrl: unsubscribe,
        state,
        attempts: 0,
        nextAttemptAt: at,
        leaseUntil: null,
        leaseOwner: null,
        lastError: null,
        lastCode: null,
        messageId: messageIdFor(config, key),
        createdAt: at,
        sentAt: null,
      })
      .orIgnore()
      .execute();
    if (affected(result)) written++;
  }
  if (notified.size) {
    const event: PublishedEvent<NotificationsChangedPayload> = { seq: 0, topic: Topic.NOTIFICATIONS_CHANGED, officeId: 0, at: at.toISOString(), payload: { userIds: [...notified] } };
    uow.published.push(event);
  }
  return written;
}

/** Whether an INSERT … ON CONFLICT DO NOTHING wrote its row: PostgreSQL returns no row when it did not. */
function affected(result: { raw: unknown }): boolean {
  return !Array.isArray(result.raw) || result.raw.length > 0;
}
