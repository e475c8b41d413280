import { graphql } from "../../gql";
import type { ReturnConversationQuery as ConversationData } from "../../gql/graphql";

// Fields are written out rather than spread from fragments: a spread counts as a level of depth, and the
// dashboard keeps every operation within depth 5 (test/unit/dashboard-operations.test.ts).

export const ReturnConversationQuery = graphql(`
  query ReturnConversation($id: Int!) {
    performanceReturn(id: $id) {
      id
      state
      contract {
        id
        office {
          id
        }
      }
      period {
        id
        label
      }
      requiredMeasures {
        id
        name
      }
      comments {
        id
        body
        measureId
        replyToId
        createdAt
        author {
          id
          name
          role
        }
      }
      figureFlags {
        id
        version
        open
        note
        measureId
        returnId
        raisedAt
        clearedAt
        clearNote
        raisedBy {
          id
          name
        }
        clearedBy {
          id
          name
        }
      }
    }
  }
`);

/** A signal per change (the panel refetches what it shows), so each event executes little per group of viewers. */
export const ConversationChangedSubscription = graphql(`
  subscription ConversationChanged($officeId: Int!, $returnId: Int, $since: Int) {
    conversationChanged(officeId: $officeId, returnId: $returnId, since: $since) {
      seq
      change
      returnId
      attachmentId
    }
  }
`);

export const PostCommentMutation = graphql(`
  mutation PostReturnComment($input: PostReturnCommentInput!) {
    postReturnComment(input: $input) {
      id
    }
  }
`);

export const RaiseFlagMutation = graphql(`
  mutation RaiseFigureFlag($input: RaiseFigureFlagInput!) {
    raiseFigureFlag(input: $input) {
      id
      version
      open
    }
  }
`);

export const ClearFlagMutation = graphql(`
  mutation ClearFigureFlag($id: Int!, $version: Int!, $note: String) {
    clearFigureFlag(id: $id, version: $version, note: $note) {
      id
      version
      open
    }
  }
`);

export const OpenFlagsQuery = graphql(`
  query ContractOpenFlags($contractId: Int!) {
    contract(id: $contractId) {
      id
      openFigureFlags {
        id
        version
        open
        note
        measureId
        returnId
        raisedAt
        clearedAt
        clearNote
        raisedBy {
          id
          name
        }
        clearedBy {
          id
          name
        }
      }
    }
  }
`);

type Loaded = NonNullable<ConversationData["performanceReturn"]>;
export type ThreadComment = Loaded["comments"][number];
export type ThreadFlag = Loaded["figureFlags"][number];
