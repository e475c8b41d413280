import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config } from "../config.js";
import { PenaltyBox } from "./penalty-box.js";

/**
 * The budgets of one server: work points per client on /graphql, connection attempts per user on WebSocket,
 * and the login throttle. In memory by default; in Redis when REDIS_URL is set, so several instances share them
 * (the in-memory limiter stands in while Redis is unreachable).
 */
export class Budgets {
  /** Work points per client per minute on /graphql. */
  readonly http: RateLimiterAbstract | null;
  /** WebSocket connection attempts per user per minute. */
  readonly wsConnects: RateLimiterAbstract;
  /** WebSocket upgrades per client address per minute (before any token is seen). */
  readonly wsUpgrades: RateLimiterAbstract;
  readonly logins: LoginThrottle;
  /** Accounts and client addresses whose sockets were closed for abuse (see PenaltyBox). */
  readonly penaltyAccounts: PenaltyBox;
  readonly penaltyAddresses: PenaltyBox;
  private readonly redis: Redis | null;
  private readonly prefix: string;

  constructor(config: Config) {
    const s = config.security;
    this.prefix = config.redisPrefix;
    this.redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : null;
    this.redis?.on("error", () => {}); // the insurance limiter answers meanwhile; pub/sub reports Redis trouble
    this.http = config.rateLimitPerMinute > 0 ? this.limiter("ch:http", config.rateLimitPerMinute, 60) : null;
    this.wsConnects = this.limiter("ch:ws-connect", Math.max(1, s.wsConnectsPerMinute), 60);
    this.wsUpgrades = this.limiter("ch:ws-upgrade", Math.max(1, s.wsUpgradesPerMinute), 60);
    const boxes = (kind: string) => ({ boxes: this.limiter(`ch:ws-penalty-boxes:${kind}`, 1_000_000, 24 * 60 * 60), box: this.limiter(`ch:ws-penalty:${kind}`, 1, 1) });
    const penalty = { baseSeconds: s.wsPenaltySeconds, maxSeconds: Math.max(1, s.wsPenaltyMaxSeconds) };
    this.penaltyAccounts = new PenaltyBox({ ...boxes("account"), offences: this.limiter("ch:ws-offences:account", 1_000_000, 60) }, { ...penalty, threshold: s.wsPenaltyOffences });
    this.penaltyAddresses = new PenaltyBox({ ...boxes("address"), offences: this.limiter("ch:ws-offences:address", 1_000_000, 60) }, { ...penalty, threshold: s.wsPenaltyAddressOffences });
    this.logins = new LoginThrottle(
      this.limiter("ch:login-fail", Math.max(1, s.loginMaxFailures), 60 * 60),
      this.limiter("ch:login-locks", 1_000_000, 24 * 60 * 60),
      s.loginLockSeconds,
      s.loginMaxLockSeconds,
    );
  }

  /** `name` is the budget's own; in Redis it goes under this store's prefix, so other stores' counters stay apart. */
  private limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    const keyPrefix = `${this.prefix}:${name.replace(/^ch:/, "")}`;
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!this.redis) return memory;
    return new RateLimiterRedis({ storeClient: this.redis, keyPrefix, points, duration, insuranceLimiter: memory });
  }

  /** Resolves once Redis answers (at once without Redis). Until then each instance counts in memory. */
  async whenConnected(): Promise<void> {
    if (this.redis && this.redis.status !== "ready") await new Promise((resolve) => this.redis!.once("ready", resolve));
  }

  close(): void {
    this.redis?.disconnect();
  }
}

const budgets = new WeakMap<object, Budgets>();

/** One set of budgets per running server (keyed by its Services object). */
export function budgetsFor(services: { config: Config }): Budgets {
  let found = budgets.get(services);
  if (!found) {
    found = new Budgets(services.config);
    budgets.set(services, found);
  }
  return found;
}

export function closeBudgets(services: object): void {
  budgets.get(services)?.close();
  budgets.delete(services);
}

/** Spends points; resolves to the time to wait in ms when the budget is spent, or 0. */
export async function spend(limiter: RateLimiterAbstract, key: string, points: number): Promise<number> {
  try {
    await limiter.consume(key, points);
    return 0;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
    throw rejection;
  }
}

/** What the throttle said of one login attempt before its password was checked. */
export interface LoginAttempt {
  /** False: locked or past the allowance, so the password is not looked at. */
  allowed: boolean;
  /** This attempt was the last allowed one and started a lock, which a proved password takes back. */
  startedLock: boolean;
}

/**
 * Per-account login throttling: after `maxFailures` wrong passwords within an hour the account is locked for
 * `lockSeconds`, doubling with each lock that day up to `maxLockSeconds`. A success clears the count. Unknown
 * accounts are counted like known ones, so a lock says nothing about whether an account exists.
 */
export class LoginThrottle {
  constructor(
    private readonly failures: RateLimiterAbstract,
    private readonly locks: RateLimiterAbstract,
    private readonly lockSeconds: number,
    private readonly maxLockSeconds: number,
  ) {}

  async isLocked(account: string): Promise<boolean> {
    const state = await this.failures.get(account);
    return state != null && state.remainingPoints <= 0;
  }

  /**
   * Before the password is checked: counts this attempt as a failure until it proves the password, so guesses sent
   * at once are counted at once (40 in parallel were all tried before the first failure was counted). False when
   * the account is locked, or this attempt is past the allowance: the password is then not looked at. The last
   * allowed attempt starts the lock; proving the password (succeeded) lifts it.
   */
  async attempt(account: string): Promise<LoginAttempt> {
    let remaining: number;
    try {
      remaining = (await this.failures.consume(account, 1)).remainingPoints;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { allowed: false, startedLock: false };
    }
    if (remaining > 0) return { allowed: true, startedLock: false };
    let lockNumber = 1;
    try {
      lockNumber = (await this.locks.consume(account, 1)).consumedPoints;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    }
    const seconds = Math.min(this.maxLockSeconds, this.lockSeconds * 2 ** Math.min(20, lockNumber - 1));
    await this.failures.block(account, Math.max(1, seconds));
    return { allowed: true, startedLock: true };
  }

  /** The password was proved: the count and any lock this attempt started go, and that lock does not count towards the day's back-off. */
  async succeeded(account: string, attempt: LoginAttempt): Promise<void> {
    await this.failures.delete(account);
    if (attempt.startedLock) await this.locks.reward(account, 1);
  }
}
