/*
 * Attack on the CONNECTION reason (issue 15): PostgreSQL really unreachable. The server reaches PostgreSQL through a
 * TCP relay on loopback that the test owns; the relay is cut (every socket destroyed, the port closed: ECONNREFUSED),
 * then put back on the same port.
 * Holds when: while it is cut, writes fail with STORE_UNAVAILABLE, reason CONNECTION, retryable, within 10 s each,
 * never INTERNAL_SERVER_ERROR; /healthz answers 503 with a reason; once it is back, writes work again by themselves.
 */
import net from "node:net";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { crash, freePort, startServer, type ServerProcess } from "../support/server-process.js";
import { codeOf, gql, health, login, OFFICER, PASSWORD, sleep } from "./kit.js";

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const database = `red15_unreach_${process.pid}_${Date.now()}`;

async function reachable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return null;
  } catch (error) {
    return String(error);
  }
}
const unreachable = await reachable();

function relay(port: number): Promise<{ cut(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(5432, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({
        cut: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

describe.skipIf(unreachable !== null)("PostgreSQL unreachable (a relay the test cuts)", () => {
  let admin: pg.Client;
  let server: ServerProcess | null = null;
  afterAll(async () => {
    if (server) await crash(server);
    await admin?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
    await admin?.end();
  });

  it("writes STORE_UNAVAILABLE (CONNECTION, retryable) while cut, /healthz 503 with a reason, back by itself", async () => {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    const port = await freePort();
    let link = await relay(port);
    server = await startServer({ env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/${database}` }, timeoutMs: 100_000 });
    const { token } = await login(server.url, OFFICER, PASSWORD);
    const write = (t: string) => gql(server!.url, token, 'mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: "Attack unreachable" }) { id } }', { t }, 30_000).catch((e) => ({ status: 0, errors: [{ message: String(e), extensions: { code: "NO ANSWER" } }] }) as any);
    expect(codeOf(await write("before"))).toBeNull();

    await link.cut();
    const results: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      const r = await write(`cut ${i}`);
      const e = r.errors?.[0]?.extensions;
      results.push(`${codeOf(r) ?? "OK"}${e?.reason ? "/" + e.reason : ""}${e?.retryable ? "/retryable" : ""} in ${Date.now() - t0} ms`);
    }
    const h = await health(server.url).catch((e) => ({ status: 0, body: { reason: String(e) } }));
    link = await relay(port);
    let back = false;
    for (let i = 0; i < 40 && !back; i++) {
      await sleep(500);
      back = codeOf(await write(`back ${i}`)) === null;
    }
    await link.cut().catch(() => {});
    console.log(`PostgreSQL unreachable through a cut relay:\n  writes: ${results.join("; ")}\n  /healthz ${h.status} ${JSON.stringify(h.body)}\n  writes back within 20 s of the relay returning: ${back}`);
    expect(results.filter((r) => !/^STORE_UNAVAILABLE\/CONNECTION\/retryable in \d+ ms$/.test(r) || Number(r.match(/in (\d+) ms/)![1]) > 10_000), "each write while PostgreSQL is unreachable").toEqual([]);
    expect(h.status).toBe(503);
    expect(h.body.reason ?? "", "/healthz reason").toMatch(/CONNECTION/);
    expect(back).toBe(true);
  }, 150_000);
});
