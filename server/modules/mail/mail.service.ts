import { In, IsNull } from "typeorm";
import { assertCanWriteOffice, officeToRead, requireUser } from "../../auth/access.js";
import { assertWritableOffice } from "../../common/office-records.js";
import type { Context } from "../../context.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";
import { Role } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { MailPreference, Notification, OfficeMailSchedule, OutboxMail, type OutboxState } from "./mail.entities.js";
import type { MailPreferencesInput, MailScheduleInput } from "./mail.inputs.js";
import { MAIL_SCHEDULE_DEFAULTS } from "./mail.rules.js";
import type { NotificationsChangedPayload } from "./outbox.js";

export async function myNotifications(ctx: Context, first: number, unreadOnly: boolean): Promise<Notification[]> {
  const user = requireUser(ctx);
  return ctx.services.db.manager.find(Notification, { where: { userId: user.id, ...(unreadOnly ? { readAt: IsNull() } : {}) }, order: { id: "DESC" }, take: first });
}

export async function unreadCount(ctx: Context, userId = requireUser(ctx).id): Promise<number> {
  return ctx.services.db.manager.countBy(Notification, { userId, readAt: IsNull() });
}

/** Analysts never write, not even their own read marks or preferences. */
function writer(ctx: Context): User {
  const user = requireUser(ctx);
  if (user.role === Role.ANALYST) throw forbidden("Analysts have read-only access.");
  return user;
}

function changed(userId: number): PublishedEvent<NotificationsChangedPayload> {
  return { seq: 0, topic: Topic.NOTIFICATIONS_CHANGED, officeId: 0, at: new Date().toISOString(), payload: { userIds: [userId] } };
}

/** Marks your own notifications read: the ones named (each must be yours, else NOT_FOUND), or all. Answers the unread count. */
export async function markRead(ctx: Context, ids: number[] | null | undefined, all: boolean): Promise<number> {
  const user = writer(ctx);
  if (!all && !ids?.length) throw badInput("Name the notifications to mark read, or ask for all.", [{ field: "notificationIds", rule: "required", message: "Choose at least one notification." }]);
  return ctx.services.writer.run(user, async (uow) => {
    const now = new Date();
    if (all) await uow.manager.update(Notification, { userId: user.id, readAt: IsNull() }, { readAt: now });
    else {
      const mine = await uow.manager.findBy(Notification, { id: In(ids!), userId: user.id });
      const missing = ids!.find((id) => !mine.some((n) => n.id === id));
      if (missing !== undefined) throw notFound("Notification", missing);
      await uow.manager.update(Notification, { id: In(ids!), readAt: IsNull() }, { readAt: now });
    }
    uow.published.push(changed(user.id));
    return uow.manager.countBy(Notification, { userId: user.id, readAt: IsNull() });
  });
}

/** The outbox, newest first: administrators; one with a home office sees that office's mail only. */
export async function outbox(ctx: Context, officeId: number | null | undefined, state: OutboxState | null | undefined, first: number): Promise<OutboxMail[]> {
  const user = requireUser(ctx);
  if (user.role !== Role.ADMIN) throw forbidden("The outbox is for administrators.");
  if (user.officeId != null && officeId != null && officeId !== user.officeId) throw forbidden("You cannot see that office's mail.");
  const office = user.officeId ?? officeId ?? null;
  return ctx.services.db.manager.find(OutboxMail, {
    where: { ...(office != null ? { officeId: office } : {}), ...(state ? { state } : {}) },
    order: { id: "DESC" },
    take: first,
  });
}

function defaultSchedule(officeId: number): OfficeMailSchedule {
  return Object.assign(new OfficeMailSchedule(), { officeId, reminderDaysText: MAIL_SCHEDULE_DEFAULTS.reminderDays.join(","), chaserIntervalDays: MAIL_SCHEDULE_DEFAULTS.chaserIntervalDays, digestHour: MAIL_SCHEDULE_DEFAULTS.digestHour, version: 0 });
}

export async function mailSchedule(ctx: Context, officeId: number | null | undefined): Promise<OfficeMailSchedule> {
  const office = officeToRead(ctx, officeId);
  return (await ctx.services.db.manager.findOneBy(OfficeMailSchedule, { officeId: office })) ?? defaultSchedule(office);
}

