import { useId } from "react";
import type { ContractRow } from "./contract-queries";
import type { ContractStatus, Mechanism } from "../../gql/graphql";
import type { ContractFilter } from "./contract-filter";
import { MECHANISM_LABELS, STATUS_LABELS } from "./contract-labels";

export interface ContractFiltersProps {
  filter: ContractFilter;
  /** The loaded contracts: the portfolio and provider choices are the ones they use. */
  rows: readonly ContractRow[];
  onChange(filter: ContractFilter): void;
}

function distinct<T extends { id: number; name: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Search and the list's five filters; each change applies at once and is kept in the address. */
export function ContractFilters({ filter, rows, onChange }: ContractFiltersProps) {
  const id = useId();
  const portfolios = distinct(rows.map((r) => r.portfolio));
  const providers = distinct(rows.map((r) => r.provider));
  const num = (value: string) => (value === "" ? null : Number(value));
  return (
    <form className="contract-filters" role="search" aria-label="Filter contracts" onSubmit={(e) => e.preventDefault()}>
      <div className="field contract-filters__search">
        <label htmlFor={`${id}-q`}>Search</label>
        <input id={`${id}-q`} type="search" value={filter.search} placeholder="Reference, title or provider" onChange={(e) => onChange({ ...filter, search: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-portfolio`}>Portfolio</label>
        <select id={`${id}-portfolio`} value={filter.portfolioId ?? ""} onChange={(e) => onChange({ ...filter, portfolioId: num(e.target.value) })}>
          <option value="">All portfolios</option>
          {portfolios.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={filter.status ?? ""} onChange={(e) => onChange({ ...filter, status: (e.target.value || null) as ContractStatus | null })}>
          <option value="">Any status</option>
          {Object.entries(STATUS_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-provider`}>Provider</label>
        <select id={`${id}-provider`} value={filter.providerId ?? ""} onChange={(e) => onChange({ ...filter, providerId: num(e.target.value) })}>
          <option value="">All providers</option>
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-mechanism`}>Mechanism</label>
        <select id={`${id}-mechanism`} value={filter.mechanism ?? ""} onChange={(e) => onChange({ ...filter, mechanism: (e.target.value || null) as Mechanism | null })}>
          <option value="">Any mechanism</option>
          {Object.entries(MECHANISM_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-ending`}>Ending within</label>
        <select id={`${id}-ending`} value={filter.endingWithinMonths ?? ""} onChange={(e) => onChange({ ...filter, endingWithinMonths: num(e.target.value) })}>
          <option value="">Any end date</option>
          {[3, 6, 12, 18, 24].map((m) => (
            <option key={m} value={m}>
              {m} months
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
