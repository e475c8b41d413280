import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FundingSource, FundingStream } from "../../server/modules/funding/funding.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { Provider, ProviderType } from "../../server/modules/providers/provider.entity.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const ADMIN = "admin@demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const m = (pounds: number) => Math.round(pounds * 100);
let server: TestServer;
const offices: Record<string, number> = {};

const SUMMARY = `query($o: Int, $y: String!) { moneySummary(officeId: $o, year: $y) {
  totalPence allocatedPence committedPence plannedPence spentPence
  streams { name amountPence allocatedPence committedPence plannedPence spentPence remainingPence warnings }
  portfolios { portfolio { name } allocatedPence committedPence plannedPence spentPence remainingPence }
  priorities { priority { title } committedPence plannedPence spentPence } } }`;

beforeAll(async () => {
  server = await startTestServer();
  for (const office of await server.services.db.manager.find(Office)) offices[office.code] = office.id;
});
afterAll(async () => server?.close());

async function summary(code: string, year: string) {
  const result = await server.run<any>(ADMIN, SUMMARY, { o: offices[code], y: year });
  expect(result.errors).toBeUndefined();
  return result.data!.moneySummary;
}

describe("money summaries reproduce the documents' tables", () => {
  it("Dorset 2019-20: committed and planned by fund", async () => {
    const money = await summary("dorset", "2019-20");
    const fund = (name: string) => money.streams.find((s: { name: string }) => s.name === name);
    const funds = ["Commissioner's Safety Fund", "Local Innovation Fund", "Victims Core Fund", "Victims Fund – CSA Element"];
    expect(funds.map((f) => fund(f).committedPence)).toEqual([m(810_000), m(178_000), m(745_000), 0]);
    expect(funds.map((f) => fund(f).plannedPence)).toEqual([0, m(523_000), 0, m(28_000)]);
    expect(funds.reduce((s, f) => s + fund(f).committedPence, 0)).toBe(m(1_733_000));
    expect(funds.reduce((s, f) => s + fund(f).plannedPence, 0)).toBe(m(551_000));
    // Spend by Police and Crime Plan pillar: every committed pound counts under exactly one main pillar.
    const byPillar = money.priorities.reduce((s: number, p: { committedPence: number }) => s + p.committedPence, 0);
    expect(byPillar).toBe(money.committedPence);
    expect(money.priorities.every((p: { priority: unknown }) => p.priority !== null)).toBe(true);
  });

  it("Wiltshire 2023-24: funding streams and portfolio budgets", async () => {
    const money = await summary("wiltshire", "2023-24");
    expect(money.totalPence).toBe(m(4_561_000));
    const stream = (name: string) => money.streams.find((s: { name: string }) => s.name === name);
    expect(stream("PCC Commissioning Budget")).toMatchObject({ amountPence: m(2_939_000), allocatedPence: m(2_939_000) });
    expect(stream("Ministry of Justice Victims Grant").amountPence).toBe(m(1_367_000));
    expect(stream("Home Office Serious Violence Duty Grant")).toMatchObject({ amountPence: m(255_000), allocatedPence: m(254_000) });
    const portfolio = (name: string | null) => money.portfolios.find((p: { portfolio: { name: string } | null }) => (p.portfolio?.name ?? null) === name);
    expect(portfolio(null).allocatedPence).toBe(m(149_000)); // the pipeline
    for (const row of money.portfolios) expect(row.remainingPence).toBe(row.allocatedPence - row.committedPence - row.plannedPence);
    for (const row of money.streams) expect(row.remainingPence).toBe(row.amountPence - row.committedPence - row.plannedPence);
    // Spend by stream is apportioned from contract spend, so it adds up to the same total.
    expect(money.streams.reduce((s: number, r: { spentPence: number }) => s + r.spentPence, 0)).toBe(money.spentPence);
    expect(money.spentPence).toBeGreaterThan(0);
  });

  it("Wiltshire 2020-21 fund totals and Durham 2018-19 by priority", async () => {
    const wiltshire = await summary("wiltshire", "2020-21");
    expect(wiltshire.streams.find((s: { name: string }) => s.name === "Community Safety Fund").amountPence).toBe(m(2_122_021));
    expect(wiltshire.streams.find((s: { name: string }) => s.name === "Victims Fund").amountPence).toBe(m(841_710));
    const durham = await summary("durham", "2018-19");
    const allocated = (name: string) => durham.portfolios.find((p: { portfolio: { name: string } | null }) => p.portfolio?.name === name).allocatedPence;
    expect([allocated("Victims services"), allocated("Community safety and prevention"), allocated("Reducing reoffending")]).toEqual([m(800_000), m(500_000), m(700_000)]);
  });

  it("lists the re-procurement pipeline with review windows, planned starts and potential values", async () => {
    const result = await server.run<any>(OFFICER, "{ reprocurementPipeline { title reviewWindow plannedStartDate potentialValuePence status } }");
    expect(result.errors).toBeUndefined();
    const rows = result.data!.reprocurementPipeline;
    const windows = rows.map((r: { reviewWindow: string }) => r.reviewWindow);
    expect(windows).toEqual(expect.arrayContaining(["March to May 2023", "April to August 2023", "July to November 2023", "April to December 2023"]));
    expect(rows.map((r: { potentialValuePence: number }) => r.potentialValuePence)).toEqual(expect.arrayContaining([m(500_000), m(120_000), m(220_000), m(90_000)]));
  });
});

describe("funding rules are enforced when money is awarded", () => {
  it("refuses a Police Property Act award over £3,000, naming the rule, and changes nothing", async () => {
    const manager = server.services.db.manager;
    const fund = await manager.findOneByOrFail(FundingStream, { officeId: offices.wiltshire, source: FundingSource.POLICE_PROPERTY_ACT });
    const community = await manager.findOneByOrFail(Provider, { type: ProviderType.VOLUNTARY_COMMUNITY, name: "Harbour Domestic Abuse Services" });
    const contract = await manager.findOneByOrFail(Contract, { officeId: offices.wiltshire, providerId: community.id });
    const award = (amountPence: number, year = "2023-24") => server.run(OFFICER, "mutation($id: Int!, $v: Int!, $lines: [FundingLineInput!]) { updateContract(id: $id, version: $v, input: { fundingLines: $lines }) { fundingLines { amountPence } } }", {
      id: contract.id,
      v: contract.version,
      lines: [{ streamId: fund.id, year, amountPence, status: "COMMITTED" }],
    });
    const over = await award(m(3_000) + 1);
    expect(codes(over)).toEqual(["BAD_USER_INPUT"]);
    expect((over.errors![0] as any).extensions.problems).toEqual([expect.objectContaining({ field: "fundingLines.0.amountPence", rule: "maxAward" })]);
    const unchanged = await manager.findOneByOrFail(Contract, { id: contract.id });
    expect(unchanged.version).toBe(contract.version);

    const twoYears = await server.run(OFFICER, "mutation($id: Int!, $v: Int!, $lines: [FundingLineInput!]) { updateContract(id: $id, version: $v, input: { fundingLines: $lines }) { id } }", {
      id: contract.id,
      v: contract.version,
      lines: [{ streamId: fund.id, year: "2023-24", amountPence: m(1_000), status: "COMMITTED" }, { streamId: fund.id, year: "2024-25", amountPence: m(1_000), status: "PLANNED" }],
    });
    expect(codes(twoYears)).toEqual(["BAD_USER_INPUT"]);
    expect((twoYears.errors![0] as any).extensions.problems.map((p: { rule: string }) => p.rule)).toContain("oneOffOnly");
  });
});
