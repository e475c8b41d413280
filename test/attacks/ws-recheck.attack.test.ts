/* Guarantees 1 and 4 over WebSocket: a user moved to another office stops receiving the old office's events at once; connection-rate budget. */
import { beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/server-process.js";
import { boot, gql, rawSocket, signIn } from "./support.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let server: ServerProcess;
beforeAll(async () => {
  server = await boot({ WS_CONNECTS_PER_MINUTE: "5", WS_CONNECTIONS_PER_USER: "10" });
});

describe("re-checks on every event", () => {
  it("an officer moved from Wiltshire to Dorset gets no further Wiltshire return events on the socket it already had", async () => {
    const admin = await signIn(server.url, "admin@demo.example");
    const off = await signIn(server.url, "officer@wiltshire.demo.example");
    const moved = await signIn(server.url, "commissioner@wiltshire.demo.example");
    const s = await rawSocket(server.url, moved);
    s.send({ id: "1", type: "subscribe", payload: { query: "subscription{returnChanged(officeId:1){seq returnId state performanceReturn{id values{value}}}}" } });
    const control = await rawSocket(server.url, off);
    control.send({ id: "1", type: "subscribe", payload: { query: "subscription{returnChanged(officeId:1){seq returnId state}}" } });
    await sleep(300);
    const me = await gql(server.url, moved, "{me{id version}}");
    const u = await gql(server.url, admin, "mutation($id:Int!,$v:Int!){updateUser(id:$id,version:$v,input:{officeId:2}){id office{id}}}", { id: me.data.me.id, v: me.data.me.version });
    expect(u.errors, JSON.stringify(u)).toBeUndefined();
    await sleep(200);
    const sub = await gql(server.url, off, "{returns(state:SUBMITTED,first:1){items{id version}}}");
    const r = sub.data.returns.items[0];
    const a = await gql(server.url, off, "mutation($id:Int!,$v:Int!){acceptReturn(id:$id,version:$v){id state}}", { id: r.id, v: r.version });
    expect(a.errors, JSON.stringify(a)).toBeUndefined();
    await sleep(1500);
    expect(control.messages.some((m) => m.type === "next" && m.payload?.data?.returnChanged?.returnId === r.id), "control officer got no event: the test proves nothing").toBe(true);
    control.socket.close();
    const got = s.messages.filter((m) => m.type === "next" && m.payload?.data?.returnChanged);
    expect(got, `moved user still received ${JSON.stringify(got).slice(0, 300)}`).toEqual([]);
    s.socket.close();
  });
});

describe("connection-rate budget", () => {
  it("opening more sockets a minute than allowed closes the extra one with 4031", async () => {
    const p = await signIn(server.url, "provider-b@demo.example");
    let code: number | null = null;
    for (let i = 0; i < 10 && code === null; i++) {
      try {
        const s = await rawSocket(server.url, p);
        const c = await Promise.race([s.closed, sleep(200).then(() => null)]);
        if (c) code = c.code;
        s.socket.close();
      } catch (e) {
        const m = /closed (\d+)/.exec(String(e));
        code = m ? Number(m[1]) : -1;
      }
    }
    expect(code).toBe(4031);
  });
});
