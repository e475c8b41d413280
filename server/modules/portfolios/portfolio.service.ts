import { requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { createRecord, updateRecord, type RecordKind } from "../../common/office-records.js";
import type { UnitOfWork } from "../../db/writer.js";
import { badInput, type FieldProblem } from "../../errors.js";
import { FundingStream, FundingStreamYear } from "../funding/funding.entities.js";
import { PlanPriority, StrategicPlan } from "../plans/plan.entities.js";
import { AllocationKind, Portfolio, PortfolioAllocation, PortfolioPriority } from "./portfolio.entities.js";
import type { AllocationInput, PortfolioInput } from "./portfolio.inputs.js";

export const PortfolioRecord: RecordKind<Portfolio> = { entity: Portfolio, label: "Portfolio", officeOf: (p) => p.officeId };

async function replacePriorities(uow: UnitOfWork, portfolio: Portfolio, priorityIds: number[] | undefined): Promise<void> {
  if (!priorityIds) return;
  const ids = [...new Set(priorityIds)];
  if (ids.length) {
    const rows: { id: number; officeId: number }[] = await uow.manager
      .createQueryBuilder(PlanPriority, "p")
      .innerJoin(StrategicPlan, "s", "s.id = p.planId")
      .select(["p.id AS id", 's.officeId AS "officeId"'])
      .where("p.id IN (:...ids)", { ids })
      .getRawMany();
    const ok = new Set(rows.filter((r) => Number(r.officeId) === portfolio.officeId).map((r) => Number(r.id)));
    const bad = ids.filter((id) => !ok.has(id));
    if (bad.length) throw badInput("Some priorities are not this office's.", [{ field: "priorityIds", rule: "sameOffice", message: `Not this office's: ${bad.join(", ")}.` }]);
  }
  await uow.manager.delete(PortfolioPriority, { portfolioId: portfolio.id });
  if (ids.length) await uow.manager.insert(PortfolioPriority, ids.map((priorityId) => ({ portfolioId: portfolio.id, priorityId })));
}

export function createPortfolio(ctx: Context, input: PortfolioInput): Promise<Portfolio> {
  const officeId = input.officeId ?? requireUser(ctx).officeId;
  if (officeId == null || !input.name) {
    throw badInput("A portfolio needs an office and a name.", [
      ...(officeId == null ? [{ field: "officeId", rule: "required", message: "officeId is required." }] : []),
      ...(!input.name ? [{ field: "name", rule: "required", message: "name is required." }] : []),
    ]);
  }
  const { priorityIds, ...columns } = input;
  return createRecord(ctx, PortfolioRecord, { ...columns, officeId }, (row, uow) => replacePriorities(uow, row, priorityIds));
}

export function updatePortfolio(ctx: Context, id: number, version: number, input: PortfolioInput): Promise<Portfolio> {
  const { priorityIds, officeId: _moveNotAllowed, ...columns } = input;
  return updateRecord(ctx, PortfolioRecord, id, version, columns, (row, uow) => replacePriorities(uow, row, priorityIds));
}

/**
 * Allocation rules: the stream and portfolio are this office's, the kind matches whether a portfolio is
 * named, and a stream never gives out more in a year than it has.
 */
export const AllocationRecord: RecordKind<PortfolioAllocation> = {
  entity: PortfolioAllocation,
  label: "PortfolioAllocation",
  async officeOf(allocation, manager) {
    const stream = await manager.findOneBy(FundingStream, { id: allocation.streamId });
    if (!stream) throw badInput("Unknown funding stream.", [{ field: "streamId", rule: "exists", message: `Funding stream ${allocation.streamId} does not exist.` }]);
    return stream.officeId;
  },
  async check(allocation, uow) {
    const problems: FieldProblem[] = [];
    const stream = (await uow.manager.findOneBy(FundingStream, { id: allocation.streamId }))!;
    if (allocation.kind === AllocationKind.PORTFOLIO) {
      const portfolio = allocation.portfolioId == null ? null : await uow.manager.findOneBy(Portfolio, { id: allocation.portfolioId });
      if (!portfolio || portfolio.officeId !== stream.officeId) problems.push({ field: "portfolioId", rule: "sameOffice", message: "Choose one of this office's portfolios." });
    } else if (allocation.portfolioId != null) {
      problems.push({ field: "portfolioId", rule: "forbidden", message: `${allocation.kind} allocations belong to no portfolio.` });
    }
    const year = await uow.manager.findOneBy(FundingStreamYear, { streamId: stream.id, year: allocation.year });
    const others = await uow.manager.findBy(PortfolioAllocation, { streamId: stream.id, year: allocation.year });
    const total = others.filter((a) => a.id !== allocation.id).reduce((sum, a) => sum + a.amountPence, 0) + allocation.amountPence;
    if (!year) problems.push({ field: "year", rule: "streamHasAmount", message: `${stream.name} has no amount for ${allocation.year}.` });
    else if (total > year.amountPence) {
      problems.push({ field: "amountPence", rule: "withinStream", message: `Allocations would total £${(total / 100).toFixed(2)}, more than ${stream.name}'s £${(year.amountPence / 100).toFixed(2)} in ${allocation.year}.` });
    }
    if (problems.length) throw badInput("The allocation breaks a funding rule.", problems);
  },
};

export function createAllocation(ctx: Context, input: AllocationInput): Promise<PortfolioAllocation> {
  const missing = (["streamId", "kind", "year", "label", "amountPence"] as const).filter((k) => input[k] == null);
  if (missing.length) throw badInput("The allocation needs more detail.", missing.map((field) => ({ field, rule: "required", message: `${field} is required.` })));
  return createRecord(ctx, AllocationRecord, { ...input, portfolioId: input.portfolioId ?? null });
}

export function updateAllocation(ctx: Context, id: number, version: number, input: AllocationInput): Promise<PortfolioAllocation> {
  return updateRecord(ctx, AllocationRecord, id, version, input);
}
