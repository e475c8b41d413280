import { graphql } from "../../gql";

/**
 * A scorecard cell as every view shows it, written once: the board's query, its live event and the explorer all
 * spread it, and read it back with `useFragment(ScorecardCellFields, cell)`.
 */
export const ScorecardCellFields = graphql(`
  fragment ScorecardCellFields on ScorecardCell {
    periodId
    label
    actual
    target
    rag
    change
    returnsIn
    returnsDue
    complete
    targetBasis
    fullTarget
    provisional
    numerator
    denominator
  }
`);
