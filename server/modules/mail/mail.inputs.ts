import { ArrayMaxSize, ArrayMinSize, IsInt, Max, Min } from "class-validator";
import { ArgsType, Field, InputType, Int } from "type-graphql";
import { OutboxState } from "./mail.entities.js";

@InputType({ description: "An office's reminder schedule." })
export class MailScheduleInput {
  @Field(() => Int, { nullable: true, description: "Defaults to your own office." })
  officeId?: number | null;

  @Field(() => Int, { description: "The version you are editing (0 if never saved); a stale one fails with CONFLICT." })
  @Min(0)
  version!: number;

  @Field(() => [Int], { description: "Days before the due date on which providers are reminded, e.g. [14, 3]. Empty: no reminders before the due date." })
  @ArrayMinSize(0)
  @ArrayMaxSize(5)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(90, { each: true })
  reminderDays!: number[];

  @Field(() => Int, { description: "Days between chasers once a return is late (1–60)." })
  @IsInt()
  @Min(1)
  @Max(60)
  chaserIntervalDays!: number;

  @Field(() => Int, { description: "Hour (Europe/London, 0–23) from which the officers' digest goes out." })
  @IsInt()
  @Min(0)
  @Max(23)
  digestHour!: number;
}

@InputType({ description: "Which non-essential mail you get." })
export class MailPreferencesInput {
  @Field(() => Int, { description: "The version you are editing (0 if never saved)." })
  @Min(0)
  version!: number;

  @Field(() => Boolean)
  reminders!: boolean;

  @Field(() => Boolean)
  chasers!: boolean;

  @Field(() => Boolean)
  accepted!: boolean;

  @Field(() => Boolean)
  digest!: boolean;
}

/** The most notifications, and outbox mails, one request may ask for: more (or fewer than one) is BAD_USER_INPUT. */
export const MAX_NOTIFICATIONS = 200;
export const MAX_OUTBOX = 500;

@ArgsType()
export class NotificationsArgs {
  @Field(() => Int, { defaultValue: 50, description: `How many, newest first: 1 to ${MAX_NOTIFICATIONS}.` })
  @Min(1)
  @Max(MAX_NOTIFICATIONS)
  first: number = 50;

  @Field(() => Boolean, { defaultValue: false })
  unreadOnly: boolean = false;
}

@ArgsType()
export class OutboxArgs {
  @Field(() => Int, { nullable: true })
  officeId?: number | null;

  @Field(() => OutboxState, { nullable: true })
  state?: OutboxState | null;

  @Field(() => Int, { defaultValue: 100, description: `How many, newest first: 1 to ${MAX_OUTBOX}.` })
  @Min(1)
  @Max(MAX_OUTBOX)
  first: number = 100;
}
