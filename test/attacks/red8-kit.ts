/* red8's kit: real server processes, raw sockets from chosen loopback addresses, with chosen headers. */
import WebSocket from "ws";
import { SignJWT, decodeJwt } from "jose";
import { gql, login } from "../support/server-process.js";

export const PASSWORD = "demo-password-2026";
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Upgrade {
  status: number;
  retryAfter?: string;
  body?: string;
  ms: number;
}

/** One upgrade attempt: 101 (then closed), an HTTP refusal with its Retry-After, or 0 for a reset. */
export function upgrade(url: string, options: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<Upgrade> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", { localAddress: options.localAddress, headers: options.headers });
    socket.on("open", () => (socket.close(), resolve({ status: 101, ms: Date.now() - started })));
    socket.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined, body, ms: Date.now() - started }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started }));
    });
    socket.on("error", () => resolve({ status: 0, ms: Date.now() - started }));
  });
}

export interface Sock {
  socket: WebSocket;
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
  send(m: unknown): void;
  next(match: (m: any) => boolean, timeoutMs?: number): Promise<any>;
}

/** A raw graphql-transport-ws socket; rejects if the upgrade is refused. Does not send connection_init. */
export async function open(url: string, options: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<Sock> {
  const socket = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", { localAddress: options.localAddress, headers: options.headers });
  const messages: any[] = [];
  const waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  socket.on("message", (data) => {
    const m = JSON.parse(String(data));
    messages.push(m);
    for (const w of [...waiters]) if (w.match(m)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(m));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_q, res) => reject(new Error(`upgrade refused ${res.statusCode}`)));
    socket.once("error", reject);
  });
  socket.on("error", () => {});
  return {
    socket,
    messages,
    closed,
    send: (m) => socket.readyState === WebSocket.OPEN && socket.send(typeof m === "string" ? m : JSON.stringify(m)),
    next: (match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const found = messages.find(match);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`no matching message; got ${JSON.stringify(messages).slice(0, 300)}`)), timeoutMs);
        waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      }),
  };
}

/** Opens, sends connection_init with the token, and resolves "ack" or "closed <code> <reason>". */
export async function init(url: string, token: string | null, options: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<{ result: string; sock?: Sock }> {
  let sock: Sock;
  try {
    sock = await open(url, options);
  } catch (e) {
    return { result: String((e as Error).message) };
  }
  sock.send({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} });
  const result = await Promise.race([
    sock.next((m) => m.type === "connection_ack", 10_000).then(() => "ack"),
    sock.closed.then((c) => `closed ${c.code} ${c.reason}`),
  ]).catch((e) => `error ${(e as Error).message}`);
  return { result, sock };
}

/** One socket closed for abuse: a message over the payload limit (`bytes`), before or after connection_init. */
export async function oversized(url: string, bytes: number, options: { localAddress?: string; headers?: Record<string, string>; token?: string; initPad?: boolean } = {}): Promise<number | string> {
  let sock: Sock;
  try {
    sock = await open(url, options);
  } catch (e) {
    return String((e as Error).message);
  }
  if (options.initPad) {
    // The oversized message is the connection_init itself, carrying the token.
    sock.send({ type: "connection_init", payload: { authorization: `Bearer ${options.token}`, pad: "x".repeat(bytes) } });
  } else {
    if (options.token) {
      sock.send({ type: "connection_init", payload: { authorization: `Bearer ${options.token}` } });
      const r = await Promise.race([sock.next((m) => m.type === "connection_ack").then(() => "ack"), sock.closed.then((c) => `closed ${c.code}`)]);
      if (r !== "ack") return r;
    }
    sock.send({ id: "x", type: "subscribe", payload: { query: "subscription { notificationsChanged { unreadCount } }", variables: { pad: "x".repeat(bytes) } } });
  }
  const closed = await Promise.race([sock.closed, sleep(10_000).then(() => ({ code: -1, reason: "not closed" }))]);
  sock.socket.terminate();
  return closed.code;
}

/** A token for the same claims as `real`, but signed with another key, or expired (signed with `secret`). */
export async function forged(real: string, options: { secret: string; expiredSecondsAgo?: number; claims?: Record<string, unknown> }): Promise<string> {
  const claims = { ...decodeJwt(real), ...options.claims } as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  if (options.expiredSecondsAgo !== undefined) {
    claims.iat = now - options.expiredSecondsAgo - 3600;
    claims.exp = now - options.expiredSecondsAgo;
  }
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(options.secret));
}

export async function token(url: string, email: string): Promise<string> {
  return (await login(url, email, PASSWORD)).token;
}

/** A raw POST /graphql from a chosen address with chosen headers (via undici's localAddress), status + body. */
export async function postFrom(url: string, body: string | Buffer, options: { localAddress?: string; headers?: Record<string, string>; chunked?: boolean } = {}): Promise<{ status: number; text: string; ms: number }> {
  const http = await import("node:http");
  const started = Date.now();
  const target = new URL(url + "/graphql");
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { "content-type": "application/json", ...options.headers };
    if (!options.chunked) headers["content-length"] = Buffer.byteLength(body);
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers, localAddress: options.localAddress, agent: false }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, ms: Date.now() - started }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, text, ms: Date.now() - started }));
    });
    req.on("error", () => resolve({ status: 0, text: "", ms: Date.now() - started }));
    if (options.chunked) {
      // Transfer-Encoding: chunked, no Content-Length: written in 64 KB pieces.
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
      let i = 0;
      const pump = () => {
        while (i < buf.length) {
          const ok = req.write(buf.subarray(i, i + 65536));
          i += 65536;
          if (!ok) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    } else req.end(body);
  });
}

export { gql };
