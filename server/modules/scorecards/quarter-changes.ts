import { In, type EntityManager } from "typeorm";
import type { UnitOfWork } from "../../db/writer.js";
import { badInput } from "../../errors.js";
import { PeriodState, ReportingPeriod } from "../periods/reporting-period.entity.js";
import { PerformanceReturn } from "../returns/return.entities.js";
import { QuarterChange, QuarterChangeKind } from "./quarter-change.entity.js";

export interface QuarterChangeInput {
  officeId: number;
  kind: QuarterChangeKind;
  portfolioId?: number | null;
  indicatorId?: number | null;
  contractId?: number | null;
  returnId?: number | null;
  reason?: string | null;
}

/** Records, inside the change's own transaction, that a settled quarter's figures moved: who (the actor), when, why. */
export async function noteQuarterChange(uow: UnitOfWork, periodId: number, change: QuarterChangeInput): Promise<void> {
  await uow.manager.insert(QuarterChange, {
    officeId: change.officeId,
    periodId,
    kind: change.kind,
    portfolioId: change.portfolioId ?? null,
    indicatorId: change.indicatorId ?? null,
    contractId: change.contractId ?? null,
    returnId: change.returnId ?? null,
    reason: change.reason?.trim() || null,
    userId: uow.actor?.id ?? 0,
    at: new Date(),
  });
}

/** The office's frozen quarters in a year (one quarter of it, or all four for a yearly change). */
export function frozenPeriods(manager: EntityManager, officeId: number, years: readonly string[], quarter: number | null = null): Promise<ReportingPeriod[]> {
  if (!years.length) return Promise.resolve([]);
  return manager.find(ReportingPeriod, { where: { officeId, year: In([...years]), state: PeriodState.FROZEN, ...(quarter != null ? { quarter } : {}) } });
}

/**
 * A target or funding change that reaches a frozen quarter restates what the Panel was shown: it needs a reason,
 * and is noted in each frozen quarter it reaches so the restatement says who, when and why.
 */
export async function noteChangeToFrozenQuarters(uow: UnitOfWork, years: readonly string[], quarter: number | null, change: QuarterChangeInput): Promise<void> {
  const frozen = await frozenPeriods(uow.manager, change.officeId, years, quarter);
  if (!frozen.length) return;
  if (!change.reason?.trim()) {
    const labels = frozen.map((p) => `${p.year} Q${p.quarter}`).join(", ");
    throw badInput(`This changes the figures of a frozen quarter (${labels}): say why, so the restatement can.`, [
      { field: "reason", rule: "restatementReason", message: `A reason is required for a change to ${labels}, which the Panel has seen.` },
    ]);
  }
  for (const period of frozen) await noteQuarterChange(uow, period.id, change);
}

/**
 * A contract that moves portfolio or changes status moves the figures of every frozen quarter it reported in: noted
 * (with a reason, required) against each portfolio it leaves or joins, so each restated cell names its cause.
 */
export async function noteContractChangeToFrozenQuarters(uow: UnitOfWork, contract: { id: number; officeId: number }, portfolioIds: readonly number[], reason: string | null | undefined): Promise<void> {
  const rows: { year: string }[] = await uow.manager
    .createQueryBuilder(ReportingPeriod, "p")
    .innerJoin(PerformanceReturn, "r", "r.periodId = p.id")
    .select("DISTINCT p.year", "year")
    .where("r.contractId = :contractId AND p.officeId = :officeId AND p.state = :frozen", { contractId: contract.id, officeId: contract.officeId, frozen: PeriodState.FROZEN })
    .getRawMany();
  const years = rows.map((r) => String(r.year));
  for (const portfolioId of [...new Set(portfolioIds)]) {
    await noteChangeToFrozenQuarters(uow, years, null, { officeId: contract.officeId, kind: QuarterChangeKind.CONTRACT_CHANGED, portfolioId, contractId: contract.id, reason });
  }
}
