import { In, type DataSource } from "typeorm";
import type { WebSocket } from "ws";
import { User } from "../modules/users/user.entity.js";

/** graphql-ws's Forbidden close code: the client does not retry it. */
export const SESSION_ENDED_CLOSE = 4403;
export const SESSION_ENDED_REASON = "Your session has ended.";

/** A change that ends the user's live sessions: what they may see could differ, so they sign in again. */
function sessionEnds(before: User, after: User | undefined): boolean {
  return !after || !after.active || after.tokenVersion !== before.tokenVersion || after.role !== before.role || after.officeId !== before.officeId || after.providerId !== before.providerId;
}

/**
 * Everyone with a live WebSocket on this instance, and the account each one signed in as. Events are checked
 * against this in memory, with no query per subscriber per event. It is invalidated by user changes (the
 * USER_CHANGED bus event, from any instance): a deactivated user, or one whose role, office or provider
 * changed, has every socket closed at once with 4403. A sweep re-reads everyone now and then, in one query, in
 * case a change notice was lost.
 */
export class SessionRegistry {
  private readonly users = new Map<number, { user: User; sockets: Set<WebSocket> }>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly db: DataSource,
    sweepMs = 60_000,
  ) {
    this.sweep = setInterval(() => void this.refresh([...this.users.keys()]).catch((error) => console.error("Session sweep failed.", error)), sweepMs);
    this.sweep.unref();
  }

  open(user: User, socket: WebSocket): void {
    let entry = this.users.get(user.id);
    if (!entry) this.users.set(user.id, (entry = { user, sockets: new Set() }));
    entry.sockets.add(socket);
    socket.once("close", () => {
      const current = this.users.get(user.id);
      if (!current) return;
      current.sockets.delete(socket);
      if (!current.sockets.size) this.users.delete(user.id);
    });
  }

  /** The account as last read, or undefined once its session ended. */
  current(userId: number): User | undefined {
    return this.users.get(userId)?.user;
  }

  /** This user's open sockets on this instance. */
  socketsOf(userId: number): WebSocket[] {
    return [...(this.users.get(userId)?.sockets ?? [])];
  }

  get size(): number {
    return this.users.size;
  }

  /** Re-reads these users (one query); ends the sessions of those no longer allowed, updates the rest. */
  async refresh(userIds: number[]): Promise<void> {
    const known = userIds.filter((id) => this.users.has(id));
    if (!known.length) return;
    const fresh = new Map((await this.db.manager.findBy(User, { id: In(known) })).map((u) => [u.id, u]));
    for (const id of known) {
      const entry = this.users.get(id);
      if (!entry) continue;
      const after = fresh.get(id);
      if (sessionEnds(entry.user, after)) {
        this.users.delete(id);
        for (const socket of entry.sockets) socket.close(SESSION_ENDED_CLOSE, SESSION_ENDED_REASON);
      } else entry.user = after!;
    }
  }

  close(): void {
    clearInterval(this.sweep);
  }
}
