import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { Office } from "../offices/office.entity.js";
import { User } from "../users/user.entity.js";

/** Why a mail or notification was made. */
export enum MailKind {
  DUE_SOON = "DUE_SOON",
  DUE_TODAY = "DUE_TODAY",
  LATE = "LATE",
  SENT_BACK = "SENT_BACK",
  ACCEPTED = "ACCEPTED",
  DIGEST = "DIGEST",
}
registerEnumType(MailKind, {
  name: "MailKind",
  valuesConfig: {
    DUE_SOON: { description: "A return is due in a few days (the office's reminder days, 14 and 3 by default)." },
    DUE_TODAY: { description: "A return is due today and is not in yet." },
    LATE: { description: "A chaser: the return is late (every chaser interval until it is submitted)." },
    SENT_BACK: { description: "The office sent a return back, with its reasons. Essential: it cannot be turned off." },
    ACCEPTED: { description: "The office accepted a return." },
    DIGEST: { description: "An officer's daily digest: due, late, awaiting review, sent back." },
  },
});

export enum OutboxState {
  PENDING = "PENDING",
  SENDING = "SENDING",
  SENT = "SENT",
  FAILED = "FAILED",
  /** Kept for administrators to read: no SMTP_URL is configured, so nothing sends it. */
  HELD = "HELD",
}
registerEnumType(OutboxState, {
  name: "OutboxState",
  valuesConfig: {
    PENDING: { description: "Waiting to be sent (again, after a failure: see nextAttemptAt)." },
    SENDING: { description: "Claimed by a delivery worker until leaseUntil." },
    SENT: { description: "The SMTP server accepted it (250)." },
    FAILED: { description: "Given up after the last attempt; lastError and lastCode say why." },
    HELD: { description: "No SMTP server is configured: the mail is kept here to be read." },
  },
});

/**
 * One e-mail to send, written in the same transaction as the change that causes it. `dedupeKey` makes every
 * scheduled mail unique per recipient, return, kind and day, so a schedule run that repeats (a restart, a second
 * instance) writes nothing twice.
 */
@ObjectType({ description: "An e-mail in the outbox: to be sent, sent, failed, or held for reading when no SMTP server is configured." })
@Entity("mail_outbox")
@Index(["state", "nextAttemptAt"])
@Index(["officeId", "id"])
export class OutboxMail {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("varchar", { length: 200, unique: true })
  dedupeKey!: string;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  officeId!: number | null;

  @ManyToOne(() => Office, { onDelete: "CASCADE" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Column("integer", { nullable: true })
  userId!: number | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "userId" })
  user?: User;

  @Field(() => MailKind)
  @Column("varchar", { length: 20 })
  kind!: MailKind;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  toAddress!: string;

  @Field(() => String)
  @Column("varchar", { length: 300 })
  subject!: string;

  @Field(() => String)
  @Column("text")
  body!: string;

  @Column("varchar", { length: 500, nullable: true })
  unsubscribeUrl!: string | null;

  @Field(() => OutboxState)
  @Column("varchar", { length: 10 })
  state!: OutboxState;

  @Field(() => Int)
  @Column("integer", { default: 0 })
  attempts!: number;

  @Field(() => Date)
  @Column(TIMESTAMP)
  nextAttemptAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  leaseUntil!: Date | null;

  @Column("varchar", { length: 60, nullable: true })
  leaseOwner!: string | null;

  @Field(() => String, { nullable: true, description: "The last failure, in the SMTP server's or the network's words." })
  @Column("varchar", { length: 500, nullable: true })
  lastError!: string | null;

  @Field(() => String, { nullable: true, description: 'A code for the last failure: the SMTP reply code ("421", "550") or the network error ("ECONNREFUSED").' })
  @Column("varchar", { length: 40, nullable: true })
  lastCode!: string | null;

  @Field(() => String, { description: "The Message-ID header: the same on every attempt, so a receiver can tell a repeat." })
  @Column("varchar", { length: 200 })
  messageId!: string;

  @Field(() => Date)
  @Column(TIMESTAMP)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  sentAt!: Date | null;
}

/** What a user sees in the dashboard's notifications list; made with the mail (whether or not the mail is sent). */
@ObjectType({ description: "A notification for you: a return due, late, sent back or accepted, or your digest." })
@Entity("notification")
@Index(["userId", "id"])
export class Notification {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("varchar", { length: 200, unique: true })
  dedupeKey!: string;

  @Column("integer")
  userId!: number;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "userId" })
  user?: User;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  officeId!: number | null;

  @ManyToOne(() => Office, { onDelete: "CASCADE" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Field(() => MailKind)
  @Column("varchar", { length: 20 })
  kind!: MailKind;

  @Field(() => String)
  @Column("varchar", { length: 300 })
  title!: string;

  @Field(() => String)
  @Column("text")
  body!: string;

  @Field(() => String, { description: "Where in the dashboard to go (a path, e.g. /provider/returns/3/7)." })
  @Column("varchar", { length: 300 })
  link!: string;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  returnId!: number | null;

  @Field(() => Date)
  @Column(TIMESTAMP)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  readAt!: Date | null;
}

/** An office's reminder schedule. An office without a row uses the defaults (MAIL_SCHEDULE_DEFAULTS). */
@ObjectType({ description: "When an office's providers are reminded and chased, and when its officers get their digest." })
@Entity("office_mail_schedule")
export class OfficeMailSchedule {
  @Field(() => Int)
  @PrimaryColumn("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "CASCADE" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  /** Comma-separated days before the due date, e.g. "14,3". */
  @Column("varchar", { length: 60 })
  reminderDaysText!: string;

  @Field(() => [Int], { description: "Days before the due date on which a reminder goes out." })
  get reminderDays(): number[] {
    return parseDays(this.reminderDaysText);
  }

  @Field(() => Int, { description: "Days between chasers once a return is late (the first goes the day after the due date)." })
  @Column("integer")
  chaserIntervalDays!: number;

  @Field(() => Int, { description: "Hour of the day (Europe/London, 0–23) from which the officers' daily digest goes out." })
  @Column("integer")
  digestHour!: number;

  @Field(() => Int, { description: "0 until the office first saves its schedule." })
  @VersionColumn({ type: "integer" })
  version!: number;
}

export function parseDays(text: string): number[] {
  return text
    .split(",")
    .map((d) => Number.parseInt(d, 10))
    .filter((d) => Number.isFinite(d) && d > 0)
    .sort((a, b) => b - a);
}

/** A user's mail choices. A user without a row gets everything. */
@ObjectType({ description: "Which non-essential mail you get. A sent-back return always mails its provider: it needs action." })
@Entity("mail_preference")
export class MailPreference {
  @PrimaryColumn("integer")
  userId!: number;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "userId" })
  user?: User;

  @Field(() => Boolean, { description: "Reminders before the due date, and on it." })
  @Column("boolean", { default: true })
  reminders!: boolean;

  @Field(() => Boolean, { description: "Chasers once a return is late." })
  @Column("boolean", { default: true })
  chasers!: boolean;

  @Field(() => Boolean, { description: "A mail when a return is accepted." })
  @Column("boolean", { default: true })
  accepted!: boolean;

  @Field(() => Boolean, { description: "Officers' daily digest." })
  @Column("boolean", { default: true })
  digest!: boolean;

  @Field(() => Int, { description: "0 until you first save your preferences." })
  @VersionColumn({ type: "integer" })
  version!: number;
}
