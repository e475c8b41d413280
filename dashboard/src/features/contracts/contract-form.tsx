import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { ContractDetail } from "./contract-queries";
import { useMutation } from "urql";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { StaleNotice } from "../../components/stale-notice";
import { formatPence } from "../../format";
import { graphql } from "../../gql";
import type { ContractInput, ContractStatus, FundingLineStatus, LifecycleStage, Mechanism } from "../../gql/graphql";
import { LINE_STATUS_LABELS, MECHANISM_LABELS, STAGE_LABELS, STATUS_LABELS, financialYearOf, penceToPounds, poundsToPence } from "./contract-labels";
import { useContractOptions } from "./use-contract-options";
import "./contracts.css";

const CreateContractMutation = graphql(`
  mutation ContractCreate($input: ContractInput!) {
    createContract(input: $input) {
      id
      version
    }
  }
`);

const UpdateContractMutation = graphql(`
  mutation ContractUpdate($id: Int!, $version: Int!, $input: ContractInput!) {
    updateContract(id: $id, version: $version, input: $input) {
      id
      version
    }
  }
`);

interface LineDraft {
  key: number;
  streamId: string;
  year: string;
  amount: string;
  status: FundingLineStatus;
}

interface SpendDraft {
  key: number;
  year: string;
  quarter: string;
  amount: string;
}

interface PartnerDraft {
  key: number;
  partnerName: string;
  contribution: string;
}

interface Draft {
  reference: string;
  title: string;
  description: string;
  portfolioId: string;
  providerId: string;
  mechanism: Mechanism;
  stage: LifecycleStage;
  status: ContractStatus;
  startDate: string;
  endDate: string;
  annualValue: string;
  mainPriorityId: string;
  lines: LineDraft[];
  partners: PartnerDraft[];
  spend: SpendDraft[];
  changeReason: string;
}

let nextKey = 1;

function draftOf(contract: ContractDetail | null): Draft {
  return {
    reference: contract?.reference ?? "",
    title: contract?.title ?? "",
    description: contract?.description ?? "",
    portfolioId: contract ? String(contract.portfolio.id) : "",
    providerId: contract ? String(contract.provider.id) : "",
    mechanism: contract?.mechanism ?? "CONTRACTED_SERVICE",
    stage: contract?.stage ?? "PLAN",
    status: contract?.status ?? "PIPELINE",
    startDate: contract?.startDate ?? "",
    endDate: contract?.endDate ?? "",
    annualValue: penceToPounds(contract?.annualValuePence),
    mainPriorityId: contract?.mainPriority ? String(contract.mainPriority.id) : "",
    lines: (contract?.fundingLines ?? []).map((l) => ({ key: nextKey++, streamId: String(l.stream.id), year: l.year, amount: penceToPounds(l.amountPence), status: l.status })),
    partners: (contract?.coCommissioners ?? []).map((c) => ({ key: nextKey++, partnerName: c.partnerName, contribution: penceToPounds(c.annualContributionPence) })),
    spend: (contract?.spend ?? []).map((x) => ({ key: nextKey++, year: x.year, quarter: String(x.quarter), amount: penceToPounds(x.amountPence) })),
    changeReason: "",
  };
}

const lineKey = (l: { streamId: number; year: string; amountPence: number; status: string }) => `${l.streamId}|${l.year}|${l.amountPence}|${l.status}`;

function sameLines(contract: ContractDetail, lines: { streamId: number; year: string; amountPence: number; status: string }[]): boolean {
  const before = contract.fundingLines.map((l) => lineKey({ ...l, streamId: l.stream.id })).sort();
  const after = lines.map(lineKey).sort();
  return before.length === after.length && before.every((k, i) => k === after[i]);
}

function samePartners(contract: ContractDetail, partners: { partnerName: string; annualContributionPence: number | null }[]): boolean {
  const key = (p: { partnerName: string; annualContributionPence?: number | null }) => `${p.partnerName}|${p.annualContributionPence ?? ""}`;
  const before = contract.coCommissioners.map(key).sort();
  const after = partners.map(key).sort();
  return before.length === after.length && before.every((k, i) => k === after[i]);
}

