import { formatDateTime } from "../../format";

/** How a RAG rating is decided, in the words the Panel reads; printed with the pack. */
export function RatingLegend() {
  return (
    <section className="board-section rating-legend" aria-labelledby="rating-legend-heading" data-testid="rating-legend">
      <h2 id="rating-legend-heading">How ratings are decided</h2>
      <ul>
        <li>
          <strong>Direction</strong>: each indicator says whether higher or lower is better; the rating looks at the shortfall in that direction.
        </li>
        <li>
          <strong>Target</strong>: a portfolio's own target where one is set; otherwise its contracts' targets, added up for counts and weighted by each contract's denominator for percentages. A year's target for a count is split evenly over its four quarters.
        </li>
        <li>
          <strong>On target</strong> at or beyond the target; <strong>near target</strong> when short of it by no more than the indicator's amber tolerance; <strong>off target</strong> beyond that.
        </li>
        <li>
          <strong>Incomplete</strong> (<span aria-hidden="true">◔ </span>“2 of 10 returns”): not every return due is in. A percentage keeps its rating over the contracts that reported. A count is judged only against the targets of the contracts that reported, and is not rated when only a whole-quarter target exists; it shows no change from the previous quarter and no point on the trend line.
        </li>
      </ul>
    </section>
  );
}

export interface OutstandingRow {
  portfolioId?: number | null;
  due: number;
  accepted: number;
}

/** "Figures as at 1 Dec 2026, 09:12: 8 of 21 returns still outstanding (…)". */
export function AsAt({ asAt, periodLabel, rows, nameOf }: { asAt: Date | null; periodLabel: string; rows: OutstandingRow[] | undefined; nameOf: (portfolioId: number | null) => string }) {
  const byPortfolio = (rows ?? []).filter((r) => r.portfolioId != null);
  const due = byPortfolio.reduce((s, r) => s + r.due, 0);
  const outstanding = byPortfolio.filter((r) => r.due > r.accepted);
  const total = outstanding.reduce((s, r) => s + (r.due - r.accepted), 0);
  return (
    <p className="board-as-at" data-testid="board-as-at">
      <strong>Figures as at {asAt ? formatDateTime(asAt.toISOString()) : "…"}</strong>
      {rows && (
        <>
          {" "}
          · {periodLabel}:{" "}
          {total === 0 ? (
            "every return due is accepted."
          ) : (
            <>
              {total} of {due} returns still outstanding (not yet accepted): {outstanding.map((r) => `${nameOf(r.portfolioId ?? null)} ${r.due - r.accepted}`).join(", ")}.
            </>
          )}
        </>
      )}
    </p>
  );
}
