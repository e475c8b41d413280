import net from "node:net";
import pg from "pg";

/** The machine's own services, as the README and CI expect them. */
export const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
export const REDIS = { host: "127.0.0.1", port: 6379 };
export const REDIS_URL = `redis://${REDIS.host}:${REDIS.port}`;

/** Why PostgreSQL or Redis cannot be reached, or null when both answer. */
export async function postgresAndRedisUnreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    return `PostgreSQL: ${(error as Error).message}`;
  }
  return new Promise((resolve) => {
    const socket = net.connect(REDIS, () => {
      socket.end();
      resolve(null);
    });
    socket.setTimeout(3000, () => resolve("Redis: timeout"));
    socket.on("error", (error) => resolve(`Redis: ${error.message}`));
  });
}

/** Why PostgreSQL cannot be reached, or null when it answers. */
export async function postgresUnreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return `PostgreSQL: ${(error as Error).message}`;
  }
}

/**
 * Whether a PostgreSQL suite should skip: only outside CI, with a warning. Under CI=true it never skips, so a
 * missing service fails the run instead of hiding the suite.
 */
export function skipWithoutPostgres(unreachable: string | null, suite: string): boolean {
  if (unreachable === null) return false;
  if (process.env.CI) return false;
  console.warn(`Skipping ${suite}: ${unreachable}`);
  return true;
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/** A new, empty PostgreSQL database for one test file. */
export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * Points this process's entity modules at a database: DATABASE_URL must be set before they load, hence the
 * dynamic imports in the suites that use it. Returns the function that puts the previous value back.
 */
export function useDatabaseUrl(url: string): () => void {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  return () => {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  };
}
