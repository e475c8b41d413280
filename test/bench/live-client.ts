import WebSocket from "ws";

/*
 * A benchmark worker process: opens many WebSockets and records, for every socket, when each message arrived
 * (wall-clock ms, comparable across processes on one machine). Two modes: "gql" speaks graphql-transport-ws
 * (connection_init with a token, one subscribe); "raw" just connects, for the plain `ws` broadcast baseline.
 * Both parse every message as JSON, so the client-side work is the same.
 */

interface Start {
  type: "start";
  mode: "gql" | "raw";
  url: string;
  tokens: string[];
  query?: string;
  variables?: Record<string, unknown>;
}

const now = () => performance.timeOrigin + performance.now();
const sockets: WebSocket[] = [];
const arrivals: number[][] = []; // per socket, per message
let counts: number[] = [];
let reported = 0;
let sample = "";

function report(): void {
  // Rounds every socket has completed, in order.
  const done = Math.min(...counts);
  while (reported < done) {
    const r = reported;
    process.send!({ type: "round", round: r, times: arrivals.map((a) => a[r]), sample: r === 0 ? sample : undefined });
    reported++;
  }
}

function open(index: number, start: Start): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(start.url, start.mode === "gql" ? "graphql-transport-ws" : undefined);
    sockets[index] = socket;
    arrivals[index] = [];
    socket.on("error", reject);
    socket.on("open", () => {
      if (start.mode === "raw") return resolve();
      socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${start.tokens[index % start.tokens.length]}` } }));
    });
    socket.on("close", (code, reason) => {
      if (!stopping) process.send!({ type: "closed", index, code, reason: String(reason) });
    });
    socket.on("message", (data) => {
      const at = now();
      const text = String(data);
      const message = JSON.parse(text);
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "s1", type: "subscribe", payload: { query: start.query, variables: start.variables } }));
        return resolve();
      }
      if (message.type === "ping") return socket.send(JSON.stringify({ type: "pong" }));
      if (message.type !== "next") return;
      if (!sample) sample = text;
      arrivals[index].push(at);
      counts[index]++;
      if (counts[index] > reported) report();
    });
  });
}

let stopping = false;
process.on("message", async (message: Start | { type: "stop" }) => {
  if (message.type === "stop") {
    stopping = true;
    for (const socket of sockets) socket.terminate();
    process.send!({ type: "stopped" });
    setTimeout(() => process.exit(0), 50);
    return;
  }
  const n = message.tokens.length;
  counts = new Array(n).fill(0);
  // Connect in batches, so the server is not asked for thousands of handshakes in one instant.
  for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, j) => open(i + j, message)));
  process.send!({ type: "open" });
});
