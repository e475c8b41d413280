import { graphql } from "../../gql";
import type { PlanKind } from "../../gql/graphql";

export const PLAN_KIND_LABELS: Record<PlanKind, string> = {
  POLICE_AND_CRIME_PLAN: "Police and Crime Plan",
  CRIMINAL_JUSTICE_BOARD_STRATEGY: "Criminal Justice Board strategy",
  COMMUNITY_SAFETY_PARTNERSHIP: "Community Safety Partnership",
  COMMISSIONING_STRATEGY: "Commissioning strategy",
};

/** The office's plans, priorities and questions, with each question's indicators' office-wide cells in one quarter. */
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
        # Written out rather than spread from a fragment: a spread counts as a level against the API's depth limit.
        keyPerformanceQuestions {
          id
          version
          question
          indicators {
            id
          }
          status(periodId: $periodId) {
            indicatorId
            cell {
              actual
              target
              rag
              returnsIn
              returnsDue
              provisional
            }
          }
        }
      }
    }
    indicators(officeId: $officeId) {
      id
      code
      name
      unit
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
