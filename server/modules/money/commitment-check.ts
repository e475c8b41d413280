import { In, type EntityManager } from "typeorm";
import { Contract, FundingLine } from "../contracts/contract.entities.js";
import { FundingStream, FundingStreamYear } from "../funding/funding.entities.js";
import { Portfolio, PortfolioAllocation } from "../portfolios/portfolio.entities.js";
import { ancestorsOf, commitmentRefused, formatPounds } from "./commitments.js";

/** A budget a change to funding lines would take beyond what it holds. */
export interface CommitmentBreach {
  kind: "STREAM" | "PORTFOLIO";
  id: number;
  name: string;
  year: string;
  amountPence: number;
  /** Committed plus planned before and after the change. */
  beforePence: number;
  afterPence: number;
  message: string;
}

interface Line {
  streamId: number;
  year: string;
  amountPence: number;
}

/**
 * Which streams (each with its parents) and which portfolio a contract's new funding lines would take beyond
 * their amount for the year, counting committed and planned money alike. A stream with no amount set for the
 * year (nor any of its funds) is not judged: there is nothing yet to exceed. A budget already over before the
 * change blocks only changes that add to it.
 */
export async function commitmentBreaches(manager: EntityManager, contract: Pick<Contract, "id" | "officeId" | "portfolioId">, newLines: readonly Line[]): Promise<CommitmentBreach[]> {
  const oldLines: Line[] = contract.id ? await manager.find(FundingLine, { where: { contractId: contract.id } }) : [];
  const years = [...new Set([...newLines, ...oldLines].map((l) => l.year))];
  if (!years.length) return [];
  const [streams, amounts, allocations, officeLines] = await Promise.all([
    manager.find(FundingStream, { where: { officeId: contract.officeId } }),
    manager.createQueryBuilder(FundingStreamYear, "y").innerJoin(FundingStream, "s", "s.id = y.streamId").where("s.officeId = :officeId AND y.year IN (:...years)", { officeId: contract.officeId, years }).getMany(),
    manager.find(PortfolioAllocation, { where: { portfolioId: contract.portfolioId, year: In(years) } }),
    manager
      .createQueryBuilder(FundingLine, "l")
      .innerJoin(Contract, "c", "c.id = l.contractId")
      .select(["l.contractId AS \"contractId\"", "l.streamId AS \"streamId\"", "l.year AS year", "l.amountPence AS amount", "c.portfolioId AS \"portfolioId\""])
      .where("c.officeId = :officeId AND l.year IN (:...years)", { officeId: contract.officeId, years })
      .getRawMany(),
  ]);
  const ancestors = ancestorsOf(streams);
  const name = new Map(streams.map((s) => [s.id, s.name]));
  const key = (id: number, year: string) => `${id}:${year}`;

  // Each stream's amount per year, its funds' amounts included.
  const amount = new Map<string, number>();
  for (const row of amounts) {
    for (const id of [row.streamId, ...(ancestors.get(row.streamId) ?? [])]) amount.set(key(id, row.year), (amount.get(key(id, row.year)) ?? 0) + row.amountPence);
  }
  const used = (lines: Iterable<Line>) => {
    const totals = new Map<string, number>();
    for (const line of lines) {
      for (const id of [line.streamId, ...(ancestors.get(line.streamId) ?? [])]) totals.set(key(id, line.year), (totals.get(key(id, line.year)) ?? 0) + line.amountPence);
    }
    return totals;
  };
  const all = officeLines.map((r) => ({ contractId: Number(r.contractId), streamId: Number(r.streamId), year: String(r.year), amountPence: Number(r.amount), portfolioId: Number(r.portfolioId) }));
  const others = all.filter((l) => l.contractId !== contract.id);
  const before = used(all);
  const after = used([...others, ...newLines]);

  const breaches: CommitmentBreach[] = [];
  const touched = new Set([...newLines, ...oldLines].flatMap((l) => [l.streamId, ...(ancestors.get(l.streamId) ?? [])].map((id) => key(id, l.year))));
  for (const k of touched) {
    const available = amount.get(k);
    if (available == null) continue;
    const [id, year] = [Number(k.split(":")[0]), k.split(":")[1]];
    const b = before.get(k) ?? 0;
    const a = after.get(k) ?? 0;
    if (commitmentRefused(available, b, a)) {
      breaches.push({ kind: "STREAM", id, name: name.get(id) ?? `Stream ${id}`, year, amountPence: available, beforePence: b, afterPence: a, message: `${name.get(id)} holds ${formatPounds(available)} in ${year}; committed and planned would come to ${formatPounds(a)}, ${formatPounds(a - available)} more than it holds.` });
    }
  }
  const portfolioName = (await manager.findOneBy(Portfolio, { id: contract.portfolioId }))?.name ?? `Portfolio ${contract.portfolioId}`;
  for (const year of years) {
    const allocated = allocations.filter((a) => a.year === year);
    if (!allocated.length) continue;
    const available = allocated.reduce((s, a) => s + a.amountPence, 0);
    const inPortfolio = (l: { portfolioId: number; year: string }) => l.portfolioId === contract.portfolioId && l.year === year;
    const b = all.filter(inPortfolio).reduce((s, l) => s + l.amountPence, 0);
    const a = others.filter(inPortfolio).reduce((s, l) => s + l.amountPence, 0) + newLines.filter((l) => l.year === year).reduce((s, l) => s + l.amountPence, 0);
    if (commitmentRefused(available, b, a)) {
      breaches.push({ kind: "PORTFOLIO", id: contract.portfolioId, name: portfolioName, year, amountPence: available, beforePence: b, afterPence: a, message: `${portfolioName} is allocated ${formatPounds(available)} in ${year}; committed and planned would come to ${formatPounds(a)}, ${formatPounds(a - available)} more.` });
    }
  }
  return breaches;
}
