import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { Direction, Indicator, Measure, MeasureUnit } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { Provider, ProviderType } from "../../server/modules/providers/provider.entity.js";
import { User } from "../../server/modules/users/user.entity.js";
import { hashPassword } from "../../server/auth/passwords.js";
import { defaultDueDate, quarterDates, quarterFromIndex } from "../../server/modules/periods/financial-year.js";

export interface BenchShape {
  portfolios: number;
  contractsPerPortfolio: number;
  measures: number;
  quarters: number;
}

export interface BenchIds {
  officeId: number;
  portfolioIds: number[];
  periodIds: number[];
  officerEmail: string;
  password: string;
  values: number;
}

/** Inserts many rows per statement, within SQLite's limit on bound parameters. */
async function insertMany(db: DataSource, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
  const pg = db.options.type === "postgres";
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    let n = 0;
    const placeholders = chunk.map((row) => `(${row.map(() => (pg ? `$${++n}` : "?")).join(", ")})`).join(", ");
    await db.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${placeholders}`, chunk.flat());
  }
}

/**
 * A synthetic office large enough to matter: portfolios × contracts, each reporting every measure through
 * half ratio and half count indicators, with an accepted return every quarter. Deterministic.
 */
export async function generate(db: DataSource, shape: BenchShape): Promise<BenchIds> {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const now = new Date().toISOString();
  const password = "bench-password-2026";
  const one = async (entity: EntityTarget<ObjectLiteral>, values: ObjectLiteral) => Number((await db.manager.insert(entity, values)).identifiers[0].id);
  const p = (i: number) => (db.options.type === "postgres" ? `$${i}` : "?");

  const officeId = await one(Office, { name: `Bench Office ${Date.now()}`, code: `bench-${Date.now()}`, commissionerTitle: "Bench Commissioner" });
  const officerEmail = `officer-${officeId}@bench.example`;
  await insertMany(db, "user", ["email", "name", "passwordHash", "role", "officeId", "active", "tokenVersion", "createdAt"], [[officerEmail, "Bench Officer", await hashPassword(password), "OFFICER", officeId, true, 0, now]]);
  const providerId = await one(Provider, { name: `Bench Provider ${officeId}`, type: ProviderType.VOLUNTARY_COMMUNITY });

  const portfolioIds: number[] = [];
  for (let i = 0; i < shape.portfolios; i++) {
    portfolioIds.push(await one(Portfolio, { officeId, name: `Portfolio ${i + 1}` }));
  }
  const measureIds: number[] = [];
  for (let i = 0; i < shape.measures; i++) {
    measureIds.push(await one(Measure, { officeId, code: `M${i}`, name: `Measure ${i}`, unit: MeasureUnit.COUNT, minValue: 0 }));
  }
  // Pairs of measures: even indicators are ratios (numerator ≤ denominator), odd ones plain counts.
  const indicatorIds: number[] = [];
  const links: unknown[][] = [];
  for (let i = 0; i < shape.measures / 2; i++) {
    const ratio = i % 2 === 0;
    const id = await one(Indicator, { officeId, code: `I${i}`, name: `Indicator ${i}`, factor: ratio ? 100 : 1, unit: ratio ? MeasureUnit.PERCENT : MeasureUnit.COUNT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 });
    indicatorIds.push(id);
    links.push([id, measureIds[2 * i], "NUMERATOR"]);
    if (ratio) links.push([id, measureIds[2 * i + 1], "DENOMINATOR"]);
    else links.push([id, measureIds[2 * i + 1], "NUMERATOR"]);
  }
  await insertMany(db, "indicator_measure", ["indicatorId", "measureId", "role"], links);

  const periodIds: number[] = [];
  const firstQuarter = 2016 * 4;
  for (let q = 0; q < shape.quarters; q++) {
    const quarter = quarterFromIndex(firstQuarter + q);
    const { start, end } = quarterDates(quarter);
    periodIds.push(await one(ReportingPeriod, { officeId, year: quarter.year, quarter: quarter.quarter, startDate: start, endDate: end, dueDate: defaultDueDate(quarter), state: PeriodState.CLOSED }));
  }

  const contracts: unknown[][] = [];
  for (const portfolioId of portfolioIds) {
    for (let c = 0; c < shape.contractsPerPortfolio; c++) contracts.push([officeId, portfolioId, providerId, `B-${portfolioId}-${c}`, `Bench service ${portfolioId}/${c}`, "GRANT", "DO", "LIVE", 1, now, now]);
  }
  await insertMany(db, "contract", ["officeId", "portfolioId", "providerId", "reference", "title", "mechanism", "stage", "status", "version", "createdAt", "updatedAt"], contracts);
  const contractIds: number[] = (await db.query(`SELECT id FROM "contract" WHERE "officeId" = ${p(1)} ORDER BY id`, [officeId])).map((r: { id: number }) => Number(r.id));
  await insertMany(db, "contract_kpi", ["contractId", "indicatorId"], contractIds.flatMap((contractId) => indicatorIds.map((indicatorId) => [contractId, indicatorId])));

  const returns: unknown[][] = [];
  for (const contractId of contractIds) for (const periodId of periodIds) returns.push([contractId, periodId, "ACCEPTED", 1, false, 1, now, now, now, now]);
  await insertMany(db, "performance_return", ["contractId", "periodId", "state", "revisionCount", "late", "version", "submittedAt", "acceptedAt", "createdAt", "updatedAt"], returns);
  const returnRows: { id: number }[] = await db.query(`SELECT r.id FROM "performance_return" r JOIN "contract" c ON c.id = r."contractId" WHERE c."officeId" = ${p(1)} ORDER BY r.id`, [officeId]);

  const officer = await db.manager.findOneByOrFail(User, { email: officerEmail });
  const narrative = JSON.stringify({ achievements: null, challenges: null, caseStudy: null, emergingRisks: null, spendPence: null });
  let values = 0;
  const batch: unknown[][] = [];
  const revisions: unknown[][] = [];
  const flush = async () => {
    values += batch.length;
    await insertMany(db, "return_value", ["returnId", "measureId", "value"], batch.splice(0));
    await insertMany(db, "return_revision", ["returnId", "number", "values", "narrative", "submittedById", "submittedAt", "late", "outcome", "reviewedById", "reviewedAt"], revisions.splice(0));
  };
  for (const { id } of returnRows) {
    const submitted: { measureId: number; value: number; comment: null }[] = [];
    for (let i = 0; i < measureIds.length; i += 2) {
      const denominator = 20 + Math.floor(random() * 200);
      const numerator = Math.floor(denominator * (0.5 + random() * 0.5));
      batch.push([Number(id), measureIds[i], numerator], [Number(id), measureIds[i + 1], denominator]);
      submitted.push({ measureId: measureIds[i], value: numerator, comment: null }, { measureId: measureIds[i + 1], value: denominator, comment: null });
    }
    revisions.push([Number(id), 1, JSON.stringify(submitted), narrative, officer.id, now, false, "ACCEPTED", officer.id, now]);
    if (batch.length >= 50_000) await flush();
  }
  await flush();
  await db.query(db.options.type === "postgres" ? "ANALYZE" : "ANALYZE");
  return { officeId, portfolioIds, periodIds, officerEmail, password, values };
}
