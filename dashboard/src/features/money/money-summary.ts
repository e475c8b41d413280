import { useEffect, useRef } from "react";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { BoardMoneyQuery } from "../../gql/graphql";
import { useResyncKey } from "../../live";

// Apart from the panel, so the explorer and presentation mode read the same figures without the charts' code.
export const BoardMoneyQueryDocument = graphql(`
  query BoardMoney($officeId: Int, $year: String!) {
    moneySummary(officeId: $officeId, year: $year) {
      year
      totalPence
      allocatedPence
      committedPence
      plannedPence
      spentPence
      streams {
        streamId
        parentId
        name
        amountPence
        allocatedPence
        committedPence
        plannedPence
        spentPence
        remainingPence
        warnings
      }
      portfolios {
        portfolioId
        portfolio {
          id
          name
        }
        allocatedPence
        committedPence
        plannedPence
        spentPence
        remainingPence
        warnings
      }
      priorities {
        priorityId
        priority {
          id
          title
        }
        committedPence
        plannedPence
        spentPence
      }
    }
  }
`);

export type MoneySummaryData = BoardMoneyQuery["moneySummary"];

/** The office's money for a financial year, refetched after the live connection resyncs. */
export function useMoneySummary(officeId: number | null, year: string | null) {
  const [result, reexecute] = useQuery({ query: BoardMoneyQueryDocument, variables: { officeId, year: year ?? "" }, pause: officeId == null || !year });
  const resyncKey = useResyncKey();
  const first = useRef(resyncKey);
  useEffect(() => {
    if (resyncKey !== first.current) reexecute({ requestPolicy: "network-only" });
  }, [resyncKey, reexecute]);
  return result;
}
