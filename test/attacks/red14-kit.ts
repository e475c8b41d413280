/* red14's kit: raw HTTP from a chosen loopback address with chosen (possibly repeated) headers, and a few counters. */
import http from "node:http";
import { expect } from "vitest";
import { gql } from "../support/server-process.js";

export const PASSWORD = "demo-password-2026";

export function request(url: string, options: { path?: string; method?: string; localAddress?: string; headers?: Record<string, string | string[]>; body?: string } = {}): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  const u = new URL(url);
  const method = options.method ?? "POST";
  const body = method === "POST" ? options.body ?? JSON.stringify({ query: "{ __typename }" }) : undefined;
  const headers: Record<string, string | string[] | number> = { ...(body !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: options.path ?? "/graphql", method, localAddress: options.localAddress ?? "127.0.0.1", headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Requests one at a time until the first 429: how many were answered before it (null: none refused in `most`). */
export async function answeredBefore429(url: string, headers: (i: number) => Record<string, string | string[]>, most: number, options: { path?: string; method?: string; localAddress?: string } = {}): Promise<number | null> {
  for (let i = 0; i < most; i++) {
    const r = await request(url, { ...options, headers: headers(i) });
    if (r.status === 429) return i;
    expect(r.status, r.text.slice(0, 200)).toBeLessThan(500);
  }
  return null;
}

export const xff = (value: string) => ({ "x-forwarded-for": value });

export async function loginAs(url: string, email: string, password = PASSWORD): Promise<string> {
  const r = await gql(url, null, "mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}", { e: email, p: password });
  if (!r.data?.login?.token) throw new Error(`login ${email}: ${JSON.stringify(r)}`);
  return r.data.login.token;
}
