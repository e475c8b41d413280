/* Guarantee 4: caps per award, one award per recipient, DECOMMISSION needs the latest accepted return. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE, UPDATE, WILTS, WILTS_COMM, code, gql, rules, start, type Server } from "./audit-support.js";

let t: Server;
let ppa: number; // Police Property Act Fund (max £3,000, one-off)
let pccBudget: number;
let providers: number[];
beforeAll(async () => {
  t = await start();
  const s = (await gql(t, WILTS, `{ fundingStreams{ id name maxAwardPence oneOffOnly } }`)).data.fundingStreams;
  ppa = s.find((x: any) => x.name === "Police Property Act Fund").id;
  pccBudget = s.find((x: any) => x.name === "PCC Commissioning Budget").id;
  expect(s.find((x: any) => x.id === ppa)).toMatchObject({ maxAwardPence: 300_000, oneOffOnly: true });
  const c = (await gql(t, WILTS, `{ contracts(first:100){ items{ provider{id type} } } }`)).data.contracts.items;
  // eligible recipients of the Police Property Act Fund: voluntary community organisations
  providers = [...new Set<number>(c.filter((x: any) => x.provider.type === "VOLUNTARY_COMMUNITY").map((x: any) => x.provider.id))];
  expect(providers.length).toBeGreaterThanOrEqual(4);
}, 60_000);
afterAll(async () => t?.close());

const base = (ref: string, providerId: number, year = "2024-25") => ({
  reference: ref, title: ref, providerId, portfolioId: undefined as unknown as number, mechanism: "GRANT", stage: "DO", status: "LIVE",
  startDate: `${year.slice(0, 4)}-04-01`, endDate: `${Number(year.slice(0, 4)) + 1}-03-31`,
});
async function portfolio(): Promise<number> {
  return (await gql(t, WILTS, `{ portfolios{ id } }`)).data.portfolios[0].id;
}
const line = (streamId: number, year: string, amountPence: number, status = "COMMITTED") => ({ streamId, year, amountPence, status });

describe("caps and one-off awards", () => {
  it("splitting a £4,000 Police Property Act award into two lines is refused (maxAward), on create and on update", async () => {
    const p = await portfolio();
    const split = await gql(t, WILTS, CREATE, { i: { ...base("ATK-CAP-1", providers[0]), portfolioId: p, fundingLines: [line(ppa, "2024-25", 200_000), line(ppa, "2024-25", 200_000, "PLANNED")] } });
    expect(rules(split)).toContain("maxAward");
    const ok = await gql(t, WILTS, CREATE, { i: { ...base("ATK-CAP-2", providers[0]), portfolioId: p, fundingLines: [line(ppa, "2024-25", 200_000)] } });
    expect(ok.errors).toBeUndefined();
    const c = ok.data.createContract;
    const upd = await gql(t, WILTS, UPDATE, { id: c.id, v: c.version, i: { fundingLines: [line(ppa, "2024-25", 200_000), line(ppa, "2024-25", 200_000, "PLANNED")] } });
    expect(rules(upd)).toContain("maxAward");
  });

  it("a second Police Property Act award to the same recipient in another year is refused (oneAwardPerRecipient)", async () => {
    const p = await portfolio();
    const first = await gql(t, WILTS, CREATE, { i: { ...base("ATK-OO-A", providers[1]), portfolioId: p, fundingLines: [line(ppa, "2024-25", 100_000)] } });
    expect(first.errors).toBeUndefined();
    const again = await gql(t, WILTS, CREATE, { i: { ...base("ATK-OO-B", providers[1], "2025-26"), portfolioId: p, fundingLines: [line(ppa, "2025-26", 100_000)] } });
    expect(rules(again)).toContain("oneAwardPerRecipient");
  });

  it("moving an existing one-off award to a recipient that already has one is refused (oneAwardPerRecipient)", async () => {
    // Dodge: two different recipients get one award each; then the officer changes the provider of one contract.
    const p = await portfolio();
    const a = await gql(t, WILTS, CREATE, { i: { ...base("ATK-OO-C", providers[2]), portfolioId: p, fundingLines: [line(ppa, "2024-25", 150_000)] } });
    const b = await gql(t, WILTS, CREATE, { i: { ...base("ATK-OO-D", providers[3], "2025-26"), portfolioId: p, fundingLines: [line(ppa, "2025-26", 150_000)] } });
    expect(a.errors ?? b.errors).toBeUndefined();
    const move = await gql(t, WILTS, UPDATE, { id: a.data.createContract.id, v: a.data.createContract.version, i: { providerId: providers[3] } });
    expect({ code: code(move), rules: rules(move), provider: move.data?.updateContract?.provider?.id ?? null }).toEqual({ code: "BAD_USER_INPUT", rules: ["oneAwardPerRecipient"], provider: null });
  });
});

describe("DECOMMISSION needs the contract's latest accepted return, never a draft", () => {
  const RECORD = `mutation($i:RecordDecisionInput!){recordDecision(input:$i){id version contract{id status}}}`;
  async function target() {
    // a LIVE Wiltshire contract with several accepted returns in closed quarters
    const c = (await gql(t, WILTS, `{ contracts(first:100){ items{ id reference status version } } }`)).data.contracts.items.filter((x: any) => x.status === "LIVE");
    for (const k of c) {
      const r = (await gql(t, WILTS, `query($c:Int!){ returns(contractId:$c, first:50){ items{ id state version period{ id label state } } } }`, { c: k.id })).data.returns.items;
      const acc = r.filter((x: any) => x.state === "ACCEPTED" && x.period.state === "CLOSED").sort((x: any, y: any) => (x.period.label < y.period.label ? 1 : -1));
      if (acc.length >= 2 && !r.some((x: any) => x.state === "ACCEPTED" && x.period.state === "OPEN")) return { contract: k, accepted: acc };
    }
    throw new Error("no contract with accepted returns");
  }

  it("a contract cannot be edited or created straight into DECOMMISSIONED", async () => {
    const { contract } = await target();
    const upd = await gql(t, WILTS, UPDATE, { id: contract.id, v: contract.version, i: { status: "DECOMMISSIONED" } });
    expect(rules(upd)).toContain("decommissionDecision");
    const p = await portfolio();
    const cr = await gql(t, WILTS, CREATE, { i: { ...base("ATK-DEC-0", providers[0]), portfolioId: p, status: "DECOMMISSIONED" } });
    expect(rules(cr)).toContain("decommissionDecision");
  });

  it("an older accepted return is not enough evidence (latestAcceptedReturn)", async () => {
    const { contract, accepted } = await target();
    const r = await gql(t, WILTS, RECORD, { i: { contractId: contract.id, decidedOn: "2024-05-01", evidenceReturnIds: [accepted[1].id], kind: "DECOMMISSION", rationale: "older", title: "older" } });
    expect(rules(r)).toContain("latestAcceptedReturn");
  });

  it("publishing a DECOMMISSION whose cited return was reopened (no longer accepted) does not decommission the contract", async () => {
    // Dodge: record the decision with the latest accepted return, then reopen that return for correction (it goes
    // back to the provider, RETURNED), then publish. The contract would be decommissioned on a return that is
    // no longer accepted evidence.
    const { contract, accepted } = await target();
    const dec = await gql(t, WILTS, RECORD, { i: { contractId: contract.id, decidedOn: "2024-05-01", evidenceReturnIds: [accepted[0].id], kind: "DECOMMISSION", rationale: "poor", title: "decommission" } });
    expect(dec.errors).toBeUndefined();
    expect(dec.data.recordDecision.contract.status).toBe("UNDER_REVIEW");
    const reopen = await gql(t, WILTS, `mutation($id:Int!,$v:Int!){ reopenReturn(id:$id, version:$v, reason:"a figure was wrong"){ id state } }`, { id: accepted[0].id, v: accepted[0].version });
    expect(reopen.errors).toBeUndefined();
    expect(reopen.data.reopenReturn.state).not.toBe("ACCEPTED");
    const pub = await gql(t, WILTS_COMM, `mutation($id:Int!,$v:Int!){ publishDecision(id:$id, version:$v){ id contract{ id status } } }`, { id: dec.data.recordDecision.id, v: dec.data.recordDecision.version });
    const status = (await gql(t, WILTS, `query($id:Int!){ contract(id:$id){ status } }`, { id: contract.id })).data.contract.status;
    expect({ publishError: code(pub) ?? null, status }).toEqual({ publishError: "BAD_USER_INPUT", status: "UNDER_REVIEW" });
  });
});
