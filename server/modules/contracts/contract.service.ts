import { In, type EntityManager } from "typeorm";
import { canSee, requireUser, scopeToContracts } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { toPage, type PageArgs, type PageResult } from "../../common/pagination.js";
import { createRecord, findVisible, updateRecord, type RecordKind } from "../../common/office-records.js";
import type { UnitOfWork } from "../../db/writer.js";
import { badInput, type FieldProblem } from "../../errors.js";
import { Topic } from "../../realtime/pubsub.js";
import { FundingStream } from "../funding/funding.entities.js";
import { PlanPriority, StrategicPlan } from "../plans/plan.entities.js";
import { awardsOf, fundingRuleBreaches } from "../money/funding-rules.js";
import { commitmentBreaches, type CommitmentBreach } from "../money/commitment-check.js";
import { Portfolio, PortfolioAllocation } from "../portfolios/portfolio.entities.js";
import { Provider } from "../providers/provider.entity.js";
import { Role } from "../users/role.js";
import { Decision, DecisionKind } from "../decisions/decision.entity.js";
import { QuarterChangeKind } from "../scorecards/quarter-change.entity.js";
import { noteChangeToFrozenQuarters, noteContractChangeToFrozenQuarters } from "../scorecards/quarter-changes.js";
import { CoCommissioner, Contract, ContractPriority, ContractSpend, ContractStatus, FundingLine } from "./contract.entities.js";
import type { ContractFilter, ContractInput } from "./contract.inputs.js";
import { defaultReportingSchedule, type ReportingSchedule } from "./reporting-schedule.js";
import { parseReviewWindow } from "./review-window.js";

export interface ContractChange {
  contractId: number;
  providerId: number;
  change: "CREATED" | "UPDATED";
}

/** Priorities belong to plans, plans to offices: the office of each given priority. */
async function priorityOffices(manager: EntityManager, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows: { id: number; officeId: number }[] = await manager
    .createQueryBuilder(PlanPriority, "p")
    .innerJoin(StrategicPlan, "s", "s.id = p.planId")
    .select(["p.id AS id", "s.officeId AS \"officeId\""])
    .where("p.id IN (:...ids)", { ids })
    .getRawMany();
  return new Map(rows.map((r) => [Number(r.id), Number(r.officeId)]));
}

