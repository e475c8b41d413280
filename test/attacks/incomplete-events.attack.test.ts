/* Guarantee 1 over WebSocket: scorecardChanged events carry the same incomplete flag, target and basis as scorecards. */
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WILTS, gql, start, type Server } from "./audit-support.js";

let t: Server;
beforeAll(async () => {
  t = await start();
}, 60_000);
afterAll(async () => t?.close());

const CELL = `periodId actual target fullTarget rag complete returnsIn returnsDue targetBasis change`;

describe("scorecardChanged", () => {
  it("accepting one return in the open quarter pushes cells still marked incomplete, identical to scorecards", async () => {
    const periods = (await gql(t, WILTS, `{ reportingPeriods{ id label state } }`)).data.reportingPeriods;
    const q4 = periods.find((p: any) => p.state === "OPEN").id; // the demo's open quarter, 2024-25 Q1
    const subs = (await gql(t, WILTS, `query($p:Int!){ returns(periodId:$p, state:SUBMITTED, first:100){ items{ id version contract{ portfolio{ id } } } } }`, { p: q4 })).data.returns.items;
    expect(subs.length).toBeGreaterThan(0);
    const r = subs[0];
    const token = await t.tokenFor(WILTS);
    const origin = t.url;
    class OriginWS extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { origin } });
      }
    }
    const client = createClient({ url: t.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: OriginWS, connectionParams: { authorization: `Bearer ${token}`, token }, retryAttempts: 0, lazy: false });
    const events: any[] = [];
    let failed: unknown = null;
    const subscribed = new Promise<void>((resolve) => setTimeout(resolve, 1500));
    const dispose = client.subscribe(
      { query: `subscription($p:Int!,$f:Int!){ scorecardChanged(periodId:$p, portfolioId:$f){ seq reason scorecard{ portfolio{ id } rows{ indicator{ id } cells{ ${CELL} } } } } }`, variables: { p: q4, f: r.contract.portfolio.id } },
      { next: (v) => events.push(v), error: (e) => (failed = e), complete: () => {} },
    );
    try {
      await subscribed;
      expect(failed).toBeNull();
      const acc = await gql(t, WILTS, `mutation($id:Int!,$v:Int!){ acceptReturn(id:$id, version:$v){ state } }`, { id: r.id, v: r.version });
      expect(acc.errors).toBeUndefined();
      const deadline = Date.now() + 10_000;
      while (events.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
      expect(events.length, JSON.stringify(failed)).toBeGreaterThan(0);
      const ev = events.at(-1).data.scorecardChanged.scorecard;
      const sc = (await gql(t, WILTS, `query($p:[Int!],$f:Int){ scorecards(periodIds:$p, portfolioId:$f){ portfolio{ id } rows{ indicator{ id } cells{ ${CELL} } } } }`, { p: [q4], f: r.contract.portfolio.id })).data.scorecards.find((s: any) => s.portfolio?.id === r.contract.portfolio.id);
      const pick = (s: any) => Object.fromEntries(s.rows.map((row: any) => [row.indicator.id, row.cells.find((c: any) => c.periodId === q4)]));
      expect(pick(ev)).toEqual(pick(sc));
      expect(Object.values(pick(ev)).some((c: any) => c && c.complete === false)).toBe(true);
    } finally {
      dispose();
      await client.dispose();
    }
  });
});
