import type { EntityManager } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, ContractStatus, LifecycleStage, Mechanism } from "../../server/modules/contracts/contract.entities.js";
import { ContractKpi, Direction, Indicator, IndicatorMeasure, Measure, MeasureRole, MeasureUnit } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { OfficeOpenData } from "../../server/modules/opendata/open-data-settings.entity.js";
import { median } from "../../server/modules/benchmarking/benchmark.rules.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { Provider, ProviderType } from "../../server/modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnState, ReturnValue } from "../../server/modules/returns/return.entities.js";
import { Role } from "../../server/modules/users/role.js";
import { User } from "../../server/modules/users/user.entity.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

/*
 * Its own offices in an empty temporary database, so the figures are known exactly:
 *   Alpha, Bravo, Echo share; Charlie does not; Delta shares but reports CLIENTS as a percentage (not comparable).
 *   CLIENTS (count) per quarter: Alpha 10 / 20, Bravo 30 / (submitted only), Echo 50 / 60, Charlie 1000 / 1000.
 *   RATE (%, numerator/denominator): Alpha 5/10 = 50 %, Bravo 9/10 = 90 % in Q1.
 *   ALPHA_ONLY: only Alpha has it.
 */
const Q = [{ year: "2024-25", quarter: 1, start: "2024-04-01", end: "2024-06-30" }, { year: "2024-25", quarter: 2, start: "2024-07-01", end: "2024-09-30" }];

interface OfficeFixture {
  code: string;
  shares: boolean | null;
  clientsUnit?: MeasureUnit;
  clients: Array<{ value: number; state: ReturnState } | null>;
  rate?: { numerator: number; denominator: number };
  alphaOnly?: boolean;
}

const FIXTURES: OfficeFixture[] = [
  { code: "alpha", shares: true, clients: [{ value: 10, state: ReturnState.ACCEPTED }, { value: 20, state: ReturnState.ACCEPTED }], rate: { numerator: 5, denominator: 10 }, alphaOnly: true },
  { code: "bravo", shares: true, clients: [{ value: 30, state: ReturnState.ACCEPTED }, { value: 999, state: ReturnState.SUBMITTED }], rate: { numerator: 9, denominator: 10 } },
  { code: "echo", shares: true, clients: [{ value: 50, state: ReturnState.ACCEPTED }, { value: 60, state: ReturnState.ACCEPTED }] },
  { code: "charlie", shares: null, clients: [{ value: 1000, state: ReturnState.ACCEPTED }, { value: 1000, state: ReturnState.ACCEPTED }] },
  { code: "delta", shares: true, clientsUnit: MeasureUnit.PERCENT, clients: [{ value: 77, state: ReturnState.ACCEPTED }, null] },
];

const QUERY = "query($o: Int) { benchmarks(officeId: $o) { officeId sharing peers indicators { code unit quarters { label own median offices others { officeName value } } } } }";

let server: TestServer;
const officeIds = new Map<string, number>();

