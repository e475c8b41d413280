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
