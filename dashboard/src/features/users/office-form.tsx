import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { FormError, FormField } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { CreateOfficeMutation, UpdateOfficeMutation } from "./user-data";

export interface OfficeFormProps {
  /** Editing this office (with its version); absent to create one. */
  existing?: { id: number; version: number; name: string; code: string; commissionerTitle: string };
  onSaved(message: string): void;
  onReload(): void;
}

/** An office's name and the title its Commissioner styles themselves by; a new office also takes its code. */
export function OfficeForm({ existing, onSaved, onReload }: OfficeFormProps) {
  const [name, setName] = useState(existing?.name ?? "");
  const [code, setCode] = useState(existing?.code ?? "");
  const [title, setTitle] = useState(existing?.commissionerTitle ?? "Police and Crime Commissioner");
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [createState, create] = useMutation(CreateOfficeMutation);
  const [updateState, update] = useMutation(UpdateOfficeMutation);
  const busy = createState.fetching || updateState.fetching;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const result = existing
      ? await update({ id: existing.id, version: existing.version, input: { name: name.trim(), commissionerTitle: title.trim() } })
      : await create({ input: { name: name.trim(), code: code.trim(), commissionerTitle: title.trim() } });
    if (result.error) {
      setOutcome(mutationOutcome(result.error, ["name", "code", "commissionerTitle"]));
      return;
    }
    setOutcome(NO_OUTCOME);
    if (!existing) {
      setName("");
      setCode("");
    }
    onSaved(existing ? `Saved ${name.trim()}.` : `Created ${name.trim()}.`);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label={existing ? `Edit ${existing.name}` : "Create an office"}>
      {outcome.stale && (
        <StaleNotice
          what="office"
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
        {!existing && (
          <FormField label="Code" hint="Lower-case letters, digits and hyphens; in its public address." error={outcome.fields.code}>
            {(control) => <input {...control} type="text" value={code} onChange={(e) => setCode(e.target.value)} />}
          </FormField>
        )}
        <FormField label="Commissioner's title" error={outcome.fields.commissionerTitle}>
          {(control) => <input {...control} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
        </FormField>
      </div>
      <FormError message={outcome.general} />
      <button type="submit" className="button" aria-disabled={busy || undefined}>
        {busy ? "Saving…" : existing ? "Save office" : "Create office"}
      </button>
    </form>
  );
}
