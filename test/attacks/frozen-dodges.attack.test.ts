/* Guarantee 5, dodges: changes that reach a frozen quarter without going through a return correction. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UPDATE, WILTS, WILTS_COMM, gql, rules, start, type Server } from "./audit-support.js";

let t: Server;
let frozenId: number;
beforeAll(async () => {
  t = await start();
  frozenId = (await gql(t, WILTS, `{ reportingPeriods{ id state } }`)).data.reportingPeriods.find((x: any) => x.state === "FROZEN").id;
}, 60_000);
afterAll(async () => t?.close());

const RETURNS = `query($p:Int!){ returns(periodId:$p, first:100){ items{ id state version contract{ id version status kpis{ indicator{ id } } fundingLines{ year amountPence status stream{ id } } } } } }`;
const FROZEN = `{ frozenQuarters{ period{id} restatements{ indicatorId portfolioId frozenReturnsIn currentReturnsIn frozenRag currentRag causes{ kind reason } } moneyRestatements{ causes{ kind reason } } } }`;

describe("changes reaching a frozen quarter", () => {
  it("a yearly target for the frozen quarter's year needs a reason (restatementReason)", async () => {
    const r = (await gql(t, WILTS, RETURNS, { p: frozenId })).data.returns.items.find((x: any) => x.state === "ACCEPTED" && x.contract.kpis.length > 0);
    const ind = r.contract.kpis[0].indicator.id;
    const res = await gql(t, WILTS, `mutation($i:SetTargetInput!){ setTarget(input:$i){ id } }`, { i: { indicatorId: ind, contractId: r.contract.id, year: "2022-23", value: 1 } });
    // A yearly target for 2022-23 sets a quarter of it for 2022-23 Q4, the frozen quarter.
    expect(rules(res)).toContain("restatementReason");
  });

  it("a new funding line in the frozen quarter's year needs a changeReason (restatementReason)", async () => {
    const r = (await gql(t, WILTS, RETURNS, { p: frozenId })).data.returns.items.find((x: any) => x.state === "ACCEPTED");
    const lines = r.contract.fundingLines.map((l: any) => ({ streamId: l.stream.id, year: l.year, amountPence: l.amountPence, status: l.status }));
    const res = await gql(t, WILTS, UPDATE, { id: r.contract.id, v: r.contract.version, i: { fundingLines: [...lines, { streamId: lines[0]?.streamId ?? 3, year: "2022-23", amountPence: 100_000, status: "COMMITTED" }], overCommitmentReason: "auditor test of the frozen-year rule" } });
    expect(rules(res)).toContain("restatementReason");
  });

  it("decommissioning a contract (decision recorded and published) that changes frozen cells leaves each restatement with who/when/why", async () => {
    const items = (await gql(t, WILTS, RETURNS, { p: frozenId })).data.returns.items.filter((x: any) => x.state === "ACCEPTED" && x.contract.status === "LIVE");
    const key = (r: any) => `${r.indicatorId}/${r.portfolioId}`;
    const seeded = new Set((await gql(t, WILTS, FROZEN)).data.frozenQuarters.find((x: any) => x.period.id === frozenId).restatements.map(key));
    let done = false;
    for (const it of items) {
      const rs = (await gql(t, WILTS, `query($c:Int!){ returns(contractId:$c, state:ACCEPTED, first:50){ items{ id period{ label } } } }`, { c: it.contract.id })).data.returns.items;
      const latest = rs.sort((a: any, b: any) => (a.period.label < b.period.label ? 1 : -1))[0];
      const dec = await gql(t, WILTS, `mutation($i:RecordDecisionInput!){ recordDecision(input:$i){ id version } }`, { i: { contractId: it.contract.id, decidedOn: "2024-05-01", evidenceReturnIds: [latest.id], kind: "DECOMMISSION", rationale: "poor value", title: "decommission" } });
      if (dec.errors) continue;
      const pub = await gql(t, WILTS_COMM, `mutation($id:Int!,$v:Int!){ publishDecision(id:$id, version:$v){ id contract{ status } } }`, { id: dec.data.recordDecision.id, v: dec.data.recordDecision.version });
      expect(pub.errors).toBeUndefined();
      done = true;
      break;
    }
    expect(done).toBe(true);
    const q = (await gql(t, WILTS, FROZEN)).data.frozenQuarters.find((x: any) => x.period.id === frozenId);
    const fresh = q.restatements.filter((r: any) => !seeded.has(key(r)));
    expect(fresh.length, "the decommission changed frozen cells").toBeGreaterThan(0);
    const uncaused = fresh.filter((r: any) => r.causes.length === 0);
    expect(uncaused, "restatements without who/when/why").toEqual([]);
  });
});
