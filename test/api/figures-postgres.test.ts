import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * The figures' rules on PostgreSQL: the incomplete-quarter rating, money roll-up and over-commitment refusal,
 * decommissioning evidence and the correction path with restatements. DATABASE_URL must be set before any entity
 * module loads (the time-stamp column type depends on it), hence the dynamic imports.
 */
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
const database = `hub_figures_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;
const OFFICER = "officer@wiltshire.demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const PROVIDER = "provider-b@demo.example";

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
const up = await reachable();
if (!up && !process.env.CI) console.warn("Skipping the figures' PostgreSQL tests: PostgreSQL is not reachable.");

describe.skipIf(!up && !process.env.CI)("the figures' rules on PostgreSQL", () => {
  const previous = process.env.DATABASE_URL;
  let server: Awaited<ReturnType<typeof import("./harness.js").startTestServer>>;
  let admin: pg.Client;
  const ok = async (as: string, query: string, variables?: Record<string, unknown>) => {
    const result = await server.run<any>(as, query, variables);
    expect(result.errors).toBeUndefined();
    return result.data;
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    process.env.DATABASE_URL = DATABASE_URL;
    const harness = await import("./harness.js");
    server = await harness.startTestServer({ env: { DATABASE_URL } });
  });
  afterAll(async () => {
    await server?.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  it("rates the incomplete whole-office referrals against the reporting contracts' targets", async () => {
    const { reportingPeriods } = await ok(OFFICER, "{ reportingPeriods { id label state } }");
    const open = reportingPeriods.find((p: any) => p.state === "OPEN");
    expect(open.label).toBe("2024-25 Q1");
    const data = await ok(OFFICER, "query($p: [Int!]) { scorecards(periodIds: $p) { portfolioId rows { indicator { code } cells { actual target targetBasis fullTarget complete returnsIn returnsDue } } } }", { p: [open.id] });
    const cell = data.scorecards.find((s: any) => s.portfolioId == null).rows.find((r: any) => r.indicator.code === "REFERRALS_RECEIVED").cells[0];
    // Independently: the accepted returns of contracts that report referrals, and their figures.
    const { returns } = await ok(OFFICER, "query($p: Int!) { returns(periodId: $p, state: ACCEPTED, first: 100) { items { contract { kpis { indicator { code } } } values { value measure { code } } } } }", { p: open.id });
    const reporting = returns.items.filter((r: any) => r.contract.kpis.some((k: any) => k.indicator.code === "REFERRALS_RECEIVED"));
    const actual = reporting.reduce((sum: number, r: any) => sum + r.values.find((v: any) => v.measure.code === "REFERRALS").value, 0);
    expect(reporting.length).toBeGreaterThan(0);
    expect(cell).toMatchObject({ actual, targetBasis: "REPORTING_CONTRACTS", complete: false, returnsIn: reporting.length });
    expect(cell.returnsDue).toBeGreaterThan(cell.returnsIn);
    expect(cell.target).toBeLessThan(cell.fullTarget);
  });

  it("rolls up the Safer Dorset Fund and refuses an over-commitment without a reason", async () => {
    const offices = (await ok("admin@demo.example", "{ offices { id code } }")).offices;
    const dorset = offices.find((o: any) => o.code === "dorset").id;
    const money = (await ok("admin@demo.example", 'query($o: Int) { moneySummary(officeId: $o, year: "2019-20") { streams { name amountPence overCommittedPence } } }', { o: dorset })).moneySummary;
    expect(money.streams.find((s: any) => s.name === "Safer Dorset Fund").amountPence).toBe(245_000_000);
    expect(money.streams.find((s: any) => s.name === "Local Innovation Fund").overCommittedPence).toBe(1_100_000);
    const streams = (await ok(OFFICER, "{ fundingStreams { id name } contracts(first: 1) { items { id version } } }"));
    const pcc = streams.fundingStreams.find((s: any) => s.name === "PCC Commissioning Budget").id;
    const contract = streams.contracts.items[0];
    const refused = await server.run<any>(OFFICER, "mutation($id: Int!, $v: Int!, $l: [FundingLineInput!]) { updateContract(id: $id, version: $v, input: { fundingLines: $l }) { id } }", { id: contract.id, v: contract.version, l: [{ streamId: pcc, year: "2023-24", amountPence: 500_000_000, status: "COMMITTED" }] });
    expect((refused.errors![0] as any).extensions.problems.map((p: any) => p.rule)).toContain("overCommitted");
  });

  it("decommissions on the latest accepted return, and corrects a frozen quarter with restatements", async () => {
    const m = server.services.db.manager;
    const [{ id: contractId, status }] = await m.query(`SELECT id, status FROM contract WHERE reference = 'WSW-VV-08'`);
    expect(status).toBe("LIVE");
    const [latest] = await m.query(
      `SELECT r.id FROM performance_return r JOIN reporting_period p ON p.id = r."periodId" WHERE r."contractId" = $1 AND r.state = 'ACCEPTED' ORDER BY p.year DESC, p.quarter DESC LIMIT 1`,
      [contractId],
    );
    const recorded = await ok(OFFICER, "mutation($i: RecordDecisionInput!) { recordDecision(input: $i) { id version } }", { i: { kind: "DECOMMISSION", title: "Decommission", rationale: "Below target.", decidedOn: "2024-03-20", contractId, evidenceReturnIds: [latest.id] } });
    await ok(COMMISSIONER, "mutation($id: Int!, $v: Int!) { publishDecision(id: $id, version: $v) { id } }", { id: recorded.recordDecision.id, v: recorded.recordDecision.version });
    expect((await m.query(`SELECT status FROM contract WHERE id = $1`, [contractId]))[0].status).toBe("DECOMMISSIONED");

    const { reportingPeriods } = await ok(OFFICER, "{ reportingPeriods { id label version state } }");
    const q1 = reportingPeriods.find((p: any) => p.label === "2023-24 Q1");
    await ok(OFFICER, "mutation($id: Int!, $v: Int!) { freezePeriod(id: $id, version: $v) { period { id } } }", { id: q1.id, v: q1.version });
    const [ret] = await m.query(
      `SELECT r.id, r.version, r."contractId" FROM performance_return r JOIN contract c ON c.id = r."contractId" JOIN provider p ON p.id = c."providerId" WHERE p.name = 'Harbour Domestic Abuse Services' AND r."periodId" = $1 AND r.state = 'ACCEPTED' AND c.status = 'LIVE' ORDER BY r.id LIMIT 1`,
      [q1.id],
    );
    const opened = await ok(OFFICER, 'mutation($id: Int!, $v: Int!) { reopenReturn(id: $id, version: $v, reason: "Double-counted batch") { version } }', { id: ret.id, v: ret.version });
    const values = await m.query(`SELECT "measureId", value FROM return_value WHERE "returnId" = $1`, [ret.id]);
    const corrected = values.map((v: any) => ({ measureId: v.measureId, value: Math.round(Number(v.value) * 0.8) }));
    const saved = await ok(PROVIDER, "mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { version } }", { i: { contractId: ret.contractId, periodId: q1.id, version: opened.reopenReturn.version, values: corrected } });
    const submitted = await ok(PROVIDER, "mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { version } }", { i: { returnId: ret.id, version: saved.saveReturnDraft.version, idempotencyKey: "pg-correction", acknowledgements: corrected.map((v: any) => ({ measureId: v.measureId, comment: "Corrected" })) } });
    await ok(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: ret.id, v: submitted.submitReturn.version });
    const frozen = (await ok("analyst@wiltshire.demo.example", "{ frozenQuarters { period { id } restatements { portfolioId causes { kind reason by { name } } } } }")).frozenQuarters.find((q: any) => q.period.id === q1.id);
    expect(frozen.restatements.length).toBeGreaterThan(0);
    expect(frozen.restatements[0].causes.map((c: any) => [c.kind, c.reason])).toEqual([
      ["RETURN_REOPENED", "Double-counted batch"],
      ["RETURN_CORRECTED", "Double-counted batch"],
    ]);
  });
});
