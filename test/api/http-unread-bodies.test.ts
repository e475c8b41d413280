import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

/* A client over its HTTP budget that sends large bodies: answered 429 without the server reading what it sends. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: "10" } });
});
afterAll(async () => server?.close());

describe("a 429 for a large body", () => {
  it("is answered with its code and Retry-After, while the server reads almost none of the 10 MB sent", async () => {
    let bytesRead = 0;
    server.app.httpServer.on("connection", (socket) => socket.on("close", () => (bytesRead += socket.bytesRead)));
    const body = JSON.stringify({ query: "query($x: String) { __typename }", variables: { x: "x".repeat(10 * 1024 * 1024) } });
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
    }
    await new Promise((r) => setTimeout(r, 200));
    // 30 MB were sent; the server read no more than socket buffers' worth of each.
    expect(bytesRead).toBeLessThan(3 * 1024 * 1024);
    // Another client (a signed-in user, charged by account) still answers.
    expect((await server.http("officer@wiltshire.demo.example", "{ me { id } }")).status).toBe(200);
  });
});