/** Everything a contract refers to must exist and belong to the contract's office. */
async function checkReferences(contract: Contract, input: ContractInput, manager: EntityManager, storedLines: FundingLine[] | null): Promise<void> {
  const problems: FieldProblem[] = [];
  const portfolio = await manager.findOneBy(Portfolio, { id: contract.portfolioId });
  if (!portfolio) problems.push({ field: "portfolioId", rule: "exists", message: `Portfolio ${contract.portfolioId} does not exist.` });
  if (!(await manager.existsBy(Provider, { id: contract.providerId }))) problems.push({ field: "providerId", rule: "exists", message: `Provider ${contract.providerId} does not exist.` });
  const priorityIds = [...(contract.mainPriorityId != null ? [contract.mainPriorityId] : []), ...(input.otherPriorityIds ?? [])];
  const offices = await priorityOffices(manager, priorityIds);
  for (const id of priorityIds) {
    if (offices.get(id) !== contract.officeId) problems.push({ field: id === contract.mainPriorityId ? "mainPriorityId" : "otherPriorityIds", rule: "sameOffice", message: `Priority ${id} is not one of this office's.` });
  }
  // The funding rules judge the lines given, or the stored ones when the provider, mechanism or portfolio changes.
  const lines = input.fundingLines ?? storedLines ?? [];
  const streamIds = [...new Set(lines.map((l) => l.streamId))];
  if (streamIds.length) {
    const streams = new Map((await manager.findBy(FundingStream, { id: In(streamIds) })).filter((s) => s.officeId === contract.officeId).map((s) => [s.id, s]));
    const provider = await manager.findOneBy(Provider, { id: contract.providerId });
    const allocations = await manager.findBy(PortfolioAllocation, { streamId: In(streamIds) });
    lines.forEach((line, i) => {
      if (!streams.has(line.streamId)) problems.push({ field: `fundingLines.${i}.streamId`, rule: "sameOffice", message: `Funding stream ${line.streamId} is not one of this office's.` });
    });
    const oneOff = [...streams.values()].filter((s) => s.oneOffOnly).map((s) => s.id);
    // The recipient's other contracts funded by a one-off stream, in any year.
    const recipientLines: { contractId: number; reference: string; streamId: number; year: string }[] = oneOff.length
      ? (
          await manager
            .createQueryBuilder(FundingLine, "l")
            .innerJoin(Contract, "c", "c.id = l.contractId")
            .select(["l.contractId AS \"contractId\"", "c.reference AS reference", "l.streamId AS \"streamId\"", "l.year AS year"])
            .where("c.providerId = :providerId AND l.streamId IN (:...oneOff)", { providerId: contract.providerId, oneOff })
            .getRawMany()
        ).map((r) => ({ contractId: Number(r.contractId), reference: String(r.reference), streamId: Number(r.streamId), year: String(r.year) }))
      : [];
    for (const award of awardsOf(lines)) {
      const stream = streams.get(award.streamId);
      if (!stream || !provider) continue;
      const others = recipientLines.filter((r) => r.streamId === award.streamId && r.contractId !== contract.id);
      const breaches = fundingRuleBreaches(stream, {
        amountPence: award.amountPence,
        year: award.year,
        providerType: provider.type,
        portfolioId: contract.portfolioId,
        otherYearsFunded: lines.filter((other) => other.streamId === award.streamId && other.year !== award.year).map((other) => other.year),
        portfoliosAllocated: allocations.filter((a) => a.streamId === stream.id && a.year === award.year && a.portfolioId != null).map((a) => a.portfolioId!),
        recipientOtherAwards: [...new Map(others.map((o) => [`${o.reference}:${o.year}`, { contractReference: o.reference, year: o.year }])).values()],
      });
      for (const breach of breaches) problems.push({ field: `fundingLines.${award.firstIndex}.amountPence`, ...breach });
    }
  }
  (input.spend ?? []).forEach((s, i) => {
    if (s.quarter < 1 || s.quarter > 4) problems.push({ field: `spend.${i}.quarter`, rule: "range", message: "Quarter must be 1 to 4." });
  });
  if (contract.startDate && contract.endDate && contract.endDate < contract.startDate) problems.push({ field: "endDate", rule: "afterStart", message: "The contract cannot end before it starts." });
  if (problems.length) throw badInput("The contract refers to records it cannot use.", problems);
}

/** Refuses funding lines beyond what a stream or portfolio holds, unless the officer gives a reason (audited after the write). */
async function checkCommitments(contract: Contract, input: ContractInput, uow: UnitOfWork, storedLines: FundingLine[] | null): Promise<CommitmentBreach[]> {
  const lines = input.fundingLines ?? storedLines;
  if (!lines) return [];
  const breaches = await commitmentBreaches(uow.manager, contract, lines);
  if (breaches.length && !input.overCommitmentReason?.trim()) {
    throw badInput(
      "These funding lines commit more than the budget holds: reduce them, or give a reason to override.",
      breaches.map((b) => ({ field: "fundingLines", rule: "overCommitted", message: b.message })),
    );
  }
  return breaches;
}

/**
 * A contract is decommissioned by a published DECOMMISSION decision (which moves its status itself), never by
 * editing the status: 003 asks for decisions taken openly, on the last performance report.
 */
async function checkDecommissioning(contract: Contract, uow: UnitOfWork): Promise<void> {
  if (contract.status !== ContractStatus.DECOMMISSIONED) return;
  const previous = contract.id ? await uow.manager.findOneBy(Contract, { id: contract.id }) : null;
  if (previous?.status === ContractStatus.DECOMMISSIONED) return;
  const decided = previous ? await uow.manager.existsBy(Decision, { contractId: previous.id, kind: DecisionKind.DECOMMISSION, published: true }) : false;
  if (!decided) {
    throw badInput("A contract is decommissioned by a published decommissioning decision, not by editing its status.", [
      { field: "status", rule: "decommissionDecision", message: "Record a DECOMMISSION decision citing the contract's latest accepted return; publishing it decommissions the contract." },
    ]);
  }
}

