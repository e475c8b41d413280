import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { StaleNotice } from "../../components/stale-notice";
import { graphql } from "../../gql";
import type { FundingSource, FundingStreamFieldsFragment, FundingStreamInput, ProviderType, ReportingCadence } from "../../gql/graphql";
import { penceToPounds, poundsToPence } from "../../pounds";
import { CADENCE_LABELS, RECIPIENT_LABELS, SOURCE_LABELS } from "./money-labels";

const CreateStreamMutation = graphql(`
  mutation StreamCreate($input: FundingStreamInput!) {
    createFundingStream(input: $input) {
      id
      version
    }
  }
`);

const UpdateStreamMutation = graphql(`
  mutation StreamUpdate($id: Int!, $version: Int!, $input: FundingStreamInput!) {
    updateFundingStream(id: $id, version: $version, input: $input) {
      id
      version
    }
  }
`);

const FIELDS = ["name", "source", "parentId", "maxAwardPence", "oneOffOnly", "ringFencedPurpose", "eligibleRecipientTypes", "funderReportingCadence"];

export interface StreamFormProps {
  officeId: number;
  stream: FundingStreamFieldsFragment | null;
  /** Streams this one may sit under. */
  parents: { id: number; name: string }[];
  onSaved(message: string): void;
  onCancel(): void;
  onReload(): void;
}

/** Create or edit a funding stream and its rules: cap, one-off, ring-fence, eligible recipients, parent. */
export function StreamForm({ officeId, stream, parents, onSaved, onCancel, onReload }: StreamFormProps) {
  const id = useId();
  const [name, setName] = useState(stream?.name ?? "");
  const [source, setSource] = useState<FundingSource>(stream?.source ?? "PCC_BUDGET");
  const [parentId, setParentId] = useState(stream?.parent ? String(stream.parent.id) : "");
  const [cap, setCap] = useState(penceToPounds(stream?.maxAwardPence));
  const [oneOff, setOneOff] = useState(stream?.oneOffOnly ?? false);
  const [ringFence, setRingFence] = useState(stream?.ringFencedPurpose ?? "");
  const [eligible, setEligible] = useState<ProviderType[]>(stream?.eligibleRecipientTypes ?? []);
  const [cadence, setCadence] = useState<ReportingCadence>(stream?.funderReportingCadence ?? "NONE");
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching: creating }, create] = useMutation(CreateStreamMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateStreamMutation);
  const busy = creating || updating;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const maxAwardPence = cap.trim() ? poundsToPence(cap) : null;
    if (cap.trim() && maxAwardPence == null) {
      setOutcome({ ...NO_OUTCOME, fields: { maxAwardPence: "Enter an amount in pounds, such as 3000." } });
      return;
    }
    const input: FundingStreamInput = {
      name: name.trim(),
      source,
      parentId: parentId ? Number(parentId) : null,
      maxAwardPence,
      oneOffOnly: oneOff,
      ringFencedPurpose: ringFence.trim() || null,
      eligibleRecipientTypes: eligible,
      funderReportingCadence: cadence,
      ...(stream ? {} : { officeId }),
    };
    const result = stream ? await update({ id: stream.id, version: stream.version, input }) : await create({ input });
    if (!result.error) {
      onSaved(stream ? `${name.trim()} saved.` : `${name.trim()} created.`);
      return;
    }
    setOutcome(mutationOutcome(result.error, (f) => FIELDS.includes(f)));
  }

  const invalid = (f: string) => (outcome.fields[f] ? true : undefined);
  const error = (f: string) => (
    <p id={`${id}-${f}-error`} className="field-error">
      {outcome.fields[f]}
    </p>
  );
  return (
    <form className="money-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`} data-testid="stream-form">
      <h3 id={`${id}-h`}>{stream ? `Edit ${stream.name}` : "New funding stream"}</h3>
      {outcome.stale && <StaleNotice what="stream" onReload={onReload} />}
      {outcome.general && !outcome.stale && (
        <p className="notice notice--error" role="alert">
          {outcome.general}
        </p>
      )}
      <div className="money-form__grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} type="text" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={invalid("name")} aria-describedby={`${id}-name-error`} />
          {error("name")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-source`}>Source</label>
          <select id={`${id}-source`} value={source} onChange={(e) => setSource(e.target.value as FundingSource)} aria-invalid={invalid("source")} aria-describedby={`${id}-source-error`}>
            {Object.entries(SOURCE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
          {error("source")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-parentId`}>Part of</label>
          <select id={`${id}-parentId`} value={parentId} onChange={(e) => setParentId(e.target.value)} aria-invalid={invalid("parentId")} aria-describedby={`${id}-parentId-error`}>
            <option value="">No parent stream</option>
            {parents
              .filter((p) => p.id !== stream?.id)
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
          </select>
          {error("parentId")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-maxAwardPence`}>Largest award (£, optional)</label>
          <input id={`${id}-maxAwardPence`} type="text" inputMode="decimal" value={cap} onChange={(e) => setCap(e.target.value)} aria-invalid={invalid("maxAwardPence")} aria-describedby={`${id}-maxAwardPence-error`} />
          {error("maxAwardPence")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-ringFencedPurpose`}>Ring-fenced for (optional)</label>
          <input id={`${id}-ringFencedPurpose`} type="text" value={ringFence} onChange={(e) => setRingFence(e.target.value)} aria-invalid={invalid("ringFencedPurpose")} aria-describedby={`${id}-ringFencedPurpose-error`} />
          {error("ringFencedPurpose")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-cadence`}>The funder's reporting</label>
          <select id={`${id}-cadence`} value={cadence} onChange={(e) => setCadence(e.target.value as ReportingCadence)}>
            {Object.entries(CADENCE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
          {error("funderReportingCadence")}
        </div>
      </div>
      <div className="money-form__checks">
        <label className="check">
          <input type="checkbox" checked={oneOff} onChange={(e) => setOneOff(e.target.checked)} /> One-off: one award per recipient, never renewed
        </label>
        <fieldset className="money-form__eligible">
          <legend>Eligible recipients (none ticked: any)</legend>
          {Object.entries(RECIPIENT_LABELS).map(([v, l]) => (
            <label key={v} className="check">
              <input type="checkbox" checked={eligible.includes(v as ProviderType)} onChange={(e) => setEligible((list) => (e.target.checked ? [...list, v as ProviderType] : list.filter((x) => x !== v)))} /> {l}
            </label>
          ))}
        </fieldset>
        {error("eligibleRecipientTypes")}
      </div>
      <div className="button-row">
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {busy ? "Saving…" : stream ? "Save stream" : "Create stream"}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
