/* Guarantee 7 (and 2): the documents' figures come out of the API to the penny; every demo office is whole. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DORSET, DURHAM, WILTS, gql, start, type Server } from "./audit-support.js";

let t: Server;
beforeAll(async () => {
  t = await start();
}, 60_000);
afterAll(async () => t?.close());

const MONEY = `query($y:String!){ moneySummary(year:$y){ totalPence committedPence plannedPence allocatedPence streams{ name amountPence committedPence plannedPence } portfolios{ portfolio{ name } allocatedPence } } allocations(year:$y){ amountPence kind label portfolio{ name } stream{ name } } }`;
const stream = (m: any, name: string) => m.streams.find((s: any) => s.name === name)?.amountPence;

describe("documents' figures", () => {
  it("Wiltshire FY23-24: £2.939m + £1.367m + £0.255m = £4.561m; portfolio budgets £0.567m/£0.667m/£0.419m, pipeline £0.149m", async () => {
    const d = (await gql(t, WILTS, MONEY, { y: "2023-24" })).data;
    expect(d.moneySummary.totalPence).toBe(456_100_000);
    expect(stream(d.moneySummary, "PCC Commissioning Budget")).toBe(293_900_000);
    expect(stream(d.moneySummary, "Ministry of Justice Victims Grant")).toBe(136_700_000);
    expect(stream(d.moneySummary, "Home Office Serious Violence Duty Grant")).toBe(25_500_000);
    const pcc = d.allocations.filter((a: any) => a.stream.name === "PCC Commissioning Budget");
    const by = (n: string) => pcc.filter((a: any) => a.portfolio?.name === n).map((a: any) => a.amountPence);
    expect(by("Prevention & Youth")).toContain(56_700_000);
    expect(by("Victims & Vulnerability")).toContain(66_700_000);
    expect(by("Reducing Reoffending & Criminal Justice")).toContain(41_900_000);
    expect(pcc.find((a: any) => a.kind === "PIPELINE").amountPence).toBe(14_900_000);
    expect(pcc.reduce((s: number, a: any) => s + a.amountPence, 0)).toBe(293_900_000);
  });

  it("Wiltshire 2020-21: Community Safety Fund £2,122,021, Victims Fund £841,710, £50k for the new Commissioner's pledges", async () => {
    const d = (await gql(t, WILTS, MONEY, { y: "2020-21" })).data;
    expect(stream(d.moneySummary, "Community Safety Fund")).toBe(212_202_100);
    expect(stream(d.moneySummary, "Victims Fund")).toBe(84_171_000);
    expect(d.allocations.filter((a: any) => !a.portfolio).map((a: any) => a.amountPence)).toContain(5_000_000);
  });

  it("Durham 2018-19: £0.8m / £0.5m / £0.7m by priority", async () => {
    const d = (await gql(t, DURHAM, MONEY, { y: "2018-19" })).data;
    const p = Object.fromEntries(d.moneySummary.portfolios.filter((x: any) => x.portfolio).map((x: any) => [x.portfolio.name, x.allocatedPence]));
    expect(p).toMatchObject({ "Victims services": 80_000_000, "Community safety and prevention": 50_000_000, "Reducing reoffending": 70_000_000 });
  });

  it("Dorset: Wellbeing Fund £250k (2018-19), Immersion Project £15,300 pledged in 2018-19", async () => {
    const d = (await gql(t, DORSET, MONEY, { y: "2018-19" })).data;
    expect(stream(d.moneySummary, "Wellbeing Fund")).toBe(25_000_000);
    const c = (await gql(t, DORSET, `{ contracts(first:100){ items{ id reference title annualValuePence fundingPence(year:"2018-19") } } }`)).data.contracts.items;
    const imm = c.find((x: any) => /Immersion/.test(x.title));
    expect(imm.annualValuePence).toBe(1_530_000);
  });

  it("the Immersion Project's £15,300 pledge is office money in 2018-19 (Contract.fundingPence and the money summary)", async () => {
    // Contract.fundingPence(year) is "the office's money for a contract in a year"; a 2018/19 pledge of £15,300
    // should appear there and in 2018-19's committed (or planned) money, not only as an annual value.
    const c = (await gql(t, DORSET, `{ contracts(first:100){ items{ title fundingPence(year:"2018-19") } } }`)).data.contracts.items;
    const imm = c.find((x: any) => /Immersion/.test(x.title));
    const m = (await gql(t, DORSET, MONEY, { y: "2018-19" })).data.moneySummary;
    expect({ fundingPence: imm.fundingPence, committedPlusPlanned: m.committedPence + m.plannedPence >= 1_530_000 }).toEqual({ fundingPence: 1_530_000, committedPlusPlanned: true });
  });
});

describe("every demo office is whole", () => {
  const PERIODS = `{ reportingPeriods{ id label state dueDate } contracts(first:100){ items{ id kpis{ __typename } } } }`;
  for (const [who, as] of [["Wiltshire", WILTS], ["Dorset", DORSET], ["Durham", DURHAM]] as const) {
    it(`${who}: several closed quarters with accepted returns, contracts with KPIs`, async () => {
      const d = (await gql(t, as, PERIODS)).data;
      const closed = d.reportingPeriods.filter((p: any) => p.state !== "OPEN");
      expect(closed.length).toBeGreaterThanOrEqual(4);
      expect(d.contracts.items.filter((c: any) => c.kpis.length > 0).length).toBeGreaterThanOrEqual(5);
      let accepted = 0;
      for (const p of closed.slice(0, 4)) {
        const r = (await gql(t, as, `query($p:Int!){ returns(periodId:$p, state:ACCEPTED, first:100){ items{ id } } }`, { p: p.id })).data.returns.items;
        if (r.length > 0) accepted++;
      }
      expect(accepted).toBe(4);
    });
  }
  it("one open quarter (Wiltshire 2024-25 Q1) is due in the future", async () => {
    const p = (await gql(t, WILTS, `{ reportingPeriods{ label state dueDate } }`)).data.reportingPeriods.find((x: any) => x.label === "2024-25 Q1");
    expect(p.state).toBe("OPEN");
    expect(new Date(p.dueDate).getTime()).toBeGreaterThan(Date.now());
  });
});
