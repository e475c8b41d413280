import { bearerToken, verifyToken } from "./auth/tokens.js";
import { Loaders } from "./db/loaders.js";
import { User } from "./modules/users/user.entity.js";
import type { Services } from "./services.js";

export interface Context {
  services: Services;
  /** The signed-in user, or null. Loaded fresh for each request, so deactivation and role changes apply at once. */
  user: User | null;
  loaders: Loaders;
}

/** The single context factory for HTTP requests, WebSocket subscriptions, and in-process tests. */
export async function createContext(services: Services, authorization: unknown): Promise<Context> {
  // Each request reads through the least busy read connection (one on PostgreSQL, whose pool does the same).
  const db = services.readers && services.db !== services.liveDb ? services.readers.pick() : services.db;
  const scoped = db === services.db ? services : { ...services, db };
  return { services: scoped, user: await authenticate(scoped, authorization), loaders: new Loaders(db.manager) };
}

export async function authenticate(services: Services, authorization: unknown): Promise<User | null> {
  const token = bearerToken(authorization);
  if (!token) return null;
  const claims = await verifyToken(token, services.config);
  if (!claims) return null;
  const user = services.users ? await services.users.get(claims.userId, () => services.readers?.pick() ?? services.db) : await services.db.manager.findOneBy(User, { id: claims.userId });
  if (!user || !user.active || user.tokenVersion !== claims.tokenVersion) return null;
  return user;
}
