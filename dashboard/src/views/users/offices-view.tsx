import { useState } from "react";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { OfficeForm } from "../../features/users/office-form";
import { OfficesQuery } from "../../features/users/user-data";
import { PeopleNav } from "../../features/users/people-nav";
import "../../components/workspace.css";

/** Administrators: every office, its name and Commissioner's title (edited with the version loaded), and new offices. */
export default function OfficesView() {
  const [message, setMessage] = useState("");
  const [editing, setEditing] = useState<number | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({ query: OfficesQuery });
  const reload = () => refetch({ requestPolicy: "network-only" });
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
            <div className="table-scroll" role="region" aria-label="Offices" tabIndex={0}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Office</th>
                    <th scope="col">Code</th>
                    <th scope="col">Commissioner's title</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.offices.map((o) => (
                    <tr key={o.id} aria-current={editing === o.id ? "true" : undefined}>
                      <td>{o.name}</td>
                      <td>
                        <code>{o.code}</code>
                      </td>
                      <td>{o.commissionerTitle}</td>
                      <td>
                        <button type="button" className="button button--secondary" onClick={() => setEditing(o.id)}>
                          Edit<span className="visually-hidden"> {o.name}</span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <div>
            {(() => {
              const office = data.offices.find((o) => o.id === editing);
              return office ? (
                <section className="panel" aria-labelledby="edit-office-heading">
                  <h2 id="edit-office-heading">Edit {office.name}</h2>
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
