import type { EntityManager } from "typeorm";
import { Contract, ContractSpend, FundingLine, FundingLineStatus } from "../contracts/contract.entities.js";
import { FundingStream, FundingStreamYear } from "../funding/funding.entities.js";
import { PortfolioAllocation } from "../portfolios/portfolio.entities.js";
import { Provider, type ProviderType } from "../providers/provider.entity.js";
import { overCommitmentWarning, overCommittedPence, rollUp } from "./commitments.js";
import { awardsOf, fundingRuleBreaches } from "./funding-rules.js";
import type { MoneyFigures, MoneySummary, PortfolioMoney, PriorityMoney, StreamMoney } from "./money.types.js";

const figures = (): MoneyFigures => ({ committedPence: 0, plannedPence: 0, spentPence: 0 });
const newPortfolio = (portfolioId: number | null): PortfolioMoney => ({ portfolioId, allocatedPence: 0, remainingPence: 0, overCommittedPence: 0, warnings: [], ...figures() });

function addLine(target: MoneyFigures, status: FundingLineStatus, amount: number): void {
  if (status === FundingLineStatus.COMMITTED) target.committedPence += amount;
  else target.plannedPence += amount;
}

function bucket<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * An office's money for one financial year: per funding stream, per portfolio and per plan priority.
 * Spend is recorded per contract; a stream's share of it follows the stream's share of the contract's
 * funding lines that year.
 */
