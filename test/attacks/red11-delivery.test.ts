/*
 * red11 (outside tester, issue 11, part 4): delivery. What a browser downloads for the officers' /returns and the
 * analysts' /explorer (JS + CSS as transferred, compressed), whether responses are compressed, how assets are cached,
 * and whether a fresh install on this machine's Node would print EBADENGINE warnings.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { browserAvailable, startE2E, type E2E } from "../e2e/browser.js";

const require = createRequire(import.meta.url);
const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const BUDGET = 350 * 1024;

/** A raw GET (no automatic decompression), so the bytes counted are the bytes served. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

function maxAge(cacheControl: string | undefined): number {
  const m = /max-age=(\d+)/.exec(cacheControl ?? "");
  return m ? Number(m[1]) : -1;
}

describe.skipIf(!browserAvailable())("red11 delivery: what a route costs and how it is served", () => {
  let e2e: E2E;
  const assetsSeen = new Set<string>();

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  async function transferred(as: string, route: string, ready: string): Promise<{ total: number; files: Record<string, number> }> {
    // A fresh context (empty cache), listening before the first request.
    const context = await e2e.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const token = await e2e.server.tokenFor(as);
    await context.addInitScript((t) => window.localStorage.setItem("ch.token", t), token);
    try {
      const sizes: Promise<[string, number]>[] = [];
      const page = await context.newPage();
      page.on("requestfinished", (request) => {
        const type = request.resourceType();
        if (type !== "script" && type !== "stylesheet") return;
        const url = request.url();
        if (url.startsWith(e2e.server.url)) assetsSeen.add(new URL(url).pathname);
        sizes.push(request.sizes().then((s) => [new URL(url).pathname, s.responseBodySize] as [string, number]));
      });
      await page.goto(e2e.server.url + route);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      await page.waitForLoadState("networkidle").catch(() => undefined);
      await page.waitForTimeout(1500);
      const files: Record<string, number> = {};
      for (const [name, size] of await Promise.all(sizes)) files[name] = (files[name] ?? 0) + size;
      const total = Object.values(files).reduce((a, b) => a + b, 0);
      return { total, files };
    } finally {
      await context.close();
    }
  }

  test("officers' /returns transfers at most 350 kB of JavaScript and CSS", async () => {
    const { total, files } = await transferred(OFFICER, "/returns?quarter=4", "[data-testid^=returns-table]");
    console.log(`/returns: ${(total / 1024).toFixed(1)} kB`, JSON.stringify(files));
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(BUDGET);
  });

  test("analysts' /explorer transfers at most 350 kB of JavaScript and CSS", async () => {
    const { total, files } = await transferred(ANALYST, "/explorer?quarter=4", "[data-testid=explorer-scorecards]");
    console.log(`/explorer: ${(total / 1024).toFixed(1)} kB`, JSON.stringify(files));
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(BUDGET);
  });

  test("the biggest lazily-loaded asset an analyst can pull in (Excel export) is still served compressed", async () => {
    const dist = path.resolve("dashboard/dist/assets");
    const excel = fs.readdirSync(dist).find((f) => /^exceljs.*\.js$/.test(f));
    if (!excel) return; // nothing to check
    const res = await rawGet(`${e2e.server.url}/assets/${excel}`, { "accept-encoding": "gzip, br" });
    expect(res.status).toBe(200);
    expect(["br", "gzip"]).toContain(res.headers["content-encoding"]);
    expect(res.bytes).toBeLessThan(fs.statSync(path.join(dist, excel)).size / 2);
  });

  test("every JS/CSS asset, index.html and a GraphQL answer are compressed when the browser asks", async () => {
    const names = fs.readdirSync(path.resolve("dashboard/dist/assets")).filter((f) => /\.(js|css)$/.test(f));
    const uncompressed: string[] = [];
    for (const name of names) {
      const size = fs.statSync(path.resolve("dashboard/dist/assets", name)).size;
      if (size < 1400) continue; // too small to be worth compressing
      const res = await rawGet(`${e2e.server.url}/assets/${name}`, { "accept-encoding": "gzip, br" });
      if (res.status !== 200 || !["br", "gzip"].includes(String(res.headers["content-encoding"]))) uncompressed.push(`${name} ${res.status} ${res.headers["content-encoding"] ?? "identity"}`);
    }
    expect(uncompressed).toEqual([]);
    for (const route of ["/", "/returns", "/explorer?quarter=4"]) {
      const res = await rawGet(e2e.server.url + route, { "accept-encoding": "gzip, br", accept: "text/html" });
      expect(res.status, route).toBe(200);
      expect(["br", "gzip"], route).toContain(res.headers["content-encoding"]);
    }
    const token = await e2e.server.tokenFor(OFFICER);
    const gqlRes = await fetch(`${e2e.server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "accept-encoding": "gzip, br" },
      body: JSON.stringify({ query: "{ contracts(first: 50) { totalCount items { id reference title provider { name } } } }" }),
    });
    expect(gqlRes.status).toBe(200);
    expect(["br", "gzip"]).toContain(gqlRes.headers.get("content-encoding"));
  });

  test("hashed assets are cached immutable for a long time; index.html (and every client route) is revalidated", async () => {
    const names = fs.readdirSync(path.resolve("dashboard/dist/assets")).filter((f) => /-[A-Za-z0-9_-]{8}\.(js|css)$/.test(f));
    expect(names.length).toBeGreaterThan(5);
    const bad: string[] = [];
    for (const name of names.slice(0, 40)) {
      const res = await rawGet(`${e2e.server.url}/assets/${name}`, { "accept-encoding": "gzip" });
      const cc = String(res.headers["cache-control"] ?? "");
      if (!cc.includes("immutable") || maxAge(cc) < 30 * 24 * 3600) bad.push(`${name}: ${cc}`);
    }
    expect(bad).toEqual([]);
    for (const route of ["/", "/index.html", "/returns?quarter=4", "/explorer", "/contracts/1"]) {
      const res = await rawGet(e2e.server.url + route, { accept: "text/html" });
      const cc = String(res.headers["cache-control"] ?? "");
      expect(res.status, route).toBe(200);
      // Revalidated: no-cache (or max-age=0 with must-revalidate), never immutable or long-lived.
      expect(cc.includes("no-cache") || cc.includes("no-store") || (maxAge(cc) === 0 && cc.includes("must-revalidate")), `${route}: ${cc}`).toBe(true);
      expect(cc.includes("immutable"), `${route}: ${cc}`).toBe(false);
    }
    // A missing hashed asset must not be answered with index.html cached forever (a stale deploy's chunk).
    const missing = await rawGet(`${e2e.server.url}/assets/no-such-chunk-ABCDEFGH.js`);
    expect(missing.status).toBe(404);
    expect(String(missing.headers["cache-control"] ?? "")).not.toContain("immutable");
  });

  test("a fresh install on this machine's Node prints no EBADENGINE warning", () => {
    const semver = require("semver") as { satisfies(v: string, r: string, o?: unknown): boolean };
    const lock = JSON.parse(fs.readFileSync(path.resolve("package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; engines?: Record<string, string> | string[]; os?: string[]; cpu?: string[]; optional?: boolean }>;
    };
    const offending: string[] = [];
    for (const [where, pkg] of Object.entries(lock.packages)) {
      if (!where) continue;
      // Packages for another platform are skipped by npm and never warn.
      if (pkg.os && !pkg.os.includes(process.platform)) continue;
      if (pkg.cpu && !pkg.cpu.includes(process.arch)) continue;
      const node = pkg.engines && !Array.isArray(pkg.engines) ? pkg.engines.node : undefined;
      if (node && !semver.satisfies(process.version, node, { includePrerelease: true })) offending.push(`${where}@${pkg.version} wants node ${node}`);
    }
    expect(offending, `running ${process.version}`).toEqual([]);
    const run = spawnSync("npm", ["install", "--dry-run", "--no-audit", "--no-fund", "--ignore-scripts"], { encoding: "utf8", timeout: 120_000 });
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/EBADENGINE/);
  }, 180_000);
});
