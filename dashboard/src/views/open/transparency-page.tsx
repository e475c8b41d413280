import { useEffect, useState } from "react";
import { useParams } from "react-router";
import { RagBadge } from "../../components/rag-badge";
import { formatDate, formatPence, formatValue, type MeasureUnit, type Rag } from "../../format";
import "./transparency.css";

/** The shape of /open/<office>/transparency.json (server/modules/opendata/transparency.ts). */
interface TransparencyData {
  office: { name: string; code: string; commissionerTitle: string };
  decisions: Array<{ kind: string; title: string; rationale: string; decidedOn: string; contractReference: string | null }>;
  contracts: Array<{ reference: string; title: string; provider: string; mechanism: string; status: string; startDate: string | null; endDate: string | null; valuePence: number | null; grant: boolean }>;
  grants: Array<{ id: string; title: string; recipient: string; amountAwarded: number; awardDate: string; programme: string | null }>;
  frozenQuarters: Array<{
    label: string;
    frozenAt: string;
    scorecards: Array<{ portfolio: string; rows: Array<{ indicator: string; unit: MeasureUnit; actual: number | null; target: number | null; rag: Rag; returnsIn: number; returnsDue: number }> }>;
  }>;
  downloads: Array<{ label: string; href: string }>;
}

type State = { status: "loading" } | { status: "missing" } | { status: "failed" } | { status: "ready"; data: TransparencyData };

const words = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");

/** A public page, no sign-in: what an office publishes about its commissioning. */
export default function TransparencyPage() {
  const { office = "" } = useParams();
  const [state, setState] = useState<State>({ status: "loading" });

  useEffect(() => {
    let live = true;
    fetch(`/open/${encodeURIComponent(office)}/transparency.json`)
      .then(async (response) => {
        if (!live) return;
        if (response.status === 404) return setState({ status: "missing" });
        if (!response.ok) return setState({ status: "failed" });
        setState({ status: "ready", data: (await response.json()) as TransparencyData });
      })
      .catch(() => live && setState({ status: "failed" }));
    return () => {
      live = false;
    };
  }, [office]);

  useEffect(() => {
    document.title = state.status === "ready" ? `${state.data.office.name}: commissioning transparency` : "Commissioning transparency";
  }, [state]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header__bar">
          <div className="wide-container site-header__inner">
            <div className="site-header__brand">
              <span className="site-header__product">Commissioning transparency</span>
              {state.status === "ready" && <span className="site-header__org">{state.data.office.name}</span>}
            </div>
          </div>
        </div>
      </header>
      <main id="main" className="wide-container page transparency" tabIndex={-1}>
        {state.status === "loading" && (
          <p className="loading" role="status">
            Loading…
          </p>
        )}
        {state.status === "missing" && (
          <div className="panel">
            <h1>Nothing is published here</h1>
            <p>This office does not publish a transparency page, or the address is wrong.</p>
          </div>
        )}
        {state.status === "failed" && (
          <div className="panel" role="alert">
            <h1>The page could not be loaded</h1>
            <p>Try again in a moment.</p>
          </div>
        )}
        {state.status === "ready" && <Published data={state.data} />}
      </main>
    </>
  );
}

