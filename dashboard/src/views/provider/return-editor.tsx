import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useClient, type CombinedError } from "urql";
import { describeError, errorCode } from "../../errors";
import { graphql } from "../../gql";
import type { MeasureUnit, SaveReturnInput } from "../../gql/graphql";
import { formatTime, isNetworkFailure, problemsOf, type Problem } from "./provider-format";
import type { FormContract, FormMeasure, FormPeriod, FormReturn } from "./return-data";
import { RevisionHistory } from "./revision-history";
import { FigureFlagNote } from "../../features/conversations/figure-flag-note";

const SaveDraftMutation = graphql(`
  mutation SaveReturnDraft($input: SaveReturnInput!) {
    saveReturnDraft(input: $input) {
      id
      version
      state
      updatedAt
    }
  }
`);

const SubmitReturnMutation = graphql(`
  mutation SubmitReturn($input: SubmitReturnInput!) {
    submitReturn(input: $input) {
      id
      version
      state
      submittedAt
      late
    }
  }
`);

const ValidateReturnQuery = graphql(`
  query ValidateReturnOutliers($id: Int!) {
    validateReturn(id: $id) {
      outliers {
        measureId
        code
        previous
        current
        change
      }
    }
  }
`);

const NARRATIVE = [
  { key: "achievements", label: "Achievements", hint: "What went well this quarter: milestones reached, improvements made." },
  { key: "challenges", label: "Challenges", hint: "What got in the way, and what you are doing about it." },
  { key: "caseStudy", label: "Case study", hint: "One person’s experience of the service, anonymised." },
  { key: "emergingRisks", label: "Emerging risks", hint: "Anything the commissioning team should know about before next quarter." },
] as const;

type NarrativeKey = (typeof NARRATIVE)[number]["key"];

interface FormState {
  values: Record<number, string>;
  comments: Record<number, string>;
  explanations: Record<number, string>;
  narrative: Record<NarrativeKey, string>;
  spend: string;
}

/** The field a message belongs to: "value-3", "comment-3", "explain-3", "spend", "achievements"…; "form" for the whole return. */
type FieldKey = string;

interface FieldError {
  field: FieldKey;
  message: string;
}

interface OutlierInfo {
  previous: number;
  current: number;
  change: number;
}

type SaveStatus = { kind: "idle" } | { kind: "saving"; auto: boolean } | { kind: "saved"; at: Date } | { kind: "failed"; message: string };

type PersistResult = { ok: true; returnId: number; version: number } | { ok: false; error?: CombinedError; invalid?: FieldError[] };

/** An attempt to submit; after a network failure the same attempt is retried with the same key, so it cannot count twice. */
interface Attempt {
  key: string;
  returnId: number;
  version: number;
  edits: number;
}

const AUTOSAVE_AFTER_MS = 2000;

function initialState(contract: FormContract, ret: FormReturn | null): FormState {
  const byMeasure = new Map(ret?.values.map((v) => [v.measure.id, v]) ?? []);
  const values: Record<number, string> = {};
  const comments: Record<number, string> = {};
  for (const measure of contract.reportedMeasures) {
    const saved = byMeasure.get(measure.id);
    values[measure.id] = saved?.value != null ? String(saved.value) : "";
    comments[measure.id] = saved?.comment ?? "";
  }
  return {
    values,
    comments,
    explanations: {},
    narrative: {
      achievements: ret?.achievements ?? "",
      challenges: ret?.challenges ?? "",
      caseStudy: ret?.caseStudy ?? "",
      emergingRisks: ret?.emergingRisks ?? "",
    },
    spend: ret?.spendPence != null ? POUNDS.format(ret.spendPence / 100) : "",
  };
}

const POUNDS = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const NUMBER = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/;

/** What the person typed as a number: commas and spaces are allowed as thousands separators. */
function parseNumber(text: string): number | null | undefined {
  const cleaned = text.replace(/[,\s]/g, "");
  if (cleaned === "") return null;
  return NUMBER.test(cleaned) ? Number(cleaned) : undefined;
}

