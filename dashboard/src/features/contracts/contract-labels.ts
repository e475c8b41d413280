import type { ContractStatus, FundingLineStatus, LifecycleStage, Mechanism } from "../../gql/graphql";

export const STATUS_LABELS: Record<ContractStatus, string> = {
  PIPELINE: "Pipeline",
  IN_PROCUREMENT: "In procurement",
  LIVE: "Live",
  UNDER_REVIEW: "Under review",
  DECOMMISSIONED: "Decommissioned",
  ENDED: "Ended",
};

export const MECHANISM_LABELS: Record<Mechanism, string> = {
  CONTRACTED_SERVICE: "Contracted service",
  ANY_QUALIFIED_PROVIDER: "Any qualified provider",
  PARTNERSHIP_AGREEMENT: "Partnership agreement",
  GRANT: "Grant",
};

export const STAGE_LABELS: Record<LifecycleStage, string> = { ANALYSE: "Analyse", PLAN: "Plan", DO: "Do", REVIEW: "Review" };

export const LINE_STATUS_LABELS: Record<FundingLineStatus, string> = { COMMITTED: "Committed", PLANNED: "Planned" };

/** The financial year ("2024-25") a date falls in: April to March. */
export function financialYearOf(iso: string): string {
  const [y, m] = iso.split("-").map(Number) as [number, number];
  const start = m >= 4 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}

export { penceToPounds, poundsToPence } from "../../pounds";
