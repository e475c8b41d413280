import type { FieldProblem } from "../../errors.js";
import type { FundingStream } from "../funding/funding.entities.js";
import type { ProviderType } from "../providers/provider.entity.js";

/**
 * A proposed or existing award of money from a stream to a contract in one year: all of the contract's funding
 * lines from that stream in that year together (two £2,000 lines are one £4,000 award).
 */
export interface Award {
  amountPence: number;
  year: string;
  providerType: ProviderType;
  portfolioId: number;
  /** Other years in which the same contract is funded by the same stream. */
  otherYearsFunded: string[];
  /** Portfolios the stream gives money to in this year; empty when it has no allocations to check against. */
  portfoliosAllocated: number[];
  /** The recipient's other contracts funded by the same stream, in any year (one-off funds: one award per recipient). */
  recipientOtherAwards?: { contractReference: string; year: string }[];
}

/** Adds funding lines up into awards: one per stream and year, in the order the lines first name them. */
export function awardsOf<L extends { streamId: number; year: string; amountPence: number }>(lines: readonly L[]): { streamId: number; year: string; amountPence: number; firstIndex: number; lines: number }[] {
  const awards = new Map<string, { streamId: number; year: string; amountPence: number; firstIndex: number; lines: number }>();
  lines.forEach((line, i) => {
    const key = `${line.streamId}:${line.year}`;
    const award = awards.get(key);
    if (award) {
      award.amountPence += line.amountPence;
      award.lines += 1;
    } else awards.set(key, { streamId: line.streamId, year: line.year, amountPence: line.amountPence, firstIndex: i, lines: 1 });
  });
  return [...awards.values()];
}

type StreamRules = Pick<FundingStream, "name" | "ringFencedPurpose" | "maxAwardPence" | "oneOffOnly" | "eligibleRecipientTypes">;

/**
 * The rules a stream puts on money it awards. Used to refuse a new award, and to flag old data that predates
 * a rule. A ring-fenced stream's purpose is enforced through its allocations: it may fund only contracts in
 * the portfolios it is allocated to that year.
 */
export function fundingRuleBreaches(stream: StreamRules, award: Award): Omit<FieldProblem, "field">[] {
  const breaches: Omit<FieldProblem, "field">[] = [];
  if (stream.maxAwardPence != null && award.amountPence > stream.maxAwardPence) {
    breaches.push({ rule: "maxAward", message: `${stream.name} awards at most £${(stream.maxAwardPence / 100).toLocaleString("en-GB")} per award; this award comes to £${(award.amountPence / 100).toLocaleString("en-GB")}.` });
  }
  if (stream.oneOffOnly && award.otherYearsFunded.some((y) => y !== award.year)) {
    breaches.push({ rule: "oneOffOnly", message: `${stream.name} makes one-off awards: this contract is already funded by it in ${award.otherYearsFunded.filter((y) => y !== award.year).join(", ")}.` });
  }
  const others = award.recipientOtherAwards ?? [];
  if (stream.oneOffOnly && others.length) {
    breaches.push({ rule: "oneAwardPerRecipient", message: `${stream.name} makes one award per recipient: this organisation already has ${others.map((o) => `${o.contractReference} (${o.year})`).join(", ")}.` });
  }
  const eligible = stream.eligibleRecipientTypes.filter(Boolean);
  if (eligible.length && !eligible.includes(award.providerType)) {
    breaches.push({ rule: "eligibleRecipient", message: `${stream.name} funds only ${eligible.join(", ").toLowerCase().replace(/_/g, " ")} organisations.` });
  }
  if (stream.ringFencedPurpose && award.portfoliosAllocated.length && !award.portfoliosAllocated.includes(award.portfolioId)) {
    breaches.push({ rule: "ringFenced", message: `${stream.name} is ring-fenced (${stream.ringFencedPurpose}) and is not allocated to this contract's portfolio in ${award.year}.` });
  }
  return breaches;
}
