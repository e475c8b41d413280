import type { WebSocket } from "ws";

/*
 * The live hub's per-socket write: one subscriber's envelope and the payload every member of its group shares, as
 * one unmasked text frame in one buffer, written to the TCP socket in one call. Through `ws`, the same message
 * costs two `send` calls (two fragments, so as not to copy the payload) or a copy and one `send`, and either way
 * option objects, a header buffer and a corked write of several chunks per socket; a fragmented message also costs
 * every client a reassembly. Copying ~3 KB into one pooled buffer is cheaper than any of that.
 *
 * This writes beneath `ws`, so only when `ws` itself would put the frame on the wire at once, unchanged: no
 * permessage-deflate negotiated (the server does not offer it), nothing queued in its sender, no fragmented message
 * open. Otherwise (or if `ws` no longer looks as expected) the message goes through `ws.send`, copied once.
 */

interface WsInternals {
  _socket?: { write(chunk: Buffer): boolean; writable?: boolean };
  _extensions?: Record<string, unknown>;
  _sender?: { _state?: number; _queue?: unknown[]; _firstFragment?: boolean };
}

/** The sender's state when it writes straight to the socket (ws 8's DEFAULT). */
const SENDER_IDLE = 0;

/** Whether a frame written beneath `ws` now would reach the peer intact and in order. */
function writableBeneath(socket: WsInternals): boolean {
  const sender = socket._sender;
  return (
    socket._socket?.writable === true &&
    sender?._state === SENDER_IDLE &&
    sender._queue?.length === 0 &&
    sender._firstFragment === true &&
    socket._extensions != null &&
    Object.keys(socket._extensions).length === 0
  );
}

/** The header of a final, unmasked text frame carrying `length` bytes (RFC 6455 §5.2), written at the start of `into`. */
export function writeTextFrameHeader(into: Buffer, length: number): number {
  into[0] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) {
    into[1] = length;
    return 2;
  }
  if (length < 65536) {
    into[1] = 126;
    into.writeUInt16BE(length, 2);
    return 4;
  }
  into[1] = 127;
  into.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  into.writeUInt32BE(length >>> 0, 6);
  return 10;
}

function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** One text message made of `prefix` then `payload`, as one frame in one buffer. */
export function textFrame(prefix: Buffer, payload: Buffer): Buffer {
  const length = prefix.length + payload.length;
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  const at = writeTextFrameHeader(frame, length);
  prefix.copy(frame, at);
  payload.copy(frame, at + prefix.length);
  return frame;
}

/** Sends `prefix` + `payload` as one text message on an open socket. */
export function sendJoined(socket: WebSocket, prefix: Buffer, payload: Buffer): void {
  const internals = socket as unknown as WsInternals;
  if (writableBeneath(internals)) internals._socket!.write(textFrame(prefix, payload));
  else socket.send(Buffer.concat([prefix, payload]), { binary: false });
}
