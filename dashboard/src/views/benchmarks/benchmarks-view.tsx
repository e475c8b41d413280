import { useEffect } from "react";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatValue } from "../../format";
import { graphql } from "../../gql";
import type { BenchmarksViewQuery } from "../../gql/graphql";
import { useOfficeId } from "../../url-state";
import { OpenDataSettingsPanel } from "./open-data-settings-panel";
import "./benchmarks.css";

const BenchmarksQuery = graphql(`
  query BenchmarksView($officeId: Int) {
    benchmarks(officeId: $officeId) {
      officeId
      sharing
      peers
      indicators {
        code
        name
        unit
        direction
        quarters {
          label
          own
          median
          offices
          others {
            officeId
            officeName
            value
          }
        }
      }
    }
  }
`);

type Indicator = BenchmarksViewQuery["benchmarks"]["indicators"][number];

/** Where the office stands against the median, in words (colour is never the only cue). */
function standing(indicator: Indicator, own: number | null, median: number | null): string {
  if (own == null || median == null) return "";
  if (own === median) return "at the median";
  const better = indicator.direction === "HIGHER_IS_BETTER" ? own > median : own < median;
  return better ? "better than the median" : "worse than the median";
}

function IndicatorTable({ indicator, peers }: { indicator: Indicator; peers: string[] }) {
  const max = Math.max(1, ...indicator.quarters.flatMap((q) => [q.own ?? 0, q.median ?? 0, ...q.others.map((o) => o.value ?? 0)]));
  return (
    <section className="panel benchmark" aria-labelledby={`bm-${indicator.code}`}>
      <h2 id={`bm-${indicator.code}`} className="benchmark__title">
        {indicator.name} <span className="benchmark__code">{indicator.code}</span>
      </h2>
      <p className="hint">{indicator.direction === "HIGHER_IS_BETTER" ? "Higher is better." : "Lower is better."} Figures from accepted returns only. The bar is your figure; the line across it is the median.</p>
      <div className="benchmark__scroll" role="region" aria-label={`${indicator.name}, table`} tabIndex={0}>
        <table className="table benchmark__table">
          <thead>
            <tr>
              <th scope="col">Quarter</th>
              <th scope="col">Your office</th>
              <th scope="col">Median</th>
              {peers.map((peer) => (
                <th scope="col" key={peer}>
                  {peer}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {indicator.quarters.map((q) => {
              const words = standing(indicator, q.own, q.median);
              return (
                <tr key={q.label}>
                  <th scope="row">{q.label}</th>
                  <td className="benchmark__own">
                    <span className="benchmark__figure">{formatValue(q.own, indicator.unit)}</span>
                    {q.own != null && (
                      <span className="benchmark__bar" aria-hidden="true">
                        <span className="benchmark__bar-fill" style={{ width: `${(q.own / max) * 100}%` }} />
                        {q.median != null && <span className="benchmark__bar-median" style={{ left: `${(q.median / max) * 100}%` }} />}
                      </span>
                    )}
                    {words && <span className={`benchmark__standing benchmark__standing--${words.startsWith("better") ? "better" : words.startsWith("worse") ? "worse" : "at"}`}>{words}</span>}
                  </td>
                  <td>
                    {formatValue(q.median, indicator.unit)}
                    <span className="hint benchmark__count"> of {q.offices}</span>
                  </td>
                  {peers.map((peer) => {
                    const other = q.others.find((o) => o.officeName === peer);
                    return <td key={peer}>{other?.value != null ? formatValue(other.value, indicator.unit) : "No accepted figure"}</td>;
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Benchmarking: the office's figures beside every other sharing office's and the median, by quarter. */
export default function BenchmarksView() {
  const [officeId] = useOfficeId();
  const [{ data, fetching, error }] = useQuery({ query: BenchmarksQuery, variables: { officeId }, pause: officeId == null });
  useEffect(() => {
    document.title = "Benchmarks – Commissioning Hub";
  }, []);
  const result = data?.benchmarks;
  const peersWithFigures = (indicator: Indicator) => [...new Set(indicator.quarters.flatMap((q) => q.others.map((o) => o.officeName)))].sort();

  return (
    <div className="benchmarks">
      <h1>Benchmarks</h1>
      <p className="lede">How your office's indicators compare with the other offices that share theirs, quarter by quarter. Offices are matched by indicator code.</p>
      {officeId != null && <OpenDataSettingsPanel officeId={officeId} />}
      {error && (
        <div className="panel" role="alert">
          {describeError(error)}
        </div>
      )}
      {fetching && !data && (
        <p className="loading" role="status">
          Loading…
        </p>
      )}
      {result && !result.sharing && (
        <div className="panel">
          <h2>Your office does not share its figures</h2>
          <p>Only offices that share their own figures see other offices'. The Commissioner can turn sharing on above.</p>
        </div>
      )}
      {result && result.sharing && result.indicators.length === 0 && (
        <div className="panel">
          <h2>No indicators in common yet</h2>
          <p>{result.peers.length ? `Sharing with ${result.peers.join(", ")}, but no indicator code is reported by both your office and another.` : "No other office shares its figures yet."}</p>
        </div>
      )}
      {result?.indicators.map((indicator) => <IndicatorTable key={indicator.code} indicator={indicator} peers={peersWithFigures(indicator)} />)}
    </div>
  );
}
