import { useEffect, useMemo, useState } from "react";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { OfficeForm } from "../../features/users/office-form";
import { OfficesQuery } from "../../features/users/user-data";
import { PeopleNav } from "../../features/users/people-nav";
import type { OfficesRegisterQuery } from "../../gql/graphql";
import "../../components/workspace.css";

type OfficeRow = OfficesRegisterQuery["offices"][number];
const col = tableColumns<OfficeRow>();

/** Administrators: every office, its name and Commissioner's title (edited with the version loaded), and new offices. */
export default function OfficesView() {
  const [message, setMessage] = useState("");
  const [editing, setEditing] = useState<number | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({ query: OfficesQuery });
  const reload = () => refetch({ requestPolicy: "network-only" });
  // The edit form opens beside the list (below it on a phone): take focus there so it is seen and heard.
  useEffect(() => {
    if (editing !== null) document.getElementById("edit-office-heading")?.focus();
  }, [editing]);
  const columns = useMemo<DataColumn<OfficeRow>[]>(
    () => [
      col.accessor("name", { header: "Office", meta: { rowHeader: true } }),
      col.accessor("code", { header: "Code", cell: (info) => <code>{info.getValue()}</code> }),
      col.accessor("commissionerTitle", { header: "Commissioner's title" }),
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
  const saved = (text: string) => {
    setMessage(text);
    setEditing(null);
    reload();
  };
  return (
    <div className="workspace">
      <PeopleNav />
      <h1>Offices</h1>
      <p className="lede">Each Office of the Police and Crime Commissioner is a tenant: its people, contracts and money are its own.</p>
      <p className="status-message" role="status">
        {message}
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading offices…</p>}
      {data && (
        <div className="workspace__split">
          <section aria-labelledby="offices-heading">
            <h2 id="offices-heading">Offices</h2>
            <DataTable
              caption="Offices"
              captionHidden
              data={data.offices}
              columns={columns}
              getRowId={(o) => String(o.id)}
              searchLabel="Search offices"
              exportName="offices"
              rowClassName={(o) => (o.id === editing ? "is-open" : undefined)}
              testId="offices-table"
            />
          </section>
          <div>
            {(() => {
              const office = data.offices.find((o) => o.id === editing);
              return office ? (
                <section className="panel" aria-labelledby="edit-office-heading">
                  <h2 id="edit-office-heading" tabIndex={-1}>Edit {office.name}</h2>
                  <OfficeForm key={`${office.id}:${office.version}`} existing={office} onSaved={saved} onReload={reload} />
                </section>
              ) : null;
            })()}
            <section className="panel" aria-labelledby="new-office-heading">
              <h2 id="new-office-heading">Create an office</h2>
              <OfficeForm onSaved={saved} onReload={reload} />
            </section>
          </div>
        </div>
      )}
    </div>
  );
}
