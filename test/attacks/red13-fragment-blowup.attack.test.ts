/*
 * red13: a small, valid document whose fragments each spread the next one twice (F1 = ...F2 ...F2, F2 = ...F3 ...F3,
 * ...), nested under a field. graphql-js collects each fragment once per selection set, so it answers at once
 * (about 20 ms at 24 levels on the engine before the compiled executor). The compiled executor expands every spread:
 * 2^n work, about 2.5 s of a blocked event loop at 24 levels (under 900 bytes, anonymous, no sign-in needed), 9 s at
 * 26, doubling with each level, while every other client waits. The guarantee: such a document is answered (or
 * refused with a code) promptly, and the server keeps serving others. The bound below (20 s for 30 levels, where
 * graphql-js takes milliseconds and 2^30 expansions take minutes) is a generous timeout, not a timing measurement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, type ServerProcess } from "../support/server-process.js";
import { boot, noInternals } from "./support.js";

let server: ServerProcess;
beforeAll(async () => void (server = await boot()), 120_000);
afterAll(async () => server && (await crash(server)));

function doubling(levels: number, on: string, leaf: string, root: string): string {
  let fragments = "";
  for (let i = 1; i < levels; i++) fragments += `fragment F${i} on ${on}{...F${i + 1} ...F${i + 1}} `;
  fragments += `fragment F${levels} on ${on}{${leaf}}`;
  return `query Doubling${root} ${fragments}`;
}

describe("fragments spread twice at every level", () => {
  it("anonymous, 30 levels under `me`: answered or refused with a code, and /healthz answers meanwhile", async () => {
    const query = doubling(30, "User", "id __typename", "{me{...F1}}");
    expect(query.length).toBeLessThan(1500);
    const big = fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }), signal: AbortSignal.timeout(20_000) }).then(
      async (r) => ({ status: r.status, text: await r.text() }),
      (e) => ({ status: -1, text: `no answer within 20 s: ${(e as Error).message}` }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(20_000) }).then(
      (r) => r.status,
      (e) => `no answer within 20 s: ${(e as Error).cause ?? (e as Error).message}`,
    );
    const answer = await big;
    expect(answer.status, answer.text.slice(0, 300)).not.toBe(-1);
    noInternals(answer.text);
    const body = JSON.parse(answer.text);
    if (answer.status === 200) expect(body).toEqual({ data: { me: null } });
    else expect(["QUERY_TOO_COMPLEX", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]).toContain(body.errors[0].extensions.code);
    expect(health, "another client was kept waiting").toBe(200);
  }, 60_000);

  it("signed in, 30 levels on a provider's own contracts: the same", async () => {
    const login = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: 'mutation{login(email:"provider-b@demo.example",password:"demo-password-2026"){token}}' }) }).then((r) => r.json());
    const token = login.data.login.token as string;
    const query = doubling(30, "Contract", "id", "{contracts(first:1){items{...F1}}}");
    const answer = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query }), signal: AbortSignal.timeout(20_000) }).then(
      async (r) => ({ status: r.status, text: await r.text() }),
      (e) => ({ status: -1, text: `no answer within 20 s: ${(e as Error).message}` }),
    );
    expect(answer.status, answer.text.slice(0, 300)).not.toBe(-1);
    noInternals(answer.text);
    const body = JSON.parse(answer.text);
    if (answer.status === 200) expect(body.data.contracts.items.length).toBeLessThanOrEqual(1);
    else expect(["QUERY_TOO_COMPLEX", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]).toContain(body.errors[0].extensions.code);
  }, 60_000);
});
