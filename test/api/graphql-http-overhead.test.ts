import { isObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

// A full office's scorecard is ~135,000 leaf fields: anything Apollo runs per field costs more than the read itself.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const SCORECARDS = "{ scorecards { portfolioId rows { indicatorId cells { periodId actual rag } } } }";

async function post(token: string | null, query: string): Promise<Response> {
  return fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
}

describe("GraphQL over HTTP, per-field overhead", () => {
  it("leaves the scorecard cells' fields on graphql's default resolver after requests (no plugin hooks every field)", async () => {
    const response = await post(await server.tokenFor("officer@wiltshire.demo.example"), SCORECARDS);
    const body = (await response.json()) as { data?: { scorecards: { rows: { cells: unknown[] }[] }[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.scorecards.flatMap((s) => s.rows.flatMap((r) => r.cells)).length).toBeGreaterThan(0);
    const cell = server.schema.getType("ScorecardCell");
    expect(isObjectType(cell)).toBe(true);
    if (!isObjectType(cell)) return;
    for (const [name, field] of Object.entries(cell.getFields())) expect(field.resolve, `ScorecardCell.${name}`).toBeUndefined();
  });

  it("still tells caches not to store any answer, signed in or not, success or error", async () => {
    const signedIn = await post(await server.tokenFor("officer@wiltshire.demo.example"), SCORECARDS);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get("cache-control")).toBe("no-store");
    const anonymous = await post(null, SCORECARDS);
    expect(anonymous.headers.get("cache-control")).toBe("no-store");
    expect(((await anonymous.json()) as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
  });
});
