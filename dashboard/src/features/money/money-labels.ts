import type { AllocationKind, FundingSource, ProviderType, ReportingCadence } from "../../gql/graphql";

export const SOURCE_LABELS: Record<FundingSource, string> = {
  PCC_BUDGET: "PCC budget",
  MOJ_VICTIMS_GRANT: "MoJ victims grant",
  HOME_OFFICE_GRANT: "Home Office grant",
  POLICE_PROPERTY_ACT: "Police Property Act",
  PARTNER: "Partner",
  RESERVE: "Reserve",
  OTHER: "Other",
};

export const KIND_LABELS: Record<AllocationKind, string> = { PORTFOLIO: "Portfolio", PIPELINE: "Pipeline (no contract yet)", RESERVED: "Reserve" };

export const CADENCE_LABELS: Record<ReportingCadence, string> = { QUARTERLY: "Quarterly", HALF_YEARLY: "Half-yearly", ANNUAL: "Annual", NONE: "None" };

export const RECIPIENT_LABELS: Record<ProviderType, string> = { VOLUNTARY_COMMUNITY: "Voluntary and community sector", PUBLIC_BODY: "Public bodies", PRIVATE: "Private companies" };

/** The financial year today falls in ("2026-27" in December 2026). */
export function currentFinancialYear(today = new Date()): string {
  const y = today.getUTCFullYear();
  const start = today.getUTCMonth() >= 3 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}