function sameSpend(contract: ContractDetail, spend: { year: string; quarter: number; amountPence: number }[]): boolean {
  const key = (x: { year: string; quarter: number; amountPence: number }) => `${x.year}|${x.quarter}|${x.amountPence}`;
  const before = contract.spend.map(key).sort();
  const after = spend.map(key).sort();
  return before.length === after.length && before.every((k, i) => k === after[i]);
}

/** Statuses that end the service: the form asks before saving a change to one. */
const ENDING: readonly ContractStatus[] = ["ENDED", "DECOMMISSIONED"];

/** Form paths the server names, and the ones the form adds for figures it could not read. */
const TOP_FIELDS = ["reference", "title", "description", "portfolioId", "providerId", "mechanism", "stage", "status", "startDate", "endDate", "annualValuePence", "mainPriorityId", "changeReason"];
const isKnown = (field: string) => TOP_FIELDS.includes(field) || /^(fundingLines|coCommissioners|spend)\.\d+\.\w+$/.test(field);

export interface ContractFormProps {
  officeId: number;
  /** The contract being edited; null to create one. */
  contract: ContractDetail | null;
  onSaved(id: number): void;
  onCancel(): void;
  /** After a version clash: fetch the contract again (the form starts over from it). */
  onReload(): void;
}

