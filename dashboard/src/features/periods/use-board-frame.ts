import { useMemo } from "react";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { BoardFrameQuery } from "../../gql/graphql";

const BoardFrameDocument = graphql(`
  query BoardFrame($officeId: Int!) {
    office(id: $officeId) {
      id
      name
    }
    reportingPeriods(officeId: $officeId) {
      id
      label
      year
      quarter
      state
      dueDate
      dueDateNote
    }
    portfolios(officeId: $officeId) {
      id
      name
      leadName
    }
  }
`);

export type FramePeriod = BoardFrameQuery["reportingPeriods"][number];
export type FramePortfolio = BoardFrameQuery["portfolios"][number];

/** How many quarters a scorecard shows, ending with the one under review. */
export const QUARTERS_SHOWN = 6;

const periodOrder = (p: FramePeriod) => Number(p.year.slice(0, 4)) * 4 + p.quarter;

/**
 * What every board view needs around the figures: the office's name, its quarters (the one under review and the
 * run of quarters before it that the grids show) and its portfolios in name order.
 */
export function useBoardFrame(officeId: number | null, periodId: number | null) {
  const [{ data, fetching, error }] = useQuery({ query: BoardFrameDocument, variables: { officeId: officeId ?? 0 }, pause: officeId == null });
  return useMemo(() => {
    const periods = [...(data?.reportingPeriods ?? [])].sort((a, b) => periodOrder(a) - periodOrder(b));
    const index = periods.findIndex((p) => p.id === periodId);
    const selected = index >= 0 ? periods[index] : null;
    const window = index >= 0 ? periods.slice(Math.max(0, index - QUARTERS_SHOWN + 1), index + 1) : [];
    const portfolios = [...(data?.portfolios ?? [])].sort((a, b) => a.name.localeCompare(b.name, "en-GB"));
    return { officeName: data?.office.name ?? null, periods, selected, window, portfolios, loaded: Boolean(data), fetching, error };
  }, [data, fetching, error, periodId]);
}
