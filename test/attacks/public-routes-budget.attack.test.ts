/*
 * Public routes outside /graphql have address budgets too (outside tester red14: /mail/unsubscribe had none). Each
 * unsubscribe check costs a signature and a database read; a client hammering it meets RATE_LIMIT_PER_MINUTE, and
 * another client does not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, type ServerProcess } from "../support/server-process.js";
import { boot } from "./support.js";

let server: ServerProcess;
beforeAll(async () => void (server = await boot({ RATE_LIMIT_PER_MINUTE: "5", TRUST_PROXY: "loopback" })), 120_000);
afterAll(async () => server && (await crash(server)));

const unsubscribe = (forwardedFor: string, method = "GET") =>
  fetch(`${server.url}/mail/unsubscribe?u=1&p=digest&s=forged`, { method, headers: { "x-forwarded-for": forwardedFor } }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe("/mail/unsubscribe", () => {
  it("answers a forged link 400 until the client's budget is spent, then 429 with a code; another client is still answered", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await unsubscribe("203.0.113.70", i % 2 ? "POST" : "GET")).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
    const refused = await unsubscribe("::ffff:203.0.113.70");
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error.code).toBe("TOO_MANY_REQUESTS");
    expect((await unsubscribe("203.0.113.71")).status).toBe(400);
  }, 60_000);
});