/** Create or edit a contract, its funding lines across streams and its co-commissioners, with the API's refusals beside each field. */
export function ContractForm({ officeId, contract, onSaved, onCancel, onReload }: ContractFormProps) {
  const id = useId();
  const { options, error: optionsError } = useContractOptions(officeId);
  const [draft, setDraft] = useState<Draft>(() => draftOf(contract));
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [overCommitment, setOverCommitment] = useState<string[] | null>(null);
  const [reason, setReason] = useState("");
  const [reasonProblem, setReasonProblem] = useState<string | null>(null);
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const [{ fetching: creating }, create] = useMutation(CreateContractMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateContractMutation);
  const summaryRef = useRef<HTMLDivElement>(null);
  const overRef = useRef<HTMLElement>(null);
  // A refusal appears below the fold: take the officer to it, where the override is offered.
  useEffect(() => {
    if (overCommitment) overRef.current?.focus();
  }, [overCommitment]);
  const busy = creating || updating;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setLine = (key: number, change: Partial<LineDraft>) => setDraft((d) => ({ ...d, lines: d.lines.map((l) => (l.key === key ? { ...l, ...change } : l)) }));
  const setSpend = (key: number, change: Partial<SpendDraft>) => setDraft((d) => ({ ...d, spend: d.spend.map((x) => (x.key === key ? { ...x, ...change } : x)) }));
  const setPartner = (key: number, change: Partial<PartnerDraft>) => setDraft((d) => ({ ...d, partners: d.partners.map((p) => (p.key === key ? { ...p, ...change } : p)) }));
  const defaultYear = financialYearOf(draft.startDate || new Date().toISOString().slice(0, 10));

  /** The input, or the fields the browser can already tell are not figures. */
  function build(): { input: ContractInput } | { fields: Record<string, string> } {
    const fields: Record<string, string> = {};
    const annual = draft.annualValue.trim() ? poundsToPence(draft.annualValue) : null;
    if (draft.annualValue.trim() && annual == null) fields.annualValuePence = "Enter an amount in pounds, such as 125000.";
    const lines = draft.lines.map((l, i) => {
      const amountPence = poundsToPence(l.amount);
      if (amountPence == null) fields[`fundingLines.${i}.amountPence`] = "Enter an amount in pounds, such as 40000.";
      if (!l.streamId) fields[`fundingLines.${i}.streamId`] = "Choose a funding stream.";
      return { streamId: Number(l.streamId), year: l.year.trim(), amountPence: amountPence ?? 0, status: l.status };
    });
    const coCommissioners = draft.partners.map((p, i) => {
      const contribution = p.contribution.trim() ? poundsToPence(p.contribution) : null;
      if (p.contribution.trim() && contribution == null) fields[`coCommissioners.${i}.annualContributionPence`] = "Enter an amount in pounds.";
      return { partnerName: p.partnerName.trim(), annualContributionPence: contribution };
    });
    const spend = draft.spend.map((x, i) => {
      const amountPence = poundsToPence(x.amount);
      if (amountPence == null) fields[`spend.${i}.amountPence`] = "Enter an amount in pounds, such as 9500.";
      return { year: x.year.trim(), quarter: Number(x.quarter), amountPence: amountPence ?? 0 };
    });
    if (Object.keys(fields).length) return { fields };
    const input: ContractInput = {
      reference: draft.reference.trim(),
      title: draft.title.trim(),
      description: draft.description.trim() || null,
      mechanism: draft.mechanism,
      stage: draft.stage,
      status: draft.status,
      startDate: draft.startDate || null,
      endDate: draft.endDate || null,
      annualValuePence: annual,
      mainPriorityId: draft.mainPriorityId ? Number(draft.mainPriorityId) : null,
      // Lists left as they were are not sent: resending them would re-judge money nobody changed.
      ...(contract && sameLines(contract, lines) ? {} : { fundingLines: lines }),
      ...(contract && samePartners(contract, coCommissioners) ? {} : { coCommissioners }),
      ...(contract && sameSpend(contract, spend) ? {} : { spend }),
      ...(draft.portfolioId ? { portfolioId: Number(draft.portfolioId) } : {}),
      ...(draft.providerId ? { providerId: Number(draft.providerId) } : {}),
      ...(contract && draft.changeReason.trim() ? { changeReason: draft.changeReason.trim() } : {}),
    };
    return { input };
  }

  async function save(overrideReason: string | null) {
    if (busy) return;
    const built = build();
    if ("fields" in built) {
      setOutcome({ ...NO_OUTCOME, fields: built.fields, general: "Some figures are not amounts: see the fields marked." });
      summaryRef.current?.focus();
      return;
    }
    const input = overrideReason ? { ...built.input, overCommitmentReason: overrideReason } : built.input;
    const result = contract ? await update({ id: contract.id, version: contract.version, input }) : await create({ input });
    if (!result.error) {
      const saved = result.data && ("createContract" in result.data ? result.data.createContract : result.data.updateContract);
      if (saved) onSaved(saved.id);
      return;
    }
    const next = mutationOutcome(result.error, (field) => isKnown(field) || field === "reason");
    // A restatement reason is asked of the change as a whole; the form's field for it is changeReason.
    if (next.fields.reason) next.fields.changeReason = next.fields.reason;
    const over = next.problems.filter((p) => p.rule === "overCommitted");
    if (over.length && next.problems.length === over.length) {
      setOverCommitment(over.map((p) => p.message));
      setOutcome(NO_OUTCOME);
      return;
    }
    setOverCommitment(null);
    setOutcome(next);
    summaryRef.current?.focus();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (ENDING.includes(draft.status) && draft.status !== contract?.status) {
      setConfirmingEnd(true);
      return;
    }
    void save(null);
  }

  function override() {
    if (reason.trim().length < 5) {
      setReasonProblem("Say why this commitment should go ahead beyond the budget (at least a few words).");
      return;
    }
    setReasonProblem(null);
    void save(reason.trim());
  }

  const err = (field: string) => outcome.fields[field];
  const describe = (field: string) => `${id}-${field.replace(/\./g, "-")}-error`;
  const fieldProps = (field: string) => ({ id: `${id}-${field.replace(/\./g, "-")}`, "aria-invalid": err(field) ? true : undefined, "aria-describedby": describe(field) });
  const errorLine = (field: string) => (
    <p id={describe(field)} className="field-error">
      {err(field)}
    </p>
  );
  const field = (name: string, label: string, control: ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${name.replace(/\./g, "-")}`}>{label}</label>
      {control}
      {hint && <p className="hint">{hint}</p>}
      {errorLine(name)}
    </div>
  );

  const streams = options?.fundingStreams ?? [];
  const priorities = (options?.strategicPlans ?? []).flatMap((plan) => plan.priorities.map((p) => ({ ...p, plan: plan.title })));
  const linesTotal = draft.lines.reduce((sum, l) => sum + (poundsToPence(l.amount) ?? 0), 0);

  return (
    <form className="contract-form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="visually-hidden">
        {contract ? `Edit ${contract.reference}` : "New contract"}
      </h2>
      <div ref={summaryRef} tabIndex={-1} className="contract-form__summary">
        {outcome.stale ? (
          <StaleNotice what="contract" onReload={onReload} />
        ) : outcome.general || Object.keys(outcome.fields).length ? (
          <div className="notice notice--error" role="alert" data-testid="form-problems">
            <p>{outcome.general ?? "The contract was not saved."}</p>
            {Object.keys(outcome.fields).length > 0 && (
              <ul>
                {Object.entries(outcome.fields).map(([f, message]) => (
                  <li key={f}>
                    <a href={`#${id}-${f.replace(/\./g, "-")}`}>{message}</a>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : null}
      </div>
      {optionsError && (
        <p className="notice notice--error" role="alert">
          The form's choices could not be loaded: {optionsError.message}
        </p>
      )}

      <fieldset className="contract-form__group">
        <legend>The service</legend>
        <div className="contract-form__grid">
          {field("reference", "Reference", <input type="text" {...fieldProps("reference")} value={draft.reference} onChange={(e) => set("reference", e.target.value)} autoComplete="off" />)}
          {field("title", "Title", <input type="text" {...fieldProps("title")} value={draft.title} onChange={(e) => set("title", e.target.value)} />)}
          {field(
            "portfolioId",
            "Portfolio",
            <select {...fieldProps("portfolioId")} value={draft.portfolioId} onChange={(e) => set("portfolioId", e.target.value)}>
              <option value="">Choose a portfolio</option>
              {(options?.portfolios ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>,
          )}
          {field(
            "providerId",
            "Provider",
            <select {...fieldProps("providerId")} value={draft.providerId} onChange={(e) => set("providerId", e.target.value)}>
              <option value="">Choose a provider</option>
              {(options?.providers.items ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>,
          )}
          {field(
            "mechanism",
            "Mechanism",
            <select {...fieldProps("mechanism")} value={draft.mechanism} onChange={(e) => set("mechanism", e.target.value as Mechanism)}>
              {Object.entries(MECHANISM_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>,
          )}
          {field(
            "stage",
            "Lifecycle stage",
            <select {...fieldProps("stage")} value={draft.stage} onChange={(e) => set("stage", e.target.value as LifecycleStage)}>
              {Object.entries(STAGE_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>,
          )}
          {field(
            "status",
            "Status",
            <select {...fieldProps("status")} value={draft.status} onChange={(e) => set("status", e.target.value as ContractStatus)}>
              {Object.entries(STATUS_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>,
            "A contract is decommissioned by publishing a decommissioning decision, not here.",
          )}
          {field(
            "mainPriorityId",
            "Main plan priority",
            <select {...fieldProps("mainPriorityId")} value={draft.mainPriorityId} onChange={(e) => set("mainPriorityId", e.target.value)}>
              <option value="">None</option>
              {priorities.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title} ({p.plan})
                </option>
              ))}
            </select>,
          )}
          {field("startDate", "Starts", <input type="date" {...fieldProps("startDate")} value={draft.startDate} onChange={(e) => set("startDate", e.target.value)} />)}
          {field("endDate", "Ends", <input type="date" {...fieldProps("endDate")} value={draft.endDate} onChange={(e) => set("endDate", e.target.value)} />)}
          {field("annualValuePence", "Annual value, all funders (£)", <input type="text" inputMode="decimal" {...fieldProps("annualValuePence")} value={draft.annualValue} onChange={(e) => set("annualValue", e.target.value)} />)}
        </div>
        {field("description", "Description", <textarea rows={3} {...fieldProps("description")} value={draft.description} onChange={(e) => set("description", e.target.value)} />)}
      </fieldset>

      <fieldset className="contract-form__group" data-testid="funding-lines">
        <legend>Funding lines</legend>
        <p className="hint">The office's money for the service: one line per stream and financial year. Planned lines are intended, not yet contracted.</p>
        {draft.lines.length === 0 && <p>No funding lines yet.</p>}
        <ol className="contract-form__rows">
          {draft.lines.map((line, i) => {
            const stream = streams.find((s) => String(s.id) === line.streamId);
            return (
              <li key={line.key} className="contract-form__row" data-testid={`funding-line-${i}`}>
                {field(
                  `fundingLines.${i}.streamId`,
                  `Line ${i + 1}: funding stream`,
                  <select {...fieldProps(`fundingLines.${i}.streamId`)} value={line.streamId} onChange={(e) => setLine(line.key, { streamId: e.target.value })}>
                    <option value="">Choose a stream</option>
                    {streams.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </select>,
                )}
                {field(`fundingLines.${i}.year`, `Line ${i + 1}: year`, <input type="text" {...fieldProps(`fundingLines.${i}.year`)} value={line.year} placeholder="2024-25" onChange={(e) => setLine(line.key, { year: e.target.value })} />)}
                {field(`fundingLines.${i}.amountPence`, `Line ${i + 1}: amount (£)`, <input type="text" inputMode="decimal" {...fieldProps(`fundingLines.${i}.amountPence`)} value={line.amount} onChange={(e) => setLine(line.key, { amount: e.target.value })} />)}
                {field(
                  `fundingLines.${i}.status`,
                  `Line ${i + 1}: status`,
                  <select {...fieldProps(`fundingLines.${i}.status`)} value={line.status} onChange={(e) => setLine(line.key, { status: e.target.value as FundingLineStatus })}>
                    {Object.entries(LINE_STATUS_LABELS).map(([v, l]) => (
                      <option key={v} value={v}>
                        {l}
                      </option>
                    ))}
                  </select>,
                )}
                <button type="button" className="button button--secondary contract-form__remove" onClick={() => setDraft((d) => ({ ...d, lines: d.lines.filter((l) => l.key !== line.key) }))}>
                  Remove line {i + 1}
                </button>
                {stream && (stream.maxAwardPence != null || stream.oneOffOnly || stream.ringFencedPurpose) && (
                  <p className="hint contract-form__rules">
                    {[stream.maxAwardPence != null && `Largest award ${formatPence(stream.maxAwardPence, { wholePounds: true })}`, stream.oneOffOnly && "one award per recipient", stream.ringFencedPurpose && `ring-fenced: ${stream.ringFencedPurpose}`].filter(Boolean).join(" · ")}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
        <div className="button-row">
          <button type="button" className="button button--secondary" onClick={() => setDraft((d) => ({ ...d, lines: [...d.lines, { key: nextKey++, streamId: "", year: d.lines.at(-1)?.year ?? defaultYear, amount: "", status: "COMMITTED" }] }))}>
            Add a funding line
          </button>
          {draft.lines.length > 0 && <p className="contract-form__total">Lines total {formatPence(linesTotal, { wholePounds: true })}</p>}
        </div>
      </fieldset>

      <fieldset className="contract-form__group">
        <legend>Co-commissioners</legend>
        <p className="hint">Partners who fund the service with the office, and what they give each year where known.</p>
        <ol className="contract-form__rows">
          {draft.partners.map((p, i) => (
            <li key={p.key} className="contract-form__row contract-form__row--partner">
              {field(`coCommissioners.${i}.partnerName`, `Partner ${i + 1}`, <input type="text" {...fieldProps(`coCommissioners.${i}.partnerName`)} value={p.partnerName} onChange={(e) => setPartner(p.key, { partnerName: e.target.value })} />)}
              {field(`coCommissioners.${i}.annualContributionPence`, `Partner ${i + 1}: yearly contribution (£)`, <input type="text" inputMode="decimal" {...fieldProps(`coCommissioners.${i}.annualContributionPence`)} value={p.contribution} onChange={(e) => setPartner(p.key, { contribution: e.target.value })} />)}
              <button type="button" className="button button--secondary contract-form__remove" onClick={() => setDraft((d) => ({ ...d, partners: d.partners.filter((x) => x.key !== p.key) }))}>
                Remove partner {i + 1}
              </button>
            </li>
          ))}
        </ol>
        <button type="button" className="button button--secondary" onClick={() => setDraft((d) => ({ ...d, partners: [...d.partners, { key: nextKey++, partnerName: "", contribution: "" }] }))}>
          Add a co-commissioner
        </button>
      </fieldset>

      <fieldset className="contract-form__group" data-testid="spend-lines">
        <legend>Actual spend by quarter</legend>
        <p className="hint">What the service has cost the office each quarter, shown against the year's funding lines.</p>
        <ol className="contract-form__rows">
          {draft.spend.map((x, i) => (
            <li key={x.key} className="contract-form__row contract-form__row--spend">
              {field(`spend.${i}.year`, `Spend ${i + 1}: year`, <input type="text" {...fieldProps(`spend.${i}.year`)} value={x.year} placeholder="2024-25" onChange={(e) => setSpend(x.key, { year: e.target.value })} />)}
              {field(
                `spend.${i}.quarter`,
                `Spend ${i + 1}: quarter`,
                <select {...fieldProps(`spend.${i}.quarter`)} value={x.quarter} onChange={(e) => setSpend(x.key, { quarter: e.target.value })}>
                  {["1", "2", "3", "4"].map((q) => (
                    <option key={q} value={q}>
                      Q{q}
                    </option>
                  ))}
                </select>,
              )}
              {field(`spend.${i}.amountPence`, `Spend ${i + 1}: amount (£)`, <input type="text" inputMode="decimal" {...fieldProps(`spend.${i}.amountPence`)} value={x.amount} onChange={(e) => setSpend(x.key, { amount: e.target.value })} />)}
              <button type="button" className="button button--secondary contract-form__remove" onClick={() => setDraft((d) => ({ ...d, spend: d.spend.filter((y) => y.key !== x.key) }))}>
                Remove spend {i + 1}
              </button>
            </li>
          ))}
        </ol>
        <button type="button" className="button button--secondary" onClick={() => setDraft((d) => ({ ...d, spend: [...d.spend, { key: nextKey++, year: d.spend.at(-1)?.year ?? defaultYear, quarter: String(Math.min(4, Number(d.spend.at(-1)?.quarter ?? 0) + 1)), amount: "" }] }))}>
          Add a quarter's spend
        </button>
      </fieldset>

      {confirmingEnd && (
        <ConfirmDialog
          title={draft.status === "DECOMMISSIONED" ? "Decommission this contract?" : "Mark this contract as ended?"}
          confirmLabel={draft.status === "DECOMMISSIONED" ? "Save as decommissioned" : "Save as ended"}
          tone="warning"
          busy={busy}
          onConfirm={() => {
            setConfirmingEnd(false);
            void save(null);
          }}
          onClose={() => setConfirmingEnd(false)}
        >
          <p>
            {draft.status === "DECOMMISSIONED"
              ? "A contract is decommissioned by a published decommissioning decision that cites its latest accepted return; without one the change is refused."
              : "An ended contract owes no further returns: completeness and reminders stop counting it from now on."}
          </p>
        </ConfirmDialog>
      )}

      {contract &&
        field(
          "changeReason",
          "Reason for the change (when it restates a frozen quarter)",
          <textarea rows={2} {...fieldProps("changeReason")} value={draft.changeReason} onChange={(e) => set("changeReason", e.target.value)} />,
          "Needed when the change reaches a quarter the Panel has seen; it is shown with the restatement.",
        )}

      {overCommitment && (
        <section ref={overRef} tabIndex={-1} className="notice notice--warning contract-form__override" role="alert" aria-labelledby={`${id}-over`} data-testid="over-commitment">
          <h3 id={`${id}-over`}>Not saved: this commits more than the budget holds</h3>
          <ul>
            {overCommitment.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
          <p>Reduce the funding lines, or override with a reason. The override and its reason are kept in the audit trail.</p>
          <div className="field">
            <label htmlFor={`${id}-override`}>Reason for committing beyond the budget</label>
            <textarea id={`${id}-override`} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={reasonProblem ? true : undefined} aria-describedby={`${id}-override-error`} />
            <p id={`${id}-override-error`} className="field-error">
              {reasonProblem}
            </p>
          </div>
          <button type="button" className="button button--warning" onClick={override} aria-disabled={busy || undefined}>
            {busy ? "Saving…" : "Override and save"}
          </button>
        </section>
      )}

      <div className="button-row">
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {busy ? "Saving…" : contract ? "Save changes" : "Create contract"}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
