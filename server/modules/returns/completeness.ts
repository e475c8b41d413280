import { Field, Int, ObjectType } from "type-graphql";
import type { EntityManager } from "typeorm";
import { Contract, ContractStatus } from "../contracts/contract.entities.js";
import { ContractKpi } from "../kpis/kpi.entities.js";
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

/** Counts by portfolio, computed in SQL, plus the office total (portfolioId null) first. */
export async function completeness(manager: EntityManager, officeId: number, periodId: number): Promise<Completeness[]> {
  const rows: Record<string, unknown>[] = await manager
    .createQueryBuilder(Contract, "c")
    .leftJoin(PerformanceReturn, "r", "r.contractId = c.id AND r.periodId = :periodId", { periodId })
    .select('c.portfolioId', "portfolioId")
    .addSelect("COUNT(*)", "due")
    .addSelect("SUM(CASE WHEN r.revisionCount > 0 THEN 1 ELSE 0 END)", "submitted")
    .addSelect("SUM(CASE WHEN r.revisionCount > 0 AND r.late THEN 1 ELSE 0 END)", "late")
    .addSelect("SUM(CASE WHEN r.state = :accepted THEN 1 ELSE 0 END)", "accepted")
    .where("c.officeId = :officeId", { officeId })
    .andWhere("c.status NOT IN (:...idle)", { idle: NOT_REPORTING })
    .andWhere((qb) => `EXISTS ${qb.subQuery().select("1").from(ContractKpi, "k").where("k.contractId = c.id").getQuery()}`)
    .setParameter("accepted", ReturnState.ACCEPTED)
    .groupBy("c.portfolioId")
    .orderBy("c.portfolioId", "ASC")
    .getRawMany();
  const byPortfolio = rows.map((row) => {
    const due = Number(row.due);
    const submitted = Number(row.submitted ?? 0);
    const late = Number(row.late ?? 0);
    return { portfolioId: Number(row.portfolioId), due, submitted, onTime: submitted - late, late, missing: due - submitted, accepted: Number(row.accepted ?? 0) };
  });
  const total = byPortfolio.reduce(
    (sum, p) => ({ ...sum, due: sum.due + p.due, submitted: sum.submitted + p.submitted, onTime: sum.onTime + p.onTime, late: sum.late + p.late, missing: sum.missing + p.missing, accepted: sum.accepted + p.accepted }),
    { portfolioId: null, due: 0, submitted: 0, onTime: 0, late: 0, missing: 0, accepted: 0 } as Completeness,
  );
  return [total, ...byPortfolio];
}
