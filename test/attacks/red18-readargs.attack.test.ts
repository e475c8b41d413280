// red18: read arguments whose meaning a role must not be able to widen, and arguments that must be checked like
// every other input: years written wrongly, portfolios that do not exist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../api/harness.js";
import { ANALYST, codesOf, DORSET, OFFICER, PA, post, type TestServer } from "./red18-kit.js";

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.close(); });

const BAD_YEARS = ["2024/25", "2024-2025", "2024-26", "24-25", "2024-25 Q1", " 2024-25", "2024-25 ", "", "٢٠٢٤-٢٥", "\u202e2024-25", "%", "_", "2024-2_", "9999-00"];

describe("red18 read arguments", () => {
  it("analysts: includeSubmitted widens nothing (no provisional cells, no submitted returns in provenance or attention)", async () => {
    const bad: string[] = [];
    const cellsQ = `query($i: Boolean!) { scorecards(includeSubmitted: $i) { portfolioId rows { indicatorId cells { periodId actual provisional returnsIn } } } }`;
    const [t, f] = [await post(s, ANALYST, cellsQ, { i: true }), await post(s, ANALYST, cellsQ, { i: false })];
    if (t.errors === undefined) {
      if (JSON.stringify(t.data) !== JSON.stringify(f.data)) bad.push("scorecards(includeSubmitted: true) differs for an analyst");
      if (JSON.stringify(t.data).includes('"provisional":true')) bad.push("an analyst sees provisional cells");
    } else if (!codesOf(t).every((c) => c === "FORBIDDEN" || c === "BAD_USER_INPUT")) bad.push(`scorecards: ${t.text.slice(0, 200)}`);
    const periods = (await post(s, ANALYST, `{ reportingPeriods { id } indicators { id } contracts(first: 100) { items { id } } }`)).data;
    for (const p of periods.reportingPeriods) {
      const aq = `query($p: Int!, $i: Boolean!) { boardAttention(periodId: $p, includeSubmitted: $i) { nearTarget offTarget onTarget unrated exceptions { label } biggestChanges { label } returns { submitted accepted } } }`;
      const [at, af] = [await post(s, ANALYST, aq, { p: p.id, i: true }), await post(s, ANALYST, aq, { p: p.id, i: false })];
      if (!at.errors && JSON.stringify(at.data) !== JSON.stringify(af.data)) bad.push(`boardAttention(periodId: ${p.id}, includeSubmitted: true) differs for an analyst`);
      for (const ind of periods.indicators) {
        const r = await post(s, ANALYST, `query($p: Int!, $x: Int!) { scorecardProvenance(periodId: $p, indicatorId: $x, includeSubmitted: true) { returnId state } }`, { p: p.id, x: ind.id });
        for (const e of r.data?.scorecardProvenance ?? []) if (e.state !== "ACCEPTED") bad.push(`scorecardProvenance(${p.id}, ${ind.id}, includeSubmitted) shows return ${e.returnId} ${e.state}`);
      }
    }
    for (const c of periods.contracts.items) {
      const q = `query($c: Int!, $i: Boolean!) { contractScorecard(contractId: $c, includeSubmitted: $i) { rows { cells { periodId actual provisional } } } }`;
      const [ct, cf] = [await post(s, ANALYST, q, { c: c.id, i: true }), await post(s, ANALYST, q, { c: c.id, i: false })];
      if (!ct.errors && JSON.stringify(ct.data) !== JSON.stringify(cf.data)) bad.push(`contractScorecard(${c.id}, includeSubmitted: true) differs for an analyst`);
    }
    expect(bad).toEqual([]);
  });

  it("a year written any way but \"2023-24\" is BAD_USER_INPUT in every read that takes a year, root or nested", async () => {
    const reads: [string, string, string][] = [
      [OFFICER, "moneySummary", `query($y: String!) { moneySummary(year: $y) { __typename } }`],
      [OFFICER, "allocations", `query($y: String) { allocations(year: $y) { id } }`],
      [OFFICER, "reportingPeriods", `query($y: String) { reportingPeriods(year: $y) { id } }`],
      [OFFICER, "Portfolio.allocations", `query($y: String) { portfolios { allocations(year: $y) { id } } }`],
      [OFFICER, "FundingStream.year", `query($y: String!) { fundingStreams { year(year: $y) { __typename } } }`],
      [OFFICER, "Contract.fundingPence", `query($y: String!) { contracts(first: 3) { items { fundingPence(year: $y) } } }`],
      [OFFICER, "target", `query($y: String!) { target(key: { indicatorId: 2, year: $y, quarter: 1 }) { id } }`],
      [PA, "reportingPeriods (provider)", `query($y: String) { reportingPeriods(officeId: 1, year: $y) { id } }`],
    ];
    const accepted: string[] = [];
    for (const [role, name, q] of reads) {
      const took: string[] = [];
      for (const y of BAD_YEARS) {
        const r = await post(s, role, q, { y });
        expect(r.status).toBeLessThan(500);
        if (!codesOf(r).includes("BAD_USER_INPUT")) took.push(JSON.stringify(y));
      }
      if (took.length) accepted.push(`${name} accepted ${took.join(" ")}`);
    }
    expect(accepted).toEqual([]);
  });

  it("boardAttention(portfolioId:) of no portfolio, or of another office's, is NOT_FOUND (as scorecards and scorecardProvenance say)", async () => {
    const bad: string[] = [];
    for (const [role, periodId, portfolioId] of [[OFFICER, 5, 1_999_999], [OFFICER, 5, 0], [OFFICER, 5, -1], [OFFICER, 5, 4], [DORSET, 15, 1]] as const) {
      const q = `query($p: Int!, $f: Int) { boardAttention(periodId: $p, portfolioId: $f) { nearTarget offTarget onTarget unrated } }`;
      const r = await post(s, role, q, { p: periodId, f: portfolioId });
      const sc = await post(s, role, `query($f: Int) { scorecards(portfolioId: $f) { portfolioId } }`, { f: portfolioId });
      if (!codesOf(r).includes("NOT_FOUND")) bad.push(`${role} boardAttention(periodId: ${periodId}, portfolioId: ${portfolioId}): ${r.text.slice(0, 160)} — scorecards says ${codesOf(sc)}`);
    }
    expect(bad).toEqual([]);
  });

  it("ids of nothing in read filters: scorecardProvenance(indicatorId:) of no indicator is NOT_FOUND like its periodId and portfolioId", async () => {
    const r = await post(s, OFFICER, `{ scorecardProvenance(periodId: 4, indicatorId: 1999999) { returnId } }`);
    const p = await post(s, OFFICER, `{ scorecardProvenance(periodId: 1999999, indicatorId: 2) { returnId } }`);
    expect(codesOf(p)).toEqual(["NOT_FOUND"]);
    expect(codesOf(r), r.text).toEqual(["NOT_FOUND"]);
  });
  it("providers: no year argument, root or nested, reaches the office's money (allocations, stream years, money summary)", async () => {
    const years = [null, "", "2017-18", "2018-19", "2019-20", "2020-21", "2022-23", "2023-24", "2024-25"];
    const bad: string[] = [];
    for (const role of [PA, "provider-b@demo.example"]) {
      for (const y of years) {
        const nested = await post(s, role, `query($y: String) { contracts(first: 100) { items { id portfolio { allocations(year: $y) { id amountPence } } fundingLines { stream { id years { __typename } } } } } }`, { y });
        for (const c of nested.data?.contracts?.items ?? []) {
          if (c.portfolio?.allocations?.length) bad.push(`${role} contract ${c.id} portfolio.allocations(year: ${JSON.stringify(y)}): ${JSON.stringify(c.portfolio.allocations).slice(0, 100)}`);
          for (const l of c.fundingLines) if (l.stream?.years?.length) bad.push(`${role} contract ${c.id} stream ${l.stream.id}.years`);
        }
        if (y) {
          const sy = await post(s, role, `query($y: String!) { contracts(first: 100) { items { id fundingLines { stream { id year(year: $y) { __typename } } } } } }`, { y });
          for (const c of sy.data?.contracts?.items ?? []) for (const l of c.fundingLines) if (l.stream?.year) bad.push(`${role} stream ${l.stream.id}.year(${y})`);
          for (const officeId of [1, 2]) {
            const m = await post(s, role, `query($y: String!, $o: Int) { moneySummary(year: $y, officeId: $o) { __typename } }`, { y, o: officeId });
            if (m.data?.moneySummary) bad.push(`${role} moneySummary(${y}, ${officeId})`);
          }
        }
        for (const officeId of [1, 2]) {
          const a = await post(s, role, `query($y: String, $o: Int) { allocations(year: $y, officeId: $o) { id } }`, { y, o: officeId });
          if (a.data?.allocations?.length) bad.push(`${role} allocations(${y}, ${officeId})`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("analysts and providers cannot read the audit trail whatever the filter", async () => {
    const bad: string[] = [];
    for (const role of [ANALYST, PA]) {
      for (const v of [{}, { officeId: 1 }, { entityType: "Contract", entityId: 3 }, { entityType: "PerformanceReturn" }, { first: 1, offset: 0 }]) {
        const r = await post(s, role, `query($o: Int, $t: String, $e: Int, $f: Int! = 5, $x: Int! = 0) { auditEvents(officeId: $o, entityType: $t, entityId: $e, first: $f, offset: $x) { totalCount items { id } } }`,
          { o: (v as any).officeId, t: (v as any).entityType, e: (v as any).entityId, f: (v as any).first ?? 5, x: (v as any).offset ?? 0 });
        if (!codesOf(r).includes("FORBIDDEN") || r.data?.auditEvents) bad.push(`${role} ${JSON.stringify(v)}: ${r.text.slice(0, 150)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
