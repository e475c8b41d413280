/*
 * red12's kit: real server processes on a temporary SQLite file (or PostgreSQL), a real SMTP server in the test
 * process that keeps each message's raw bytes, its text and its HTML, and helpers for the attachments route.
 * Black box: only the API, the README and the store's files.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { gql, login, startServer, type ServerProcess } from "../support/server-process.js";

export const PW = "demo-password-2026";
export const OFFICER = "officer@wiltshire.demo.example";
export const DORSET_OFFICER = "officer@dorset.demo.example";
export const ANALYST = "analyst@wiltshire.demo.example";
export const ADMIN = "admin@demo.example";
export const COMMISSIONER = "commissioner@wiltshire.demo.example";
export const PROVIDER_A = "provider-a@demo.example";
export const PROVIDER_B = "provider-b@demo.example";

export interface Raw {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  raw: string;
  headerLines: string[];
}

export interface Sink {
  url: string;
  mails: Raw[];
  close(): Promise<void>;
}

/**
 * onData may delay, refuse (throw with responseCode) or drop the connection (return "drop").
 */
export async function sink(onData?: (mail: Raw, n: number) => Promise<void | "drop"> | void | "drop"): Promise<Sink> {
  const mails: Raw[] = [];
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        try {
          const parsed: any = await simpleParser(raw);
          const mail: Raw = {
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
            messageId: parsed.messageId ?? "",
            raw,
            headerLines: (parsed.headerLines ?? []).map((l: { line: string }) => l.line),
          };
          const verdict = await onData?.(mail, ++n);
          if (verdict === "drop") {
            sockets.get(session.remotePort)?.destroy();
            return;
          }
          // Count it only if the sender is still there to hear the 250 (a killed sender never learned it was accepted).
          const socket = sockets.get(session.remotePort);
          if (!socket || socket.destroyed || socket.readyState !== "open") return callback(new Error("sender went away"));
          mails.push(mail);
          callback();
        } catch (error) {
          callback(error as Error);
        }
      });
    },
  });
  // Each session's socket, by the client's port, so onData can cut the connection mid-DATA.
  const sockets = new Map<number, import("node:net").Socket>();
  server.server.on("connection", (socket: import("node:net").Socket) => {
    sockets.set(socket.remotePort!, socket);
    socket.on("close", () => sockets.delete(socket.remotePort!));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  server.on("error", () => undefined);
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `red12-${prefix}-`));
}

export async function start(dir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServer({ databasePath: path.join(dir, "hub.sqlite"), env: { ATTACHMENTS_DIR: path.join(dir, "attachments"), WS_CONNECTIONS_PER_USER: "0", WS_CONNECTS_PER_MINUTE: "0", ...env }, timeoutMs: 120_000 });
}

const tokens = new Map<string, string>();
export async function token(url: string, email: string): Promise<string> {
  const k = `${url} ${email}`;
  if (!tokens.has(k)) tokens.set(k, (await login(url, email, PW)).token);
  return tokens.get(k)!;
}

export async function q<T = any>(url: string, as: string, query: string, variables: Record<string, unknown> = {}) {
  return gql<T>(url, await token(url, as), query, variables, 60_000);
}
export async function must<T = any>(url: string, as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await q<T>(url, as, query, variables);
  if (r.status !== 200 || r.errors?.length || !r.data) throw new Error(`${query.slice(0, 90)}: ${r.status} ${JSON.stringify(r.errors)}`);
  return r.data;
}
export const code = (r: { status: number; errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code ?? (r.status !== 200 ? `HTTP ${r.status}` : "OK");

export interface Ret {
  id: number;
  version: number;
  state: string;
  contract: { id: number; title: string; provider: { id: number; name: string } };
  period: { id: number; quarter: string };
}
const RET = "id version state contract { id title provider { id name } } period { id quarter }";

/** Every return of the officer's office (all periods). */
export async function officeReturns(url: string, as = OFFICER): Promise<Ret[]> {
  const out: Ret[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await must(url, as, `query($o: Int!) { returns(first: 100, offset: $o) { items { ${RET} } } }`, { o: offset })).returns.items as Ret[];
    out.push(...page);
    if (page.length < 100) return out;
  }
}

export async function providerId(url: string, email: string): Promise<number> {
  return Number((await must(url, email, "{ me { provider { id } } }")).me.provider.id);
}

export interface UploadAnswer {
  status: number;
  headers: Headers;
  body: any;
}
export async function upload(url: string, as: string | null, target: string, bytes: Buffer, filename: string, headers: Record<string, string> = {}): Promise<UploadAnswer> {
  const response = await fetch(`${url}/attachments/${target}?filename=${encodeURIComponent(filename)}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", ...(as ? { authorization: `Bearer ${await token(url, as)}` } : {}), ...headers },
    body: new Uint8Array(bytes),
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body };
}

export async function download(url: string, as: string | null, idOrPath: number | string): Promise<Response> {
  const p = typeof idOrPath === "number" ? `/attachments/${idOrPath}` : idOrPath;
  return fetch(`${url}${p}`, { headers: as ? { authorization: `Bearer ${await token(url, as)}` } : {} });
}

/** A raw HTTP request over a socket: lets a test lie in Content-Length or trickle a body. */
export function rawRequest(url: string, head: string, body: Buffer | (() => AsyncGenerator<Buffer>), timeoutMs = 30_000): Promise<{ status: number; text: string; closed: boolean }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(u.port), u.hostname);
    let data = "";
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : 0, text: data, closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("data", (c) => {
      data += c;
      if (/\r\n\r\n/.test(data)) {
        const m = /content-length: (\d+)/i.exec(data);
        const bodyStart = data.indexOf("\r\n\r\n") + 4;
        if (m && data.length - bodyStart >= Number(m[1])) finish(false);
      }
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.on("connect", async () => {
      socket.write(head);
      if (Buffer.isBuffer(body)) socket.write(body);
      else
        for await (const chunk of body()) {
          if (done) break;
          socket.write(chunk);
        }
    });
  });
}

export function pdf(padTo = 600, marker = ""): Buffer {
  const head = `%PDF-1.4\n%${marker}\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n`;
  const tail = "trailer << /Root 1 0 R >>\n%%EOF\n";
  return Buffer.from(head + "%".repeat(Math.max(0, padTo - head.length - tail.length)) + "\n" + tail);
}

export function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

export { http };