export async function moneySummary(manager: EntityManager, officeId: number, year: string): Promise<MoneySummary> {
  const [streams, amounts, allocations, lines, spend] = await Promise.all([
    manager.find(FundingStream, { where: { officeId }, order: { id: "ASC" } }),
    manager.createQueryBuilder(FundingStreamYear, "y").innerJoin(FundingStream, "s", "s.id = y.streamId").where("s.officeId = :officeId AND y.year = :year", { officeId, year }).getMany(),
    manager.createQueryBuilder(PortfolioAllocation, "a").innerJoin(FundingStream, "s", "s.id = a.streamId").where("s.officeId = :officeId AND a.year = :year", { officeId, year }).getMany(),
    manager
      .createQueryBuilder(FundingLine, "l")
      .innerJoin(Contract, "c", "c.id = l.contractId")
      .innerJoin(Provider, "p", "p.id = c.providerId")
      .select(["l.contractId AS \"contractId\"", "l.streamId AS \"streamId\"", "l.status AS status", "l.amountPence AS amount", "c.portfolioId AS \"portfolioId\"", "c.mainPriorityId AS \"priorityId\"", "p.type AS \"providerType\""])
      .where("c.officeId = :officeId AND l.year = :year", { officeId, year })
      .getRawMany(),
    manager
      .createQueryBuilder(ContractSpend, "s")
      .innerJoin(Contract, "c", "c.id = s.contractId")
      .select(["s.contractId AS \"contractId\"", "SUM(s.amountPence) AS amount", "c.portfolioId AS \"portfolioId\"", "c.mainPriorityId AS \"priorityId\""])
      .where("c.officeId = :officeId AND s.year = :year", { officeId, year })
      .groupBy("s.contractId")
      .addGroupBy("c.portfolioId")
      .addGroupBy("c.mainPriorityId")
      .getRawMany(),
  ]);

  const byStream = new Map<number, StreamMoney>();
  for (const stream of streams) {
    const amount = amounts.find((a) => a.streamId === stream.id)?.amountPence ?? 0;
    byStream.set(stream.id, { streamId: stream.id, parentId: stream.parentId, name: stream.name, amountPence: amount, allocatedPence: 0, remainingPence: 0, overCommittedPence: 0, includesChildren: false, warnings: [], ...figures() });
  }
  const byPortfolio = new Map<number | null, PortfolioMoney>();
  const byPriority = new Map<number | null, PriorityMoney>();
  for (const allocation of allocations) {
    byStream.get(allocation.streamId)!.allocatedPence += allocation.amountPence;
    bucket(byPortfolio, allocation.portfolioId, () => newPortfolio(allocation.portfolioId)).allocatedPence += allocation.amountPence;
  }

  const linesOfContract = new Map<number, { streamId: number; amount: number }[]>();
  for (const raw of lines) {
    const line = { contractId: Number(raw.contractId), streamId: Number(raw.streamId), amount: Number(raw.amount), portfolioId: Number(raw.portfolioId), priorityId: raw.priorityId == null ? null : Number(raw.priorityId), status: raw.status as FundingLineStatus };
    addLine(byStream.get(line.streamId)!, line.status, line.amount);
    addLine(bucket(byPortfolio, line.portfolioId, () => newPortfolio(line.portfolioId)), line.status, line.amount);
    addLine(bucket(byPriority, line.priorityId, () => ({ priorityId: line.priorityId, ...figures() })), line.status, line.amount);
    bucket(linesOfContract, line.contractId, () => []).push(line);
  }

  // Funding rules are judged per award: all of a contract's lines from one stream in the year together.
  const contractsOf = new Map<number, { portfolioId: number; providerType: ProviderType; lines: { streamId: number; year: string; amountPence: number }[] }>();
  for (const raw of lines) {
    const entry = bucket(contractsOf, Number(raw.contractId), () => ({ portfolioId: Number(raw.portfolioId), providerType: raw.providerType as ProviderType, lines: [] }));
    entry.lines.push({ streamId: Number(raw.streamId), year, amountPence: Number(raw.amount) });
  }
  for (const [contractId, entry] of contractsOf) {
    for (const award of awardsOf(entry.lines)) {
      const stream = streams.find((s) => s.id === award.streamId)!;
      const breaches = fundingRuleBreaches(stream, {
        amountPence: award.amountPence,
        year,
        providerType: entry.providerType,
        portfolioId: entry.portfolioId,
        otherYearsFunded: [],
        portfoliosAllocated: allocations.filter((a) => a.streamId === stream.id && a.portfolioId != null).map((a) => a.portfolioId!),
      });
      for (const breach of breaches) byStream.get(stream.id)!.warnings.push(`Contract ${contractId}: ${breach.message}`);
    }
  }

  for (const raw of spend) {
    const amount = Number(raw.amount);
    const portfolioId = Number(raw.portfolioId);
    const priorityId = raw.priorityId == null ? null : Number(raw.priorityId);
    bucket(byPortfolio, portfolioId, () => newPortfolio(portfolioId)).spentPence += amount;
    bucket(byPriority, priorityId, () => ({ priorityId, ...figures() })).spentPence += amount;
    const funded = linesOfContract.get(Number(raw.contractId)) ?? [];
    const total = funded.reduce((sum, l) => sum + l.amount, 0);
    // Whole pence: the last stream takes the rounding remainder so the shares add up to the spend exactly.
    let given = 0;
    funded.forEach((line, i) => {
      const share = i === funded.length - 1 ? amount - given : Math.round((amount * line.amount) / total);
      given += share;
      byStream.get(line.streamId)!.spentPence += share;
    });
  }

  // Totals count each pound once: from every stream's own figures, before parents take in their children's.
  const own = [...byStream.values()];
  const sum = (pick: (s: StreamMoney) => number) => own.reduce((total, s) => total + pick(s), 0);
  const totals = { totalPence: sum((s) => s.amountPence), allocatedPence: sum((s) => s.allocatedPence), committedPence: sum((s) => s.committedPence), plannedPence: sum((s) => s.plannedPence) };
  const rolled = rollUp(streams, byStream);
  const parents = new Set(streams.map((s) => s.parentId).filter((id): id is number => id != null));
  const streamRows = streams.map((stream) => {
    const row = rolled.get(stream.id)!;
    row.includesChildren = parents.has(stream.id);
    row.warnings = [...row.warnings];
    row.remainingPence = row.amountPence - row.committedPence - row.plannedPence;
    row.overCommittedPence = overCommittedPence(row.amountPence, row.committedPence, row.plannedPence);
    const warning = overCommitmentWarning(row, parents.has(stream.id) ? "its funds hold" : "available");
    if (warning) row.warnings.unshift(warning);
    return row;
  });
  for (const row of byPortfolio.values()) {
    row.remainingPence = row.allocatedPence - row.committedPence - row.plannedPence;
    row.overCommittedPence = overCommittedPence(row.allocatedPence, row.committedPence, row.plannedPence);
    const warning = overCommitmentWarning({ amountPence: row.allocatedPence, committedPence: row.committedPence, plannedPence: row.plannedPence }, "allocated");
    if (warning) row.warnings.push(warning);
  }
  return {
    year,
    streams: streamRows,
    portfolios: [...byPortfolio.values()].sort((a, b) => (a.portfolioId ?? Infinity) - (b.portfolioId ?? Infinity)),
    priorities: [...byPriority.values()].sort((a, b) => (a.priorityId ?? Infinity) - (b.priorityId ?? Infinity)),
    ...totals,
    spentPence: [...byPortfolio.values()].reduce((total, p) => total + p.spentPence, 0),
  };
}