export async function setMailSchedule(ctx: Context, input: MailScheduleInput): Promise<OfficeMailSchedule> {
  const officeId = officeToRead(ctx, input.officeId);
  const user = assertCanWriteOffice(ctx, officeId);
  const days = [...new Set(input.reminderDays)].sort((a, b) => b - a);
  return ctx.services.writer.run(user, async (uow) => {
    await assertWritableOffice(ctx, uow.manager, officeId);
    const current = (await uow.manager.findOneBy(OfficeMailSchedule, { officeId })) ?? defaultSchedule(officeId);
    if (current.version !== input.version) throw conflict(`The office's mail schedule has changed since you loaded it (version ${current.version}, you had ${input.version}). Reload and try again.`);
    const patch = { reminderDaysText: days.join(","), chaserIntervalDays: input.chaserIntervalDays, digestHour: input.digestHour };
    if (current.version === 0) await uow.manager.insert(OfficeMailSchedule, { officeId, ...patch, version: 1 });
    else {
      const result = await uow.manager.createQueryBuilder().update(OfficeMailSchedule).set({ ...patch, version: () => "version + 1" } as never).where("officeId = :officeId AND version = :version", { officeId, version: input.version }).execute();
      if (result.affected !== 1) throw conflict("The office's mail schedule has changed since you loaded it. Reload and try again.");
    }
    const saved = await uow.manager.findOneByOrFail(OfficeMailSchedule, { officeId });
    await uow.audit("mail.schedule", { type: "OfficeMailSchedule", id: officeId, officeId }, current.version === 0 ? null : current, saved);
    return saved;
  });
}

function defaultPreferences(userId: number): MailPreference {
  return Object.assign(new MailPreference(), { userId, reminders: true, chasers: true, accepted: true, digest: true, version: 0 });
}

export async function myPreferences(ctx: Context): Promise<MailPreference> {
  const user = requireUser(ctx);
  return (await ctx.services.db.manager.findOneBy(MailPreference, { userId: user.id })) ?? defaultPreferences(user.id);
}

type PreferencePatch = Partial<Pick<MailPreference, "reminders" | "chasers" | "accepted" | "digest">>;

/** Saves a user's preferences; `version` null skips the check (the signed unsubscribe link turns one kind off whatever the version). */
export async function savePreferences(services: Context["services"], user: User, patch: PreferencePatch, version: number | null): Promise<MailPreference> {
  return services.writer.run(user, async (uow) => {
    const current = (await uow.manager.findOneBy(MailPreference, { userId: user.id })) ?? defaultPreferences(user.id);
    if (version != null && current.version !== version) throw conflict(`Your mail preferences have changed since you loaded them (version ${current.version}, you had ${version}). Reload and try again.`);
    if (current.version === 0) await uow.manager.insert(MailPreference, { ...defaultPreferences(user.id), ...patch, version: 1 });
    else {
      const result = await uow.manager.createQueryBuilder().update(MailPreference).set({ ...patch, version: () => "version + 1" } as never).where("userId = :userId AND version = :version", { userId: user.id, version: current.version }).execute();
      if (result.affected !== 1) throw conflict("Your mail preferences have changed since you loaded them. Reload and try again.");
    }
    const saved = await uow.manager.findOneByOrFail(MailPreference, { userId: user.id });
    await uow.audit("mail.preferences", { type: "MailPreference", id: user.id, officeId: user.officeId }, current.version === 0 ? null : current, saved);
    return saved;
  });
}

export function setMyPreferences(ctx: Context, input: MailPreferencesInput): Promise<MailPreference> {
  const user = writer(ctx);
  return savePreferences(ctx.services, user, { reminders: input.reminders, chasers: input.chasers, accepted: input.accepted, digest: input.digest }, input.version);
}

/** Your notification events, re-checking your account at each one (as the CSV progress stream does). */
export async function* notificationEvents(ctx: Context): AsyncGenerator<PublishedEvent<NotificationsChangedPayload>> {
  const user = requireUser(ctx);
  const iterator = ctx.services.pubSub.subscribe(Topic.NOTIFICATIONS_CHANGED)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const { value: event, done } = await iterator.next();
      if (done) return;
      if (!(event.payload as NotificationsChangedPayload).userIds.includes(user.id)) continue;
      const fresh = await ctx.services.db.manager.findOneBy(User, { id: user.id });
      if (!fresh || !fresh.active || fresh.tokenVersion !== user.tokenVersion) return;
      yield event as PublishedEvent<NotificationsChangedPayload>;
    }
  } finally {
    await iterator.return?.();
  }
}
