import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError, FormField } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { useFragment, type FragmentType } from "../../gql";
import type { Role } from "../../gql/graphql";
import { roleLabel } from "../../session";
import { ALL_ROLES, OFFICE_STAFF_ROLES, UpdateUserMutation, UserFieldsFragment } from "./user-data";
import "../../components/workspace.css";

export interface UserDetailProps {
  user: FragmentType<typeof UserFieldsFragment>;
  viewerId: number;
  /** Administrators manage anyone; the Commissioner the office's staff; others only read. */
  manager: "admin" | "office" | null;
  onChanged(message: string): void;
  onReload(): void;
}

/** One user: their role (changed with the version loaded), and deactivation (confirmed: it ends their sessions). */
export function UserDetail({ user: ref, viewerId, manager, onChanged, onReload }: UserDetailProps) {
  const user = useFragment(UserFieldsFragment, ref);
  const [role, setRole] = useState<Role>(user.role);
  const [asking, setAsking] = useState(false);
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, update] = useMutation(UpdateUserMutation);
  const self = user.id === viewerId;
  const manageable = manager === "admin" || (manager === "office" && OFFICE_STAFF_ROLES.includes(user.role));
  const roles = manager === "admin" ? ALL_ROLES : OFFICE_STAFF_ROLES;

  async function save(input: { role?: Role; active?: boolean }, message: string) {
    const result = await update({ id: user.id, version: user.version, input });
    setAsking(false);
    if (result.error) {
      setOutcome(mutationOutcome(result.error, ["role", "active", "officeId", "providerId"]));
      return;
    }
    setOutcome(NO_OUTCOME);
    onChanged(message);
  }

  function changeRole(event: FormEvent) {
    event.preventDefault();
    if (fetching || role === user.role) return;
    void save({ role }, `${user.name} is now ${roleLabel(role).toLowerCase()}. Their sessions were ended, so they sign in again.`);
  }

  return (
    <article className="panel" aria-labelledby={`user-${user.id}-name`} data-testid="user-detail">
      <h2 id={`user-${user.id}-name`}>{user.name}</h2>
      <dl className="facts">
        <div>
          <dt>Email</dt>
          <dd className="user-email">{user.email ?? "–"}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{roleLabel(user.role)}</dd>
        </div>
        <div>
          <dt>{user.provider ? "Provider" : "Office"}</dt>
          <dd>{user.provider?.name ?? user.office?.name ?? "Every office"}</dd>
        </div>
        <div>
          <dt>Account</dt>
          <dd data-testid="user-active">{user.active ? "Active" : "Deactivated"}</dd>
        </div>
      </dl>
      {outcome.stale && (
        <StaleNotice
          what="user"
          onReload={() => {
            setOutcome(NO_OUTCOME);
            onReload();
          }}
        />
      )}
      {manageable && !self && (
        <>
          <form onSubmit={changeRole} noValidate aria-label={`Change ${user.name}'s role`} className="filters">
            <FormField label="Role" error={outcome.fields.role}>
              {(control) => (
                <select {...control} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {roleLabel(r)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <button type="submit" className="button button--secondary" aria-disabled={fetching || role === user.role || undefined}>
              Change role
            </button>
          </form>
          <FormError message={outcome.general ?? outcome.fields.active ?? outcome.fields.officeId ?? outcome.fields.providerId} />
          {user.active ? (
            <button type="button" className="button button--warning" onClick={() => setAsking(true)}>
              Deactivate {user.name}…
            </button>
          ) : (
            <button type="button" className="button" onClick={() => void save({ active: true }, `${user.name} can sign in again.`)}>
              Reactivate {user.name}
            </button>
          )}
        </>
      )}
      {self && <p className="hint">This is you. Someone else changes your role or deactivates you.</p>}
      {!manageable && !self && manager && <p className="hint">Administrators manage this user.</p>}
      {asking && (
        <ConfirmDialog
          title={`Deactivate ${user.name}?`}
          confirmLabel="Deactivate"
          tone="warning"
          busy={fetching}
          onConfirm={() => void save({ active: false }, `${user.name} was deactivated and signed out everywhere.`)}
          onClose={() => setAsking(false)}
        >
          <p>They are signed out at once, everywhere, and cannot sign in until reactivated. Their past work and its audit trail stay.</p>
        </ConfirmDialog>
      )}
    </article>
  );
}
