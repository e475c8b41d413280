/** Mail settings from the environment; every one optional. */
export interface MailConfig {
  /** smtp://user:pass@host:port or smtps://…; unset: mail is held in the outbox for administrators to read. */
  smtpUrl: string | undefined;
  from: string;
  /** Where links in mails point (the dashboard's address as its users reach it). */
  publicUrl: string;
  /** Run the reminder schedule (croner) in this process. */
  schedule: boolean;
  /** Cron pattern, in Europe/London time. */
  cron: string;
  pollMs: number;
  batchSize: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
}

function int(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? parsed : fallback;
}

export function loadMailConfig(env: NodeJS.ProcessEnv, port: number): MailConfig {
  // Tests start many servers on demo data; only those about mail run the schedule (MAIL_SCHEDULE=on).
  const scheduleDefault = env.NODE_ENV === "test" ? "off" : "on";
  return {
    smtpUrl: env.SMTP_URL || undefined,
    from: env.MAIL_FROM || "Commissioning Hub <no-reply@commissioning-hub.invalid>",
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ""),
    schedule: (env.MAIL_SCHEDULE ?? scheduleDefault) !== "off",
    cron: env.MAIL_SCHEDULE_CRON || "0 * * * *",
    pollMs: Math.max(50, int(env.MAIL_POLL_MS, 2000)),
    batchSize: Math.max(1, int(env.MAIL_BATCH_SIZE, 10)),
    leaseMs: Math.max(1000, int(env.MAIL_LEASE_MS, 5 * 60_000)),
    retryBaseMs: Math.max(10, int(env.MAIL_RETRY_BASE_MS, 30_000)),
    retryMaxMs: Math.max(10, int(env.MAIL_RETRY_MAX_MS, 6 * 60 * 60_000)),
    maxAttempts: Math.max(1, int(env.MAIL_MAX_ATTEMPTS, 8)),
  };
}
