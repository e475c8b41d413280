import type http from "node:http";
import type { Socket } from "node:net";
import { ErrorCode } from "./errors.js";

/**
 * A graceful stop for an http.Server that cuts no request. Apollo's drain plugin closes the port and ends idle
 * keep-alive connections at once; under load that resets requests the client had already sent (on a connection
 * waiting in the accept queue, or on a keep-alive connection just as it went idle), and the client cannot tell them
 * from requests cut half-way. Here, stopping has two phases:
 *  1. the requests already taken run to completion, and their answers close their connections; any new request is
 *     answered at once with HTTP 503, Retry-After and `Connection: close` (STORE_UNAVAILABLE, reason STOPPING:
 *     nothing was done, send it elsewhere or later);
 *  2. once none is left and no client has arrived, nor an answer gone out, for QUIET_MS, the port closes, connections idle for IDLE_GRACE_MS are ended, the rest end after their
 *     answer; past `hardLimitMs` whatever is left is destroyed.
 * Upgraded (WebSocket) sockets are left to their own server, which closes them with 1001.
 */
const IDLE_GRACE_MS = 250;
/**
 * The port closes only once no connection or request has arrived for this long: a connection the kernel has
 * accepted but we have not yet taken would be reset by the close (a client that was just refused moves on).
 */
const QUIET_MS = 150;

export interface HttpDrain {
  /** Wraps the request handler so that requests arriving while stopping are refused cleanly. */
  guard(handler: http.RequestListener): http.RequestListener;
  /** Counts connections and requests of the server; call once, right after creating it. */
  attach(server: http.Server): void;
  readonly stopping: boolean;
  drain(hardLimitMs?: number): Promise<void>;
}

interface Tracked {
  inFlight: number;
  responses: Set<http.ServerResponse>;
  idleSince: number;
  upgraded: boolean;
}

export function createHttpDrain(): HttpDrain {
  const sockets = new Map<Socket, Tracked>();
  let server: http.Server | null = null;
  let stopping = false;
  let closing = false;
  let taken = 0;
  let lastArrival = 0;
  let lastTaken: () => void = () => {};

  const endIfIdle = (socket: Socket, state: Tracked) => {
    if (!closing || state.upgraded || state.inFlight > 0) return;
    const idleFor = Date.now() - state.idleSince;
    if (idleFor < IDLE_GRACE_MS) {
      setTimeout(() => endIfIdle(socket, state), IDLE_GRACE_MS - idleFor).unref();
      return;
    }
    // Timers run before the event loop reads sockets: after a busy spell, a request may be waiting unread on this
    // one. setImmediate runs after that read, so a request that was there has been counted by then.
    const since = state.idleSince;
    setImmediate(() => {
      if (state.inFlight === 0 && state.idleSince === since) socket.end();
    });
  };

  return {
    get stopping() {
      return stopping;
    },
    guard(handler) {
      return (req, res) => {
        if (stopping) {
          res.shouldKeepAlive = false;
          res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
          const body = req.url === "/healthz" ? { status: "stopping" } : { errors: [{ message: "The server is stopping; nothing was done. Send the request again.", extensions: { code: ErrorCode.STORE_UNAVAILABLE, retryable: true, reason: "STOPPING" } }] };
          res.end(JSON.stringify(body));
          return;
        }
        taken++;
        res.once("close", () => {
          // A client whose answer has just closed its connection is likely to come straight back on a new one:
          // the port stays open until that has been quiet too, so its next request is refused cleanly, not reset.
          lastArrival = Date.now();
          if (--taken === 0 && stopping) lastTaken();
        });
        handler(req, res);
      };
    },
    attach(s) {
      server = s;
      s.on("connection", (socket: Socket) => {
        lastArrival = Date.now();
        sockets.set(socket, { inFlight: 0, responses: new Set(), idleSince: Date.now(), upgraded: false });
        socket.once("close", () => sockets.delete(socket));
      });
      s.on("upgrade", (req: http.IncomingMessage) => {
        const state = sockets.get(req.socket);
        if (state) state.upgraded = true;
      });
      // Every request, refused or taken, keeps its connection open until its answer is out.
      s.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
        if (stopping) res.shouldKeepAlive = false;
        lastArrival = Date.now();
        const state = sockets.get(req.socket);
        if (!state) return;
        state.inFlight++;
        state.responses.add(res);
        state.idleSince = Date.now();
        res.once("close", () => {
          state.inFlight--;
          state.responses.delete(res);
          state.idleSince = Date.now();
          endIfIdle(req.socket, state);
        });
      });
    },
    async drain(hardLimitMs = 8000) {
      if (!server) return;
      stopping = true;
      // Each answer from now on closes its connection, so that no client sends another request on it that could
      // cross our closing it: the next request comes on a new connection, and is refused cleanly.
      for (const state of sockets.values()) for (const res of state.responses) if (!res.headersSent) res.shouldKeepAlive = false;
      const hard = setTimeout(() => {
        lastTaken();
        for (const socket of sockets.keys()) socket.destroy();
      }, hardLimitMs);
      hard.unref();
      if (taken > 0) await new Promise<void>((resolve) => (lastTaken = resolve));
      const quietBy = Date.now() + hardLimitMs / 2;
      while (Date.now() - lastArrival < QUIET_MS && Date.now() < quietBy) await new Promise((resolve) => setTimeout(resolve, QUIET_MS / 3));
      closing = true;
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const [socket, state] of sockets) endIfIdle(socket, state);
      await closed;
      clearTimeout(hard);
    },
  };
}
