import type { FieldProblem } from "../../errors.js";
import type { FundingStream } from "../funding/funding.entities.js";
import type { ProviderType } from "../providers/provider.entity.js";

/** A proposed or existing award of money from a stream to a contract in one year. */
export interface Award {
  amountPence: number;
  year: string;
  providerType: ProviderType;
  portfolioId: number;
  /** Other years in which the same contract is funded by the same stream. */
  otherYearsFunded: string[];
  /** Portfolios the stream gives money to in this year; empty when it has no allocations to check against. */
  portfoliosAllocated: number[];
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
    breaches.push({ rule: "maxAward", message: `${stream.name} awards at most £${(stream.maxAwardPence / 100).toLocaleString("en-GB")}.` });
  }
  if (stream.oneOffOnly && award.otherYearsFunded.some((y) => y !== award.year)) {
    breaches.push({ rule: "oneOffOnly", message: `${stream.name} makes one-off awards: this contract is already funded by it in ${award.otherYearsFunded.filter((y) => y !== award.year).join(", ")}.` });
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