/** Pounds (with or without "£", commas, up to two decimals) as integer pence. */
function parsePounds(text: string): number | null | undefined {
  const cleaned = text.replace(/[£,\s]/g, "");
  if (cleaned === "") return null;
  if (!/^\d+(?:\.\d{1,2})?$/.test(cleaned)) return undefined;
  return Math.round(Number(cleaned) * 100);
}

function unitHint(measure: FormMeasure): string {
  const parts: string[] = [];
  const unitText: Record<MeasureUnit, string> = {
    COUNT: "A count: a whole number",
    PERCENT: "A percentage",
    HOURS: "A number of hours",
    DAYS: "A number of days",
    PENCE: "An amount in pence",
  };
  parts.push(unitText[measure.unit] ?? "A number");
  const min = measure.minValue;
  const max = measure.maxValue ?? (measure.unit === "PERCENT" ? 100 : null);
  if (min != null && max != null) parts.push(`from ${min} to ${max}`);
  else if (min != null) parts.push(min === 0 ? "0 or more" : `at least ${min}`);
  else if (max != null) parts.push(`at most ${max}`);
  return `${parts.join(", ")}.`;
}

function describeOutlier(measure: FormMeasure, info: OutlierInfo | undefined): string {
  if (!info) return `${measure.name} changed sharply since last quarter. Check the figure; if it is right, explain the change to submit.`;
  const percent = Math.round(Math.abs(info.change) * 100);
  return `${measure.name} is ${percent}% ${info.change > 0 ? "higher" : "lower"} than last quarter’s accepted figure (${info.previous} → ${info.current}). Check it; if it is right, explain the change to submit.`;
}

function outlierError(measure: FormMeasure, info: OutlierInfo | undefined): string {
  const size = info ? ` (${info.change > 0 ? "up" : "down"} ${Math.round(Math.abs(info.change) * 100)}% on last quarter)` : "";
  return `Explain the change in ${measure.name.toLowerCase()}${size}, or correct the figure.`;
}

export interface EditReturnProps {
  contract: FormContract;
  period: FormPeriod;
  ret: FormReturn | null;
  onReload(): void;
  onSubmitted(): void;
}

