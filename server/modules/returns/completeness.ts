import { Field, Int, ObjectType } from "type-graphql";
import type { EntityManager } from "typeorm";
import { Contract, ContractStatus } from "../contracts/contract.entities.js";
import { ContractKpi } from "../kpis/kpi.entities.js";
import { isReturnDue } from "../contracts/reporting-schedule.js";
import type { Quarter } from "../periods/financial-year.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnState } from "./return.entities.js";

/** Contracts in these states owe no returns. */
export const NOT_REPORTING = [ContractStatus.PIPELINE, ContractStatus.ENDED, ContractStatus.DECOMMISSIONED];

@ObjectType({ description: "Timeliness and completeness of returns for a period: for an office, or one portfolio." })
export class Completeness {
  @Field(() => Int, { nullable: true, description: "Null for the office-wide total." })
  portfolioId!: number | null;

  @Field(() => Int, { description: "Contracts with KPIs that owe a return for the period." })
  due!: number;

  @Field(() => Int, { description: "Submitted at least once (whatever happened next)." })
  submitted!: number;

  @Field(() => Int)
  onTime!: number;

  @Field(() => Int)
  late!: number;

  @Field(() => Int, { description: "Due but never submitted." })
  missing!: number;

  @Field(() => Int)
  accepted!: number;
}

/**
 * Counts by portfolio, plus the office total (portfolioId null) first. One query fetches each reporting contract
 * with its return for the period (if any); whether a return is due follows the contract's reporting schedule
 * (isReturnDue), so nothing counts as missing in a quarter its schedule does not ask for.
 */
export async function completeness(manager: EntityManager, officeId: number, periodId: number): Promise<Completeness[]> {
  const period = await manager.findOneByOrFail(ReportingPeriod, { id: periodId });
  const rows: Record<string, unknown>[] = await manager
    .createQueryBuilder(Contract, "c")
    .leftJoin(PerformanceReturn, "r", "r.contractId = c.id AND r.periodId = :periodId", { periodId })
    .select('c.portfolioId', "portfolioId")
    .addSelect("c.reportingSchedule", "reportingSchedule")
    .addSelect("c.startDate", "startDate")
    .addSelect("c.endDate", "endDate")
    .addSelect("r.revisionCount", "revisionCount")
    .addSelect("r.late", "late")
    .addSelect("r.state", "state")
    .where("c.officeId = :officeId", { officeId })
    .andWhere("c.status NOT IN (:...idle)", { idle: NOT_REPORTING })
    .andWhere((qb) => `EXISTS ${qb.subQuery().select("1").from(ContractKpi, "k").where("k.contractId = c.id").getQuery()}`)
    .getRawMany();
  const byPortfolio = new Map<number, Completeness>();
  for (const row of rows) {
    if (!isReturnDue({ reportingSchedule: String(row.reportingSchedule), startDate: isoOrNull(row.startDate), endDate: isoOrNull(row.endDate) }, period as Quarter)) continue;
    const portfolioId = Number(row.portfolioId);
    let p = byPortfolio.get(portfolioId);
    if (!p) byPortfolio.set(portfolioId, (p = { portfolioId, due: 0, submitted: 0, onTime: 0, late: 0, missing: 0, accepted: 0 }));
    const submitted = Number(row.revisionCount ?? 0) > 0;
    const late = submitted && Boolean(Number(row.late ?? 0) || row.late === true);
    p.due += 1;
    if (submitted) p.submitted += 1;
    else p.missing += 1;
    if (late) p.late += 1;
    else if (submitted) p.onTime += 1;
    if (row.state === ReturnState.ACCEPTED) p.accepted += 1;
  }
  const list = [...byPortfolio.values()].sort((a, b) => a.portfolioId! - b.portfolioId!);
  const total = list.reduce(
    (sum, p) => ({ ...sum, due: sum.due + p.due, submitted: sum.submitted + p.submitted, onTime: sum.onTime + p.onTime, late: sum.late + p.late, missing: sum.missing + p.missing, accepted: sum.accepted + p.accepted }),
    { portfolioId: null, due: 0, submitted: 0, onTime: 0, late: 0, missing: 0, accepted: 0 } as Completeness,
  );
  return [total, ...list];
}

/** Drivers return dates as strings (SQLite) or Date objects (PostgreSQL). */
export function isoOrNull(value: unknown): string | null {
  if (value == null) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}
