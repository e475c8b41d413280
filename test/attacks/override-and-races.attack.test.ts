/* Guarantee 3 (override audited, already-over budgets) and 5 (racing corrections). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DORSET, PROVIDER_A, UPDATE, WILTS, code, gql, rules, start, type Server } from "./audit-support.js";

let t: Server;
beforeAll(async () => {
  t = await start();
}, 60_000);
afterAll(async () => t?.close());

const CONTRACTS = `{ contracts(first:100){ items{ id reference version fundingLines{year amountPence status stream{id name}} } } }`;
const lines = (c: any) => c.fundingLines.map((l: any) => ({ streamId: l.stream.id, year: l.year, amountPence: l.amountPence, status: l.status }));

describe("over-commitment override", () => {
  it("adding to the already over Local Innovation Fund is refused; the override with a reason is accepted and audited with its figures", async () => {
    const c = (await gql(t, DORSET, CONTRACTS)).data.contracts.items.find((x: any) => x.fundingLines[0]?.stream.name === "Local Innovation Fund" && x.fundingLines[0].status === "PLANNED");
    const more = lines(c).map((l: any) => ({ ...l, amountPence: l.amountPence + 100 }));
    const refused = await gql(t, DORSET, UPDATE, { id: c.id, v: c.version, i: { fundingLines: more } });
    expect(rules(refused)).toContain("overCommitted");
    // a change that does not add (planned -> committed, same amount) is not blocked by older data
    const same = await gql(t, DORSET, UPDATE, { id: c.id, v: c.version, i: { fundingLines: lines(c).map((l: any) => ({ ...l, status: "COMMITTED" })) } });
    expect(same.errors, JSON.stringify(same.errors)).toBeUndefined();
    const ok = await gql(t, DORSET, UPDATE, { id: c.id, v: same.data.updateContract.version, i: { fundingLines: more, overCommitmentReason: "Board agreed to run over pending receipts" } });
    expect(ok.errors, JSON.stringify(ok.errors)).toBeUndefined();
    const audit = (await gql(t, DORSET, `query($id:Int!){ auditEvents(entityType:"Contract", entityId:$id, first:50){ items{ action after user{ name } } } }`, { id: c.id }));
    const items = audit.data?.auditEvents?.items ?? audit.data?.auditEvents ?? [];
    const o = items.find((a: any) => a.action === "contract.over_commitment_override");
    expect(o, JSON.stringify(audit).slice(0, 800)).toBeTruthy();
    expect(JSON.stringify(o.after)).toMatch(/Board agreed/);
  });
});

describe("racing corrections", () => {
  it("two officers accept the same corrected return at once: one wins, the other is CONFLICT; one correction only", async () => {
    const p = (await gql(t, WILTS, `{ reportingPeriods{ id label state } }`)).data.reportingPeriods.find((x: any) => x.state === "CLOSED");
    const rs = (await gql(t, WILTS, `query($p:Int!){ returns(periodId:$p, state:ACCEPTED, first:100){ items{ id version contract{ id provider{ name } } } } }`, { p: p.id })).data.returns.items;
    const mine = rs.find((x: any) => x.contract.provider.name === "Victim Support");
    const open = await gql(t, WILTS, `mutation($id:Int!,$v:Int!){ reopenReturn(id:$id, version:$v, reason:"fix the figures"){ version } }`, { id: mine.id, v: mine.version });
    expect(open.errors).toBeUndefined();
    const ret = (await gql(t, PROVIDER_A, `query($id:Int!){ performanceReturn(id:$id){ version values{ value measure{ id } } } }`, { id: mine.id })).data.performanceReturn;
    const values = ret.values.map((v: any) => ({ measureId: v.measure.id, value: v.value }));
    // two provider tabs save at once on the same version: one CONFLICT
    const [d1, d2] = await Promise.all([
      gql(t, PROVIDER_A, `mutation($i:SaveReturnInput!){ saveReturnDraft(input:$i){ version } }`, { i: { contractId: mine.contract.id, periodId: p.id, version: ret.version, values } }),
      gql(t, PROVIDER_A, `mutation($i:SaveReturnInput!){ saveReturnDraft(input:$i){ version } }`, { i: { contractId: mine.contract.id, periodId: p.id, version: ret.version, values } }),
    ]);
    expect([d1, d2].filter((x) => !x.errors).length).toBe(1);
    const v = (d1.errors ? d2 : d1).data.saveReturnDraft.version;
    const sub = await gql(t, PROVIDER_A, `mutation($i:SubmitReturnInput!){ submitReturn(input:$i){ version } }`, { i: { returnId: mine.id, version: v, idempotencyKey: "atk-race-1" } });
    expect(sub.errors, JSON.stringify(sub.errors)).toBeUndefined();
    const ACC = `mutation($id:Int!,$v:Int!){ acceptReturn(id:$id, version:$v){ state version } }`;
    const [a, b] = await Promise.all([gql(t, WILTS, ACC, { id: mine.id, v: sub.data.submitReturn.version }), gql(t, WILTS, ACC, { id: mine.id, v: sub.data.submitReturn.version })]);
    expect([a, b].filter((x) => !x.errors).length).toBe(1);
    expect([a, b].map(code).filter(Boolean)).toEqual(["CONFLICT"]);
    const changes = (await gql(t, WILTS, `query($p:Int!){ quarterChanges(periodId:$p){ kind returnId } }`, { p: p.id })).data.quarterChanges.filter((c: any) => c.returnId === mine.id);
    expect(changes.filter((c: any) => c.kind === "RETURN_CORRECTED").length).toBe(1);
  });
});
