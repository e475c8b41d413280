import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

/** What the penalty box needs of a budget store: counting offences, and boxes shared by every instance. */
export interface PenaltyStores {
  /** Offences per key in the counting window (points = the threshold). */
  offences: RateLimiterAbstract;
  /** Boxes served per key that day: how many times a key was boxed, so each box is longer than the last. */
  boxes: RateLimiterAbstract;
  /** The box itself: a key is in it while this limiter blocks it. */
  box: RateLimiterAbstract;
}

export interface PenaltyRules {
  /** Offences (sockets closed for abuse, or refused while boxed) within the offence store's window before a key is boxed. */
  threshold: number;
  /** The first box's length; each later box that day doubles it, up to `maxSeconds`. 0: no penalty box. */
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * A penalty box for clients whose sockets were closed for abuse (1009, 4029, 4031; not 4030, a legitimate user's many tabs): after `threshold`
 * offences a key (a client address, or an account) is boxed for a period that doubles with each box that day.
 * While boxed, the address's WebSocket upgrades are refused with a plain 429 before any handshake, and the
 * account's connection_init is refused before any database lookup. A boxed key costs one map lookup per attempt:
 * boxes are remembered locally until they end, and in Redis (when REDIS_URL is set) for the other instances.
 */
export class PenaltyBox {
  /** key → when its box ends (ms since the epoch), as far as this instance knows. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly stores: PenaltyStores,
    private readonly rules: PenaltyRules,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.rules.baseSeconds > 0 && this.rules.threshold > 0;
  }

  /** Milliseconds left in the key's box as this instance knows it (0: not boxed). Synchronous: runs on every upgrade. */
  boxedLocally(key: string): number {
    const end = this.until.get(key);
    if (end === undefined) return 0;
    const left = end - this.now();
    if (left > 0) return left;
    this.until.delete(key);
    return 0;
  }

  /** Milliseconds left in the key's box, asking the shared store when this instance knows of none. */
  async boxed(key: string): Promise<number> {
    if (!this.enabled) return 0;
    const local = this.boxedLocally(key);
    if (local) return local;
    let state: RateLimiterRes | null = null;
    try {
      state = await this.stores.box.get(key);
    } catch {
      return 0; // the store is down: boxes this instance made still hold, others' are forgotten
    }
    if (!state || state.consumedPoints <= 1 || state.msBeforeNext <= 0) return 0;
    this.until.set(key, this.now() + state.msBeforeNext);
    return state.msBeforeNext;
  }

  /** Counts one offence of each key; a key reaching the threshold is boxed. Resolves to the keys newly boxed. */
  async offend(...keys: string[]): Promise<string[]> {
    if (!this.enabled) return [];
    const boxed: string[] = [];
    for (const key of keys) {
      if (this.boxedLocally(key)) continue; // offences while boxed do not lengthen the box
      let count: number;
      try {
        count = (await this.stores.offences.consume(key, 1)).consumedPoints;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) continue;
        count = rejection.consumedPoints;
      }
      if (count < this.rules.threshold) continue;
      await this.stores.offences.delete(key).catch(() => {});
      let nth = 1;
      try {
        nth = (await this.stores.boxes.consume(key, 1)).consumedPoints;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) nth = rejection.consumedPoints;
      }
      const seconds = Math.min(this.rules.maxSeconds, this.rules.baseSeconds * 2 ** Math.min(20, nth - 1));
      this.until.set(key, this.now() + seconds * 1000);
      await this.stores.box.block(key, seconds).catch(() => {});
      boxed.push(key);
    }
    return boxed;
  }
}
