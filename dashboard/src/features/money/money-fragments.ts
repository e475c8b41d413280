import { graphql } from "../../gql";

/** A funding stream with its rules and yearly amounts: what the streams table and the stream form read. */
export const FundingStreamFields = graphql(`
  fragment FundingStreamFields on FundingStream {
    id
    version
    name
    source
    maxAwardPence
    oneOffOnly
    ringFencedPurpose
    eligibleRecipientTypes
    funderReportingCadence
    parent {
      id
      name
    }
    years {
      id
      year
      amountPence
      variable
      note
      version
    }
  }
`);
