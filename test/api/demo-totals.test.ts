import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

/** The seed documents' figures, read back through the GraphQL API as a user of each office would. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const ADMIN = "admin@demo.example";
const m = (pounds: number) => Math.round(pounds * 100);

async function officeId(code: string): Promise<number> {
  const result = await server.run<any>(ADMIN, "{ offices { id code } }");
  return result.data!.offices.find((o: { code: string }) => o.code === code).id;
}

async function streams(code: string): Promise<{ name: string; years: { year: string; amountPence: number }[] }[]> {
  const result = await server.run<any>(ADMIN, "query($o: Int) { fundingStreams(officeId: $o) { name years { year amountPence } } }", { o: await officeId(code) });
  expect(result.errors).toBeUndefined();
  return result.data!.fundingStreams;
}

function amountIn(list: Awaited<ReturnType<typeof streams>>, name: string, year: string): number | undefined {
  return list.find((s) => s.name === name)?.years.find((y) => y.year === year)?.amountPence;
}

async function allocations(code: string, year: string): Promise<{ kind: string; amountPence: number; label: string; portfolio: { name: string } | null; stream: { name: string } }[]> {
  const result = await server.run<any>(ADMIN, "query($o: Int, $y: String) { allocations(officeId: $o, year: $y) { kind amountPence label portfolio { name } stream { name } } }", { o: await officeId(code), y: year });
  expect(result.errors).toBeUndefined();
  return result.data!.allocations;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("demo data reproduces the documents' figures", () => {
  it("Wiltshire & Swindon 2023-24: funding streams £2.939m + £1.367m + £0.255m = £4.561m", async () => {
    const list = await streams("wiltshire");
    expect(amountIn(list, "PCC Commissioning Budget", "2023-24")).toBe(m(2_939_000));
    expect(amountIn(list, "Ministry of Justice Victims Grant", "2023-24")).toBe(m(1_367_000));
    expect(amountIn(list, "Home Office Serious Violence Duty Grant", "2023-24")).toBe(m(255_000));
    expect(sum(list.flatMap((s) => s.years.filter((y) => y.year === "2023-24").map((y) => y.amountPence)))).toBe(m(4_561_000));
  });

  it("Wiltshire & Swindon 2023-24: portfolio budgets, pipeline, and the custody and SARC contracts", async () => {
    const pcc = (await allocations("wiltshire", "2023-24")).filter((a) => a.stream.name === "PCC Commissioning Budget");
    const byPortfolio = (name: string) => pcc.filter((a) => a.portfolio?.name === name);
    const core = (name: string) => byPortfolio(name).filter((a) => !/custody|sarc/i.test(a.label));
    expect(sum(core("Prevention & Youth").map((a) => a.amountPence))).toBe(m(567_000));
    expect(sum(core("Victims & Vulnerability").map((a) => a.amountPence))).toBe(m(667_000));
    expect(sum(core("Reducing Reoffending & Criminal Justice").map((a) => a.amountPence))).toBe(m(419_000));
    const pipeline = pcc.filter((a) => a.kind === "PIPELINE");
    expect(sum(pipeline.map((a) => a.amountPence))).toBe(m(149_000));
    const custodyAndSarc = pcc.filter((a) => /custody|sarc/i.test(a.label));
    expect(sum(custodyAndSarc.map((a) => a.amountPence))).toBe(m(1_137_000));
    expect(sum(pcc.map((a) => a.amountPence)) - sum(custodyAndSarc.map((a) => a.amountPence))).toBe(m(1_802_000));
    expect(sum(pcc.map((a) => a.amountPence))).toBe(m(2_939_000));
  });

  it("Wiltshire & Swindon 2020-21: Community Safety Fund £2,122,021, Victims Fund £841,710, £50k for the new Commissioner's pledges", async () => {
    const list = await streams("wiltshire");
    expect(amountIn(list, "Community Safety Fund", "2020-21")).toBe(m(2_122_021));
    expect(amountIn(list, "Victims Fund", "2020-21")).toBe(m(841_710));
    const reserved = (await allocations("wiltshire", "2020-21")).filter((a) => a.kind === "RESERVED");
    expect(reserved.map((a) => a.amountPence)).toEqual([m(50_000)]);
  });

  it("Dorset 2019-20: committed £810k/£178k/£745k/£0 (£1,733k) and planned £523k LIF, £28k CSA (£551k)", async () => {
    const items: { fundingLines: { year: string; amountPence: number; status: string; stream: { name: string } }[] }[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await server.run<any>(ADMIN, "query($o: Int, $off: Int!) { contracts(officeId: $o, first: 100, offset: $off) { hasMore items { fundingLines { year amountPence status stream { name } } } } }", { o: await officeId("dorset"), off: offset });
      expect(page.errors).toBeUndefined();
      items.push(...page.data!.contracts.items);
      if (!page.data!.contracts.hasMore) break;
    }
    const lines = items.flatMap((c) => c.fundingLines).filter((l) => l.year === "2019-20");
    const total = (fund: string, status: string) => sum(lines.filter((l) => l.stream.name === fund && l.status === status).map((l) => l.amountPence));
    const funds = ["Commissioner's Safety Fund", "Local Innovation Fund", "Victims Core Fund", "Victims Fund – CSA Element"];
    expect(funds.map((f) => total(f, "COMMITTED"))).toEqual([m(810_000), m(178_000), m(745_000), 0]);
    expect(funds.map((f) => total(f, "PLANNED"))).toEqual([0, m(523_000), 0, m(28_000)]);
    expect(sum(funds.map((f) => total(f, "COMMITTED")))).toBe(m(1_733_000));
    expect(sum(funds.map((f) => total(f, "PLANNED")))).toBe(m(551_000));
  });

  it("Durham 2018-19: victims £0.8m, community safety and prevention £0.5m, reducing reoffending £0.7m", async () => {
    const list = await allocations("durham", "2018-19");
    const byPortfolio = (name: string) => sum(list.filter((a) => a.portfolio?.name === name).map((a) => a.amountPence));
    expect(byPortfolio("Victims services")).toBe(m(800_000));
    expect(byPortfolio("Community safety and prevention")).toBe(m(500_000));
    expect(byPortfolio("Reducing reoffending")).toBe(m(700_000));
  });

  it("the Police Property Act Fund caps awards at £3,000, one-off, voluntary and community groups only", async () => {
    const result = await server.run<any>(ADMIN, "query($o: Int) { fundingStreams(officeId: $o) { name source maxAwardPence oneOffOnly eligibleRecipientTypes } }", { o: await officeId("wiltshire") });
    const fund = result.data!.fundingStreams.find((s: { source: string }) => s.source === "POLICE_PROPERTY_ACT");
    expect(fund).toMatchObject({ maxAwardPence: m(3_000), oneOffOnly: true, eligibleRecipientTypes: ["VOLUNTARY_COMMUNITY"] });
  });
});
