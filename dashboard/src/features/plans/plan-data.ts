import { graphql } from "../../gql";
import type { PlanKind } from "../../gql/graphql";

export const PLAN_KIND_LABELS: Record<PlanKind, string> = {
  POLICE_AND_CRIME_PLAN: "Police and Crime Plan",
  CRIMINAL_JUSTICE_BOARD_STRATEGY: "Criminal Justice Board strategy",
  COMMUNITY_SAFETY_PARTNERSHIP: "Community Safety Partnership",
  COMMISSIONING_STRATEGY: "Commissioning strategy",
};

/** A question and its indicators' status in one quarter: the office-wide scorecard cell of each. */
export const KpqFieldsFragment = graphql(`
  fragment KpqFields on KeyPerformanceQuestion {
    id
    version
    question
    indicators {
      id
    }
    status(periodId: $periodId) {
      indicatorId
      indicator {
        id
        code
        name
        unit
      }
      cell {
        actual
        target
        rag
        label
        returnsIn
        returnsDue
        provisional
      }
    }
  }
`);

export const PlansQuery = graphql(`
  query PlansWithQuestions($officeId: Int, $periodId: Int!) {
    strategicPlans(officeId: $officeId) {
      id
      title
      kind
      startYear
      endYear
      priorities {
        id
        title
        description
        position
        keyPerformanceQuestions {
          id
          ...KpqFields
        }
      }
    }
    indicators(officeId: $officeId) {
      id
      code
      name
    }
  }
`);

export const CreateKpqMutation = graphql(`
  mutation CreateKpq($input: CreateKeyPerformanceQuestionInput!) {
    createKeyPerformanceQuestion(input: $input) {
      id
    }
  }
`);

export const UpdateKpqMutation = graphql(`
  mutation UpdateKpq($id: Int!, $version: Int!, $input: UpdateKeyPerformanceQuestionInput!) {
    updateKeyPerformanceQuestion(id: $id, version: $version, input: $input) {
      id
      version
      question
    }
  }
`);
