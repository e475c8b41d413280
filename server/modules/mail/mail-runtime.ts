import crypto from "node:crypto";
import { Cron } from "croner";
import nodemailer, { type Transporter } from "nodemailer";
import { In, type DataSource } from "typeorm";
import { together } from "../../db/bulk.js";
import { findOnePlain } from "../../db/loaders.js";
import type { UnitOfWork, Writer } from "../../db/writer.js";
import { Topic, type AppPubSub } from "../../realtime/pubsub.js";
import { Contract } from "../contracts/contract.entities.js";
import { ContractKpi, Measure } from "../kpis/kpi.entities.js";
import { Office } from "../offices/office.entity.js";
import { PeriodState, ReportingPeriod } from "../periods/reporting-period.entity.js";
import { Provider } from "../providers/provider.entity.js";
import { PerformanceReturn, ReturnState } from "../returns/return.entities.js";
import { owesReturn } from "../scorecards/scorecard-aggregates.js";
import { Role } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { systemClock, type Clock } from "./clock.js";
import type { MailConfig } from "./mail.config.js";
import { MailKind, OfficeMailSchedule, OutboxMail, OutboxState, parseDays } from "./mail.entities.js";
import { backoffMs, daysBetween, londonDay, MAIL_SCHEDULE_DEFAULTS, reminderFor, type ScheduleSettings } from "./mail.rules.js";
import { composeAccepted, composeDigest, composeReminder, composeSentBack, digestIsEmpty, type DigestFacts, type DigestLine, type ReturnFacts } from "./mail.templates.js";
import { enqueue, type Outgoing } from "./outbox.js";

export interface ReviewedReturn {
  ret: PerformanceReturn;
  contract: Contract;
  period: ReportingPeriod;
  kind: "ACCEPTED" | "RETURNED";
  /** The return's version after the change: one mail per change. */
  version: number;
  reason?: string | null;
  measureComments?: { measureId: number; comment: string }[];
}

export interface ScheduleRun {
  day: string;
  written: number;
}

/**
 * Mail for a running server: what changes put in the outbox (written by them, in their transaction), the reminder
 * schedule (croner, driven by the periods' due dates), and the delivery worker that sends the outbox over SMTP.
 */
export class MailRuntime {
  /** Replaceable: tests drive the schedule and the worker with a FakeClock. */
  clock: Clock = systemClock;
  /** This process's name on the rows it claims. */
  readonly owner = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  private transport: Transporter | null = null;
  private cron: Cron | null = null;
  private timer: NodeJS.Timeout | null = null;
  private delivering: Promise<number> | null = null;
  private again = false;
  private closed = false;
  private stopListening: (() => void) | null = null;
  private started = false;

