import path from "node:path";
import { liveConfig, type LiveConfig } from "./realtime/live-hub.js";

/** Everything the server reads from the environment, with defaults that make `npm start` work unconfigured. */
export interface Config {
  port: number;
  /** SQLite file used when no DATABASE_URL is given. */
  databasePath: string;
  /** postgres://… switches storage to PostgreSQL. */
  databaseUrl: string | undefined;
  /** redis://… switches pub/sub to Redis so several server instances share events. */
  redisUrl: string | undefined;
  tokenSecret: string;
  tokenTtlSeconds: number;
  production: boolean;
  /** Origins allowed to open a WebSocket; empty means same-origin only. */
  allowedOrigins: string[];
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  seedDemoData: boolean;
  /** Requests per minute per client address on /graphql; 0 turns the limit off (load tests on loopback). */
  rateLimitPerMinute: number;
  /** Bounds of the live path (LIVE_REPLAY_LIMIT, LIVE_QUEUE_LIMIT, LIVE_MAX_BUFFERED_BYTES, LIVE_OFFICE_BACKLOG). */
  live: LiveConfig;
}

const DEV_SECRET = "commissioning-hub-development-secret-change-me";

function int(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? parsed : fallback;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === "production";
  const tokenSecret = env.TOKEN_SECRET ?? DEV_SECRET;
  if (production && tokenSecret === DEV_SECRET) {
    throw new Error("TOKEN_SECRET must be set when NODE_ENV=production");
  }
  return {
    port: int(env.PORT, 4000),
    databasePath: path.resolve(env.DATABASE_PATH ?? "data/commissioning-hub.sqlite"),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    tokenSecret,
    tokenTtlSeconds: int(env.TOKEN_TTL_SECONDS, 8 * 60 * 60),
    production,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
    maxDepth: int(env.MAX_QUERY_DEPTH, 10),
    maxCost: int(env.MAX_QUERY_COST, 5000),
    maxAliases: int(env.MAX_QUERY_ALIASES, 30),
    seedDemoData: env.SEED_DEMO_DATA !== "false",
    rateLimitPerMinute: int(env.RATE_LIMIT_PER_MINUTE, 1200),
    live: liveConfig(env),
  };
}
