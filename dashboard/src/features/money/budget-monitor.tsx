import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatPence } from "../../format";
import { graphql } from "../../gql";

const BudgetMonitorQuery = graphql(`
  query BudgetMonitor($officeId: Int, $year: String!) {
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
        overCommittedPence
        includesChildren
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
        overCommittedPence
        warnings
      }
    }
  }
`);

const money = (pence: number) => formatPence(pence, { wholePounds: true });

interface Row {
  key: string;
  name: string;
  budget: number;
  allocated?: number;
  committed: number;
  planned: number;
  spent: number;
  remaining: number;
  over: number;
  warnings: string[];
  child?: boolean;
}

function MonitorTable({ caption, budgetLabel, rows, showAllocated, testId }: { caption: string; budgetLabel: string; rows: Row[]; showAllocated: boolean; testId: string }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="table money-table" data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">
              {budgetLabel}
            </th>
            {showAllocated && (
              <th scope="col" className="num">
                Allocated
              </th>
            )}
            <th scope="col" className="num">
              Committed
            </th>
            <th scope="col" className="num">
              Planned
            </th>
            <th scope="col" className="num">
              Spent
            </th>
            <th scope="col" className="num">
              Remaining
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={r.over > 0 ? "money-table__over" : undefined}>
              <th scope="row" className={r.child ? "money-table__child" : undefined}>
                {r.name}
                {r.warnings.map((w) => (
                  <span key={w} className="money-warning">
                    <span aria-hidden="true">⚠ </span>
                    {w}
                  </span>
                ))}
              </th>
              <td className="num">{money(r.budget)}</td>
              {showAllocated && <td className="num">{money(r.allocated ?? 0)}</td>}
              <td className="num">{money(r.committed)}</td>
              <td className="num">{money(r.planned)}</td>
              <td className="num">{money(r.spent)}</td>
              <td className="num">{r.remaining < 0 ? <strong className="money-negative">{money(r.remaining)}</strong> : money(r.remaining)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Budget monitoring for a year: each stream (parents rolling up their funds) and each portfolio, with over-commitment warnings. */
export function BudgetMonitor({ officeId, year }: { officeId: number; year: string }) {
  const [{ data, error }] = useQuery({ query: BudgetMonitorQuery, variables: { officeId, year }, requestPolicy: "network-only" });
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">Loading the money summary…</p>;
  const s = data.moneySummary;
  const streams: Row[] = s.streams.map((r) => ({ key: `s${r.streamId}`, name: r.includesChildren ? `${r.name} (with its funds)` : r.name, budget: r.amountPence, allocated: r.allocatedPence, committed: r.committedPence, planned: r.plannedPence, spent: r.spentPence, remaining: r.remainingPence, over: r.overCommittedPence, warnings: r.warnings, child: r.parentId != null }));
  const portfolios: Row[] = s.portfolios.map((p) => ({ key: `p${p.portfolioId ?? "none"}`, name: p.portfolio?.name ?? "Pipeline and reserves", budget: p.allocatedPence, committed: p.committedPence, planned: p.plannedPence, spent: p.spentPence, remaining: p.remainingPence, over: p.overCommittedPence, warnings: p.warnings }));
  return (
    <div data-testid="budget-monitor">
      <dl className="money-totals">
        {[
          ["Total", s.totalPence],
          ["Allocated", s.allocatedPence],
          ["Committed", s.committedPence],
          ["Planned", s.plannedPence],
          ["Spent", s.spentPence],
        ].map(([label, value]) => (
          <div key={label as string}>
            <dt>{label}</dt>
            <dd>{money(value as number)}</dd>
          </div>
        ))}
      </dl>
      {streams.length ? <MonitorTable caption={`Funding streams, ${year}`} budgetLabel="Amount" rows={streams} showAllocated testId="money-streams" /> : <p>No stream has an amount for {year}.</p>}
      {portfolios.length > 0 && <MonitorTable caption={`Portfolios, ${year}`} budgetLabel="Allocated" rows={portfolios} showAllocated={false} testId="money-portfolios" />}
    </div>
  );
}
