import { graphql } from "../../gql";
import type { DecisionKind, DecisionsListQuery as DecisionsListResult } from "../../gql/graphql";

/** A decision as the register and its detail show it. */
export type DecisionRow = DecisionsListResult["decisions"][number];

export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  AWARD: "Award",
  EXTEND: "Extend",
  VARY: "Vary",
  DECOMMISSION: "Decommission",
};

export const DecisionsListQuery = graphql(`
  query DecisionsList($officeId: Int) {
    # Written out, not spread from a fragment: a spread counts against the API's depth limit, and evidence is deep.
    decisions(officeId: $officeId) {
      id
      version
      kind
      title
      rationale
      decidedOn
      published
      createdAt
      contract {
        id
        reference
        title
      }
      evidence {
        id
        state
        period {
          id
          label
        }
        contract {
          id
          reference
        }
      }
    }
  }
`);

/** The office's contracts to decide on (the recording form's choice). */
export const DecisionContractsQuery = graphql(`
  query DecisionContracts($officeId: Int) {
    contracts(officeId: $officeId, first: 100) {
      items {
        id
        reference
        title
        status
      }
    }
  }
`);

/** A contract's accepted returns: the only evidence the form offers (drafts and sent-back returns never are). */
export const DecisionEvidenceQuery = graphql(`
  query DecisionEvidence($contractId: Int!) {
    returns(contractId: $contractId, state: ACCEPTED, first: 100) {
      items {
        id
        acceptedAt
        period {
          id
          label
          startDate
        }
      }
    }
  }
`);

export const RecordDecisionMutation = graphql(`
  mutation RecordDecision($input: RecordDecisionInput!) {
    recordDecision(input: $input) {
      id
      title
      version
    }
  }
`);

export const PublishDecisionMutation = graphql(`
  mutation PublishDecision($id: Int!, $version: Int!) {
    publishDecision(id: $id, version: $version) {
      id
      version
      published
    }
  }
`);