const contractKind = (input: ContractInput): RecordKind<Contract> & { overrides: CommitmentBreach[] } => ({
  entity: Contract,
  label: "Contract",
  overrides: [],
  officeOf: (contract) => contract.officeId,
  async check(contract, uow) {
    // A change of provider, mechanism, portfolio or status re-judges the contract's stored lines (a move is no dodge).
    const previous = contract.id ? await uow.manager.findOneBy(Contract, { id: contract.id }) : null;
    const moved = previous != null && (["providerId", "mechanism", "portfolioId", "status"] as const).some((k) => previous[k] !== contract[k]);
    const storedLines = moved && !input.fundingLines ? await uow.manager.findBy(FundingLine, { contractId: contract.id }) : null;
    await checkReferences(contract, input, uow.manager, storedLines);
    this.overrides = await checkCommitments(contract, input, uow, storedLines);
    await checkDecommissioning(contract, uow);
    const clash = await uow.manager.findOneBy(Contract, { officeId: contract.officeId, reference: contract.reference });
    if (clash && clash.id !== contract.id) throw badInput("Another contract in this office has that reference.", [{ field: "reference", rule: "unique", message: "Already in use." }]);
  },
});

async function auditOverride(uow: UnitOfWork, contract: Contract, input: ContractInput, overrides: CommitmentBreach[]): Promise<void> {
  if (!overrides.length) return;
  await uow.audit("contract.over_commitment_override", { type: "Contract", id: contract.id, officeId: contract.officeId }, null, { reason: input.overCommitmentReason!.trim(), breaches: overrides });
}

export const ContractRecord: RecordKind<Contract> = { entity: Contract, label: "Contract", officeOf: (c) => c.officeId };

/** Funding lines changed in a frozen quarter's year restate its money: noted with who, when and why. */
async function noteFundingChange(uow: UnitOfWork, contract: Contract, before: FundingLine[], input: ContractInput): Promise<void> {
  const line = (l: { streamId: number; year: string; amountPence: number; status: string }) => `${l.streamId}|${l.year}|${l.amountPence}|${l.status}`;
  const was = before.map(line);
  const now = input.fundingLines!.map(line);
  const changed = [...before.filter((l) => !now.includes(line(l))), ...input.fundingLines!.filter((l) => !was.includes(line(l)))];
  const years = [...new Set(changed.map((l) => l.year))];
  await noteChangeToFrozenQuarters(uow, years, null, { officeId: contract.officeId, kind: QuarterChangeKind.FUNDING_CHANGED, portfolioId: contract.portfolioId, contractId: contract.id, reason: input.changeReason });
}

/** Replaces the child lists the input names; leaves the others alone. */
async function replaceChildren(uow: UnitOfWork, contract: Contract, input: ContractInput): Promise<void> {
  const { manager } = uow;
  if (input.otherPriorityIds) {
    await manager.delete(ContractPriority, { contractId: contract.id });
    const ids = [...new Set(input.otherPriorityIds)].filter((id) => id !== contract.mainPriorityId);
    if (ids.length) await manager.insert(ContractPriority, ids.map((priorityId) => ({ contractId: contract.id, priorityId })));
  }
  if (input.fundingLines) {
    await noteFundingChange(uow, contract, await manager.findBy(FundingLine, { contractId: contract.id }), input);
    await manager.delete(FundingLine, { contractId: contract.id });
    if (input.fundingLines.length) await manager.insert(FundingLine, input.fundingLines.map((l) => ({ ...l, contractId: contract.id })));
  }
  if (input.coCommissioners) {
    await manager.delete(CoCommissioner, { contractId: contract.id });
    if (input.coCommissioners.length) await manager.insert(CoCommissioner, input.coCommissioners.map((c) => ({ partnerName: c.partnerName, annualContributionPence: c.annualContributionPence ?? null, contractId: contract.id })));
  }
  if (input.spend) {
    await manager.delete(ContractSpend, { contractId: contract.id });
    if (input.spend.length) await manager.insert(ContractSpend, input.spend.map((s) => ({ ...s, contractId: contract.id })));
  }
}

function contractColumns(input: ContractInput): Partial<Contract> {
  const { otherPriorityIds: _p, fundingLines: _f, coCommissioners: _c, spend: _s, reportingSchedule: _r, overCommitmentReason: _o, changeReason: _w, ...columns } = input;
  // A window given only as text gets its dates read from the text; dates given explicitly win.
  if (input.reviewWindow && input.reviewStartDate === undefined && input.reviewEndDate === undefined) {
    const dates = parseReviewWindow(input.reviewWindow);
    if (dates) Object.assign(columns, { reviewStartDate: dates.startDate, reviewEndDate: dates.endDate });
  }
  return columns as Partial<Contract>;
}