async function seedOffice(m: EntityManager, f: OfficeFixture, provider: Provider): Promise<void> {
  const office = await m.save(m.create(Office, { name: `Office ${f.code}`, code: f.code, commissionerTitle: `Commissioner ${f.code}` }));
  officeIds.set(f.code, office.id);
  if (f.shares !== null) await m.save(m.create(OfficeOpenData, { officeId: office.id, publish: false, shareBenchmarks: f.shares }));
  const portfolio = await m.save(m.create(Portfolio, { officeId: office.id, name: "Victims", leadName: null, description: null }));
  const contract = await m.save(
    m.create(Contract, { officeId: office.id, portfolioId: portfolio.id, providerId: provider.id, reference: `${f.code}-1`, title: "Victim service", description: null, mechanism: Mechanism.CONTRACTED_SERVICE, stage: LifecycleStage.DO, status: ContractStatus.LIVE, startDate: "2024-04-01", endDate: "2025-03-31", annualValuePence: 100_000_00, mainPriorityId: null, reviewWindow: null, plannedStartDate: null, potentialValuePence: null }),
  );
  const measure = async (code: string) => m.save(m.create(Measure, { officeId: office.id, code, name: code, description: null, unit: MeasureUnit.COUNT, minValue: 0, maxValue: null }));
  const indicator = async (code: string, unit: MeasureUnit, numerator: Measure, denominator?: Measure) => {
    const i = await m.save(m.create(Indicator, { officeId: office.id, code, name: `${code} in ${f.code}`, factor: denominator ? 100 : 1, unit, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 0 }));
    await m.save(m.create(IndicatorMeasure, { indicatorId: i.id, measureId: numerator.id, role: MeasureRole.NUMERATOR }));
    if (denominator) await m.save(m.create(IndicatorMeasure, { indicatorId: i.id, measureId: denominator.id, role: MeasureRole.DENOMINATOR }));
    await m.save(m.create(ContractKpi, { contractId: contract.id, indicatorId: i.id }));
  };
  const clients = await measure("CLIENTS_M");
  await indicator("CLIENTS", f.clientsUnit ?? MeasureUnit.COUNT, clients);
  const [num, den] = f.rate ? [await measure("RATE_N"), await measure("RATE_D")] : [];
  if (f.rate) await indicator("RATE", MeasureUnit.PERCENT, num!, den!);
  if (f.alphaOnly) await indicator("ALPHA_ONLY", MeasureUnit.COUNT, clients);

  for (const [i, q] of Q.entries()) {
    const period = await m.save(m.create(ReportingPeriod, { officeId: office.id, year: q.year, quarter: q.quarter, startDate: q.start, endDate: q.end, dueDate: q.end, state: PeriodState.CLOSED }));
    const figure = f.clients[i];
    if (!figure) continue;
    const ret = await m.save(m.create(PerformanceReturn, { contractId: contract.id, periodId: period.id, state: figure.state, revisionCount: 1, late: false, acceptedAt: figure.state === ReturnState.ACCEPTED ? new Date() : null }));
    await m.save(m.create(ReturnValue, { returnId: ret.id, measureId: clients.id, value: figure.value, comment: null }));
    if (f.rate && i === 0) {
      await m.save(m.create(ReturnValue, { returnId: ret.id, measureId: num!.id, value: f.rate.numerator, comment: null }));
      await m.save(m.create(ReturnValue, { returnId: ret.id, measureId: den!.id, value: f.rate.denominator, comment: null }));
    }
  }
}

beforeAll(async () => {
  server = await startTestServer({ seed: false });
  await server.services.writer.dataSource.transaction(async (m) => {
    const provider = await m.save(m.create(Provider, { name: "Shared Charity", type: ProviderType.VOLUNTARY_COMMUNITY, charityNumber: "1000001", companyNumber: null }));
    for (const f of FIXTURES) await seedOffice(m, f, provider);
    const user = (email: string, role: Role, office: string | null, providerId: number | null = null) =>
      m.save(m.create(User, { email, name: email, passwordHash: "not-used", role, officeId: office ? officeIds.get(office)! : null, providerId }));
    await user("commissioner@alpha.test", Role.COMMISSIONER, "alpha");
    await user("officer@alpha.test", Role.OFFICER, "alpha");
    await user("analyst@alpha.test", Role.ANALYST, "alpha");
    await user("officer@charlie.test", Role.OFFICER, "charlie");
    await user("provider@shared.test", Role.PROVIDER, null, provider.id);
    await user("admin@hub.test", Role.ADMIN, null);
  });
});
afterAll(async () => server?.close());

