// One hostile client, in its own process: it floods one shape for `seconds` and prints what it got back as JSON.
// Plain JavaScript, run by node itself. Arguments: one JSON object (url, token, shape, seconds, concurrency, wiltshire,
// localAddress: the loopback address this client's WebSockets come from, so each shape is its own client address).
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

const { url, token, shape, seconds, concurrency, wiltshire, localAddress } = JSON.parse(process.argv[2]);
const until = Date.now() + seconds * 1000;
const tally = {};
const count = (key) => void (tally[key] = (tally[key] ?? 0) + 1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Only this worker's shape is built, once, and sent as the same bytes every time: the flood's own cost is small.
function build() {
  const tenMegabytes = () => "x".repeat(10 * 1024 * 1024);
  const subscription = `subscription($o: Int!) { returnChanged(officeId: $o) { seq } }`;
  switch (shape) {
    case "control":
      return null;
    case "http-aliases":
      return JSON.stringify({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: me { id }`).join(" ")} }` });
    case "http-directives":
      return JSON.stringify({ query: `{ me { ${Array.from({ length: 500 }, () => "id @skip(if: false) @include(if: true)").join(" ")} } }` });
    case "http-variables":
      return JSON.stringify({ query: "query($x: String) { me { id } }", variables: { x: tenMegabytes() } });
    case "ws-aliases":
      return { query: `subscription { returnChanged(officeId: ${wiltshire}) { ${Array.from({ length: 10_000 }, (_, i) => `a${i}: seq`).join(" ")} } }` };
    case "ws-directives":
      return { query: `subscription { returnChanged(officeId: ${wiltshire}) { ${Array.from({ length: 500 }, () => "seq @skip(if: false) @include(if: true)").join(" ")} } }` };
    case "ws-variables":
      return { query: subscription, variables: { o: wiltshire, pad: tenMegabytes() } };
    case "ws-subscribe":
      return { query: subscription, variables: { o: wiltshire } };
  }
  throw new Error(`unknown shape ${shape}`);
}
const built = build();
const httpBody = typeof built === "string" ? Buffer.from(built) : null;
const started = performance.eventLoopUtilization();
// One subscribe message, encoded once; ids need not be unique for a flood (graphql-ws refuses duplicates with 4409).
const wsMessage = built === null || typeof built === "string" ? null : Buffer.from(JSON.stringify({ id: "1", type: "subscribe", payload: built }));

async function httpLoop(body) {
  while (Date.now() < until) {
    try {
      const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
      await response.arrayBuffer();
      count(`http ${response.status}`);
    } catch {
      count("http connection error");
      await sleep(1);
    }
  }
}

function wsOnce() {
  return new Promise((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", localAddress ? { localAddress } : {});
    let id = 0;
    const pump = () => {
      // As fast as the socket drains: the shape, over and over, each with a new id.
      while (socket.readyState === WebSocket.OPEN && socket.bufferedAmount < 1024 * 1024 && Date.now() < until) {
        socket.send(id === 0 || wsMessage.length > 65536 ? wsMessage : Buffer.from(wsMessage.toString().replace('"id":"1"', `"id":"${id + 1}"`)), { binary: false });
        id++;
      }
      if (socket.readyState === WebSocket.OPEN && Date.now() < until) setTimeout(pump, 1);
      else if (socket.readyState === WebSocket.OPEN) socket.close();
    };
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    socket.on("message", (data) => {
      const m = JSON.parse(String(data));
      if (m.type === "connection_ack") pump();
      else count(`ws ${m.type}${m.payload?.[0]?.extensions?.code ? ` ${m.payload[0].extensions.code}` : ""}`);
    });
    socket.on("error", () => {});
    socket.on("close", (code) => {
      count(`ws closed ${code}`);
      resolve();
    });
  });
}

async function wsLoop() {
  while (Date.now() < until) {
    await wsOnce();
    await sleep(1);
  }
}

// "control": an attacker thread that sends nothing, to show how much the measure moves on its own.
const loops = built === null ? [sleep(until - Date.now())] : Array.from({ length: concurrency }, () => (httpBody ? httpLoop(httpBody) : wsLoop()));
// The bench measures from this line on, so that its window lies inside the flood, not in this process's start-up.
process.stdout.write("flooding\n");
await Promise.all(loops);
// How busy the attacker was: its CPU comes out of the same machine as the server's.
tally["attacker busy %"] = Math.round(performance.eventLoopUtilization(started).utilization * 100);
process.stdout.write(JSON.stringify(tally));
process.exit(0);
