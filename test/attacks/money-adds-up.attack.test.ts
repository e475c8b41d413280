/* Guarantee 3: money adds up, over-commitment is warned, and new commitments beyond what remains are refused. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DORSET, UPDATE, code, gql, rules, start, type Server } from "./audit-support.js";

let t: Server;
beforeAll(async () => {
  t = await start();
}, 60_000);
afterAll(async () => t?.close());

const SUMMARY = `{ moneySummary(year:"2019-20"){ totalPence committedPence plannedPence
  streams{ streamId name amountPence committedPence plannedPence includesChildren overCommittedPence remainingPence warnings }
  portfolios{ portfolio{id name} allocatedPence committedPence plannedPence overCommittedPence warnings } } }`;
const CONTRACTS = `{ contracts(first:100){ items{ id reference version portfolio{id name} fundingLines{year amountPence status stream{id name}} } } }`;

async function dorset() {
  const m = (await gql(t, DORSET, SUMMARY)).data.moneySummary;
  const c = (await gql(t, DORSET, CONTRACTS)).data.contracts.items;
  return { m, c };
}

describe("Dorset's money, to the penny, and over-commitment", () => {
  it("Safer Dorset Fund rolls up its five funds: £2.45m, £1,733k committed, £551k planned; LIF £11,000 over", async () => {
    const { m } = await dorset();
    const sdf = m.streams.find((s: any) => s.name === "Safer Dorset Fund");
    expect(sdf).toMatchObject({ amountPence: 245_000_000, committedPence: 173_300_000, plannedPence: 55_100_000, includesChildren: true });
    expect(m.committedPence).toBe(173_300_000);
    expect(m.plannedPence).toBe(55_100_000);
    const lif = m.streams.find((s: any) => s.name === "Local Innovation Fund");
    expect(lif.overCommittedPence).toBe(1_100_000);
    expect(lif.warnings[0]).toMatch(/Over-committed/);
  });

  it("changing a funding line's stream after the fact onto a full fund is refused without a reason", async () => {
    const { c } = await dorset();
    const victim = c.find((x: any) => x.fundingLines.length === 1 && x.fundingLines[0].stream.name === "Victims Core Fund" && x.fundingLines[0].amountPence === 1_000_000);
    const csf = c.find((x: any) => x.fundingLines[0]?.stream.name === "Commissioner's Safety Fund").fundingLines[0].stream.id;
    const r = await gql(t, DORSET, UPDATE, { id: victim.id, v: victim.version, i: { fundingLines: [{ streamId: csf, year: "2019-20", amountPence: 1_000_000, status: "COMMITTED" }] } });
    expect(code(r)).toBe("BAD_USER_INPUT");
    expect(rules(r)).toContain("overCommitted");
  });

  it("moving a funded contract into a portfolio whose allocation it exceeds is refused without a reason (rule overCommitted)", async () => {
    // A determined officer leaves the funding lines alone and moves the contract instead: the money now sits in a
    // portfolio that holds £50,000 for the year. The README: funding lines that take ... the contract's portfolio
    // beyond what it holds for the year are refused.
    const { m, c } = await dorset();
    const small = m.portfolios.find((p: any) => p.allocatedPence === 5_000_000 && p.committedPence + p.plannedPence === 0);
    expect(small, "Dorset's Community Grant Scheme portfolio (£50k, nothing committed)").toBeTruthy();
    const big = c.find((x: any) => x.fundingLines.some((l: any) => l.year === "2019-20" && l.amountPence >= 20_000_000) && x.portfolio.id !== small.portfolio.id);
    const r = await gql(t, DORSET, UPDATE, { id: big.id, v: big.version, i: { portfolioId: small.portfolio.id } });
    const after = (await gql(t, DORSET, SUMMARY)).data.moneySummary.portfolios.find((p: any) => p.portfolio.id === small.portfolio.id);
    expect({ code: code(r), rules: rules(r), overCommittedAfter: after.overCommittedPence }).toEqual({ code: "BAD_USER_INPUT", rules: ["overCommitted"], overCommittedAfter: 0 });
  });
});
