import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import type { ProviderType } from "../../gql/graphql";
import { CreateProviderMutation, PROVIDER_TYPE_LABELS, UpdateProviderMutation } from "./user-data";

export interface ProviderFormProps {
  existing?: { id: number; version: number; name: string; type: ProviderType; charityNumber?: string | null; companyNumber?: string | null };
  onSaved(message: string): void;
  onReload(): void;
}

/** A provider in the register: name, type and its charity and company numbers. */
export function ProviderForm({ existing, onSaved, onReload }: ProviderFormProps) {
  const [name, setName] = useState(existing?.name ?? "");
  const [type, setType] = useState<ProviderType>(existing?.type ?? "VOLUNTARY_COMMUNITY");
  const [charity, setCharity] = useState(existing?.charityNumber ?? "");
  const [company, setCompany] = useState(existing?.companyNumber ?? "");
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [createState, create] = useMutation(CreateProviderMutation);
  const [updateState, update] = useMutation(UpdateProviderMutation);
  const busy = createState.fetching || updateState.fetching;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const input = { name: name.trim(), type, charityNumber: charity.trim() || null, companyNumber: company.trim() || null };
    const result = existing ? await update({ id: existing.id, version: existing.version, input }) : await create({ input });
    if (result.error) {
      setOutcome(mutationOutcome(result.error, ["name", "type", "charityNumber", "companyNumber"]));
      return;
    }
    setOutcome(NO_OUTCOME);
    if (!existing) {
      setName("");
      setCharity("");
      setCompany("");
    }
    onSaved(existing ? `Saved ${input.name}.` : `Added ${input.name} to the register.`);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label={existing ? `Edit ${existing.name}` : "Add a provider"}>
      {outcome.stale && (
        <StaleNotice
          what="provider"
          onReload={() => {
            setOutcome(NO_OUTCOME);
            onReload();
          }}
        />
      )}
      <div className="form-grid">
        <FormField label="Name" error={outcome.fields.name}>
          {(control) => <input {...control} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
        </FormField>
        <FormField label="Type" error={outcome.fields.type}>
          {(control) => (
            <select {...control} value={type} onChange={(e) => setType(e.target.value as ProviderType)}>
              {(Object.keys(PROVIDER_TYPE_LABELS) as ProviderType[]).map((t) => (
                <option key={t} value={t}>
                  {PROVIDER_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Charity number (optional)" error={outcome.fields.charityNumber}>
          {(control) => <input {...control} type="text" value={charity} onChange={(e) => setCharity(e.target.value)} />}
        </FormField>
        <FormField label="Company number (optional)" error={outcome.fields.companyNumber}>
          {(control) => <input {...control} type="text" value={company} onChange={(e) => setCompany(e.target.value)} />}
        </FormField>
      </div>
      <FormError message={outcome.general} />
      <button type="submit" className="button" aria-disabled={busy || undefined}>
        {busy ? "Saving…" : existing ? "Save provider" : "Add provider"}
      </button>
    </form>
  );
}
