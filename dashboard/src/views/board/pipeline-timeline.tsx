import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDate, formatPence } from "../../format";
import { graphql } from "../../gql";

const BoardPipelineQuery = graphql(`
  query BoardPipeline($officeId: Int) {
    reprocurementPipeline(officeId: $officeId) {
      id
      reference
      title
      status
      stage
      reviewWindow
      plannedStartDate
      potentialValuePence
      annualValuePence
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

/**
 * Review windows are written as people write them: "March to May 2023", "November 2023 to February 2024".
 * Returns the first and last month, or null when the text does not read as a span of months.
 */
export function parseReviewWindow(text: string | null | undefined): { from: MonthIndex; to: MonthIndex } | null {
  if (!text) return null;
  const match = /([a-z]+)(?:\s+(\d{4}))?\s+(?:to|-|–)\s+([a-z]+)\s+(\d{4})/i.exec(text.trim());
  if (!match) return null;
  const fromMonth = MONTHS.findIndex((m) => m.startsWith(match[1].toLowerCase().slice(0, 3)));
  const toMonth = MONTHS.findIndex((m) => m.startsWith(match[3].toLowerCase().slice(0, 3)));
  if (fromMonth < 0 || toMonth < 0) return null;
  const toYear = Number(match[4]);
  const fromYear = match[2] ? Number(match[2]) : fromMonth <= toMonth ? toYear : toYear - 1;
  return { from: monthIndex(fromYear, fromMonth), to: monthIndex(toYear, toMonth) };
}

function startMonth(iso: string | null | undefined): MonthIndex | null {
  if (!iso) return null;
  const [y, m] = iso.split("-").map(Number);
  return Number.isFinite(y) && Number.isFinite(m) ? monthIndex(y, m - 1) : null;
}

/** Contracts under review or being re-procured: review windows as bars, new starts as markers, on one month scale. */
export function PipelineTimeline({ officeId, portfolioId }: { officeId: number; portfolioId?: number | null }) {
  const [{ data, error, fetching }] = useQuery({ query: BoardPipelineQuery, variables: { officeId } });
  const items = (data?.reprocurementPipeline ?? []).filter((c) => portfolioId == null || c.portfolio.id === portfolioId);
  const spans = items.map((c) => ({ contract: c, window: parseReviewWindow(c.reviewWindow), start: startMonth(c.plannedStartDate) }));
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
      {error ? (
        <p className="board-error" role="alert">
          {describeError(error)}
        </p>
      ) : fetching && !data ? (
        <p aria-live="polite">Loading the pipeline…</p>
      ) : items.length === 0 ? (
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
                      {contract.provider.name} · {contract.portfolio.name} · {STATUS_LABELS[contract.status] ?? contract.status}
                    </p>
                    <p className="timeline__facts">
                      Review: {contract.reviewWindow ?? "not set"} · New service starts {contract.plannedStartDate ? formatDate(contract.plannedStartDate) : "not set"} · Potential value{" "}
                      {contract.potentialValuePence != null ? formatPence(contract.potentialValuePence) : "not set"}
                    </p>
                  </div>
                  <div className="timeline__track" aria-hidden="true">
                    {ticks.map((m) => (
                      <span key={m} className="timeline__gridline" style={{ left: at(m) }} />
                    ))}
                    {window && (
                      <span className="timeline__bar" style={{ left: at(window.from), width: `${((window.to + 1 - window.from) / span) * 100}%` }}>
                        {contract.potentialValuePence != null ? formatPence(contract.potentialValuePence) : ""}
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
        </>
      )}
    </section>
  );
}
