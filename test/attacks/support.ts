/* Shared helpers for the attack tests: a real server process, real HTTP, real WebSocket. */
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { startServer, gql, type ServerProcess, TEST_TOKEN_SECRET } from "../support/server-process.js";
export { rawSocket } from "../api/raw-ws.js";
export { gql, TEST_TOKEN_SECRET };

export const PASSWORD = "demo-password-2026";

export async function boot(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "attack-"));
  return startServer({ databasePath: path.join(dir, "hub.sqlite"), env, timeoutMs: 90_000 });
}

export async function signIn(url: string, email: string): Promise<string> {
  const r = await gql(url, null, "mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}", { e: email, p: PASSWORD });
  if (!r.data?.login?.token) throw new Error(`login ${email}: ${JSON.stringify(r)}`);
  return r.data.login.token;
}

/** Raw POST, returning status, headers and the body text. */
export async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, signal: AbortSignal.timeout(20_000) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function noInternals(text: string): void {
  if (/INTERNAL_SERVER_ERROR/.test(text)) throw new Error(`INTERNAL_SERVER_ERROR in response: ${text.slice(0, 500)}`);
  if (/\n\s+at |stacktrace|\.ts:\d+/.test(text)) throw new Error(`stack trace in response: ${text.slice(0, 500)}`);
}
