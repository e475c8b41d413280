import { formatPence } from "../../format";
import type { FundingStreamFieldsFragment } from "../../gql/graphql";
import { CADENCE_LABELS, RECIPIENT_LABELS, SOURCE_LABELS } from "./money-labels";

/** A stream's rules in words: what awards from it must respect. */
export function streamRules(s: FundingStreamFieldsFragment): string[] {
  return [
    s.maxAwardPence != null ? `Largest award ${formatPence(s.maxAwardPence, { wholePounds: true })} (per award, across its lines)` : null,
    s.oneOffOnly ? "One-off: one award per recipient" : null,
    s.ringFencedPurpose ? `Ring-fenced: ${s.ringFencedPurpose}` : null,
    s.eligibleRecipientTypes.length ? `Only ${s.eligibleRecipientTypes.map((t) => RECIPIENT_LABELS[t]).join(", ").toLowerCase()}` : null,
    s.funderReportingCadence !== "NONE" ? `Reports to its funder: ${CADENCE_LABELS[s.funderReportingCadence].toLowerCase()}` : null,
  ].filter((r): r is string => r != null);
}

export interface StreamsTableProps {
  streams: readonly FundingStreamFieldsFragment[];
  year: string;
  onEdit: ((stream: FundingStreamFieldsFragment) => void) | null;
  onSetYear: ((stream: FundingStreamFieldsFragment) => void) | null;
}

/** Every funding stream with its source, parent, rules and yearly amounts; its funds listed under a parent. */
export function StreamsTable({ streams, year, onEdit, onSetYear }: StreamsTableProps) {
  const ordered = [...streams.filter((s) => !s.parent), ...streams.filter((s) => s.parent)].sort((a, b) => {
    const rootA = a.parent?.name ?? a.name;
    const rootB = b.parent?.name ?? b.name;
    return rootA.localeCompare(rootB) || (a.parent ? 1 : 0) - (b.parent ? 1 : 0) || a.name.localeCompare(b.name);
  });
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Funding streams">
      <table className="table money-table" data-testid="streams-table">
        <thead>
          <tr>
            <th scope="col">Stream</th>
            <th scope="col">Source</th>
            <th scope="col">Rules</th>
            <th scope="col">Yearly amounts</th>
            <th scope="col" className="num">
              {year}
            </th>
            {(onEdit || onSetYear) && <th scope="col">Change</th>}
          </tr>
        </thead>
        <tbody>
          {ordered.map((s) => {
            const thisYear = s.years.find((y) => y.year === year);
            const rules = streamRules(s);
            return (
              <tr key={s.id} data-testid={`stream-${s.id}`}>
                <th scope="row" className={s.parent ? "money-table__child" : undefined}>
                  {s.name}
                  {s.parent && <span className="hint"> (part of {s.parent.name})</span>}
                </th>
                <td>{SOURCE_LABELS[s.source]}</td>
                <td>{rules.length ? rules.join("; ") : "—"}</td>
                <td>
                  {s.years.length
                    ? [...s.years]
                        .sort((a, b) => a.year.localeCompare(b.year))
                        .map((y) => `${y.year}: ${formatPence(y.amountPence, { wholePounds: true })}${y.variable ? " (receipts)" : ""}`)
                        .join("; ")
                    : "None set"}
                </td>
                <td className="num">{thisYear ? formatPence(thisYear.amountPence, { wholePounds: true }) : "—"}</td>
                {(onEdit || onSetYear) && (
                  <td>
                    <div className="money-table__actions">
                      {onEdit && (
                        <button type="button" className="button button--secondary" onClick={() => onEdit(s)}>
                          Edit <span className="visually-hidden">{s.name}</span>
                        </button>
                      )}
                      {onSetYear && (
                        <button type="button" className="button button--secondary" onClick={() => onSetYear(s)}>
                          Set {year} <span className="visually-hidden">amount of {s.name}</span>
                        </button>
                      )}
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
