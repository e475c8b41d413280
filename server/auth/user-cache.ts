import type { DataSource } from "typeorm";
import { User } from "../modules/users/user.entity.js";

/**
 * The signed-in user behind a token, kept for a few seconds so that every request does not look the account up
 * again behind long reads. A change to a user committed on this instance forgets it at once (the writer tells
 * us); on other instances sharing the store it is seen within `ttlMs`. `ttlMs` 0 turns the cache off.
 */
export class UserCache {
  private readonly entries = new Map<number, { user: User | null; until: number; pending?: Promise<User | null> }>();
  private generation = 0;

  constructor(private readonly ttlMs: number) {}

  /** The user, as a copy: requests may not change each other's. */
  async get(userId: number, source: () => DataSource): Promise<User | null> {
    const user = await this.lookup(userId, source);
    return user && Object.assign(Object.create(User.prototype) as User, user);
  }

  private async lookup(userId: number, source: () => DataSource): Promise<User | null> {
    const now = Date.now();
    const hit = this.entries.get(userId);
    if (hit && hit.until > now) return hit.pending ?? hit.user;
    const load = source().manager.findOneBy(User, { id: userId });
    if (this.ttlMs <= 0) return load;
    // A lookup that started before an invalidation must not be cached after it.
    const generation = this.generation;
    const entry: { user: User | null; until: number; pending?: Promise<User | null> } = { user: null, until: now + this.ttlMs, pending: load };
    this.entries.set(userId, entry);
    try {
      entry.user = await load;
      delete entry.pending;
      if (generation !== this.generation && this.entries.get(userId) === entry) this.entries.delete(userId);
      return entry.user;
    } catch (error) {
      if (this.entries.get(userId) === entry) this.entries.delete(userId);
      throw error;
    }
  }

  /** Forgets these users (after a committed change to them). */
  forget(userIds: Iterable<number>): void {
    let any = false;
    for (const id of userIds) {
      this.entries.delete(id);
      any = true;
    }
    if (any) this.generation += 1;
  }
}
