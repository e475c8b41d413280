import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import type { Role } from "../../gql/graphql";
import { roleLabel } from "../../session";
import { ALL_ROLES, CreateUserMutation, OFFICE_STAFF_ROLES, OfficesQuery } from "./user-data";
import { ProviderPicker } from "./provider-picker";

const FIELDS = ["name", "email", "password", "role", "officeId", "providerId"];

export interface CreateUserFormProps {
  /** The office the list shows: where a new member of staff goes. */
  officeId: number;
  /** Administrators may give any role, in any office; the Commissioner the office's staff roles. */
  isAdmin: boolean;
  onCreated(user: { id: number; name: string }): void;
}

/** Add a user: staff of the office, or (administrators) an administrator or a provider's user. */
export function CreateUserForm({ officeId, isAdmin, onCreated }: CreateUserFormProps) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("OFFICER");
  const [office, setOffice] = useState(String(officeId));
  const [providerId, setProviderId] = useState("");
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ data: offices }] = useQuery({ query: OfficesQuery, pause: !isAdmin });
  const [{ fetching }, create] = useMutation(CreateUserMutation);
  const roles = isAdmin ? ALL_ROLES : OFFICE_STAFF_ROLES;
  const needsOffice = role !== "ADMIN" && role !== "PROVIDER";

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    const result = await create({
      input: {
        name: name.trim(),
        email: email.trim(),
        password,
        role,
        officeId: needsOffice ? Number(isAdmin ? office : officeId) : null,
        providerId: role === "PROVIDER" && providerId ? Number(providerId) : null,
      },
    });
    if (result.error || !result.data) {
      setOutcome(mutationOutcome(result.error, FIELDS));
      return;
    }
    setOutcome(NO_OUTCOME);
    setName("");
    setEmail("");
    setPassword("");
    onCreated(result.data.createUser);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add a user">
      <div className="form-grid">
        <FormField label="Name" error={outcome.fields.name}>
          {(control) => <input {...control} type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
        </FormField>
        <FormField label="Email" error={outcome.fields.email}>
          {(control) => <input {...control} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </FormField>
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
        {isAdmin && needsOffice && (
          <FormField label="Office" error={outcome.fields.officeId}>
            {(control) => (
              <select {...control} value={office} onChange={(e) => setOffice(e.target.value)}>
                {(offices?.offices ?? []).map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        )}
        {isAdmin && role === "PROVIDER" && <ProviderPicker value={providerId} onChange={setProviderId} error={outcome.fields.providerId} />}
        <FormField label="First password" hint="At least 12 characters. Give it to them privately; they can change it." error={outcome.fields.password}>
          {(control) => <input {...control} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </FormField>
      </div>
      <FormError message={outcome.general ?? (!isAdmin ? outcome.fields.officeId : undefined)} />
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {fetching ? "Adding…" : "Add user"}
      </button>
    </form>
  );
}
