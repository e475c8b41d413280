/* Guarantee 1: incomplete quarters are marked and judged fairly, everywhere. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WILTS, gql, start, type Server } from "./audit-support.js";

let t: Server;
let q4: number;
beforeAll(async () => {
  t = await start();
  const p = (await gql(t, WILTS, `{ reportingPeriods{ id label state } }`)).data.reportingPeriods;
  // The demo's open quarter (2024-25 Q1), part-way through; 2023-24 Q4 before it is closed with every return in.
  q4 = p.find((x: any) => x.state === "OPEN").id;
}, 60_000);
afterAll(async () => t?.close());

const SC = `query($p:[Int!]){ scorecards(periodIds:$p){ portfolio{id} rows{ indicator{ id name } cells{ periodId actual target fullTarget rag complete returnsIn returnsDue targetBasis change } } } }`;
const cell = (sc: any[], portfolioId: number | null, name: string, periodId: number) =>
  sc.find((s: any) => (s.portfolio?.id ?? null) === portfolioId)?.rows.find((r: any) => r.indicator.name === name)?.cells.find((c: any) => c.periodId === periodId);

describe("incomplete quarter", () => {
  it("Wiltshire's whole-office referrals for the open quarter: some returns in, judged against the reporting contracts' targets, not the full quarter's", async () => {
    const sc = (await gql(t, WILTS, SC, { p: [q4 - 1, q4] })).data.scorecards;
    const c = cell(sc, null, "Referrals received", q4);
    expect(c).toMatchObject({ complete: false, targetBasis: "REPORTING_CONTRACTS", change: null });
    expect(c.returnsIn).toBeGreaterThan(0);
    expect(c.returnsIn).toBeLessThan(c.returnsDue);
    expect(c.target).toBeLessThan(c.fullTarget);
    // Referrals are a count with an amber tolerance of 20: the rating follows the reporting contracts' target.
    const shortfall = c.target - c.actual;
    expect(c.rag).toBe(shortfall <= 0 ? "GREEN" : shortfall <= 20 ? "AMBER" : "RED");
    expect(cell(sc, null, "Referrals received", q4 - 1).complete).toBe(true);
  });

  it("an officer adds a whole-quarter group target to an incomplete count: it is not rated against it", async () => {
    // Dodge: the portfolio had only contract targets (REPORTING_CONTRACTS); a group-wide target now exists,
    // which cannot be pro-rated honestly, so the cell carries no RAG until the returns are in.
    const sc = (await gql(t, WILTS, SC, { p: [q4] })).data.scorecards;
    let found: { pid: number; ind: number; cell: any } | undefined;
    for (const s of sc) {
      if (!s.portfolio) continue;
      for (const r of s.rows) {
        const c = r.cells.find((x: any) => x.periodId === q4);
        if (c && !c.complete && c.returnsIn > 0 && c.targetBasis === "REPORTING_CONTRACTS" && /Referrals|Clients/.test(r.indicator.name)) found = { pid: s.portfolio.id, ind: r.indicator.id, cell: c };
      }
    }
    expect(found, "an incomplete count cell in a portfolio").toBeTruthy();
    const set = await gql(t, WILTS, `mutation($i:SetTargetInput!){ setTarget(input:$i){ id value } }`, { i: { indicatorId: found!.ind, portfolioId: found!.pid, year: "2024-25", quarter: 1, value: found!.cell.fullTarget } });
    expect(set.errors).toBeUndefined();
    const after = (await gql(t, WILTS, SC, { p: [q4] })).data.scorecards.find((s: any) => s.portfolio?.id === found!.pid).rows.find((r: any) => r.indicator.id === found!.ind).cells.find((c: any) => c.periodId === q4);
    expect(after.complete).toBe(false);
    const fair = after.rag === "NO_TARGET" || (after.target === found!.cell.target && after.targetBasis === "REPORTING_CONTRACTS");
    expect(fair, JSON.stringify(after)).toBe(true);
  });

  it("Key Performance Question status and contractScorecard mark the same incomplete cells", async () => {
    const sc = (await gql(t, WILTS, SC, { p: [q4] })).data.scorecards;
    const office = sc.find((s: any) => !s.portfolio);
    const kpqs = await gql(t, WILTS, `query($p:Int!){ strategicPlans{ priorities{ keyPerformanceQuestions{ id status(periodId:$p){ __typename } } } } }`, { p: q4 });
    // The KPQ status shape is checked loosely: the query must answer without errors.
    expect(kpqs.errors, JSON.stringify(kpqs.errors)).toBeUndefined();
    expect(office.rows.some((r: any) => r.cells.some((c: any) => c.complete === false))).toBe(true);
  });
});

describe("a correction open in a closed quarter makes its cells incomplete, everywhere", () => {
  it("scorecards, contractScorecard and Key Performance Question status agree", async () => {
    const p = (await gql(t, WILTS, `{ reportingPeriods{ id label state } }`)).data.reportingPeriods.find((x: any) => x.label === "2023-24 Q3");
    const rs = (await gql(t, WILTS, `query($p:Int!){ returns(periodId:$p, state:ACCEPTED, first:100){ items{ id version contract{ id portfolio{ id } kpis{ indicator{ id name } } } } } }`, { p: p.id })).data.returns.items;
    const r = rs.find((x: any) => x.contract.kpis.length > 0);
    const ind = r.contract.kpis[0].indicator;
    const before = cell((await gql(t, WILTS, SC, { p: [p.id] })).data.scorecards, null, ind.name, p.id);
    const open = await gql(t, WILTS, `mutation($id:Int!,$v:Int!){ reopenReturn(id:$id, version:$v, reason:"figures to check"){ state } }`, { id: r.id, v: r.version });
    expect(open.errors).toBeUndefined();
    const after = cell((await gql(t, WILTS, SC, { p: [p.id] })).data.scorecards, null, ind.name, p.id);
    expect(after.returnsIn).toBe(before.returnsIn - 1);
    expect(after.complete).toBe(false);
    const cs = (await gql(t, WILTS, `query($c:Int!){ contractScorecard(contractId:$c){ rows{ indicator{ id } cells{ periodId complete returnsIn } } } }`, { c: r.contract.id })).data.contractScorecard;
    const cc = cs.rows.find((x: any) => x.indicator.id === ind.id).cells.find((x: any) => x.periodId === p.id);
    expect(cc.complete).toBe(false);
    const plans = await gql(t, WILTS, `query($p:Int!){ strategicPlans{ priorities{ keyPerformanceQuestions{ id status(periodId:$p){ indicatorId cell{ complete returnsIn returnsDue rag } } } } } }`, { p: p.id });
    expect(plans.errors, JSON.stringify(plans.errors)).toBeUndefined();
    const statuses = plans.data.strategicPlans.flatMap((s: any) => s.priorities.flatMap((x: any) => x.keyPerformanceQuestions.flatMap((k: any) => k.status))).filter((s: any) => s.indicatorId === ind.id && s.cell);
    for (const s of statuses) expect(s.cell.complete, JSON.stringify(s)).toBe(false);
  });
});
