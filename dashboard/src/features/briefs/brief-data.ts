import { graphql } from "../../gql";

/** A brief as every briefs component shows it: written once, read with useFragment. */
export const BriefFieldsFragment = graphql(`
  fragment BriefFields on ProjectBrief {
    id
    version
    title
    summary
    state
    drivers
    proposedValuePence
    businessNeedScore
    driversScore
    deliverabilityScore
    totalScore
    declineReason
    createdAt
    portfolio {
      id
      name
    }
    contract {
      id
      reference
      title
      status
    }
  }
`);

export const BriefsListQuery = graphql(`
  query BriefsList($officeId: Int) {
    projectBriefs(officeId: $officeId) {
      id
      ...BriefFields
    }
    portfolios(officeId: $officeId) {
      id
      name
    }
  }
`);

export const SubmitBriefMutation = graphql(`
  mutation SubmitBrief($input: SubmitBriefInput!) {
    submitBrief(input: $input) {
      id
      title
      ...BriefFields
    }
  }
`);

export const ScoreBriefMutation = graphql(`
  mutation ScoreBrief($id: Int!, $version: Int!, $scores: BriefScoresInput!) {
    scoreBrief(id: $id, version: $version, scores: $scores) {
      id
      ...BriefFields
    }
  }
`);

export const ApproveBriefMutation = graphql(`
  mutation ApproveBrief($id: Int!, $version: Int!, $contract: BriefContractInput!) {
    approveBrief(id: $id, version: $version, contract: $contract) {
      id
      ...BriefFields
    }
  }
`);

export const DeclineBriefMutation = graphql(`
  mutation DeclineBrief($id: Int!, $version: Int!, $reason: String!) {
    declineBrief(id: $id, version: $version, reason: $reason) {
      id
      ...BriefFields
    }
  }
`);

/** Providers to award an approved brief's contract to: the register, by name. */
export const BriefProvidersQuery = graphql(`
  query BriefProviders($search: String) {
    providers(first: 100, search: $search) {
      items {
        id
        name
      }
    }
  }
`);
