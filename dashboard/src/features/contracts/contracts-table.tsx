import { Link } from "react-router";
import { formatDate, formatPence } from "../../format";
import type { ContractRowFieldsFragment } from "../../gql/graphql";
import { MECHANISM_LABELS, STATUS_LABELS } from "./contract-labels";

/** The contracts list's rows. */
export function ContractsTable({ rows }: { rows: readonly ContractRowFieldsFragment[] }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Contracts">
      <table className="table table--figures" data-testid="contracts-table">
        <thead>
          <tr>
            <th scope="col">Reference</th>
            <th scope="col">Title</th>
            <th scope="col">Portfolio</th>
            <th scope="col">Provider</th>
            <th scope="col">Status</th>
            <th scope="col">Mechanism</th>
            <th scope="col">Ends</th>
            <th scope="col" className="num">
              Annual value
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id} data-testid={`contract-row-${c.reference}`}>
              <th scope="row">
                <Link to={`/contracts/${c.id}`}>{c.reference}</Link>
              </th>
              <td>{c.title}</td>
              <td>{c.portfolio.name}</td>
              <td>{c.provider.name}</td>
              <td>{STATUS_LABELS[c.status]}</td>
              <td>{MECHANISM_LABELS[c.mechanism]}</td>
              <td>
                {formatDate(c.endDate)}
                {c.endsWithoutPlan && <span className="hint"> (no re-procurement plan)</span>}
              </td>
              <td className="num">{c.annualValuePence == null ? "—" : formatPence(c.annualValuePence, { wholePounds: true })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
