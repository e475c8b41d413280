import { useEffect, useMemo, useState } from "react";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { useQuery } from "urql";
import { FormField } from "../../components/form-field";
import { describeError } from "../../errors";
import { ProviderForm } from "../../features/users/provider-form";
import { PROVIDER_TYPE_LABELS, ProvidersQuery } from "../../features/users/user-data";
import { PeopleNav } from "../../features/users/people-nav";
import type { ProvidersRegisterQuery } from "../../gql/graphql";
import "../../components/workspace.css";

type ProviderRow = ProvidersRegisterQuery["providers"]["items"][number];
const col = tableColumns<ProviderRow>();

/** The provider register: organisations that hold contracts, with their charity and company numbers. */
export default function ProvidersView() {
  const [search, setSearch] = useState("");
  const [message, setMessage] = useState("");
  const [editing, setEditing] = useState<number | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({ query: ProvidersQuery, variables: { search: search.trim() || null, offset: 0 } });
  const reload = () => refetch({ requestPolicy: "network-only" });
  // The edit form opens beside the list (below it on a phone): take focus there so it is seen and heard.
  useEffect(() => {
    if (editing !== null) document.getElementById("edit-provider-heading")?.focus();
  }, [editing]);
  const saved = (text: string) => {
    setMessage(text);
    setEditing(null);
    reload();
  };
  const items = useMemo(() => data?.providers.items ?? [], [data]);
  const columns = useMemo<DataColumn<ProviderRow>[]>(
    () => [
      col.accessor("name", { header: "Name", meta: { rowHeader: true } }),
      col.accessor((p) => PROVIDER_TYPE_LABELS[p.type], { id: "type", header: "Type", meta: { filter: "select" } }),
      col.accessor((p) => p.charityNumber ?? "", { id: "charityNumber", header: "Charity no.", cell: (info) => info.getValue() || "–" }),
      col.accessor((p) => p.companyNumber ?? "", { id: "companyNumber", header: "Company no.", cell: (info) => info.getValue() || "–" }),
      col.display({
        id: "edit",
        header: "Edit",
        cell: ({ row }) => (
          <button type="button" className="button button--secondary" onClick={() => setEditing(row.original.id)}>
            Edit<span className="visually-hidden"> {row.original.name}</span>
          </button>
        ),
        meta: { noExport: true },
      }),
    ],
    [],
  );
  const provider = items.find((p) => p.id === editing);

  return (
    <div className="workspace">
      <PeopleNav />
      <h1>Provider register</h1>
      <p className="lede">Organisations commissioned by any office. A provider's users see only their own contracts.</p>
      <p className="status-message" role="status">
        {message}
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      )}
      <div className="workspace__split">
        <section aria-labelledby="providers-heading">
          <h2 id="providers-heading">Providers</h2>
          <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
            <FormField label="Search by name">
              {(control) => <input {...control} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
            </FormField>
          </form>
          {fetching && !data && <p role="status">Loading providers…</p>}
          {data && (
            <>
              <p className="hint" aria-live="polite">
                {data.providers.totalCount} {data.providers.totalCount === 1 ? "provider" : "providers"}
                {data.providers.hasMore ? ", the first 100 shown" : ""}
              </p>
              <DataTable
                caption="Providers"
                captionHidden
                data={items}
                columns={columns}
                getRowId={(p) => String(p.id)}
                searchable={false}
                exportName="provider-register"
                rowClassName={(p) => (p.id === editing ? "is-open" : undefined)}
                testId="providers-table"
              />
            </>
          )}
        </section>
        <div>
          {provider && (
            <section className="panel" aria-labelledby="edit-provider-heading">
              <h2 id="edit-provider-heading" tabIndex={-1}>Edit {provider.name}</h2>
              <ProviderForm key={`${provider.id}:${provider.version}`} existing={provider} onSaved={saved} onReload={reload} />
            </section>
          )}
          <section className="panel" aria-labelledby="new-provider-heading">
            <h2 id="new-provider-heading">Add a provider</h2>
            <ProviderForm onSaved={saved} onReload={reload} />
          </section>
        </div>
      </div>
    </div>
  );
}