describe("benchmarking across offices", () => {
  it("the median is the middle value, or the mean of the middle two", () => {
    expect(median([])).toBeNull();
    expect(median([30, 10, 50])).toBe(30);
    expect(median([10, 30])).toBe(20);
  });

  it("shows an officer their office's figure beside each sharing office's and the median, by quarter, for indicators in common", async () => {
    const result = await server.http<any>("officer@alpha.test", QUERY);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    const b = result.data!.benchmarks;
    expect(b.sharing).toBe(true);
    expect(b.peers).toEqual(["Office bravo", "Office delta", "Office echo"]);
    // ALPHA_ONLY has no peer; Delta's CLIENTS is a percentage, so it is not compared.
    expect(b.indicators.map((i: any) => i.code)).toEqual(["CLIENTS", "RATE"]);
    const clients = b.indicators[0];
    expect(clients.quarters).toEqual([
      { label: "2024-25 Q1", own: 10, median: 30, offices: 3, others: [{ officeName: "Office bravo", value: 30 }, { officeName: "Office echo", value: 50 }] },
      // Bravo's Q2 return is submitted, not accepted: no figure, and not in the median.
      { label: "2024-25 Q2", own: 20, median: 40, offices: 2, others: [{ officeName: "Office bravo", value: null }, { officeName: "Office echo", value: 60 }] },
    ]);
    const rate = b.indicators[1];
    expect(rate.quarters).toEqual([{ label: "2024-25 Q1", own: 50, median: 70, offices: 2, others: [{ officeName: "Office bravo", value: 90 }] }]);
    // Charlie does not share: its 1000 is nowhere.
    expect(JSON.stringify(b)).not.toContain("charlie");
    expect(JSON.stringify(b)).not.toContain("1000");
  });

  it("shows the same to the Commissioner and the Panel analyst", async () => {
    const officer = await server.run<any>("officer@alpha.test", QUERY);
    for (const who of ["commissioner@alpha.test", "analyst@alpha.test"]) {
      const seen = await server.run<any>(who, QUERY);
      expect(seen.errors).toBeUndefined();
      expect(seen.data).toEqual(officer.data);
    }
  });

  it("never shows providers anything, over HTTP or in-process", async () => {
    expect(codes(await server.run("provider@shared.test", QUERY))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run("provider@shared.test", QUERY, { o: officeIds.get("alpha") }))).toEqual(["FORBIDDEN"]);
    const overHttp = await server.http("provider@shared.test", QUERY);
    expect(codes(overHttp)).toEqual(["FORBIDDEN"]);
    expect(overHttp.data?.benchmarks ?? null).toBeNull();
    expect(codes(await server.run(null, QUERY))).toEqual(["UNAUTHENTICATED"]);
  });

  it("shows an office that does not share nobody else's figures, and never lets one office ask as another", async () => {
    const charlie = await server.run<any>("officer@charlie.test", QUERY);
    expect(charlie.data!.benchmarks).toEqual({ officeId: officeIds.get("charlie"), sharing: false, peers: [], indicators: [] });
    expect(codes(await server.run("officer@charlie.test", QUERY, { o: officeIds.get("alpha") }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run("officer@alpha.test", QUERY, { o: officeIds.get("bravo") }))).toEqual(["FORBIDDEN"]);
  });

  it("drops an office from everyone's comparison as soon as it stops sharing", async () => {
    const bravo = officeIds.get("bravo")!;
    const admin = await server.run<any>("admin@hub.test", "query($o: Int) { openDataSettings(officeId: $o) { version } }", { o: bravo });
    const stopped = await server.run("admin@hub.test", "mutation($o: Int, $v: Int!) { setOpenDataSettings(input: { officeId: $o, shareBenchmarks: false }, version: $v) { shareBenchmarks } }", { o: bravo, v: admin.data!.openDataSettings.version });
    expect(stopped.errors).toBeUndefined();
    const after = (await server.run<any>("officer@alpha.test", QUERY)).data!.benchmarks;
    expect(after.peers).toEqual(["Office delta", "Office echo"]);
    expect(after.indicators.map((i: any) => i.code)).toEqual(["CLIENTS"]);
    expect(after.indicators[0].quarters[0]).toEqual({ label: "2024-25 Q1", own: 10, median: 30, offices: 2, others: [{ officeName: "Office echo", value: 50 }] });
  });
});
