import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

/* JSON bodies of 512 KB and more are parsed on a worker thread (server/security/json-body.ts): the same answers as express.json. */

const OFFICER = "officer@wiltshire.demo.example";
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

async function post(body: string) {
  const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${await server.tokenFor(OFFICER)}` }, body });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe("large JSON bodies", () => {
  it("are parsed: a valid large body runs, with the same limits as a small one", async () => {
    // A 1 MB upload reaches its resolver (which looks the quarter up and does not find it).
    const csv = "contract,measure,value\n" + "X-1,M,1\n".repeat(128 * 1024);
    const upload = await post(JSON.stringify({ query: "mutation($p: Int!, $csv: String!) { uploadReturnsCsv(periodId: $p, csv: $csv, idempotencyKey: \"json-body-1\") { returnsSubmitted } }", variables: { p: 999999, csv } }));
    expect(upload.body.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const tooLarge = await post(JSON.stringify({ query: "query($x: String) { me { id } }", variables: { x: "x".repeat(1024 * 1024) } }));
    expect(tooLarge.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(tooLarge.body.errors?.[0].message).toMatch(/variables are larger than/);
  });

  it("that are not JSON are BAD_REQUEST, as small ones are, and the server goes on answering", async () => {
    const broken = await post(`{"query": "{ me { id } }", "pad": "${"x".repeat(700 * 1024)}`);
    expect(broken.status).toBe(400);
    expect(broken.body.errors?.[0].extensions?.code).toBe("BAD_REQUEST");
    const invalidUtf8 = Buffer.concat([Buffer.from('{"query":"{ me { id } }","pad":"'), Buffer.alloc(600 * 1024, 0xff), Buffer.from('"}')]);
    const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: invalidUtf8 });
    expect(response.status).toBe(400);
    expect((await server.http(OFFICER, "{ me { id } }")).status).toBe(200);
  });
});
