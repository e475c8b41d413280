import { In, type EntityManager } from "typeorm";
import { PUBLIC_RETURN_STATES, publicCanSeeDecision } from "../../auth/public-access.js";
import { AuditEvent } from "../audit/audit-event.entity.js";
import { CoCommissioner, Contract, ContractSpend, FundingLine, Mechanism } from "../contracts/contract.entities.js";
import { Decision, DecisionKind } from "../decisions/decision.entity.js";
import { FundingSource, FundingStream } from "../funding/funding.entities.js";
import { ContractKpi, Indicator, IndicatorMeasure, MeasureRole, Target } from "../kpis/kpi.entities.js";
import { Office } from "../offices/office.entity.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { Provider } from "../providers/provider.entity.js";
import { PerformanceReturn, ReturnValue } from "../returns/return.entities.js";
import { actual, type IndicatorRule } from "../scorecards/scorecard.rules.js";
import { OfficeOpenData } from "./open-data-settings.entity.js";

/** One accepted quarter of one indicator on one contract: the figure the open data publishes. */
export interface Observation {
  indicatorId: number;
  year: string;
  quarter: number;
  value: number;
  acceptedAt: Date | null;
}

/** A contract with everything the open-data formats need, loaded in a fixed number of queries. */
export interface ContractRecord {
  contract: Contract;
  provider: Provider;
  coCommissioners: CoCommissioner[];
  fundingLines: Array<FundingLine & { stream: FundingStream }>;
  spend: ContractSpend[];
  kpis: Indicator[];
  targets: Target[];
  /** From ACCEPTED returns only. */
  observations: Observation[];
  /** Published AWARD decisions about the contract, oldest first. */
  awardDecisions: Decision[];
  /** When the contract, its money, KPIs, targets or accepted figures last changed. */
  lastChanged: Date;
}

export interface OfficeRecords {
  office: Office;
  settings: OfficeOpenData | null;
  contracts: ContractRecord[];
}

/** Where the grant's money comes from makes it a community grant (Police Property Act receipts), whatever the mechanism says. */
const COMMUNITY_GRANT_SOURCES = [FundingSource.POLICE_PROPERTY_ACT];

/**
 * Everything an office's open data is made of. Only ACCEPTED returns contribute figures, and no narrative,
 * no revision and no user is read at all: what is not loaded cannot leak.
 */
export async function loadOfficeRecords(manager: EntityManager, officeId: number): Promise<OfficeRecords> {
  const office = await manager.findOneByOrFail(Office, { id: officeId });
  const settings = await manager.findOneBy(OfficeOpenData, { officeId });
  const contracts = await manager.find(Contract, { where: { officeId }, order: { reference: "ASC" } });
  if (!contracts.length) return { office, settings, contracts: [] };
  const contractIds = contracts.map((c) => c.id);

  const [providers, coCommissioners, fundingLines, spend, kpis, targets, decisions, audits] = await Promise.all([
    manager.findBy(Provider, { id: In([...new Set(contracts.map((c) => c.providerId))]) }),
    manager.find(CoCommissioner, { where: { contractId: In(contractIds) }, order: { id: "ASC" } }),
    manager.find(FundingLine, { where: { contractId: In(contractIds) }, relations: { stream: true }, order: { year: "ASC", id: "ASC" } }),
    manager.find(ContractSpend, { where: { contractId: In(contractIds) }, order: { year: "ASC", quarter: "ASC" } }),
    manager.find(ContractKpi, { where: { contractId: In(contractIds) }, relations: { indicator: true }, order: { id: "ASC" } }),
    manager.find(Target, { where: { contractId: In(contractIds) }, order: { year: "ASC", quarter: "ASC" } }),
    manager.find(Decision, { where: { contractId: In(contractIds), published: true }, order: { decidedOn: "ASC", id: "ASC" } }),
    manager
      .createQueryBuilder(AuditEvent, "a")
      .select(["a.entityId AS \"contractId\"", "MAX(a.at) AS at"])
      .where("a.entityType = :type", { type: "Contract" })
      .andWhere("a.entityId IN (:...ids)", { ids: contractIds })
      .groupBy("a.entityId")
      .getRawMany<{ contractId: number; at: string | Date }>(),
  ]);
  const observations = await acceptedObservations(manager, officeId);
  // A changed target changes the release too: its audit rows date it.
  const targetAudits = targets.length
    ? await manager
        .createQueryBuilder(AuditEvent, "a")
        .select(["a.entityId AS \"targetId\"", "MAX(a.at) AS at"])
        .where("a.entityType = :type", { type: "Target" })
        .andWhere("a.entityId IN (:...ids)", { ids: targets.map((t) => t.id) })
        .groupBy("a.entityId")
        .getRawMany<{ targetId: number; at: string | Date }>()
    : [];
  const targetChanged = new Map(targetAudits.map((a) => [Number(a.targetId), new Date(a.at)]));

  const providerById = new Map(providers.map((p) => [p.id, p]));
  const group = <T extends { contractId: number | null }>(rows: T[]) => {
    const map = new Map<number, T[]>();
    for (const row of rows) {
      if (row.contractId == null) continue;
      const list = map.get(row.contractId) ?? [];
      list.push(row);
      map.set(row.contractId, list);
    }
    return (id: number) => map.get(id) ?? [];
  };
  const coOf = group(coCommissioners);
  const linesOf = group(fundingLines as Array<FundingLine & { stream: FundingStream }>);
  const spendOf = group(spend);
  const kpisOf = group(kpis);
  const targetsOf = group(targets);
  const decisionsOf = group(decisions);
  const observationsOf = new Map<number, Observation[]>();
  for (const o of observations) observationsOf.set(o.contractId, [...(observationsOf.get(o.contractId) ?? []), o]);
  const auditOf = new Map(audits.map((a) => [Number(a.contractId), new Date(a.at)]));

  return {
    office,
    settings,
    contracts: contracts.map((contract) => {
      const own = observationsOf.get(contract.id) ?? [];
      const dates = [contract.updatedAt, auditOf.get(contract.id), ...own.map((o) => o.acceptedAt), ...targetsOf(contract.id).map((t) => targetChanged.get(t.id))].filter((d): d is Date => d instanceof Date && !Number.isNaN(d.getTime()));
      return {
        contract,
        provider: providerById.get(contract.providerId)!,
        coCommissioners: coOf(contract.id),
        fundingLines: linesOf(contract.id),
        spend: spendOf(contract.id),
        kpis: kpisOf(contract.id).map((k) => k.indicator!).filter(Boolean),
        targets: targetsOf(contract.id),
        observations: own,
        awardDecisions: decisionsOf(contract.id).filter((d) => d.kind === DecisionKind.AWARD && publicCanSeeDecision(d)),
        lastChanged: new Date(Math.max(...dates.map((d) => d.getTime()))),
      };
    }),
  };
}

