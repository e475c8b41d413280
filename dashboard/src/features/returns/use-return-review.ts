import { useMemo } from "react";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { ReturnReviewFiguresQuery } from "../../gql/graphql";
import { figureChange, previousAccepted, type FigureChange } from "./figure-change";

const ReturnReviewFiguresQueryDocument = graphql(`
  query ReturnReviewFigures($contractId: Int!) {
    contractScorecard(contractId: $contractId, includeSubmitted: true) {
      rows {
        indicatorId
        indicator {
          id
          name
          unit
          direction
        }
        cells {
          periodId
          label
          actual
          target
          fullTarget
          targetBasis
          rag
          change
          complete
          provisional
          returnsIn
          returnsDue
        }
      }
    }
    returns(contractId: $contractId, first: 100) {
      items {
        id
        state
        period {
          id
          label
        }
        values {
          id
          value
          measure {
            id
          }
        }
      }
    }
  }
`);

type Row = NonNullable<ReturnReviewFiguresQuery["contractScorecard"]>["rows"][number];
export type ReviewCell = Row["cells"][number];

export interface IndicatorReview {
  indicator: Row["indicator"];
  /** This quarter's cell (submitted figures included), or null when the contract has no cell for it. */
  cell: ReviewCell | null;
  /** The quarter before's cell, or null. */
  previous: ReviewCell | null;
  change: FigureChange;
}

/**
 * What a reviewer compares a return with: each of the contract's KPIs this quarter and the quarter before (with
 * their targets and basis), and the latest accepted return before this quarter for the figures themselves.
 */
export function useReturnReview(contractId: number, periodId: number, periodLabel: string) {
  const [{ data, error, fetching }] = useQuery({ query: ReturnReviewFiguresQueryDocument, variables: { contractId }, requestPolicy: "cache-and-network" });
  return useMemo(() => {
    const rows = data?.contractScorecard?.rows ?? [];
    const indicators: IndicatorReview[] = rows.map((row) => {
      const index = row.cells.findIndex((c) => c.periodId === periodId);
      const cell = index >= 0 ? row.cells[index] : null;
      const previous = index > 0 ? row.cells[index - 1] : null;
      return { indicator: row.indicator, cell, previous, change: figureChange(cell?.actual, previous?.actual) };
    });
    const previousReturn = data ? previousAccepted(data.returns.items, periodLabel) : null;
    return { loaded: data != null, error, fetching, indicators, previousReturn };
  }, [data, error, fetching, periodId, periodLabel]);
}
