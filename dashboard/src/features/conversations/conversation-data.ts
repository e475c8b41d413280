import { graphql } from "../../gql";

/** One comment as every thread shows it. */
export const CommentFields = graphql(`
  fragment ConversationComment on ReturnComment {
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
`);

/** A follow-up flag, as shown on the review and beside the figure in the provider's form. */
export const FlagFields = graphql(`
  fragment ConversationFlag on FigureFlag {
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
`);

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
        ...ConversationComment
      }
      figureFlags {
        ...ConversationFlag
      }
    }
  }
`);

export const ConversationChangedSubscription = graphql(`
  subscription ConversationChanged($officeId: Int!, $returnId: Int, $since: Int) {
    conversationChanged(officeId: $officeId, returnId: $returnId, since: $since) {
      seq
      change
      returnId
      comment {
        ...ConversationComment
      }
      flag {
        ...ConversationFlag
      }
      attachmentId
    }
  }
`);

export const PostCommentMutation = graphql(`
  mutation PostReturnComment($input: PostReturnCommentInput!) {
    postReturnComment(input: $input) {
      ...ConversationComment
    }
  }
`);

export const RaiseFlagMutation = graphql(`
  mutation RaiseFigureFlag($input: RaiseFigureFlagInput!) {
    raiseFigureFlag(input: $input) {
      ...ConversationFlag
    }
  }
`);

export const ClearFlagMutation = graphql(`
  mutation ClearFigureFlag($id: Int!, $version: Int!, $note: String) {
    clearFigureFlag(id: $id, version: $version, note: $note) {
      ...ConversationFlag
    }
  }
`);

export const OpenFlagsQuery = graphql(`
  query ContractOpenFlags($contractId: Int!) {
    contract(id: $contractId) {
      id
      openFigureFlags {
        ...ConversationFlag
      }
    }
  }
`);
