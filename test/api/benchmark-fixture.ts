import type { DataSource, EntityManager } from "typeorm";
import { Contract, ContractStatus, LifecycleStage, Mechanism } from "../../server/modules/contracts/contract.entities.js";
import { ContractKpi, Direction, Indicator, IndicatorMeasure, Measure, MeasureRole, MeasureUnit } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { OfficeOpenData } from "../../server/modules/opendata/open-data-settings.entity.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { Provider, ProviderType } from "../../server/modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnState, ReturnValue } from "../../server/modules/returns/return.entities.js";
import { Role } from "../../server/modules/users/role.js";
import { User } from "../../server/modules/users/user.entity.js";

/*
 * Its own offices in an empty temporary database, so the figures are known exactly:
 *   Alpha, Bravo, Echo share; Charlie does not; Delta shares but reports CLIENTS as a percentage (not comparable).
 *   CLIENTS (count) per quarter: Alpha 10 / 20, Bravo 30 / (submitted only), Echo 50 / 60, Charlie 1000 / 1000.
 *   RATE (%, numerator/denominator): Alpha 5/10 = 50 %, Bravo 9/10 = 90 % in Q1.
 *   ALPHA_ONLY: only Alpha has it.
 */
export const Q = [{ year: "2024-25", quarter: 1, start: "2024-04-01", end: "2024-06-30" }, { year: "2024-25", quarter: 2, start: "2024-07-01", end: "2024-09-30" }];

interface OfficeFixture {
  code: string;
  shares: boolean | null;
  clientsUnit?: MeasureUnit;
  clients: Array<{ value: number; state: ReturnState } | null>;
  rate?: { numerator: number; denominator: number };
  alphaOnly?: boolean;
}

export const FIXTURES: OfficeFixture[] = [
  { code: "alpha", shares: true, clients: [{ value: 10, state: ReturnState.ACCEPTED }, { value: 20, state: ReturnState.ACCEPTED }], rate: { numerator: 5, denominator: 10 }, alphaOnly: true },
  { code: "bravo", shares: true, clients: [{ value: 30, state: ReturnState.ACCEPTED }, { value: 999, state: ReturnState.SUBMITTED }], rate: { numerator: 9, denominator: 10 } },
  { code: "echo", shares: true, clients: [{ value: 50, state: ReturnState.ACCEPTED }, { value: 60, state: ReturnState.ACCEPTED }] },
  { code: "charlie", shares: null, clients: [{ value: 1000, state: ReturnState.ACCEPTED }, { value: 1000, state: ReturnState.ACCEPTED }] },
  { code: "delta", shares: true, clientsUnit: MeasureUnit.PERCENT, clients: [{ value: 77, state: ReturnState.ACCEPTED }, null] },
];

async function seedOffice(m: EntityManager, f: OfficeFixture, provider: Provider, officeIds: Map<string, number>): Promise<void> {
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

/** Inserts the benchmark offices, their data and their users (emails below) into a real database, in one transaction. */
export async function seedBenchmarkOffices(dataSource: DataSource): Promise<Map<string, number>> {
  const officeIds = new Map<string, number>();
  await dataSource.transaction(async (m) => {
    const provider = await m.save(m.create(Provider, { name: "Shared Charity", type: ProviderType.VOLUNTARY_COMMUNITY, charityNumber: "1000001", companyNumber: null }));
    for (const f of FIXTURES) await seedOffice(m, f, provider, officeIds);
    const user = (email: string, role: Role, office: string | null, providerId: number | null = null) =>
      m.save(m.create(User, { email, name: email, passwordHash: "not-used", role, officeId: office ? officeIds.get(office)! : null, providerId }));
    await user("commissioner@alpha.test", Role.COMMISSIONER, "alpha");
    await user("officer@alpha.test", Role.OFFICER, "alpha");
    await user("analyst@alpha.test", Role.ANALYST, "alpha");
    await user("officer@charlie.test", Role.OFFICER, "charlie");
    await user("provider@shared.test", Role.PROVIDER, null, provider.id);
    await user("admin@hub.test", Role.ADMIN, null);
  });
  return officeIds;
}
