/*
 * red14: WebSocket control frames. graphql-ws "ping" messages are charged to the socket's token bucket (closed 4029
 * after the burst), but WebSocket ping control frames are not: a socket may send 500 pings a second, each answered
 * with a pong, without being closed. A burst of a few hundred at once is cut, but with no close code (the client
 * sees 1006), nothing logged, and the cut does not count in the penalty box: a client may repeat it forever.
 * "A socket over budget is closed with a coded reason" (README, Limits and budgets). Other users keep being answered
 * throughout (that part holds). Real server process, real sockets; floods of a few seconds only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, gql, type ServerProcess } from "../support/server-process.js";
import { boot } from "./support.js";
import { init, open, sleep, token } from "./red8-kit.js";

let server: ServerProcess;
beforeAll(async () => void (server = await boot({ WS_PENALTY_OFFENCES: "3", WS_PENALTY_ADDRESS_OFFENCES: "3", WS_PENALTY_SECONDS: "30", WS_PENALTY_MAX_SECONDS: "60" })), 120_000);
afterAll(async () => server && (await crash(server)));

async function signedInSocket(tok: string, localAddress: string) {
  const sock = await open(server.url, { localAddress });
  sock.send({ type: "connection_init", payload: { authorization: `Bearer ${tok}` } });
  await sock.next((m) => m.type === "connection_ack");
  return sock;
}

/** Sends `count` ping control frames at once; resolves with the close code (or "open" after 3 s). */
async function pingBurst(tok: string, localAddress: string, count: number): Promise<number | string> {
  const sock = await signedInSocket(tok, localAddress);
  for (let i = 0; i < count; i++) sock.socket.ping();
  const closed = await Promise.race([sock.closed, sleep(3000).then(() => ({ code: "open" as const }))]);
  sock.socket.terminate();
  return closed.code;
}

describe("red14: WebSocket ping control frames", () => {
  it("a burst of 400 pings closes the socket with a coded reason, not a bare cut (1006)", async () => {
    const tok = await token(server.url, "officer@dorset.demo.example");
    const code = await pingBurst(tok, "127.0.90.1", 400);
    expect(code, "the socket was left open").not.toBe("open");
    expect(code, "cut without a close code").not.toBe(1006);
    expect(Number(code)).toBeGreaterThanOrEqual(4000);
  }, 60_000);

  it("sockets cut for ping floods count in the penalty box: after WS_PENALTY_OFFENCES the account is refused (4032)", async () => {
    const tok = await token(server.url, "officer@durham.demo.example");
    const codes: (number | string)[] = [];
    // WS_PENALTY_OFFENCES (3) sockets cut: the next connection of the account is boxed.
    for (let i = 0; i < 3; i++) codes.push(await pingBurst(tok, `127.0.91.${i + 1}`, 400));
    expect(codes.every((c) => c !== "open"), `codes ${codes}`).toBe(true);
    const after = await init(server.url, tok, { localAddress: "127.0.91.9" });
    after.sock?.socket.terminate();
    expect(after.result, `closes ${codes.join(",")} did not box the account`).toMatch(/^closed 4032/);
  }, 60_000);

  it("a sustained 500 pings a second (far over the 5 a second message budget) is closed with a code; other users are answered meanwhile", async () => {
    const tok = await token(server.url, "commissioner@wiltshire.demo.example");
    const officer = await token(server.url, "officer@wiltshire.demo.example");
    const sock = await signedInSocket(tok, "127.0.92.1");
    let pongs = 0;
    sock.socket.on("pong", () => pongs++);
    let closed: { code: number } | null = null;
    void sock.closed.then((c) => (closed = c));
    const started = Date.now();
    let answered = 0;
    while (Date.now() - started < 3000 && !closed) {
      for (let i = 0; i < 50; i++) sock.socket.ping();
      await sleep(100);
      if (answered < 5) {
        const r = await gql(server.url, officer, "{ me { email } }");
        expect(r.data?.me?.email).toBe("officer@wiltshire.demo.example");
        answered++;
      }
    }
    sock.socket.terminate();
    expect(answered).toBeGreaterThan(0);
    expect(closed, `the socket stayed open through ${pongs} pongs in 3 s`).not.toBeNull();
    expect(closed!.code).toBeGreaterThanOrEqual(4000);
  }, 60_000);
});
