import { createHash } from "node:crypto";
import path from "node:path";
import { loadSecurityConfig, type SecurityConfig } from "./security/security-config.js";
import { persistentSecret } from "./security/token-secret.js";
import { liveConfig, type LiveConfig } from "./realtime/live-hub.js";
import { loadMailConfig, type MailConfig } from "./modules/mail/mail.config.js";
import { loadAttachmentConfig, type AttachmentConfig } from "./modules/attachments/attachment-config.js";

/** Everything the server reads from the environment, with defaults that make `npm start` work unconfigured. */
export interface Config {
  port: number;
  /** SQLite file used when no DATABASE_URL is given. */
  databasePath: string;
  /** How long a SQLite connection waits for another connection's or process's lock before STORE_UNAVAILABLE (BUSY). */
  busyTimeoutMs: number;
  /** postgres://… switches storage to PostgreSQL. */
  databaseUrl: string | undefined;
  /** redis://… switches pub/sub to Redis so several server instances share events. */
  redisUrl: string | undefined;
  /**
   * What this deployment's Redis channel and keys start with (REDIS_PREFIX). By default it is derived from the
   * database, so instances of one store share events and budgets, and two stores on one Redis (staging beside
   * production, or parallel test runs) never see each other's events, boxes or counters.
   */
  redisPrefix: string;
  tokenSecret: string;
  tokenTtlSeconds: number;
  production: boolean;
  /** Origins allowed to open a WebSocket; empty means same-origin only. */
  allowedOrigins: string[];
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  seedDemoData: boolean;
  /** Work points per minute per client on /graphql (a request is 1, more for size and cost); 0 turns the limit off. */
  rateLimitPerMinute: number;
  security: SecurityConfig;
  /** SQLite read connections (WAL lets them read side by side); PostgreSQL uses its pool. */
  readConnections: number;
  /** How long a token's user is kept between look-ups, in ms; changes on this instance apply at once. */
  userCacheMs: number;
  /** Bounds of the live path (LIVE_REPLAY_LIMIT, LIVE_QUEUE_LIMIT, LIVE_MAX_BUFFERED_BYTES, LIVE_OFFICE_BACKLOG). */
  live: LiveConfig;
  /** SMTP_URL, PUBLIC_URL, MAIL_* (server/modules/mail/mail.config.ts). */
  mail: MailConfig;
  /** Attachments' folder and size limits (ATTACHMENTS_DIR, ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_RETURN_MAX_BYTES). */
  attachments: AttachmentConfig;
}

function int(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? parsed : fallback;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === "production";
  const databasePath = path.resolve(env.DATABASE_PATH ?? "data/commissioning-hub.sqlite");
  // No secret ships with the code: without TOKEN_SECRET each data folder gets its own random one.
  const tokenSecret = env.TOKEN_SECRET || persistentSecret(path.resolve(env.DATA_DIR ?? path.dirname(databasePath)));
  if (tokenSecret.length < 32) throw new Error("TOKEN_SECRET must be at least 32 characters");
  return {
    port: int(env.PORT, 4000),
    databasePath,
    busyTimeoutMs: int(env.SQLITE_BUSY_TIMEOUT_MS, 5000),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX || `ch:${createHash("sha256").update(env.DATABASE_URL || databasePath).digest("hex").slice(0, 12)}`,
    tokenSecret,
    tokenTtlSeconds: int(env.TOKEN_TTL_SECONDS, 8 * 60 * 60),
    production,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
    // GraphQL Armor's defaults; the dashboard's deepest operation needs 5 (test/unit/dashboard-operations.test.ts).
    maxDepth: int(env.MAX_QUERY_DEPTH, 6),
    maxCost: int(env.MAX_QUERY_COST, 5000),
    maxAliases: int(env.MAX_QUERY_ALIASES, 15),
    seedDemoData: env.SEED_DEMO_DATA !== "false",
    rateLimitPerMinute: int(env.RATE_LIMIT_PER_MINUTE, 1200),
    security: loadSecurityConfig(env),
    readConnections: Math.max(1, int(env.READ_CONNECTIONS, 4)),
    userCacheMs: Math.max(0, int(env.USER_CACHE_MS, 5000)),
    live: liveConfig(env),
    mail: loadMailConfig(env, int(env.PORT, 4000)),
    attachments: loadAttachmentConfig(env, databasePath),
  };
}
