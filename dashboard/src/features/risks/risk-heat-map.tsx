import { Link } from "react-router";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { riskRating } from "./risk-data";
import { graphql } from "../../gql";
import "./risk-heat-map.css";

const BoardRisksQuery = graphql(`
  query BoardRisks($officeId: Int) {
    riskHeatMap(officeId: $officeId) {
      total
      escalated
      cells {
        likelihood
        impact
        count
        score
      }
    }
    risks(officeId: $officeId) {
      id
      title
      likelihood
      impact
      score
      status
      escalated
      ownerName
      portfolio {
        id
        name
      }
    }
  }
`);

const LIKELIHOOD = ["", "Rare", "Unlikely", "Possible", "Likely", "Almost certain"];
const IMPACT = ["", "Negligible", "Minor", "Moderate", "Major", "Severe"];

/** Score bands (one rule for the heat map and the register): a word and a symbol each, never colour alone. */
export const riskBand = riskRating;

/** The risk register as a likelihood × impact grid, with the open risks listed beneath. */
export function RiskHeatMap({ officeId, portfolioId }: { officeId: number; portfolioId?: number | null }) {
  const [{ data, error, fetching }] = useQuery({ query: BoardRisksQuery, variables: { officeId } });
  const map = data?.riskHeatMap;
  const count = new Map((map?.cells ?? []).map((c) => [`${c.likelihood}:${c.impact}`, c.count]));
  const open = (data?.risks ?? []).filter((r) => r.status !== "CLOSED" && (portfolioId == null || r.portfolio?.id === portfolioId || r.portfolio == null));

  return (
    <section className="board-section print-break" aria-labelledby="risks-heading">
      <h2 id="risks-heading">Risks</h2>
      {error ? (
        <p className="board-error" role="alert">
          {describeError(error)}
        </p>
      ) : !map ? (
        <p aria-live="polite">{fetching ? "Loading the risk register…" : "No risks recorded."}</p>
      ) : (
        <div className="risks">
          <div>
            <p className="risks__summary">
              {map.total} open {map.total === 1 ? "risk" : "risks"}, {map.escalated} escalated to the corporate risk register.
            </p>
            {/* Scrolls within itself on a narrow screen rather than widening the page. */}
            <div className="table-scroll" role="region" aria-label="Risk heat map" tabIndex={0}>
              <table className="heatmap">
                <caption>Open risks by likelihood and impact (number of risks in each cell)</caption>
                <thead>
                  <tr>
                    <td className="heatmap__corner" />
                    <th scope="colgroup" colSpan={5} className="heatmap__axis">
                      Impact
                    </th>
                  </tr>
                  <tr>
                    <th scope="col" className="heatmap__axis-label">
                      Likelihood
                    </th>
                    {[1, 2, 3, 4, 5].map((impact) => (
                      <th scope="col" key={impact} className="heatmap__head">
                        {impact} {IMPACT[impact]}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {[5, 4, 3, 2, 1].map((likelihood) => (
                    <tr key={likelihood}>
                      <th scope="row" className="heatmap__head">
                        {likelihood} {LIKELIHOOD[likelihood]}
                      </th>
                      {[1, 2, 3, 4, 5].map((impact) => {
                        const n = count.get(`${likelihood}:${impact}`) ?? 0;
                        const band = riskBand(likelihood * impact);
                        return (
                          <td key={impact} className={`heatmap__cell heatmap__cell--${band.key}${n ? " heatmap__cell--filled" : ""}`}>
                            {/* A cell with risks opens the register filtered to it (open and mitigating risks, as the map counts). */}
                            {n ? (
                              <Link
                                className="heatmap__count heatmap__link"
                                to={`/risks?office=${officeId}&likelihood=${likelihood}&impact=${impact}&status=ACTIVE`}
                                aria-label={`${n} ${n === 1 ? "risk" : "risks"} of likelihood ${likelihood} and impact ${impact}: open in the register`}
                              >
                                {n}
                              </Link>
                            ) : (
                              <span className="heatmap__count">{n}</span>
                            )}
                            <span className="heatmap__band">
                              <span aria-hidden="true">{band.symbol} </span>
                              {band.label}
                            </span>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div>
            <h3>Open risks</h3>
            {open.length === 0 ? (
              <p>No open risks.</p>
            ) : (
              <ul className="risk-list">
                {open.map((risk) => {
                  const band = riskBand(risk.score);
                  return (
                    <li key={risk.id} className="risk-list__item">
                      <span className={`risk-score risk-score--${band.key}`}>
                        <span aria-hidden="true">{band.symbol} </span>
                        {risk.score} {band.label}
                      </span>
                      <span className="risk-list__text">
                        <strong>{risk.title}</strong>
                        <span className="risk-list__meta">
                          Likelihood {risk.likelihood} × impact {risk.impact} · {risk.portfolio?.name ?? "Office-wide"} · Owner {risk.ownerName}
                          {risk.escalated ? " · Escalated" : ""}
                        </span>
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
