import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDate, formatMoney } from "../../format";
import { graphql } from "../../gql";
import "./pipeline-timeline.css";

const BoardPipelineQuery = graphql(`
  query BoardPipeline($officeId: Int, $asOf: String) {
    reprocurementPipeline(officeId: $officeId) {
      id
      reference
      title
      status
      stage
      reviewWindow
      reviewStartDate
      reviewEndDate
      plannedStartDate
      potentialValuePence
      annualValuePence
      endDate
      reprocurementDue(asOf: $asOf)
      portfolio {
        id
        name
      }
      provider {
        id
        name
      }
    }
    contractsEndingWithoutPlan(officeId: $officeId, asOf: $asOf) {
      id
      reference
      title
      endDate
      portfolio {
        id
        name
      }
      provider {
        id
        name
      }
    }
  }
`);

/** Where each re-procurement stands, in words (never colour alone). */
const DUE_LABELS: Record<string, string> = {
  NOT_PLANNED: "No dates set",
  UPCOMING: "Upcoming",
  DUE: "Due now",
  OVERDUE: "Overdue",
  DONE: "Done",
};

/** The last day of a financial quarter ("2023-24", 4 → "2024-03-31"). */
export function quarterEndDate(year: string, quarter: number): string {
  const start = Number(year.slice(0, 4));
  const lastMonth = 3 + quarter * 3; // months after January of the start year: Q1 → June (index 5)
  return new Date(Date.UTC(start, lastMonth, 0)).toISOString().slice(0, 10);
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const STATUS_LABELS: Record<string, string> = {
  PIPELINE: "Pipeline",
  IN_PROCUREMENT: "In procurement",
  LIVE: "Live",
  UNDER_REVIEW: "Under review",
  DECOMMISSIONED: "Decommissioned",
  ENDED: "Ended",
};

/** Month index since year 0, so months compare and subtract simply. */
type MonthIndex = number;
const monthIndex = (year: number, month: number): MonthIndex => year * 12 + month;
const monthLabel = (m: MonthIndex) => new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(Math.floor(m / 12), m % 12, 1)));

function startMonth(iso: string | null | undefined): MonthIndex | null {
  if (!iso) return null;
  const [y, m] = iso.split("-").map(Number);
  return Number.isFinite(y) && Number.isFinite(m) ? monthIndex(y, m - 1) : null;
}

/** Contracts under review or being re-procured: review windows as bars, new starts as markers, on one month scale. */
export function PipelineTimeline({ officeId, portfolioId, asOf }: { officeId: number; portfolioId?: number | null; asOf?: string | null }) {
  const [{ data, error, fetching }] = useQuery({ query: BoardPipelineQuery, variables: { officeId, asOf: asOf ?? null } });
  const items = (data?.reprocurementPipeline ?? []).filter((c) => portfolioId == null || c.portfolio.id === portfolioId);
  const unplanned = (data?.contractsEndingWithoutPlan ?? []).filter((c) => portfolioId == null || c.portfolio.id === portfolioId);
  const spans = items.map((c) => {
    const from = startMonth(c.reviewStartDate);
    const to = startMonth(c.reviewEndDate);
    return { contract: c, window: from != null && to != null ? { from, to } : null, start: startMonth(c.plannedStartDate) };
  });
  const months = spans.flatMap((s) => [s.window?.from, s.window?.to, s.start].filter((m): m is number => m != null));
  const first = months.length ? Math.min(...months) : 0;
  const last = months.length ? Math.max(...months) + 1 : 1;
  const span = Math.max(1, last - first);
  const at = (m: MonthIndex) => `${((m - first) / span) * 100}%`;
  // Quarter ticks along the scale, at most about a dozen.
  const step = Math.max(1, Math.ceil(span / 12));
  const ticks: MonthIndex[] = [];
  for (let m = first; m < last; m += step) ticks.push(m);

  return (
    <section className="board-section print-break" aria-labelledby="pipeline-heading">
      <h2 id="pipeline-heading">Re-procurement timeline</h2>
      {asOf && <p className="timeline__asof">Due and overdue as at {formatDate(asOf)}, the end of the quarter under review.</p>}
      {error ? (
        <p className="board-error" role="alert">
          {describeError(error)}
        </p>
      ) : fetching && !data ? (
        <p aria-live="polite">Loading the pipeline…</p>
      ) : items.length === 0 && unplanned.length === 0 ? (
        <p>No services are under review or being re-procured.</p>
      ) : (
        <>
          <p className="timeline__legend" aria-hidden="true">
            <span className="timeline__key timeline__key--window" /> Review or procurement window <span className="timeline__key timeline__key--start">◆</span> New service starts
          </p>
          <div className="timeline">
            <div className="timeline__scale" aria-hidden="true">
              {ticks.map((m) => (
                <span key={m} className="timeline__tick" style={{ left: at(m) }}>
                  {monthLabel(m)}
                </span>
              ))}
            </div>
            <ol className="timeline__rows">
              {spans.map(({ contract, window, start }) => (
                <li key={contract.id} className="timeline__row">
                  <div className="timeline__label">
                    <p className="timeline__title">
                      <strong>{contract.reference}</strong> {contract.title}
                    </p>
                    <p className="timeline__meta">
                      {contract.provider.name} · {contract.portfolio.name} · {STATUS_LABELS[contract.status] ?? contract.status} ·{" "}
                      {contract.reprocurementDue && (
                        <span className={`timeline__due timeline__due--${contract.reprocurementDue.toLowerCase()}`} data-testid={`pipeline-due-${contract.reference}`}>
                          {contract.reprocurementDue === "OVERDUE" && <span aria-hidden="true">⚠ </span>}
                          {DUE_LABELS[contract.reprocurementDue] ?? contract.reprocurementDue}
                        </span>
                      )}
                    </p>
                    <p className="timeline__facts">
                      Review: {contract.reviewStartDate && contract.reviewEndDate ? `${formatDate(contract.reviewStartDate)} to ${formatDate(contract.reviewEndDate)}` : (contract.reviewWindow ?? "not set")} · New service starts {contract.plannedStartDate ? formatDate(contract.plannedStartDate) : "not set"} · Potential value{" "}
                      {contract.potentialValuePence != null ? formatMoney(contract.potentialValuePence) : "not set"}
                    </p>
                  </div>
                  <div className="timeline__track" aria-hidden="true">
                    {ticks.map((m) => (
                      <span key={m} className="timeline__gridline" style={{ left: at(m) }} />
                    ))}
                    {window && (
                      <span className="timeline__bar" style={{ left: at(window.from), width: `${((window.to + 1 - window.from) / span) * 100}%` }}>
                        {contract.potentialValuePence != null ? formatMoney(contract.potentialValuePence) : ""}
                      </span>
                    )}
                    {start != null && (
                      <span className="timeline__start" style={{ left: at(start) }} title={`Starts ${formatDate(contract.plannedStartDate)}`}>
                        ◆
                      </span>
                    )}
                  </div>
                </li>
              ))}
            </ol>
          </div>
          {unplanned.length > 0 && (
            <div className="timeline__unplanned" data-testid="pipeline-unplanned">
              <h3>
                <span aria-hidden="true">⚠ </span>Ending within 12 months with no re-procurement plan
              </h3>
              <ul>
                {unplanned.map((c) => (
                  <li key={c.id}>
                    <strong>{c.reference}</strong> {c.title} · {c.provider.name} · ends {formatDate(c.endDate)}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}
