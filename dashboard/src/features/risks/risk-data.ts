import { graphql } from "../../gql";
import type { RiskStatus } from "../../gql/graphql";

export const RISK_STATUS_LABELS: Record<RiskStatus, string> = { OPEN: "Open", MITIGATING: "Mitigating", CLOSED: "Closed" };
export const LIKELIHOOD_LABELS = ["", "Rare", "Unlikely", "Possible", "Likely", "Almost certain"];
export const IMPACT_LABELS = ["", "Negligible", "Minor", "Moderate", "Major", "Severe"];

export type RiskRating = "low" | "medium" | "high" | "very-high";

/** Score bands (the board's heat map uses the same): each has a word and a symbol so nothing depends on colour. */
export function riskRating(score: number): { key: RiskRating; label: string; symbol: string } {
  if (score >= 17) return { key: "very-high", label: "Very high", symbol: "■" };
  if (score >= 10) return { key: "high", label: "High", symbol: "▲" };
  if (score >= 5) return { key: "medium", label: "Medium", symbol: "◆" };
  return { key: "low", label: "Low", symbol: "●" };
}

export const RISK_RATINGS: { key: RiskRating; label: string }[] = [
  { key: "very-high", label: "Very high (17–25)" },
  { key: "high", label: "High (10–16)" },
  { key: "medium", label: "Medium (5–9)" },
  { key: "low", label: "Low (1–4)" },
];

/** A risk as the register and its detail show it. */
export const RiskFieldsFragment = graphql(`
  fragment RiskFields on Risk {
    id
    version
    title
    description
    mitigation
    ownerName
    likelihood
    impact
    score
    status
    escalated
    portfolio {
      id
      name
    }
    reviews {
      id
      year
      quarter
      likelihood
      impact
      status
      note
      reviewedAt
    }
  }
`);

export const RiskRegisterQuery = graphql(`
  query RiskRegister($officeId: Int) {
    risks(officeId: $officeId) {
      id
      ...RiskFields
    }
    portfolios(officeId: $officeId) {
      id
      name
    }
    reportingPeriods(officeId: $officeId) {
      id
      label
      startDate
    }
  }
`);

export const ReviewRiskMutation = graphql(`
  mutation ReviewRisk($id: Int!, $version: Int!, $input: RiskReviewInput!) {
    reviewRisk(id: $id, version: $version, input: $input) {
      id
      ...RiskFields
    }
  }
`);

export const UpdateRiskMutation = graphql(`
  mutation UpdateRisk($id: Int!, $version: Int!, $input: UpdateRiskInput!) {
    updateRisk(id: $id, version: $version, input: $input) {
      id
      ...RiskFields
    }
  }
`);

export const CreateRiskMutation = graphql(`
  mutation CreateRisk($input: CreateRiskInput!) {
    createRisk(input: $input) {
      id
      title
    }
  }
`);

/** The register's filters, as kept in the page address (so a heat-map cell can link to its risks). */
export interface RiskFilters {
  portfolio: string | null;
  owner: string | null;
  rating: RiskRating | null;
  status: RiskStatus | "ACTIVE" | null;
  likelihood: number | null;
  impact: number | null;
}

/** Whether a risk passes the filters. "ACTIVE" is every status but CLOSED; portfolio "none" is office-wide risks. */
export function matchesRiskFilters(risk: { portfolio?: { id: number } | null; ownerName: string; score: number; status: RiskStatus; likelihood: number; impact: number }, f: RiskFilters): boolean {
  if (f.portfolio === "none" ? risk.portfolio != null : f.portfolio != null && String(risk.portfolio?.id) !== f.portfolio) return false;
  if (f.owner != null && risk.ownerName !== f.owner) return false;
  if (f.rating != null && riskRating(risk.score).key !== f.rating) return false;
  if (f.status === "ACTIVE" ? risk.status === "CLOSED" : f.status != null && risk.status !== f.status) return false;
  if (f.likelihood != null && risk.likelihood !== f.likelihood) return false;
  if (f.impact != null && risk.impact !== f.impact) return false;
  return true;
}
