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
  query PlansWithQuestions($officeId: Int) {
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
        # Their status comes from PlansOfficeCells: KeyPerformanceQuestion.status's cells sit one level too deep here.
        keyPerformanceQuestions {
          id
          version
          question
          indicators {
            id
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

/**
 * The office total's cell for each indicator in one quarter (accepted returns): the same cells as
 * KeyPerformanceQuestion.status, reached at depth 4 rather than 6.
 */
export const PlansOfficeCellsQuery = graphql(`
  query PlansOfficeCells($officeId: Int, $periodId: Int!) {
    scorecards(officeId: $officeId, periodIds: [$periodId]) {
      portfolioId
      rows {
        indicatorId
        cells {
          periodId
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
`);
