import { Worker } from "node:worker_threads";
import type { RequestHandler } from "express";

/*
 * Large JSON bodies are parsed on a worker thread. JSON.parse of a 10 MB body holds the event loop for tens of
 * milliseconds (hundreds on a loaded machine), and one client sending such bodies (a legitimate CSV upload, or a
 * flood of 10 MB variables that the limits refuse right after parsing) would stall every other request for that
 * long. Reading the bytes stays here (cheap); only the parse moves. Small bodies are left to express.json.
 */

/** Bodies from this size up are parsed off the event loop. */
const OFF_LOOP_BYTES = 512 * 1024;

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const decoder = new TextDecoder("utf-8", { fatal: true });
parentPort.on("message", ({ id, bytes }) => {
  try {
    parentPort.postMessage({ id, ok: true, body: JSON.parse(decoder.decode(bytes)) });
  } catch {
    parentPort.postMessage({ id, ok: false });
  }
});`;

let worker: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, { resolve: (body: unknown) => void; reject: (error: Error) => void }>();

function parser(): Worker {
  if (worker) return worker;
  const created = new Worker(WORKER_SOURCE, { eval: true });
  created.unref(); // never keeps the process alive
  created.on("message", ({ id, ok, body }: { id: number; ok: boolean; body?: unknown }) => {
    const entry = waiting.get(id);
    waiting.delete(id);
    if (!entry) return;
    if (ok) entry.resolve(body);
    else entry.reject(Object.assign(new Error("The request body is not valid JSON."), { type: "entity.parse.failed", status: 400 }));
  });
  const fail = (error: Error) => {
    worker = null;
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  created.on("error", fail);
  created.on("exit", () => fail(new Error("The JSON parser thread stopped.")));
  worker = created;
  return created;
}

function parseOffLoop(bytes: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    waiting.set(id, { resolve, reject });
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const copy = own ? bytes : Buffer.from(bytes);
    // Handed over, not copied: the worker owns the bytes from here.
    parser().postMessage({ id, bytes: copy }, [copy.buffer as ArrayBuffer]);
  });
}

/** Express middleware, before express.json: a JSON body of OFF_LOOP_BYTES or more is read here and parsed on the worker. */
export function largeJsonBodies(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared < OFF_LOOP_BYTES || declared > maxBytes || !req.is("application/json")) return next();
    const chunks: Buffer[] = [];
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        req.removeAllListeners("data");
        req.pause();
        next(Object.assign(new Error("The request body is too large."), { type: "entity.too.large", status: 413 }));
      } else chunks.push(chunk);
    });
    req.once("error", next);
    req.once("end", () => {
      if (received > maxBytes) return;
      parseOffLoop(Buffer.concat(chunks, received)).then(
        (body) => {
          req.body = body;
          next();
        },
        next,
      );
    });
  };
}
