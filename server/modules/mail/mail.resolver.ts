import { Arg, Args, Authorized, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../../context.js";
import type { PublishedEvent } from "../../realtime/pubsub.js";
import { Role } from "../users/role.js";
import { MailPreference, Notification, OfficeMailSchedule, OutboxMail } from "./mail.entities.js";
import { MailPreferencesInput, MailScheduleInput, NotificationsArgs, OutboxArgs } from "./mail.inputs.js";
import * as mail from "./mail.service.js";
import type { NotificationsChangedPayload } from "./outbox.js";

@ObjectType({ description: "Your notifications changed (a new one, or some read): the unread count now, and the newest few." })
export class NotificationsUpdate {
  @Field(() => Int)
  unreadCount!: number;

  @Field(() => [Notification], { description: "Your newest notifications (at most 20)." })
  latest!: Notification[];
}

const WRITERS = [Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.PROVIDER];

@Resolver()
export class MailResolver {
  @Authorized()
  @Query(() => [Notification], { description: "Your own notifications, newest first." })
  notifications(@Ctx() ctx: Context, @Args(() => NotificationsArgs) { first, unreadOnly }: NotificationsArgs): Promise<Notification[]> {
    return mail.myNotifications(ctx, first, unreadOnly);
  }

  @Authorized()
  @Query(() => Int, { description: "How many of your notifications are unread." })
  unreadNotificationCount(@Ctx() ctx: Context): Promise<number> {
    return mail.unreadCount(ctx);
  }

  @Authorized(...WRITERS)
  @Mutation(() => Int, { description: "Marks these notifications of yours read (one that is not yours: NOT_FOUND); answers how many are still unread." })
  markNotificationsRead(@Ctx() ctx: Context, @Arg("notificationIds", () => [Int]) notificationIds: number[]): Promise<number> {
    return mail.markRead(ctx, notificationIds, false);
  }

  @Authorized(...WRITERS)
  @Mutation(() => Int, { description: "Marks all your notifications read; answers 0." })
  markAllNotificationsRead(@Ctx() ctx: Context): Promise<number> {
    return mail.markRead(ctx, null, true);
  }

  @Authorized()
  @Subscription(() => NotificationsUpdate, {
    description: "Your unread count and newest notifications, each time they change.",
    subscribe: ({ context }) => mail.notificationEvents(context as Context),
  })
  async notificationsChanged(@Root() _event: PublishedEvent<NotificationsChangedPayload>, @Ctx() ctx: Context): Promise<NotificationsUpdate> {
    return { unreadCount: await mail.unreadCount(ctx), latest: await mail.myNotifications(ctx, 20, false) };
  }

  @Authorized(Role.ADMIN)
  @Query(() => [OutboxMail], { description: "The mail outbox, newest first (administrators; one with a home office sees its office's only)." })
  outbox(@Ctx() ctx: Context, @Args(() => OutboxArgs) { officeId, state, first }: OutboxArgs): Promise<OutboxMail[]> {
    return mail.outbox(ctx, officeId, state, first);
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.ANALYST)
  @Query(() => OfficeMailSchedule, { description: "When the office reminds and chases its providers and sends its officers' digest (the defaults until it saves one)." })
  mailSchedule(@Ctx() ctx: Context, @Arg("officeId", () => Int, { nullable: true }) officeId?: number | null): Promise<OfficeMailSchedule> {
    return mail.mailSchedule(ctx, officeId);
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER)
  @Mutation(() => OfficeMailSchedule, { description: "Sets the office's reminder days, chaser interval and digest hour." })
  setMailSchedule(@Ctx() ctx: Context, @Arg("input", () => MailScheduleInput) input: MailScheduleInput): Promise<OfficeMailSchedule> {
    return mail.setMailSchedule(ctx, input);
  }

  @Authorized()
  @Query(() => MailPreference, { description: "Your mail preferences (everything on until you save them)." })
  myMailPreferences(@Ctx() ctx: Context): Promise<MailPreference> {
    return mail.myPreferences(ctx);
  }

  @Authorized(...WRITERS)
  @Mutation(() => MailPreference, { description: "Chooses which non-essential mail you get." })
  setMailPreferences(@Ctx() ctx: Context, @Arg("input", () => MailPreferencesInput) input: MailPreferencesInput): Promise<MailPreference> {
    return mail.setMyPreferences(ctx, input);
  }
}