/** The office's money for a new contract's busiest year: its annual value, or the largest year of its funding lines. */
function valueForSchedule(input: ContractInput): number | null {
  if (input.annualValuePence != null) return input.annualValuePence;
  const byYear = new Map<string, number>();
  for (const line of input.fundingLines ?? []) byYear.set(line.year, (byYear.get(line.year) ?? 0) + line.amountPence);
  return byYear.size ? Math.max(...byYear.values()) : null;
}

export async function createContract(ctx: Context, input: ContractInput): Promise<Contract> {
  const required = (["portfolioId", "providerId", "reference", "title", "mechanism", "stage", "status"] as const).filter((k) => input[k] == null);
  if (required.length) throw badInput("A new contract needs more detail.", required.map((field) => ({ field, rule: "required", message: `${field} is required.` })));
  const portfolio = await ctx.services.db.manager.findOneBy(Portfolio, { id: input.portfolioId! });
  if (!portfolio || !canSee(requireUser(ctx), portfolio)) throw badInput("Unknown portfolio.", [{ field: "portfolioId", rule: "exists", message: `Portfolio ${input.portfolioId} does not exist.` }]);
  const kind = contractKind(input);
  const reportingSchedule = input.reportingSchedule ?? defaultReportingSchedule(input.mechanism!, valueForSchedule(input));
  return createRecord(ctx, kind, { ...contractColumns(input), reportingSchedule, officeId: portfolio.officeId }, async (contract, uow) => {
    await replaceChildren(uow, contract, input);
    await auditOverride(uow, contract, input, kind.overrides);
    await uow.emit<ContractChange>(Topic.CONTRACT_CHANGED, contract.officeId, { contractId: contract.id, providerId: contract.providerId, change: "CREATED" });
  });
}

export async function updateContract(ctx: Context, id: number, version: number, input: ContractInput): Promise<Contract> {
  const kind = contractKind(input);
  const before = await ctx.services.db.manager.findOneBy(Contract, { id });
  return updateRecord(ctx, kind, id, version, contractColumns(input), async (contract, uow) => {
    if (input.portfolioId != null) {
      const portfolio = await uow.manager.findOneBy(Portfolio, { id: input.portfolioId });
      if (portfolio?.officeId !== contract.officeId) throw badInput("A contract cannot move to another office's portfolio.", [{ field: "portfolioId", rule: "sameOffice", message: "Choose a portfolio of this office." }]);
    }
    // A move or a status change restates the frozen quarters the contract reported in (a reason is required there).
    if (before && before.version === version && (before.portfolioId !== contract.portfolioId || before.status !== contract.status)) {
      await noteContractChangeToFrozenQuarters(uow, contract, [before.portfolioId, contract.portfolioId], input.changeReason);
    }
    await replaceChildren(uow, contract, input);
    await auditOverride(uow, contract, input, kind.overrides);
    await uow.emit<ContractChange>(Topic.CONTRACT_CHANGED, contract.officeId, { contractId: contract.id, providerId: contract.providerId, change: "UPDATED" });
  });
}

export async function listContracts(ctx: Context, filter: ContractFilter, page: PageArgs): Promise<PageResult<Contract>> {
  const query = scopeToContracts(ctx, ctx.services.db.manager.createQueryBuilder(Contract, "c"), "c", filter.officeId);
  if (filter.providerId != null) query.andWhere("c.providerId = :providerId", { providerId: filter.providerId });
  if (filter.portfolioId != null) query.andWhere("c.portfolioId = :portfolioId", { portfolioId: filter.portfolioId });
  if (filter.status != null) query.andWhere("c.status = :status", { status: filter.status });
  const [items, total] = await query.orderBy("c.reference", "ASC").addOrderBy("c.id", "ASC").take(page.first).skip(page.offset).getManyAndCount();
  return toPage(items, total, page);
}

export function findContract(ctx: Context, id: number): Promise<Contract> {
  return findVisible(ctx, ContractRecord, id);
}

/** The officer sets how often a contract reports (proportionate monitoring); guarded by the version they read. */
export async function setReportingSchedule(ctx: Context, id: number, version: number, schedule: ReportingSchedule): Promise<Contract> {
  return updateRecord(ctx, ContractRecord, id, version, { reportingSchedule: schedule }, async (contract, uow) => {
    await uow.emit<ContractChange>(Topic.CONTRACT_CHANGED, contract.officeId, { contractId: contract.id, providerId: contract.providerId, change: "UPDATED" });
  });
}
