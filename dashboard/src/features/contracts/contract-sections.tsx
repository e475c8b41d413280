import { Link } from "react-router";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDate, formatPence, formatValue } from "../../format";
import { graphql } from "../../gql";
import type { ContractDetailFieldsFragment } from "../../gql/graphql";
import { LINE_STATUS_LABELS } from "./contract-labels";

const money = (pence: number | null | undefined) => (pence == null ? "—" : formatPence(pence, { wholePounds: true }));

/** The office's money for the service: each stream's line per year, committed or planned. */
export function FundingLinesTable({ contract }: { contract: ContractDetailFieldsFragment }) {
  if (!contract.fundingLines.length) return <p>No funding lines.</p>;
  const lines = [...contract.fundingLines].sort((a, b) => a.year.localeCompare(b.year) || a.stream.name.localeCompare(b.stream.name));
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Funding lines">
      <table className="table table--figures" data-testid="contract-funding-lines">
        <thead>
          <tr>
            <th scope="col">Year</th>
            <th scope="col">Funding stream</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.id}>
              <td className="nowrap">{l.year}</td>
              <td>{l.stream.name}</td>
              <td>{LINE_STATUS_LABELS[l.status]}</td>
              <td className="num">{money(l.amountPence)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CoCommissionersList({ contract }: { contract: ContractDetailFieldsFragment }) {
  if (!contract.coCommissioners.length) return <p>No co-commissioners: the office funds the service alone.</p>;
  return (
    <ul className="contract-partners">
      {contract.coCommissioners.map((c) => (
        <li key={c.id}>
          {c.partnerName}
          {c.annualContributionPence != null && <> — {money(c.annualContributionPence)} a year</>}
        </li>
      ))}
    </ul>
  );
}

/** Spend by quarter beside the year's budget (the contract's funding lines for that year), running total and share used. */
export function SpendAgainstBudget({ contract }: { contract: ContractDetailFieldsFragment }) {
  const years = [...new Set([...contract.fundingLines.map((l) => l.year), ...contract.spend.map((s) => s.year)])].sort();
  if (!years.length) return <p>No budget or spend recorded.</p>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Spend by quarter against budget">
      <table className="table table--figures" data-testid="contract-spend">
        <thead>
          <tr>
            <th scope="col">Quarter</th>
            <th scope="col" className="num">
              Spend
            </th>
            <th scope="col" className="num">
              Spent so far
            </th>
            <th scope="col" className="num">
              Year's budget
            </th>
            <th scope="col">Budget used</th>
          </tr>
        </thead>
        <tbody>
          {years.flatMap((year) => {
            const budget = contract.fundingLines.filter((l) => l.year === year).reduce((s, l) => s + l.amountPence, 0);
            let running = 0;
            return [1, 2, 3, 4].map((q) => {
              const spend = contract.spend.find((s) => s.year === year && s.quarter === q);
              running += spend?.amountPence ?? 0;
              const share = budget > 0 ? Math.round((running / budget) * 100) : null;
              return (
                <tr key={`${year}-${q}`}>
                  <th scope="row" className="nowrap">
                    {year} Q{q}
                  </th>
                  <td className="num">{spend ? money(spend.amountPence) : "—"}</td>
                  <td className="num">{money(running)}</td>
                  <td className="num">{budget ? money(budget) : "—"}</td>
                  <td>
                    {share == null ? (
                      "—"
                    ) : (
                      <span className={share > 100 ? "spend-bar spend-bar--over" : "spend-bar"}>
                        <span className="spend-bar__track" aria-hidden="true">
                          <span className="spend-bar__fill" style={{ width: `${Math.min(share, 100)}%` }} />
                        </span>
                        {share}%{share > 100 && " (over budget)"}
                      </span>
                    )}
                  </td>
                </tr>
              );
            });
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The indicators the contract reports, with each year's and quarter's target. */
export function KpiTargets({ contract }: { contract: ContractDetailFieldsFragment }) {
  if (!contract.kpis.length) return <p>The contract reports no indicators yet.</p>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Indicators and targets">
      <table className="table table--figures" data-testid="contract-kpis">
        <thead>
          <tr>
            <th scope="col">Indicator</th>
            <th scope="col">Direction</th>
            <th scope="col">Targets</th>
          </tr>
        </thead>
        <tbody>
          {contract.kpis.map((k) => (
            <tr key={k.id}>
              <th scope="row">
                {k.indicator.name} <span className="hint">({k.indicator.code})</span>
              </th>
              <td>{k.indicator.direction === "HIGHER_IS_BETTER" ? "Higher is better" : "Lower is better"}</td>
              <td>
                {k.targets.length
                  ? k.targets.map((t) => `${t.year}${t.quarter ? ` Q${t.quarter}` : " (year)"}: ${formatValue(t.value, k.indicator.unit)}`).join("; ")
                  : "No target set"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const ContractReturnsQuery = graphql(`
  query ContractReturns($contractId: Int!) {
    returns(contractId: $contractId, first: 100) {
      items {
        id
        state
        late
        submittedAt
        acceptedAt
        period {
          id
          label
          startDate
        }
      }
    }
  }
`);

const RETURN_STATES: Record<string, string> = { DRAFT: "Draft", SUBMITTED: "Submitted, awaiting review", RETURNED: "Sent back", ACCEPTED: "Accepted" };

export function ContractReturns({ contractId }: { contractId: number }) {
  const [{ data, error }] = useQuery({ query: ContractReturnsQuery, variables: { contractId } });
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">Loading returns…</p>;
  const items = [...data.returns.items].sort((a, b) => b.period.startDate.localeCompare(a.period.startDate));
  if (!items.length) return <p>No returns yet.</p>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Returns">
      <table className="table table--figures" data-testid="contract-returns">
        <thead>
          <tr>
            <th scope="col">Quarter</th>
            <th scope="col">State</th>
            <th scope="col">Submitted</th>
            <th scope="col">Accepted</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link to={`/returns?quarter=${r.period.id}`}>{r.period.label}</Link>
              </th>
              <td>
                {RETURN_STATES[r.state] ?? r.state}
                {r.late && " (late)"}
              </td>
              <td>{formatDate(r.submittedAt)}</td>
              <td>{formatDate(r.acceptedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const ContractDecisionsQuery = graphql(`
  query ContractDecisions($officeId: Int) {
    decisions(officeId: $officeId) {
      id
      kind
      title
      decidedOn
      published
      contract {
        id
      }
    }
  }
`);

export function ContractDecisions({ contractId, officeId }: { contractId: number; officeId: number }) {
  const [{ data, error }] = useQuery({ query: ContractDecisionsQuery, variables: { officeId } });
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">Loading decisions…</p>;
  const items = data.decisions.filter((d) => d.contract?.id === contractId);
  if (!items.length) return <p>No commissioning decisions recorded for this contract.</p>;
  return (
    <ul className="contract-decisions" data-testid="contract-decisions">
      {items.map((d) => (
        <li key={d.id}>
          <strong>{d.title}</strong> — {d.kind.toLowerCase()}, {formatDate(d.decidedOn)}
          {d.published ? " (published)" : " (not published)"}
        </li>
      ))}
    </ul>
  );
}
