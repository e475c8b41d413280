/*
 * SIGTERM under load (issue 15): sent to the very process `npm start` starts the server with (node, with tsx as a
 * loader: no wrapper in between that could SIGKILL it), while HTTP clients send queries and writes and WebSocket
 * clients hold subscriptions. Each round: every request that reached the server is answered, every socket is closed
 * with 1001 (going away), and the process exits 0 within 10 s. A request that arrives while the server stops is
 * refused cleanly (HTTP 503, STORE_UNAVAILABLE, reason STOPPING) or finds the port closed (ECONNREFUSED): never
 * taken, it is what a client sends elsewhere; anything else (a reset, a cut answer) is a cut request.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/db/seed/demo-users.js";
import { crash, login, sleep, startCommand, startServer, type ServerProcess } from "../support/server-process.js";

const ROUNDS = 5;
const HTTP_CLIENTS = 12;
const WS_CLIENTS = 6;
const DRAIN_LIMIT_MS = 10_000;
const QUERY = "{ scorecards { portfolioId rows { indicatorId cells { actual } } } }";
const WRITE = 'mutation($t: String!) { createRisk(input: { title: $t, likelihood: 2, impact: 2, ownerName: "Stop test" }) { id } }';

interface Tally {
  answered: number;
  refused: number;
  cut: string[];
}

async function httpClient(url: string, token: string, tally: Tally, n: number): Promise<void> {
  for (let i = 0; ; i++) {
    const body = i % 3 === 0 ? { query: WRITE, variables: { t: `stop ${n}.${i}` } } : { query: QUERY };
    try {
      const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
      const answer = (await response.json()) as { errors?: { extensions?: { reason?: string } }[] }; // the whole answer, or a throw if it is cut
      if (response.status === 503 && answer.errors?.[0]?.extensions?.reason === "STOPPING") {
        // Refused cleanly while stopping (nothing done): a client sends it elsewhere or later.
        tally.refused++;
        return;
      }
      tally.answered++;
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code === "ECONNREFUSED") {
        tally.refused++;
        return;
      }
      tally.cut.push(`${code ?? ""} ${String(error)}`);
      return;
    }
  }
}

function wsSubscriber(url: string, token: string, officeId: number): Promise<{ subscribed: Promise<void>; closed: Promise<number> }> {
  const socket = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    if (message.type === "connection_ack") {
      socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription($o: Int!) { returnChanged(officeId: $o) { seq } }", variables: { o: officeId } } }));
      setTimeout(subscribed, 50);
    }
  });
  return Promise.resolve({ subscribed: ready, closed });
}

describe("SIGTERM to the server process that npm start runs, under load", () => {
  it(`answers every request it took, closes sockets with 1001 and exits 0 within 10 s (${ROUNDS} rounds)`, async () => {
    expect(startCommand().slice(0, 3), "npm start runs node itself, with tsx only as a loader").toEqual(["node", "--import", "tsx"]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-stop-"));
    const file = path.join(dir, "stop.sqlite");
    const figures: string[] = [];
    let server: ServerProcess | null = null;
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        server = await startServer({ databasePath: file });
        const { token } = await login(server.url, "officer@wiltshire.demo.example", DEMO_PASSWORD);
        const me = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: "{ me { office { id } } }" }) });
        const officeId = ((await me.json()) as { data: { me: { office: { id: number } } } }).data.me.office.id;
        const sockets = await Promise.all(Array.from({ length: WS_CLIENTS }, () => wsSubscriber(server!.url, token, officeId)));
        await Promise.all(sockets.map((s) => s.subscribed));
        const tally: Tally = { answered: 0, refused: 0, cut: [] };
        const clients = Array.from({ length: HTTP_CLIENTS }, (_, n) => httpClient(server!.url, token, tally, n));
        await sleep(400 + Math.random() * 400);
        const answeredAtSignal = tally.answered;
        const signalled = Date.now();
        process.kill(server.child.pid!, "SIGTERM"); // the node process itself, as a supervisor would
        const exit = await Promise.race([server.exited, sleep(DRAIN_LIMIT_MS + 5000).then(() => null)]);
        const took = Date.now() - signalled;
        await Promise.all(clients);
        const codes = await Promise.all(sockets.map((s) => Promise.race([s.closed, sleep(2000).then(() => -1)])));
        figures.push(`round ${round}: ${tally.answered} answered (${tally.answered - answeredAtSignal} after SIGTERM), ${tally.refused} refused, ${tally.cut.length} cut, WS closes ${[...new Set(codes)].join("/")}, exit ${exit?.code ?? "none"} in ${took} ms`);
        expect(exit, `round ${round}: still running ${DRAIN_LIMIT_MS + 5000} ms after SIGTERM`).not.toBeNull();
        expect(exit).toEqual({ code: 0, signal: null });
        expect(took).toBeLessThan(DRAIN_LIMIT_MS);
        expect(tally.cut, `round ${round}`).toEqual([]);
        expect(codes).toEqual(Array(WS_CLIENTS).fill(1001));
        expect(tally.answered).toBeGreaterThan(0);
        server = null;
      }
    } finally {
      console.log(`SIGTERM under load:\n  ${figures.join("\n  ")}`);
      if (server) await crash(server);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000); // five server starts on a busy 2-core machine
});
