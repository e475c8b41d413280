import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { sendJoined, textFrame } from "../../server/realtime/ws-frames.js";

/*
 * The live hub's own framing (server/realtime/ws-frames.ts), read by a real `ws` client over a real socket: every
 * header size RFC 6455 has, and the fallback through `ws.send` whenever writing beneath `ws` would not be safe.
 */

let server: http.Server;
let wss: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = http.createServer();
  wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => server.close(() => resolve())));
});

/** A connected pair: the server's side of the socket, and the messages its client receives (as text). */
async function pair(options?: WebSocket.ClientOptions): Promise<{ serverSide: WebSocket; received: string[]; next(count: number): Promise<string[]> }> {
  const serverSide = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
  const client = new WebSocket(url, options);
  const received: string[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  client.on("message", (data, isBinary) => {
    expect(isBinary).toBe(false);
    received.push(String(data));
    for (const w of [...waiting]) if (received.length >= w.count) w.resolve();
  });
  await new Promise((resolve) => client.once("open", resolve));
  return {
    serverSide: await serverSide,
    received,
    next: (count) => (received.length >= count ? Promise.resolve(received) : new Promise((resolve) => waiting.push({ count, resolve: () => resolve(received) }))),
  };
}

const text = (length: number, fill = "x") => Buffer.from(fill.repeat(length));

describe("the live hub's frames", () => {
  it("reach a ws client as one text message each, at every header size (7-bit, 16-bit and 64-bit lengths)", async () => {
    const { serverSide, next } = await pair();
    const prefix = Buffer.from('{"id":"01234567-89ab","type":"next","payload":');
    const sizes = [0, 1, 125 - prefix.length, 126 - prefix.length, 65535 - prefix.length, 65536 - prefix.length, 200_000];
    for (const size of sizes) sendJoined(serverSide, prefix, text(size, "y"));
    const received = await next(sizes.length);
    expect(received.map((m) => m.length)).toEqual(sizes.map((s) => prefix.length + s));
    expect(received.every((m, i) => m === String(prefix) + "y".repeat(sizes[i]))).toBe(true);
  });

  it("put the envelope and the shared payload in one frame, header first", () => {
    const frame = textFrame(Buffer.from("ab"), Buffer.from("cd"));
    expect([...frame]).toEqual([0x81, 4, ..."abcd".split("").map((c) => c.charCodeAt(0))]);
  });

  it("go through ws.send while ws has a fragmented message open (a frame of our own there would break the protocol)", async () => {
    const { serverSide, next } = await pair();
    serverSide.send("first half, ", { fin: false });
    sendJoined(serverSide, Buffer.from("joined "), Buffer.from("message"));
    serverSide.send("another");
    // Exactly what ws.send makes of it (it ends the open message), and the connection stays sound.
    expect(await next(2)).toEqual(["first half, joined message", "another"]);
    expect(serverSide.readyState).toBe(WebSocket.OPEN);
  });

  it("go through ws.send when the client negotiated compression", async () => {
    const compressing = new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0 } });
    const upgrade = (request: http.IncomingMessage, socket: import("node:stream").Duplex, head: Buffer) => compressing.handleUpgrade(request, socket, head, (ws) => compressing.emit("connection", ws));
    const plain = http.createServer();
    plain.on("upgrade", upgrade);
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    const serverSide = new Promise<WebSocket>((resolve) => compressing.once("connection", resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(plain.address() as { port: number }).port}`, { perMessageDeflate: true });
    const message = new Promise<string>((resolve) => client.once("message", (data) => resolve(String(data))));
    await new Promise((resolve) => client.once("open", resolve));
    const ws = await serverSide;
    expect(ws.extensions).toContain("permessage-deflate");
    sendJoined(ws, Buffer.from("compressed "), text(1000, "z"));
    expect(await message).toBe("compressed " + "z".repeat(1000));
    client.terminate();
    await new Promise<void>((resolve) => compressing.close(() => plain.close(() => resolve())));
  });
});
