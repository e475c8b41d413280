import WebSocket from "ws";

/** A bare graphql-transport-ws socket, for sending what a well-behaved client never would, as fast as it likes. */
export interface RawSocket {
  socket: WebSocket;
  /** Messages received so far (parsed). */
  messages: { id?: string; type: string; payload?: any }[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** Resolves with the first message that matches, or rejects after `timeoutMs`. */
  next(match: (m: { id?: string; type: string; payload?: any }) => boolean, timeoutMs?: number): Promise<{ id?: string; type: string; payload?: any }>;
}

export async function rawSocket(url: string, token: string | null, options: { init?: boolean; localAddress?: string } = {}): Promise<RawSocket> {
  // localAddress (any of 127.0.0.0/8 on Linux) makes a client from another address of the same machine.
  const socket = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", options.localAddress ? { localAddress: options.localAddress } : {});
  const messages: RawSocket["messages"] = [];
  const waiters: { match: (m: RawSocket["messages"][number]) => boolean; resolve: (m: RawSocket["messages"][number]) => void }[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    messages.push(message);
    for (const w of [...waiters]) if (w.match(message)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(message));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const raw: RawSocket = {
    socket,
    messages,
    closed,
    send: (message) => socket.readyState === WebSocket.OPEN && socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    next: (match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const found = messages.find(match);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error("no matching message")), timeoutMs);
        waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      }),
  };
  if (options.init !== false) {
    raw.send({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} });
    await Promise.race([raw.next((m) => m.type === "connection_ack"), closed.then((c) => Promise.reject(new Error(`closed ${c.code} ${c.reason}`)))]);
  }
  return raw;
}
