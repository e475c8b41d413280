import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { useFragment, type FragmentType } from "../../gql";
import { CreateUserForm } from "../../features/users/create-user-form";
import { OfficeUsersQuery, UserFieldsFragment } from "../../features/users/user-data";
import { UserDetail } from "../../features/users/user-detail";
import { roleLabel, useSession } from "../../session";
import { useOfficeId } from "../../url-state";
import { PeopleNav } from "../../features/users/people-nav";
import "../../components/workspace.css";

/** The office's users: administrators manage everyone, the Commissioner the office's own staff. */
export default function UsersView() {
  const { user } = useSession();
  const [officeId] = useOfficeId();
  const [params, setParams] = useSearchParams();
  const [message, setMessage] = useState("");
  const [{ data, error, fetching }, refetch] = useQuery({ query: OfficeUsersQuery, variables: { officeId }, pause: officeId === null });
  const manager = user?.role === "ADMIN" ? "admin" : user?.role === "COMMISSIONER" ? "office" : null;
  const selectedId = Number(params.get("user")) || null;
  const users = data?.users ?? [];
  const selected = users.find((u) => u.id === selectedId);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const select = (id: number) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set("user", String(id));
        return next;
      },
      { preventScrollReset: true },
    );

  return (
    <div className="workspace">
      <PeopleNav />
      <h1>Users</h1>
      <p className="lede">
        {manager === "admin"
          ? "Everyone who signs in to the office chosen above. Administrators manage every user."
          : manager === "office"
            ? "Your office's users. You add staff, change their roles and deactivate them; administrators manage the rest."
            : "Your office's users. The Commissioner and administrators manage them."}
      </p>
      <p className="status-message" role="status" data-testid="status-message">
        {message}
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading users…</p>}
      {data && user && (
        <div className="workspace__split">
          <section aria-labelledby="users-heading">
            <h2 id="users-heading">People</h2>
            <UsersTable users={users} selectedId={selectedId} onSelect={select} />
          </section>
          <div>
            {selected ? (
              <UserDetail
                key={`${selected.id}`}
                user={selected}
                viewerId={user.id}
                manager={manager}
                onChanged={(text) => {
                  setMessage(text);
                  reload();
                }}
                onReload={reload}
              />
            ) : (
              <p className="hint">Choose someone to see their account{manager ? " and manage it" : ""}.</p>
            )}
            {manager && officeId !== null && (
              <section className="panel" aria-labelledby="add-user-heading">
                <h2 id="add-user-heading">Add a user</h2>
                <CreateUserForm
                  officeId={officeId}
                  isAdmin={manager === "admin"}
                  onCreated={(created) => {
                    setMessage(`Added ${created.name}.`);
                    reload();
                    select(created.id);
                  }}
                />
              </section>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

function UsersTable({ users, selectedId, onSelect }: { users: readonly FragmentType<typeof UserFieldsFragment>[]; selectedId: number | null; onSelect(id: number): void }) {
  const rows = useFragment(UserFieldsFragment, users);
  if (!rows.length) return <p>No users.</p>;
  return (
    <div className="table-scroll" role="region" aria-label="Users" tabIndex={0}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Account</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.id} aria-current={u.id === selectedId ? "true" : undefined}>
              <td>
                <Link
                  to={`?user=${u.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    onSelect(u.id);
                  }}
                >
                  {u.name}
                </Link>
                <br />
                <span className="hint">{u.email}</span>
              </td>
              <td>{roleLabel(u.role)}</td>
              <td>{u.active ? "Active" : "Deactivated"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
