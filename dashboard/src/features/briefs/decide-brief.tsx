import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError, FormField } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import type { Mechanism } from "../../gql/graphql";
import { ApproveBriefMutation, BriefProvidersQuery, DeclineBriefMutation } from "./brief-data";

export const MECHANISM_LABELS: Record<Mechanism, string> = {
  CONTRACTED_SERVICE: "Contracted service",
  ANY_QUALIFIED_PROVIDER: "Any qualified provider",
  PARTNERSHIP_AGREEMENT: "Partnership agreement",
  GRANT: "Grant",
};

const APPROVE_FIELDS = ["providerId", "reference", "mechanism", "startDate", "portfolioId"];

export interface DecideBriefProps {
  brief: { id: number; version: number; title: string; portfolio?: { id: number; name: string } | null };
  portfolios: readonly { id: number; name: string }[];
  onDecided(message: string): void;
  onReload(): void;
}

type Pending = "approve" | "decline" | null;

/**
 * The Commissioner's decision on a scored brief. Approving creates its contract (pipeline, plan stage) in the same
 * transaction, so the contract's provider, reference and mechanism are asked for here; declining needs the reason.
 * Both are final, so both are confirmed.
 */
export function DecideBrief({ brief, portfolios, onDecided, onReload }: DecideBriefProps) {
  const [providerId, setProviderId] = useState("");
  const [reference, setReference] = useState("");
  const [mechanism, setMechanism] = useState<Mechanism>("CONTRACTED_SERVICE");
  const [startDate, setStartDate] = useState("");
  const [portfolioId, setPortfolioId] = useState("");
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState<Pending>(null);
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ data: providers }] = useQuery({ query: BriefProvidersQuery, variables: { search: null } });
  const [approveState, approve] = useMutation(ApproveBriefMutation);
  const [declineState, decline] = useMutation(DeclineBriefMutation);
  const providerList = providers?.providers.items ?? [];
  const providerName = providerList.find((p) => String(p.id) === providerId)?.name;
  const portfolioName = brief.portfolio?.name ?? portfolios.find((p) => String(p.id) === portfolioId)?.name;

  function askApprove(event: FormEvent) {
    event.preventDefault();
    const fields: Record<string, string> = {};
    if (!providerId) fields.providerId = "Choose the provider the contract is with.";
    if (!reference.trim()) fields.reference = "Give the contract its reference.";
    if (!brief.portfolio && !portfolioId) fields.portfolioId = "The brief has no portfolio: choose one for its contract.";
    setOutcome({ ...NO_OUTCOME, fields });
    if (!Object.keys(fields).length) setPending("approve");
  }

  function askDecline(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setOutcome({ ...NO_OUTCOME, fields: { reason: "Say why the brief is declined." } });
      return;
    }
    setOutcome(NO_OUTCOME);
    setPending("decline");
  }

  async function confirm() {
    const result =
      pending === "approve"
        ? await approve({
            id: brief.id,
            version: brief.version,
            contract: { providerId: Number(providerId), reference: reference.trim(), mechanism, startDate: startDate || null, portfolioId: brief.portfolio ? null : Number(portfolioId) },
          })
        : await decline({ id: brief.id, version: brief.version, reason: reason.trim() });
    setPending(null);
    if (result.error) {
      setOutcome(mutationOutcome(result.error, pending === "approve" ? APPROVE_FIELDS : ["reason"]));
      return;
    }
    setOutcome(NO_OUTCOME);
    onDecided(pending === "approve" ? `Approved. Contract ${reference.trim()} was created in the pipeline.` : "Declined.");
  }

  const busy = approveState.fetching || declineState.fetching;

  return (
    <div className="brief-decision">
      {outcome.stale && (
        <StaleNotice
          what="brief"
          onReload={() => {
            setOutcome(NO_OUTCOME);
            onReload();
          }}
        />
      )}
      <form onSubmit={askApprove} noValidate aria-labelledby="approve-heading">
        <h3 id="approve-heading">Approve: the contract it becomes</h3>
        <div className="form-grid">
          <FormField label="Provider" error={outcome.fields.providerId}>
            {(control) => (
              <select {...control} value={providerId} onChange={(e) => setProviderId(e.target.value)}>
                <option value="">Choose a provider</option>
                {providerList.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField label="Contract reference" hint="Unique in the office, e.g. WSW-VV-12." error={outcome.fields.reference}>
            {(control) => <input {...control} type="text" value={reference} onChange={(e) => setReference(e.target.value)} />}
          </FormField>
          <FormField label="Mechanism" error={outcome.fields.mechanism}>
            {(control) => (
              <select {...control} value={mechanism} onChange={(e) => setMechanism(e.target.value as Mechanism)}>
                {(Object.keys(MECHANISM_LABELS) as Mechanism[]).map((m) => (
                  <option key={m} value={m}>
                    {MECHANISM_LABELS[m]}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField label="Start date (optional)" error={outcome.fields.startDate}>
            {(control) => <input {...control} type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} />}
          </FormField>
          {!brief.portfolio && (
            <FormField label="Portfolio" error={outcome.fields.portfolioId}>
              {(control) => (
                <select {...control} value={portfolioId} onChange={(e) => setPortfolioId(e.target.value)}>
                  <option value="">Choose a portfolio</option>
                  {portfolios.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )}
        </div>
        <button type="submit" className="button">
          Approve brief…
        </button>
      </form>
      <form onSubmit={askDecline} noValidate aria-labelledby="decline-heading" className="brief-decision__decline">
        <h3 id="decline-heading">Or decline</h3>
        <FormField label="Reason for declining" error={outcome.fields.reason}>
          {(control) => <textarea {...control} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </FormField>
        <button type="submit" className="button button--warning">
          Decline brief…
        </button>
      </form>
      <FormError message={outcome.general} />
      {pending === "approve" && (
        <ConfirmDialog title={`Approve “${brief.title}”?`} confirmLabel="Approve and create contract" busy={busy} onConfirm={confirm} onClose={() => setPending(null)}>
          <p>
            This creates contract <strong>{reference.trim()}</strong> with {providerName} in {portfolioName} ({MECHANISM_LABELS[mechanism].toLowerCase()}), in the pipeline at the
            plan stage. An approval cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {pending === "decline" && (
        <ConfirmDialog title={`Decline “${brief.title}”?`} confirmLabel="Decline brief" tone="warning" busy={busy} onConfirm={confirm} onClose={() => setPending(null)}>
          <p>The brief is closed with your reason. A decision cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
