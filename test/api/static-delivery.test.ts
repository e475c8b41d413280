import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

const DIST = path.resolve("dashboard/dist");

/** A raw GET, so the answer's headers and bytes are seen as sent (fetch would decompress and hide the encoding). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      })
      .on("error", reject);
  });
}

describe.skipIf(!fs.existsSync(path.join(DIST, "index.html")))("the dashboard's files as served", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test("hashed assets are compressed and cached for a year; pages are revalidated every time", async () => {
    const script = fs.readdirSync(path.join(DIST, "assets")).find((name) => /^dashboard-[A-Za-z0-9_-]{8}\.js$/.test(name));
    expect(script).toBeDefined();
    const size = fs.statSync(path.join(DIST, "assets", script!)).size;

    const asset = await get(`${server.url}/assets/${script}`, { "accept-encoding": "br, gzip" });
    expect(asset.status).toBe(200);
    expect(asset.headers["content-encoding"]).toBe("br");
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(asset.bytes).toBeLessThan(size / 2);

    const gzip = await get(`${server.url}/assets/${script}`, { "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");

    for (const page of ["/", "/returns", "/provider/returns/3/7"]) {
      const html = await get(server.url + page, { "accept-encoding": "gzip" });
      expect(html.status, page).toBe(200);
      expect(html.headers["cache-control"], page).toBe("no-cache");
      expect(html.headers["content-type"], page).toMatch(/^text\/html/);
    }
  });

  test("GraphQL answers are compressed for clients that accept it, and never cached", async () => {
    const token = await server.tokenFor("officer@wiltshire.demo.example");
    const answer = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-encoding": "gzip", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ scorecards { portfolioId rows { indicatorId cells { periodId actual target rag } } } }" }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-encoding")).toBe("gzip");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const result = (await answer.json()) as { data?: { scorecards: unknown[] } };
    expect(result.data?.scorecards.length).toBeGreaterThan(0);
  });
});