  constructor(
    readonly config: MailConfig,
    private readonly secret: string,
    private readonly writer: Writer,
    private readonly db: DataSource,
    private readonly pubSub: AppPubSub,
  ) {
    if (config.smtpUrl) this.transport = nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 } as never);
  }

  /**
   * Starts the delivery worker (when SMTP_URL is set) and the schedule (croner) with a catch-up run now. Called once
   * the store is ready (after the demo seed, which writes outside the serialised writer). Until then, and in
   * in-process tests that drive it, `deliver()` and `runSchedule()` run only when called.
   */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    if (this.transport) {
      this.timer = setInterval(() => void this.deliver().catch((error) => console.error("Mail delivery failed:", error)), this.config.pollMs);
      this.timer.unref();
      // New mail anywhere (this instance or another, over the bus) wakes the worker at once.
      this.stopListening = this.pubSub.listen((event) => {
        if (event.topic === Topic.NOTIFICATIONS_CHANGED) void this.deliver().catch(() => undefined);
      });
      void this.deliver().catch(() => undefined);
    }
    if (this.config.schedule) {
      const run = async (): Promise<void> => {
        await this.runSchedule().catch((error) => console.error("The mail schedule run failed; the next run catches up:", error));
      };
      this.cron = new Cron(this.config.cron, { timezone: "Europe/London", protect: true, unref: true }, run);
      void run();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cron?.stop();
    if (this.timer) clearInterval(this.timer);
    this.stopListening?.();
    // A send still in flight after a moment is cut off: its row stays claimed and goes again once the lease ends
    // (the receiver had not accepted it), and a graceful stop stays within its limit.
    if (this.delivering) await Promise.race([this.delivering.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.transport?.close();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Mail caused by a change, in the change's transaction

  /** The provider's reporting users hear that their return was sent back (with the reasons) or accepted. */
  async onReturnReviewed(uow: UnitOfWork, reviewed: ReviewedReturn): Promise<void> {
    const { contract, period, ret } = reviewed;
    const ids = reviewed.kind === "RETURNED" ? (reviewed.measureComments ?? []).map((c) => c.measureId) : [];
    // Independent reads, sent together (each is a wait inside the write transaction).
    const [facts, measures, users] = await together(uow.manager, [
      () => this.facts(uow.manager, contract, period),
      () => (ids.length ? uow.manager.findBy(Measure, { id: In(ids) }) : Promise.resolve([])),
      () => reportingUsers(uow.manager, [contract.providerId]),
    ] as const);
    const link = (path: string) => `${this.config.publicUrl}${path}`;
    let mail;
    if (reviewed.kind === "RETURNED") {
      const names = new Map(measures.map((m) => [m.id, m.name]));
      mail = composeSentBack(facts, reviewed.reason ?? "", (reviewed.measureComments ?? []).map((c) => ({ measure: names.get(c.measureId) ?? `Measure ${c.measureId}`, comment: c.comment })), link);
    } else mail = composeAccepted(facts, link);
    const kind = reviewed.kind === "RETURNED" ? MailKind.SENT_BACK : MailKind.ACCEPTED;
    const items: Outgoing[] = (users.get(contract.providerId) ?? []).map((recipient) => ({ recipient, officeId: contract.officeId, kind, key: `return-${ret.id}:v${reviewed.version}`, returnId: ret.id, mail }));
    await enqueue(uow, this.config, this.secret, items, this.clock.now());
  }

  private async facts(manager: UnitOfWork["manager"], contract: Contract, period: ReportingPeriod, office?: Office): Promise<ReturnFacts> {
    const o = office ?? (await findOnePlain(manager, Office, { id: contract.officeId })) ?? (await manager.findOneByOrFail(Office, { id: contract.officeId }));
    return { office: o.name, contract: contract.title, reference: contract.reference, quarter: `${period.year} Q${period.quarter}`, dueDate: period.dueDate, contractId: contract.id, periodId: period.id };
  }

  // -------------------------------------------------------------------------------------------------------------
  // The schedule

  /**
   * One run for every office: reminders, due-date mails and chasers for returns that are due (isReturnDue, through
   * owesReturn) and not in, and the officers' digest once the office's digest hour has passed. Every mail has a
   * unique key per recipient, return, kind and day, so runs may repeat (each hour, after a restart, on several
   * instances at once) and a run after a gap sends what the gap missed, once.
   */
  async runSchedule(): Promise<ScheduleRun> {
    const now = this.clock.now();
    const { date: today, hour } = londonDay(now);
    let written = 0;
    const offices = await this.db.manager.find(Office, { order: { id: "ASC" } });
    for (const office of offices) {
      if (this.closed) break;
      written += await this.writer.run(null, (uow) => this.scheduleOffice(uow, office, today, hour, now));
    }
    return { day: today, written };
  }

  private async scheduleOffice(uow: UnitOfWork, office: Office, today: string, hour: number, now: Date): Promise<number> {
    const m = uow.manager;
    const settings = await scheduleOf(m, office.id);
    const periods = await m.find(ReportingPeriod, { where: { officeId: office.id, state: PeriodState.OPEN }, order: { year: "ASC", quarter: "ASC" } });
    if (!periods.length) return 0;
    const withKpis = new Set((await m.createQueryBuilder(ContractKpi, "k").innerJoin(Contract, "c", "c.id = k.contractId").select("DISTINCT k.contractId", "id").where("c.officeId = :o", { o: office.id }).getRawMany<{ id: number }>()).map((r) => Number(r.id)));
    const contracts = (await m.find(Contract, { where: { officeId: office.id }, order: { id: "ASC" } })).filter((c) => withKpis.has(c.id));
    const returns = await m.find(PerformanceReturn, { where: { periodId: In(periods.map((p) => p.id)) } });
    const byKey = new Map(returns.map((r) => [`${r.contractId}:${r.periodId}`, r]));
    const users = await reportingUsers(m, [...new Set(contracts.map((c) => c.providerId))]);
    const providers = new Map((await m.find(Provider)).map((p) => [p.id, p.name]));
    const link = (path: string) => `${this.config.publicUrl}${path}`;
    const items: Outgoing[] = [];
    const digest: DigestFacts = { office: office.name, day: today, due: [], late: [], awaitingReview: [], sentBack: [] };
    for (const period of periods) {
      for (const contract of contracts) {
        if (!owesReturn(contract, period)) continue;
        const ret = byKey.get(`${contract.id}:${period.id}`);
        const line: DigestLine = { contract: contract.title, provider: providers.get(contract.providerId) ?? "", quarter: `${period.year} Q${period.quarter}`, dueDate: period.dueDate };
        if (ret?.state === ReturnState.SUBMITTED) digest.awaitingReview.push(line);
        else if (ret?.state === ReturnState.RETURNED) digest.sentBack.push(line);
        if (ret && ret.state !== ReturnState.DRAFT) continue; // it is in
        (period.dueDate < today ? digest.late : digest.due).push(line);
        const reminder = reminderFor(period.dueDate, today, settings);
        if (!reminder) continue;
        // A run that catches up after downtime says how things stand today, not on the day the reminder was meant for.
        const days = reminder.kind === MailKind.LATE ? daysBetween(period.dueDate, today) : daysBetween(today, period.dueDate);
        const mail = composeReminder(reminder.kind, days, await this.facts(m, contract, period, office), link);
        for (const recipient of users.get(contract.providerId) ?? []) {
          items.push({ recipient, officeId: office.id, kind: reminder.kind, key: `contract-${contract.id}:period-${period.id}:${reminder.day}`, returnId: ret?.id ?? null, mail });
        }
      }
    }
    if (hour >= settings.digestHour && !digestIsEmpty(digest)) {
      const officers = await m.find(User, { where: { officeId: office.id, role: Role.OFFICER, active: true }, order: { id: "ASC" } });
      const mail = composeDigest(digest, link);
      for (const recipient of officers) items.push({ recipient, officeId: office.id, kind: MailKind.DIGEST, key: `office-${office.id}:${today}`, returnId: null, mail });
    }
    return enqueue(uow, this.config, this.secret, items, now);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Delivery

  /**
   * Sends what is due, batch by batch, until nothing is. One call at a time per process; across processes the
   * claim decides (see claim()). Resolves with the number of mails the SMTP server accepted.
   */
  deliver(): Promise<number> {
    if (!this.transport || this.closed) return Promise.resolve(0);
    if (this.delivering) {
      this.again = true;
      return this.delivering;
    }
    this.delivering = (async () => {
      let sent = 0;
      try {
        do {
          this.again = false;
          for (;;) {
            const batch = await this.claim();
            if (!batch.length) break;
            for (const row of batch) if (await this.sendOne(row)) sent++;
            if (this.closed) break;
          }
        } while (this.again && !this.closed);
      } finally {
        this.delivering = null;
      }
      return sent;
    })();
    return this.delivering;
  }

  /**
   * Takes up to a batch of rows that are due, for this process, until the lease ends: PENDING ones whose next
   * attempt is due, and SENDING ones whose lease ran out (their process died mid-send). Each claim counts as an
   * attempt. PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent instances take disjoint rows. SQLite: the single
   * serialised writer claims, so two claims never overlap.
   */
  async claim(): Promise<OutboxMail[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.config.leaseMs);
    const limit = this.config.batchSize;
    return this.writer.run(null, async (uow) => {
      if (uow.manager.connection.options.type === "postgres") {
        const result: unknown[] = await uow.manager.query(
          `UPDATE mail_outbox SET state = 'SENDING', "leaseOwner" = $1, "leaseUntil" = $2, attempts = attempts + 1
           WHERE id IN (SELECT id FROM mail_outbox
                        WHERE (state = 'PENDING' AND "nextAttemptAt" <= $3) OR (state = 'SENDING' AND "leaseUntil" < $3)
                        ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
           RETURNING id`,
          [this.owner, leaseUntil, now, limit],
        );
        // TypeORM answers an UPDATE on PostgreSQL with [rows, affected count].
        const rows = (Array.isArray(result[0]) ? result[0] : result) as { id: number }[];
        const ids = rows.map((r) => Number(r.id));
        return ids.length ? uow.manager.find(OutboxMail, { where: { id: In(ids) }, order: { id: "ASC" } }) : [];
      }
      const open = await uow.manager.find(OutboxMail, { where: { state: In([OutboxState.PENDING, OutboxState.SENDING]) }, order: { id: "ASC" } });
      const due = open.filter((r) => (r.state === OutboxState.PENDING ? r.nextAttemptAt <= now : r.leaseUntil != null && r.leaseUntil < now)).slice(0, limit);
      for (const row of due) {
        await uow.manager.update(OutboxMail, { id: row.id }, { state: OutboxState.SENDING, leaseOwner: this.owner, leaseUntil, attempts: row.attempts + 1 });
        Object.assign(row, { state: OutboxState.SENDING, leaseOwner: this.owner, leaseUntil, attempts: row.attempts + 1 });
      }
      return due;
    });
  }

  /**
   * One SMTP transaction for one claimed row, then the row marked SENT (or its failure and next attempt). Between
   * the server's 250 and that mark there is a window in which a crash makes the row be sent again once its lease
   * ends: SMTP has no way to take part in our transaction. The mark is a single small write right after the 250,
   * and the repeat carries the same Message-ID, so the receiving side can recognise it.
   */
  private async sendOne(row: OutboxMail): Promise<boolean> {
    // A lease that has (nearly) run out may already be another instance's: leave the row to it.
    if (!row.leaseUntil || row.leaseUntil.getTime() - this.clock.now().getTime() < 1000) return false;
    try {
      await this.transport!.sendMail({
        from: this.config.from,
        to: row.toAddress,
        subject: row.subject,
        text: row.body,
        messageId: row.messageId,
        headers: {
          "X-Outbox-Id": String(row.id),
          ...(row.unsubscribeUrl ? { "List-Unsubscribe": `<${row.unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : {}),
        },
      });
    } catch (error) {
      await this.failed(row, error);
      return false;
    }
    await this.writer.run(null, (uow) => uow.manager.update(OutboxMail, { id: row.id, leaseOwner: this.owner }, { state: OutboxState.SENT, sentAt: this.clock.now(), leaseUntil: null, lastError: null, lastCode: null }));
    return true;
  }

  private async failed(row: OutboxMail, error: unknown): Promise<void> {
    const e = error as { responseCode?: number; code?: string; message?: string };
    // nodemailer reports a refused connection as ESOCKET; the network's own code (ECONNREFUSED…) says more.
    const network = /\bE[A-Z]{4,}\b/.exec(String(e.message ?? ""))?.[0];
    const code = e.responseCode ? String(e.responseCode) : (network ?? e.code ?? "ERROR");
    // A permanent refusal (5xx) is not retried; anything else is, with exponential backoff, up to the limit.
    const permanent = e.responseCode != null && e.responseCode >= 500;
    const last = permanent || row.attempts >= this.config.maxAttempts;
    const next = new Date(this.clock.now().getTime() + backoffMs(row.attempts, this.config.retryBaseMs, this.config.retryMaxMs));
    await this.writer.run(null, (uow) =>
      uow.manager.update(OutboxMail, { id: row.id, leaseOwner: this.owner }, {
        state: last ? OutboxState.FAILED : OutboxState.PENDING,
        nextAttemptAt: next,
        leaseUntil: null,
        leaseOwner: null,
        lastError: String(e.message ?? error).slice(0, 500),
        lastCode: code.slice(0, 40),
      }),
    );
  }
}

/** An office's schedule, or the defaults. */
export async function scheduleOf(manager: UnitOfWork["manager"], officeId: number): Promise<ScheduleSettings> {
  const row = await manager.findOneBy(OfficeMailSchedule, { officeId });
  if (!row) return { ...MAIL_SCHEDULE_DEFAULTS, reminderDays: [...MAIL_SCHEDULE_DEFAULTS.reminderDays] };
  return { reminderDays: parseDays(row.reminderDaysText), chaserIntervalDays: row.chaserIntervalDays, digestHour: row.digestHour };
}

/** A provider's reporting users: its active provider accounts. */
async function reportingUsers(manager: UnitOfWork["manager"], providerIds: number[]): Promise<Map<number, User[]>> {
  const map = new Map<number, User[]>();
  if (!providerIds.length) return map;
  const users = await manager.find(User, { where: { providerId: In(providerIds), role: Role.PROVIDER, active: true }, order: { id: "ASC" } });
  for (const u of users) {
    const list = map.get(u.providerId!) ?? [];
    list.push(u);
    map.set(u.providerId!, list);
  }
  return map;
}