function Published({ data }: { data: TransparencyData }) {
  return (
    <>
      <h1>{data.office.commissionerTitle}</h1>
      <p className="lede">The services the Commissioner funds, the grants awarded, the decisions published and the quarterly performance figures as reported to the Police and Crime Panel.</p>

      <section className="panel" aria-labelledby="open-downloads">
        <h2 id="open-downloads">Open data</h2>
        <ul className="transparency__downloads">
          {data.downloads.map((d) => (
            <li key={d.href}>
              <a href={d.href} download>
                {d.label}
              </a>
            </li>
          ))}
        </ul>
        <p className="hint">Contracts follow the Open Contracting Data Standard 1.1 with its metrics extension; grants follow the 360Giving Data Standard. Open Government Licence v3.0.</p>
      </section>

      <section className="panel" aria-labelledby="open-decisions">
        <h2 id="open-decisions">Decisions</h2>
        {data.decisions.length === 0 ? (
          <p>No decisions have been published yet.</p>
        ) : (
          <ul className="transparency__decisions">
            {data.decisions.map((d, i) => (
              <li key={`${d.decidedOn}-${i}`}>
                <h3>{d.title}</h3>
                <p className="hint">
                  {words(d.kind)} · {formatDate(d.decidedOn)}
                  {d.contractReference ? ` · ${d.contractReference}` : ""}
                </p>
                <p>{d.rationale}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="open-quarters">
        <h2 id="open-quarters">Quarterly performance</h2>
        {data.frozenQuarters.length === 0 ? (
          <p>No quarter has been reported to the Panel yet.</p>
        ) : (
          data.frozenQuarters.map((q) => (
            <div key={q.label} className="transparency__quarter">
              <h3>
                {q.label} <span className="hint">as reported on {formatDate(q.frozenAt.slice(0, 10))}</span>
              </h3>
              {q.scorecards.map((s) => (
                <div key={s.portfolio} className="table-scroll" role="region" aria-label={`${q.label}, ${s.portfolio}, table`} tabIndex={0}>
                  <table className="table">
                    <caption>{s.portfolio}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Indicator</th>
                        <th scope="col">Actual</th>
                        <th scope="col">Target</th>
                        <th scope="col">Rating</th>
                        <th scope="col">Returns</th>
                      </tr>
                    </thead>
                    <tbody>
                      {s.rows.map((r) => (
                        <tr key={r.indicator}>
                          <th scope="row">{r.indicator}</th>
                          <td>{formatValue(r.actual, r.unit)}</td>
                          <td>{r.target == null ? "None set" : formatValue(r.target, r.unit)}</td>
                          <td>
                            <RagBadge rag={r.rag} size="compact" />
                          </td>
                          <td>
                            {r.returnsIn} of {r.returnsDue}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ))}
            </div>
          ))
        )}
      </section>

      <section className="panel" aria-labelledby="open-grants">
        <h2 id="open-grants">Grants</h2>
        <div className="table-scroll" role="region" aria-label="Grants table" tabIndex={0}>
          <table className="table transparency__stack">
            <thead>
              <tr>
                <th scope="col">Grant</th>
                <th scope="col">Recipient</th>
                <th scope="col">Programme</th>
                <th scope="col">Awarded</th>
                <th scope="col">Amount</th>
              </tr>
            </thead>
            <tbody>
              {data.grants.map((g) => (
                <tr key={g.id}>
                  <th scope="row">{g.title}</th>
                  <td data-label="Recipient">{g.recipient}</td>
                  <td data-label="Programme">{g.programme ?? ""}</td>
                  <td data-label="Awarded">{formatDate(g.awardDate)}</td>
                  <td data-label="Amount" className="transparency__money">{formatPence(Math.round(g.amountAwarded * 100), { wholePounds: true })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel" aria-labelledby="open-contracts">
        <h2 id="open-contracts">Contracts and services</h2>
        <div className="table-scroll" role="region" aria-label="Contracts table" tabIndex={0}>
          <table className="table transparency__stack">
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">Service</th>
                <th scope="col">Provider</th>
                <th scope="col">Status</th>
                <th scope="col">Period</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {data.contracts.map((c) => (
                <tr key={c.reference}>
                  <td data-label="Reference" className="transparency__reference">{c.reference}</td>
                  <th scope="row">{c.title}</th>
                  <td data-label="Provider">{c.provider}</td>
                  <td data-label="Status">{words(c.status)}</td>
                  <td data-label="Period">{c.startDate && c.endDate ? `${formatDate(c.startDate)} – ${formatDate(c.endDate)}` : c.startDate ? `From ${formatDate(c.startDate)}` : c.endDate ? `Until ${formatDate(c.endDate)}` : "Not set"}</td>
                  <td data-label="Value" className="transparency__money">{c.valuePence == null ? "" : formatPence(c.valuePence, { wholePounds: true })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
