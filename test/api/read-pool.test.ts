import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { User } from "../../server/modules/users/user.entity.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

/** A read that keeps one SQLite connection busy for a while (a recursive count, no tables). */
const slow = (rows: number) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) SELECT COUNT(*) AS c FROM n`;
const ADMIN = "admin@demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const ME = "query { me { email role } }";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { READ_CONNECTIONS: "3", USER_CACHE_MS: "60000" } });
});
afterAll(async () => server?.close());

describe("reads that don't queue", () => {
  it("opens several read connections on SQLite and sends a request to one that is not busy", async () => {
    const { readers } = server.services;
    expect(readers.size).toBe(3);
    await server.http(OFFICER, ME); // the harness has the token before the first connection gets busy
    const idle = readers.pick();
    let slowDone = false;
    const long = idle.query(slow(3_000_000)).then(() => (slowDone = true));
    await new Promise((resolve) => setTimeout(resolve, 30)); // the statement has reached the connection
    // While the first connection works through the long read, requests go elsewhere…
    expect(readers.pick()).not.toBe(idle);
    const result = await server.http(OFFICER, "query { portfolios { id name } }");
    expect(result.errors).toBeUndefined();
    // …and are answered before it ends.
    expect(slowDone).toBe(false);
    await long;
    expect(readers.pick()).toBe(idle);
  });

  it("answers a request's sign-in from the cache while every read connection is busy", async () => {
    await server.http(OFFICER, ME); // cached now
    const reads = server.services.readers.all.map((source) => source.query(slow(1_000_000)));
    let slowDone = false;
    const allSlow = Promise.all(reads).then(() => (slowDone = true));
    const { data } = await server.run<{ me: { email: string } }>(OFFICER, ME);
    expect(data?.me.email).toBe(OFFICER);
    expect(slowDone).toBe(false);
    await allSlow;
  });

  it("forgets a cached user as soon as a change to the account commits: a deactivated user is refused at once", async () => {
    const email = `cached-${Date.now()}@demo.example`;
    const created = await server.run<{ createUser: { id: number } }>(ADMIN, 'mutation($e: String!) { createUser(input: { email: $e, name: "Cached", password: "a-long-password-2026", role: OFFICER, officeId: 1 }) { id } }', { e: email });
    expect(created.errors).toBeUndefined();
    expect((await server.http(email, ME)).data).toEqual({ me: { email, role: "OFFICER" } }); // now cached for a minute
    const off = await server.run(ADMIN, "mutation($id: Int!) { updateUser(id: $id, version: 1, input: { active: false }) { active } }", { id: created.data!.createUser.id });
    expect(off.errors).toBeUndefined();
    const after = await server.http(email, "query { portfolios { id } }");
    expect(codes(after)).toEqual(["UNAUTHENTICATED"]);
  });

  it("keeps a user written behind the API's back only for the cache's lifetime", async () => {
    const short = await startTestServer({ env: { USER_CACHE_MS: "300" } });
    try {
      const manager = short.services.writer.dataSource.manager;
      expect((await short.http(OFFICER, ME)).data).toEqual({ me: { email: OFFICER, role: "OFFICER" } });
      await manager.update(User, { email: OFFICER }, { active: false });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(codes(await short.http(OFFICER, "query { portfolios { id } }"))).toEqual(["UNAUTHENTICATED"]);
    } finally {
      await short.close();
    }
  });
});