/** A grant for 360Giving: awarded under the grant mechanism, or paid from a community grant scheme's receipts. */
export function isGrant(record: ContractRecord): boolean {
  return record.contract.mechanism === Mechanism.GRANT || record.fundingLines.some((line) => COMMUNITY_GRANT_SOURCES.includes(line.stream.source));
}

/**
 * Each contract's indicator figures per quarter from ACCEPTED returns only, in one aggregate query: the same
 * sums the scorecards use (numerator and denominator measures), turned into a value by the scorecard rule.
 * Unlike the scorecard it keeps ended and decommissioned contracts: their accepted figures stay true.
 */
async function acceptedObservations(manager: EntityManager, officeId: number): Promise<Array<Observation & { contractId: number }>> {
  const rows = await manager
    .createQueryBuilder(ReturnValue, "v")
    .innerJoin(PerformanceReturn, "r", "r.id = v.returnId")
    .innerJoin(Contract, "c", "c.id = r.contractId")
    .innerJoin(ReportingPeriod, "p", "p.id = r.periodId")
    .innerJoin(ContractKpi, "k", "k.contractId = c.id")
    .innerJoin(IndicatorMeasure, "im", "im.indicatorId = k.indicatorId AND im.measureId = v.measureId")
    .select([
      "r.contractId AS \"contractId\"",
      "p.year AS year",
      "p.quarter AS quarter",
      "MAX(r.acceptedAt) AS \"acceptedAt\"",
      "im.indicatorId AS \"indicatorId\"",
      "im.role AS role",
      "SUM(v.value) AS total",
    ])
    .where("c.officeId = :officeId", { officeId })
    .andWhere("r.state IN (:...states)", { states: PUBLIC_RETURN_STATES })
    .groupBy("r.contractId")
    .addGroupBy("p.year")
    .addGroupBy("p.quarter")
    .addGroupBy("im.indicatorId")
    .addGroupBy("im.role")
    .getRawMany<{ contractId: number; year: string; quarter: number; acceptedAt: string | Date | null; indicatorId: number; role: MeasureRole; total: number | string | null }>();
  if (!rows.length) return [];
  const indicatorIds = [...new Set(rows.map((r) => Number(r.indicatorId)))];
  const [indicators, denominators] = await Promise.all([
    manager.findBy(Indicator, { id: In(indicatorIds) }),
    manager.findBy(IndicatorMeasure, { indicatorId: In(indicatorIds), role: MeasureRole.DENOMINATOR }),
  ]);
  const withDenominator = new Set(denominators.map((d) => d.indicatorId));
  const rules = new Map<number, IndicatorRule>(indicators.map((i) => [i.id, { factor: i.factor, direction: i.direction, amberTolerance: i.amberTolerance, hasDenominator: withDenominator.has(i.id) }]));

  const cells = new Map<string, { contractId: number; indicatorId: number; year: string; quarter: number; numerator: number; denominator: number; acceptedAt: Date | null }>();
  for (const row of rows) {
    const k = `${row.contractId}:${row.indicatorId}:${row.year}:${row.quarter}`;
    let cell = cells.get(k);
    if (!cell) cells.set(k, (cell = { contractId: Number(row.contractId), indicatorId: Number(row.indicatorId), year: row.year, quarter: Number(row.quarter), numerator: 0, denominator: 0, acceptedAt: null }));
    if (row.role === MeasureRole.NUMERATOR) cell.numerator += Number(row.total ?? 0);
    else cell.denominator += Number(row.total ?? 0);
    if (row.acceptedAt) cell.acceptedAt = new Date(row.acceptedAt);
  }
  const out: Array<Observation & { contractId: number }> = [];
  for (const cell of cells.values()) {
    const value = actual(rules.get(cell.indicatorId)!, { numerator: cell.numerator, denominator: cell.denominator });
    if (value == null || !Number.isFinite(value)) continue;
    out.push({ contractId: cell.contractId, indicatorId: cell.indicatorId, year: cell.year, quarter: cell.quarter, value, acceptedAt: cell.acceptedAt });
  }
  return out.sort((a, b) => a.contractId - b.contractId || a.indicatorId - b.indicatorId || a.year.localeCompare(b.year) || a.quarter - b.quarter);
}
