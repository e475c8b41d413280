import { graphql } from "../../gql";
import type { ReturnFormDataQuery, ReturnFormPeriodsQuery } from "../../gql/graphql";

export const ReturnFormQuery = graphql(`
  query ReturnFormData($contractId: Int!, $periodId: Int!) {
    contract(id: $contractId) {
      id
      reference
      title
      shortForm
      office {
        id
        name
      }
      portfolio {
        id
        name
      }
      provider {
        id
        name
      }
      reportedMeasures {
        id
        code
        name
        description
        unit
        minValue
        maxValue
      }
      kpis {
        id
        indicator {
          id
          code
          numeratorMeasures {
            id
          }
          denominatorMeasures {
            id
            name
          }
        }
      }
    }
    returns(contractId: $contractId, periodId: $periodId, first: 1) {
      items {
        id
        version
        state
        late
        submittedAt
        acceptedAt
        acceptedBy {
          id
          name
        }
        reviewReason
        correctionReason
        correctionOpenedAt
        revisionCount
        achievements
        challenges
        caseStudy
        emergingRisks
        spendPence
        updatedAt
        period {
          id
          label
          state
          dueDate
        }
        values {
          id
          value
          comment
          measure {
            id
          }
        }
        revisions {
          id
          number
          late
          submittedAt
          submittedBy {
            id
            name
          }
          outcome
          reviewReason
          reviewedAt
          reviewedBy {
            id
            name
          }
          measureComments {
            measureId
            comment
          }
        }
      }
    }
  }
`);

export const PeriodsQuery = graphql(`
  query ReturnFormPeriods($officeId: Int!) {
    reportingPeriods(officeId: $officeId) {
      id
      label
      state
      dueDate
    }
  }
`);

export const ReturnChangedSubscription = graphql(`
  subscription ReturnFormReturnChanged($officeId: Int!, $since: Int) {
    returnChanged(officeId: $officeId, since: $since) {
      seq
      returnId
      contractId
      periodId
      state
      change
    }
  }
`);

export type FormContract = ReturnFormDataQuery["contract"];
export type FormMeasure = FormContract["reportedMeasures"][number];
export type FormReturn = ReturnFormDataQuery["returns"]["items"][number];
export type FormPeriod = ReturnFormPeriodsQuery["reportingPeriods"][number];

