import { useState } from "react";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { RecordLink, useOpenRecord } from "../../components/record-link";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { useFragment, type FragmentType } from "../../gql";
import type { UserFieldsFragment as UserRow } from "../../gql/graphql";
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
  const [selectedId, select] = useOpenRecord("user");
  const [message, setMessage] = useState("");
  const [{ data, error, fetching }, refetch] = useQuery({ query: OfficeUsersQuery, variables: { officeId }, pause: officeId === null });
  const manager = user?.role === "ADMIN" ? "admin" : user?.role === "COMMISSIONER" ? "office" : null;
  const users = data?.users ?? [];
  const selected = users.find((u) => u.id === selectedId);
  const reload = () => refetch({ requestPolicy: "network-only" });

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
            <UsersTable users={users} selectedId={selectedId} exportName={`users-office-${officeId}`} />
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

const col = tableColumns<UserRow>();
const USER_COLUMNS: DataColumn<UserRow>[] = [
  col.accessor("name", {
    header: "Name",
    cell: ({ row }) => (
      <RecordLink param="user" id={row.original.id}>
        {row.original.name}
      </RecordLink>
    ),
    meta: { rowHeader: true },
  }),
  col.accessor((u) => u.email ?? "", { id: "email", header: "Email" }),
  col.accessor((u) => roleLabel(u.role), { id: "role", header: "Role", meta: { filter: "select" } }),
  col.accessor((u) => (u.active ? "Active" : "Deactivated"), { id: "active", header: "Account", meta: { filter: "select" } }),
];

function UsersTable({ users, selectedId, exportName }: { users: readonly FragmentType<typeof UserFieldsFragment>[]; selectedId: number | null; exportName: string }) {
  const rows = useFragment(UserFieldsFragment, users);
  return (
    <DataTable
      caption="Users"
      captionHidden
      data={rows}
      columns={USER_COLUMNS}
      getRowId={(u) => String(u.id)}
      searchLabel="Search users"
      exportName={exportName}
      emptyMessage="No users."
      rowClassName={(u) => (u.id === selectedId ? "is-open" : undefined)}
      testId="users-table"
    />
  );
}
