import { In, type EntityManager } from "typeorm";
import { Contract } from "../contracts/contract.entities.js";
import { ContractKpi, IndicatorMeasure, Measure } from "../kpis/kpi.entities.js";
import { PerformanceReturn, ReturnRevision, ReturnState, ReturnValue } from "../returns/return.entities.js";
import { NOT_REPORTING } from "../returns/completeness.js";
import { User } from "../users/user.entity.js";
import type { ProvenanceEntry } from "./scorecard.types.js";

/** The returns, values and people behind one scorecard cell. */
export async function provenance(
  manager: EntityManager,
  cell: { officeId: number; portfolioId: number | null; contractId: number | null; indicatorId: number; periodId: number; includeSubmitted: boolean },
): Promise<ProvenanceEntry[]> {
  const states = cell.includeSubmitted ? [ReturnState.ACCEPTED, ReturnState.SUBMITTED] : [ReturnState.ACCEPTED];
  const query = manager
    .createQueryBuilder(PerformanceReturn, "r")
    .innerJoin(Contract, "c", "c.id = r.contractId")
    .innerJoin(ContractKpi, "k", "k.contractId = c.id AND k.indicatorId = :indicatorId", { indicatorId: cell.indicatorId })
    .where("c.officeId = :officeId", { officeId: cell.officeId })
    .andWhere("c.status NOT IN (:...idle)", { idle: NOT_REPORTING })
    .andWhere("r.periodId = :periodId", { periodId: cell.periodId })
    .andWhere("r.state IN (:...states)", { states });
  if (cell.portfolioId != null) query.andWhere("c.portfolioId = :portfolioId", { portfolioId: cell.portfolioId });
  if (cell.contractId != null) query.andWhere("c.id = :contractId", { contractId: cell.contractId });
  const returns = await query.orderBy("r.contractId", "ASC").getMany();
  if (!returns.length) return [];

  const returnIds = returns.map((r) => r.id);
  const [contracts, links, values, revisions] = await Promise.all([
    manager.findBy(Contract, { id: In(returns.map((r) => r.contractId)) }),
    manager.findBy(IndicatorMeasure, { indicatorId: cell.indicatorId }),
    manager.findBy(ReturnValue, { returnId: In(returnIds) }),
    manager.findBy(ReturnRevision, { returnId: In(returnIds) }),
  ]);
  const measures = await manager.findBy(Measure, { id: In(links.map((l) => l.measureId)) });
  const latest = new Map<number, ReturnRevision>();
  for (const revision of revisions) if ((latest.get(revision.returnId)?.number ?? 0) < revision.number) latest.set(revision.returnId, revision);
  const userIds = [...new Set([...latest.values()].map((r) => r.submittedById).concat(returns.map((r) => r.acceptedById).filter((id): id is number => id != null)))];
  const users = new Map((await manager.findBy(User, { id: In(userIds) })).map((u) => [u.id, u.name]));
  const contractById = new Map(contracts.map((c) => [c.id, c]));
  const codeOf = new Map(measures.map((m) => [m.id, m.code]));

  return returns.map((ret) => {
    const contract = contractById.get(ret.contractId)!;
    const revision = latest.get(ret.id);
    return {
      contractId: contract.id,
      contractReference: contract.reference,
      contractTitle: contract.title,
      returnId: ret.id,
      state: ret.state,
      revision: revision?.number ?? 0,
      submittedBy: revision ? (users.get(revision.submittedById) ?? null) : null,
      submittedAt: revision?.submittedAt ?? null,
      acceptedBy: ret.acceptedById != null ? (users.get(ret.acceptedById) ?? null) : null,
      acceptedAt: ret.acceptedAt,
      values: links.map((link) => ({
        measureId: link.measureId,
        measureCode: codeOf.get(link.measureId) ?? String(link.measureId),
        role: link.role,
        value: values.find((v) => v.returnId === ret.id && v.measureId === link.measureId)?.value ?? null,
      })),
    };
  });
}
