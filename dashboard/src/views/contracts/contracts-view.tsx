import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { ContractFilters } from "../../features/contracts/contract-filters";
import { filterContracts, filterFromParams, filterToParams, type ContractFilter } from "../../features/contracts/contract-filter";
import { ContractsTable } from "../../features/contracts/contracts-table";
import { useAllContracts } from "../../features/contracts/use-contracts";
import { fileSlug } from "../../components/data-table/data-table";
import { useSession } from "../../session";
import { OfficeChoice } from "../../components/office-choice";
import { useOfficeId, useSelectionSearch } from "../../url-state";
import "../../features/contracts/contracts.css";

/** The office's contracts: search, five filters (kept in the address), sortable, exportable; a way to add one. */
export default function ContractsView() {
  const [officeId] = useOfficeId();
  const { user } = useSession();
  const selection = useSelectionSearch();
  const [params, setParams] = useSearchParams();
  const filter = filterFromParams(params);
  const { rows, error } = useAllContracts(officeId);
  const today = new Date().toISOString().slice(0, 10);
  const shown = useMemo(() => (rows ? filterContracts(rows, filter, today) : []), [rows, params.toString(), today]); // eslint-disable-line react-hooks/exhaustive-deps
  const change = (next: ContractFilter) => setParams(filterToParams(next, params), { replace: true });
  return (
    <>
      <div className="page-heading">
        <h1>Contracts</h1>
        <Link className="button" to={`/contracts/new${selection}`}>
          New contract
        </Link>
      </div>
      <OfficeChoice />
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : !rows ? (
        <p className="loading" role="status">
          Loading contracts…
        </p>
      ) : (
        <>
          <ContractFilters filter={filter} rows={rows} onChange={change} />
          <p className="contract-list__count" role="status" data-testid="contracts-count">
            {shown.length === rows.length ? `${rows.length} contracts` : `${shown.length} of ${rows.length} contracts`}
          </p>
          {rows.length === 0 ? <p>This office has no contracts yet.</p> : <ContractsTable rows={shown} exportName={`contracts-${fileSlug(user?.office?.name ?? `office-${officeId}`)}`} />}
        </>
      )}
    </>
  );
}