export function EditReturn({ contract, period, ret, onReload, onSubmitted }: EditReturnProps) {
  const id = useId();
  const client = useClient();
  const measures = contract.reportedMeasures;
  const [form, setForm] = useState<FormState>(() => initialState(contract, ret));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [outliers, setOutliers] = useState<Map<number, OutlierInfo | undefined>>(new Map());
  const [status, setStatus] = useState<SaveStatus>({ kind: "idle" });
  const [conflict, setConflict] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  /** Counts the times the error summary was (re)shown, so each one moves focus to it. */
  const [summaryShown, setSummaryShown] = useState(0);
  const conflictRef = useRef<HTMLDivElement>(null);

  // The latest state for code that runs later (autosave, queued saves), without stale closures.
  const formRef = useRef(form);
  const saved = useRef<{ returnId: number | null; version: number | null }>({ returnId: ret?.id ?? null, version: ret?.version ?? null });
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  /** Counts edits; a save remembers which edit it saved, so "unsaved changes" is exact. */
  const edits = useRef(0);
  const savedEdits = useRef(0);
  const attempt = useRef<Attempt | null>(null);
  const closed = useRef(false);
  const [editTick, setEditTick] = useState(0);

  const reviewComments = useMemo(() => {
    const last = ret?.state === "RETURNED" ? ret.revisions.at(-1) : undefined;
    return new Map(last?.outcome === "RETURNED" ? last.measureComments.map((c) => [c.measureId, c.comment]) : []);
  }, [ret]);
  const measureByCode = useMemo(() => new Map(measures.map((m) => [m.code, m])), [measures]);

  /** The server names indicator and measure codes for a share above its total; say it with the measures' names. */
  function partOfMessage(measure: FormMeasure): string {
    const kpi = contract.kpis.find((k) => k.indicator.numeratorMeasures.some((m) => m.id === measure.id) && k.indicator.denominatorMeasures.length > 0);
    const totals = kpi?.indicator.denominatorMeasures.map((m) => m.name.toLowerCase()).join(" plus ");
    return totals ? `${measure.name} cannot be more than ${totals}.` : `${measure.name} cannot be more than the total it is part of.`;
  }

  /** Changes the form; the ref is updated at once so a save started before the next render sends what was typed. */
  function update(change: (state: FormState) => FormState) {
    const next = change(formRef.current);
    formRef.current = next;
    setForm(next);
  }

  /** A change that should be saved in the draft (explanations are sent only with the submission). */
  function edit(change: (state: FormState) => FormState) {
    update(change);
    edits.current += 1;
    setEditTick((n) => n + 1);
    if (status.kind === "failed") setStatus({ kind: "idle" });
  }

  /** Client-side checks that stop a save: text that is not a number at all. The server checks the rest. */
  function parse(state: FormState): { input?: Omit<SaveReturnInput, "contractId" | "periodId" | "version">; invalid: FieldError[] } {
    const invalid: FieldError[] = [];
    const values = measures.map((measure) => {
      const value = parseNumber(state.values[measure.id] ?? "");
      if (value === undefined) invalid.push({ field: `value-${measure.id}`, message: `Enter ${measure.name.toLowerCase()} as a number, like 120.` });
      const comment = (state.comments[measure.id] ?? "").trim();
      return { measureId: measure.id, value: value ?? null, comment: comment || null };
    });
    const spendPence = parsePounds(state.spend);
    if (spendPence === undefined) invalid.push({ field: "spend", message: "Enter the spend in pounds, like 12500 or 12,500.50." });
    if (invalid.length) return { invalid };
    const text = (key: NarrativeKey) => state.narrative[key].trim() || null;
    return {
      invalid,
      input: {
        values,
        achievements: text("achievements"),
        challenges: text("challenges"),
        caseStudy: text("caseStudy"),
        emergingRisks: text("emergingRisks"),
        spendPence: spendPence ?? null,
      },
    };
  }

  /** Saves the form as it is now, after any save already under way; every save carries the version the last one returned. */
  function persist(auto: boolean): Promise<PersistResult> {
    const run = async (): Promise<PersistResult> => {
      const state = formRef.current;
      const upTo = edits.current;
      if (saved.current.returnId != null && upTo === savedEdits.current) return { ok: true, returnId: saved.current.returnId, version: saved.current.version! };
      const { input, invalid } = parse(state);
      if (!input) return { ok: false, invalid };
      setStatus({ kind: "saving", auto });
      const result = await client.mutation(SaveDraftMutation, { input: { ...input, contractId: contract.id, periodId: period.id, version: saved.current.version } }).toPromise();
      const ret = result.data?.saveReturnDraft;
      if (ret) {
        saved.current = { returnId: ret.id, version: ret.version };
        savedEdits.current = upTo;
        setStatus({ kind: "saved", at: new Date() });
        return { ok: true, returnId: ret.id, version: ret.version };
      }
      setStatus({ kind: "failed", message: auto ? "Your latest changes are not saved yet." : "Not saved." });
      return { ok: false, error: result.error };
    };
    const next = queue.current.then(run, run);
    queue.current = next.catch(() => undefined);
    return next;
  }

  // Autosave once typing has paused.
  useEffect(() => {
    if (editTick === 0 || conflict) return;
    const timer = window.setTimeout(async () => {
      if (closed.current || edits.current === savedEdits.current) return;
      if (parse(formRef.current).invalid.length) return;
      const result = await persist(true);
      if (!result.ok && result.error) handleFailure(result.error, "save");
    }, AUTOSAVE_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [editTick, conflict]);

  // Leaving with unsaved changes loses them: ask first.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (!closed.current && edits.current !== savedEdits.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  function showErrors(list: FieldError[]) {
    setErrors(list);
    setSummaryShown((n) => n + 1);
  }

  // Once the summary has rendered, take the reader to it (GOV.UK error summary pattern).
  useEffect(() => {
    if (summaryShown) summaryRef.current?.focus();
  }, [summaryShown]);
  useEffect(() => {
    if (conflict) conflictRef.current?.focus();
  }, [conflict]);

  /** Server problems placed beside their fields: "values.CODE" is a measure's value, "values.2.comment" the third value sent. */
  function fieldErrorsFrom(problems: Problem[], sentAcknowledgements: number[]): { list: FieldError[]; outlierIds: number[] } {
    const list: FieldError[] = [];
    const outlierIds: number[] = [];
    for (const problem of problems) {
      const parts = problem.field.split(".");
      if (parts[0] === "values" && parts.length === 2) {
        const measure = measureByCode.get(parts[1]) ?? measures.find((m) => String(m.id) === parts[1]);
        if (measure && problem.rule === "outlier") {
          outlierIds.push(measure.id);
          continue;
        }
        if (measure) {
          list.push({ field: `value-${measure.id}`, message: problem.rule === "numeratorAboveDenominator" ? partOfMessage(measure) : problem.message });
          continue;
        }
      }
      if (parts[0] === "values" && parts.length === 3) {
        const measure = measures[Number(parts[1])];
        if (measure) {
          list.push({ field: `${parts[2] === "comment" ? "comment" : "value"}-${measure.id}`, message: problem.message });
          continue;
        }
      }
      if (parts[0] === "acknowledgements" && parts.length >= 2) {
        const measureId = sentAcknowledgements[Number(parts[1])];
        if (measureId != null) {
          list.push({ field: `explain-${measureId}`, message: problem.message });
          continue;
        }
      }
      const last = parts.at(-1) ?? "";
      if (last === "spendPence") list.push({ field: "spend", message: problem.message });
      else if (NARRATIVE.some((n) => n.key === last)) list.push({ field: last, message: problem.message });
      else list.push({ field: "form", message: problem.message });
    }
    return { list, outlierIds };
  }

  function handleFailure(error: CombinedError, action: "save" | "submit") {
    const code = errorCode(error);
    if (code === "CONFLICT") {
      closed.current = true;
      setConflict(true);
      return;
    }
    if (code === "BAD_USER_INPUT") {
      const { list } = fieldErrorsFrom(problemsOf(error), []);
      showErrors(list.length ? list : [{ field: "form", message: describeError(error) }]);
      return;
    }
    showErrors([
      {
        field: "form",
        message: describeError(error, {
          FORBIDDEN: `You can’t ${action === "save" ? "change" : "submit"} returns for this contract.`,
          NOT_FOUND: "This return is no longer available to you.",
        }),
      },
    ]);
  }

  async function saveDraft() {
    if (submitting || conflict) return;
    const { invalid } = parse(formRef.current);
    if (invalid.length) return showErrors(invalid);
    setErrors([]);
    const result = await persist(false);
    if (!result.ok) {
      if (result.invalid) showErrors(result.invalid);
      else if (result.error) handleFailure(result.error, "save");
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting || conflict) return;
    const state = formRef.current;
    const { invalid } = parse(state);
    for (const measureId of outliers.keys()) {
      const measure = measures.find((m) => m.id === measureId);
      if (measure && (state.explanations[measureId] ?? "").trim().length < 3) invalid.push({ field: `explain-${measureId}`, message: `Explain the change in ${measure.name.toLowerCase()} before submitting.` });
    }
    if (invalid.length) return showErrors(invalid);

    setSubmitting(true);
    try {
      let current = attempt.current;
      if (!current || current.edits !== edits.current) {
        const savedNow = await persist(false);
        if (!savedNow.ok) {
          if (savedNow.invalid) showErrors(savedNow.invalid);
          else if (savedNow.error) handleFailure(savedNow.error, "save");
          return;
        }
        current = { key: crypto.randomUUID(), returnId: savedNow.returnId, version: savedNow.version, edits: edits.current };
        attempt.current = current;
      }
      const acknowledgements = [...outliers.keys()].map((measureId) => ({ measureId, comment: (state.explanations[measureId] ?? "").trim() }));
      closed.current = true;
      const result = await client.mutation(SubmitReturnMutation, { input: { returnId: current.returnId, version: current.version, idempotencyKey: current.key, acknowledgements } }).toPromise();
      if (result.data?.submitReturn) {
        attempt.current = null;
        savedEdits.current = edits.current;
        setErrors([]);
        onSubmitted();
        return;
      }
      closed.current = false;
      if (isNetworkFailure(result.error)) {
        // Keep the attempt: pressing Submit again resends the same key, so the return cannot be submitted twice.
        showErrors([{ field: "form", message: "The server could not be reached, so your return may not have been submitted. Check your connection and press “Submit return” again: it will not be sent twice." }]);
        return;
      }
      attempt.current = null;
      if (errorCode(result.error) === "BAD_USER_INPUT") {
        const sent = acknowledgements.map((a) => a.measureId);
        const { list, outlierIds } = fieldErrorsFrom(problemsOf(result.error), sent);
        if (outlierIds.length) {
          const details = await client.query(ValidateReturnQuery, { id: current.returnId }, { requestPolicy: "network-only" }).toPromise();
          const infoById = new Map(details.data?.validateReturn.outliers.map((o) => [o.measureId, { previous: o.previous, current: o.current, change: o.change }]) ?? []);
          setOutliers((previous) => {
            const next = new Map(previous);
            for (const measureId of outlierIds) next.set(measureId, infoById.get(measureId));
            return next;
          });
          update((s) => {
            const explanations = { ...s.explanations };
            for (const measureId of outlierIds) if (explanations[measureId] == null) explanations[measureId] = s.comments[measureId] ?? "";
            return { ...s, explanations };
          });
          for (const measureId of outlierIds) {
            const measure = measures.find((m) => m.id === measureId)!;
            list.push({ field: `explain-${measureId}`, message: outlierError(measure, infoById.get(measureId)) });
          }
        }
        showErrors(list.length ? list : [{ field: "form", message: describeError(result.error!) }]);
        return;
      }
      if (result.error) handleFailure(result.error, "submit");
    } finally {
      setSubmitting(false);
    }
  }

  const errorFor = (field: FieldKey) => errors.filter((e) => e.field === field);
  const inputId = (field: FieldKey) => `${id}-${field}`;
  const unsaved = edits.current !== savedEdits.current;

  return (
    <>
      {conflict && (
        <div className="pv-banner pv-banner--warning" role="alert" tabIndex={-1} ref={conflictRef} data-testid="return-conflict">
          <h2 className="pv-banner__title">
            <span aria-hidden="true">⚠ </span>This return changed elsewhere — reload to see the latest
          </h2>
          <p>Someone else, or another tab, saved or submitted it after you opened it. Changes you made here since your last save will be lost.</p>
          <button type="button" className="button" onClick={onReload}>
            Reload the return
          </button>
        </div>
      )}

      {ret?.state === "RETURNED" && (
        <div className="pv-banner pv-banner--returned">
          <h2 className="pv-banner__title">
            <span aria-hidden="true">↩ </span>Sent back for changes
          </h2>
          <p className="pv-review-reason" data-testid="review-reason">
            {ret.reviewReason || "The commissioning team sent this return back."}
          </p>
          {(() => {
            const last = ret.revisions.at(-1);
            return last?.reviewedBy ? (
              <p className="pv-muted">
                {last.reviewedBy.name}
                {reviewComments.size > 0 && ` also commented on ${reviewComments.size === 1 ? "one figure" : `${reviewComments.size} figures`}: see below`}.
              </p>
            ) : null;
          })()}
        </div>
      )}

      {errors.length > 0 && (
        <div className="pv-error-summary" role="alert" aria-labelledby={`${id}-summary-title`} tabIndex={-1} ref={summaryRef} data-testid="error-summary">
          <h2 id={`${id}-summary-title`} className="pv-error-summary__title">
            There is a problem
          </h2>
          <ul className="pv-error-summary__list">
            {errors.map((error, index) => (
              <li key={index}>
                {error.field === "form" ? (
                  error.message
                ) : (
                  <a
                    href={`#${inputId(error.field)}`}
                    onClick={(event) => {
                      event.preventDefault();
                      const target = document.getElementById(inputId(error.field));
                      target?.focus();
                      target?.scrollIntoView({ block: "center" });
                    }}
                  >
                    {error.message}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      <form className="pv-form" onSubmit={submit} noValidate aria-describedby={`${id}-intro`}>
        <p id={`${id}-intro`} className="pv-muted">
          Your changes are saved as a draft as you type. The commissioning team sees the return only once you submit it.
        </p>

        <fieldset className="pv-section">
          <legend className="pv-legend">Figures for {period.label}</legend>
          {measures.map((measure) => (
            <MeasureField
              key={measure.id}
              measure={measure}
              contractId={contract.id}
              idOf={inputId}
              value={form.values[measure.id] ?? ""}
              comment={form.comments[measure.id] ?? ""}
              explanation={outliers.has(measure.id) ? (form.explanations[measure.id] ?? "") : null}
              outlierText={outliers.has(measure.id) ? describeOutlier(measure, outliers.get(measure.id)) : null}
              reviewComment={reviewComments.get(measure.id) ?? null}
              errors={{ value: errorFor(`value-${measure.id}`), comment: errorFor(`comment-${measure.id}`), explain: errorFor(`explain-${measure.id}`) }}
              onValue={(text) => edit((s) => ({ ...s, values: { ...s.values, [measure.id]: text } }))}
              onComment={(text) => edit((s) => ({ ...s, comments: { ...s.comments, [measure.id]: text } }))}
              onExplanation={(text) => update((s) => ({ ...s, explanations: { ...s.explanations, [measure.id]: text } }))}
            />
          ))}
        </fieldset>

        <fieldset className="pv-section">
          <legend className="pv-legend">Spend</legend>
          <Field id={inputId("spend")} label="Spend this quarter (£)" hint="What the service spent in the quarter, in pounds, for example 12,500.00." errors={errorFor("spend")}>
            {(describedBy, invalid) => (
              <div className="pv-input-prefix">
                <span aria-hidden="true">£</span>
                <input
                  id={inputId("spend")}
                  type="text"
                  inputMode="decimal"
                  autoComplete="off"
                  spellCheck={false}
                  className="pv-input pv-input--number"
                  value={form.spend}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => edit((s) => ({ ...s, spend: event.target.value }))}
                />
              </div>
            )}
          </Field>
        </fieldset>

        <fieldset className="pv-section">
          <legend className="pv-legend">{contract.shortForm ? "About the grant" : "About the quarter"}</legend>
          {contract.shortForm && <p className="pv-muted">End-of-grant report: the short form. Tell us what the grant achieved and anything that got in the way.</p>}
          {/* The end-of-grant short form asks only for achievements and challenges (proportionate monitoring). */}
          {NARRATIVE.filter(({ key }) => !contract.shortForm || key === "achievements" || key === "challenges").map(({ key, label, hint }) => (
            <Field key={key} id={inputId(key)} label={label} hint={hint} errors={errorFor(key)}>
              {(describedBy, invalid) => (
                <textarea
                  id={inputId(key)}
                  className="pv-textarea"
                  rows={4}
                  value={form.narrative[key]}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => edit((s) => ({ ...s, narrative: { ...s.narrative, [key]: event.target.value } }))}
                />
              )}
            </Field>
          ))}
        </fieldset>

        <div className="pv-actions">
          <button type="submit" className="button" aria-disabled={submitting || conflict || undefined}>
            {submitting ? "Submitting…" : "Submit return"}
          </button>
          <button type="button" className="button button--secondary" onClick={saveDraft} aria-disabled={submitting || conflict || undefined}>
            Save draft
          </button>
          <p className="pv-save-status" role="status" data-testid="save-status">
            {status.kind === "saving" && (status.auto ? "Saving your changes…" : "Saving…")}
            {status.kind === "saved" && !unsaved && `Saved at ${formatTime(status.at)}`}
            {status.kind === "saved" && unsaved && `Last saved at ${formatTime(status.at)}`}
            {status.kind === "failed" && status.message}
            {status.kind === "idle" && ret && !unsaved && "No unsaved changes"}
          </p>
        </div>
      </form>

      {ret && <RevisionHistory ret={ret} />}
    </>
  );
}

interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors: FieldError[];
  /** Extra elements (a reviewer's comment) announced with the field. */
  extra?: { id: string; node: ReactNode };
  className?: string;
  children(describedBy: string | undefined, invalid: boolean): ReactNode;
}

/** A label, hint, inline errors (role="alert") and the control, wired together with aria-describedby. */
function Field({ id, label, hint, errors, extra, className, children }: FieldProps) {
  const describedBy = [hint ? `${id}-hint` : null, extra ? extra.id : null, errors.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`pv-field${errors.length ? " pv-field--error" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="pv-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {extra?.node}
      {errors.length > 0 && (
        <p className="pv-field-error" id={`${id}-error`} role="alert">
          <span className="visually-hidden">Error: </span>
          {errors.map((e) => e.message).join(" ")}
        </p>
      )}
      {children(describedBy, errors.length > 0)}
    </div>
  );
}

interface MeasureFieldProps {
  measure: FormMeasure;
  contractId: number;
  idOf(field: string): string;
  value: string;
  comment: string;
  /** Null unless the value needs explaining. */
  explanation: string | null;
  outlierText: string | null;
  reviewComment: string | null;
  errors: { value: FieldError[]; comment: FieldError[]; explain: FieldError[] };
  onValue(text: string): void;
  onComment(text: string): void;
  onExplanation(text: string): void;
}

function MeasureField({ measure, contractId, idOf, value, comment, explanation, outlierText, reviewComment, errors, onValue, onComment, onExplanation }: MeasureFieldProps) {
  const valueId = idOf(`value-${measure.id}`);
  const reviewId = `${valueId}-review`;
  const hint = (
    <>
      {measure.description && <>{measure.description} </>}
      {unitHint(measure)}
    </>
  );
  return (
    <div className="pv-measure" data-testid={`measure-${measure.code}`}>
      <FigureFlagNote contractId={contractId} measureId={measure.id} />
      <Field
        id={valueId}
        label={measure.name}
        hint={hint}
        errors={errors.value}
        extra={
          reviewComment
            ? {
                id: reviewId,
                node: (
                  <p className="pv-review-comment" id={reviewId} data-testid={`review-comment-${measure.code}`}>
                    <span className="pv-review-comment__label">Reviewer’s comment:</span> {reviewComment}
                  </p>
                ),
              }
            : undefined
        }
      >
        {(describedBy, invalid) => (
          <input
            id={valueId}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            className="pv-input pv-input--number"
            value={value}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onChange={(event) => onValue(event.target.value)}
          />
        )}
      </Field>

      {explanation !== null ? (
        <Field
          id={idOf(`explain-${measure.id}`)}
          label={`Explain the change in ${measure.name}`}
          hint={<>{outlierText} Your explanation is kept as the comment on this figure.</>}
          errors={errors.explain}
          className="pv-field--outlier"
        >
          {(describedBy, invalid) => (
            <textarea
              id={idOf(`explain-${measure.id}`)}
              className="pv-textarea"
              rows={3}
              required
              aria-required="true"
              value={explanation}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) => onExplanation(event.target.value)}
            />
          )}
        </Field>
      ) : (
        <Field id={idOf(`comment-${measure.id}`)} label={`Comment on ${measure.name} (optional)`} errors={errors.comment} className="pv-field--comment">
          {(describedBy, invalid) => (
            <input
              id={idOf(`comment-${measure.id}`)}
              type="text"
              className="pv-input"
              value={comment}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) => onComment(event.target.value)}
            />
          )}
        </Field>
      )}
    </div>
  );
}
