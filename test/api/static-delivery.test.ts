import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LARGE_JSON_ANSWER_BYTES } from "../../server/app.js";
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

/** A raw POST to /graphql, with the answer's bytes as sent. */
function postGraphql(url: string, token: string, query: string, encoding: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", "accept-encoding": encoding, authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    request.on("error", reject);
    request.end(JSON.stringify({ query }));
  });
}

describe("compression of GraphQL answers by size", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test("GraphQL answers are compressed at the fast settings, a large one streamed, a small one in one call; both decode to the same answer", async () => {
    const token = await server.tokenFor("officer@wiltshire.demo.example");
    const large = getIntrospectionQuery();
    const plain = await postGraphql(server.url, token, large, "identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.length).toBeGreaterThanOrEqual(LARGE_JSON_ANSWER_BYTES);
    expect(JSON.parse(plain.body.toString()).data.__schema).toBeDefined();

    const gzip = await postGraphql(server.url, token, large, "gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(gzip.body.length).toBe(zlib.gzipSync(plain.body, { level: 1 }).length);

    const br = await postGraphql(server.url, token, large, "br, gzip");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBe(zlib.brotliCompressSync(plain.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2 } }).length);

    const small = "{ scorecards { portfolioId rows { indicatorId cells { periodId actual } } } }";
    const smallPlain = await postGraphql(server.url, token, small, "identity");
    expect(smallPlain.body.length).toBeGreaterThan(1024);
    expect(smallPlain.body.length).toBeLessThan(LARGE_JSON_ANSWER_BYTES);
    const smallGzip = await postGraphql(server.url, token, small, "gzip");
    expect(smallGzip.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(smallGzip.body).equals(smallPlain.body)).toBe(true);
    expect(smallGzip.body.length).toBe(zlib.gzipSync(smallPlain.body, { level: 1 }).length);
    expect(Number(smallGzip.headers["content-length"])).toBe(smallGzip.body.length); // in one call: sent with its length
  });
});
