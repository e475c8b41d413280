import { useId, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useClient } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";
import type { CsvImportPhase, UploadReturnsCsvMutation } from "../../gql/graphql";
import { downloadCsv, fileSlug, toCsv } from "../../components/data-table/csv";
import { isNetworkFailure, problemsOf, type Problem } from "./provider-format";
import { ReturnStateTag } from "./return-state-tag";

const UploadMutation = graphql(`
  mutation UploadReturnsCsv($periodId: Int!, $csv: String!, $idempotencyKey: String!, $submit: Boolean, $importId: String) {
    uploadReturnsCsv(periodId: $periodId, csv: $csv, idempotencyKey: $idempotencyKey, submit: $submit, importId: $importId) {
      importId
      periodId
      totalRows
      returnsCreated
      returnsUpdated
      returnsSubmitted
      replayed
      returns {
        id
        state
        contract {
          id
          reference
          title
        }
        period {
          id
          label
        }
      }
    }
  }
`);

const ProgressSubscription = graphql(`
  subscription CsvImportProgress($importId: String!) {
    csvImportProgress(importId: $importId) {
      importId
      phase
      processedRows
      totalRows
    }
  }
`);

export interface UploadPeriod {
  id: number;
  label: string;
  officeId: number;
  officeName: string;
}

export interface UploadContract {
  reference: string;
  officeId: number;
  measureCodes: string[];
}

interface Progress {
  phase: CsvImportPhase;
  processedRows: number;
  totalRows: number;
}

type Outcome =
  | { kind: "done"; result: UploadReturnsCsvMutation["uploadReturnsCsv"] }
  | { kind: "problems"; problems: Problem[] }
  | { kind: "error"; message: string; retry: boolean };

/** What is being uploaded: a retry of the same file and choices after a network failure reuses the key. */
interface Attempt {
  key: string;
  signature: string;
}

const PHASE_TEXT: Record<CsvImportPhase, string> = {
  VALIDATING: "Checking rows",
  APPLYING: "Saving returns",
  DONE: "Done",
  FAILED: "Stopped: nothing was saved",
};

// A subscription is registered on the server a moment after it is sent; uploading before that would miss the first events.
const SUBSCRIBE_HEAD_START_MS = 300;

export function CsvUpload({ periods, contracts }: { periods: UploadPeriod[]; contracts: UploadContract[] }) {
  const id = useId();
  const client = useClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [periodId, setPeriodId] = useState<number | null>(null);
  const [submit, setSubmit] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [formError, setFormError] = useState<{ field: "period" | "file"; message: string } | null>(null);
  const attempt = useRef<Attempt | null>(null);
  const chosenPeriod = periods.find((p) => p.id === periodId) ?? (periods.length === 1 ? periods[0] : null);

  function downloadTemplate() {
    if (!chosenPeriod) {
      setFormError({ field: "period", message: "Choose the quarter the template is for." });
      return;
    }
    setFormError(null);
    const rows = contracts.filter((c) => c.officeId === chosenPeriod.officeId).flatMap((c) => c.measureCodes.map((code) => [c.reference, code, "", ""]));
    downloadCsv(`returns-template-${fileSlug(chosenPeriod.officeName)}-${fileSlug(chosenPeriod.label)}.csv`, toCsv(["contract_reference", "measure_code", "value", "comment"], rows), { bom: false });
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const file = fileRef.current?.files?.[0];
    if (!chosenPeriod) return setFormError({ field: "period", message: "Choose the quarter the file is for." });
    if (!file) return setFormError({ field: "file", message: "Choose a CSV file to upload." });
    setFormError(null);
    setBusy(true);
    setOutcome(null);
    setProgress({ phase: "VALIDATING", processedRows: 0, totalRows: 0 });

    const csv = await file.text();
    const signature = `${chosenPeriod.id}|${submit}|${file.name}|${file.size}|${file.lastModified}|${csv.length}`;
    if (attempt.current?.signature !== signature) attempt.current = { key: crypto.randomUUID(), signature };
    const importId = crypto.randomUUID();

    const events = client.subscription(ProgressSubscription, { importId }).subscribe((result) => {
      const update = result.data?.csvImportProgress;
      if (update) setProgress((current) => (current?.phase === "DONE" ? current : { phase: update.phase, processedRows: update.processedRows, totalRows: update.totalRows }));
    });
    try {
      await new Promise((resolve) => window.setTimeout(resolve, SUBSCRIBE_HEAD_START_MS));
      const result = await client.mutation(UploadMutation, { periodId: chosenPeriod.id, csv, idempotencyKey: attempt.current.key, submit, importId }).toPromise();
      const done = result.data?.uploadReturnsCsv;
      if (done) {
        attempt.current = null;
        setProgress({ phase: "DONE", processedRows: done.totalRows, totalRows: done.totalRows });
        setOutcome({ kind: "done", result: done });
        return;
      }
      setProgress((current) => ({ phase: "FAILED", processedRows: 0, totalRows: current?.totalRows ?? 0 }));
      if (isNetworkFailure(result.error)) {
        setOutcome({ kind: "error", retry: true, message: "The server could not be reached, so the upload may not have finished. Upload the same file again: it will not be applied twice." });
        return;
      }
      attempt.current = null;
      const problems = problemsOf(result.error);
      if (problems.length) setOutcome({ kind: "problems", problems });
      else setOutcome({ kind: "error", retry: false, message: result.error ? describeError(result.error, { NOT_FOUND: "You can’t upload returns for that quarter.", CONFLICT: "Some of these returns changed while the file was being applied. Upload it again." }) : "The upload failed. Try again." });
    } finally {
      events.unsubscribe();
      setBusy(false);
    }
  }

  const percent = progress && progress.totalRows > 0 ? Math.round((progress.processedRows / progress.totalRows) * 100) : progress?.phase === "DONE" ? 100 : 0;

  return (
    <section className="pv-upload" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Upload returns from a spreadsheet</h2>
      <p>
        Fill in several returns at once with a CSV file: one row per contract and measure, with the columns <code>contract_reference</code>, <code>measure_code</code>,{" "}
        <code>value</code> and, optionally, <code>comment</code>. The whole file is checked first; if any row has a problem, nothing is saved.
      </p>
      {periods.length === 0 ? (
        <p className="pv-muted">No quarter is open for returns, so there is nothing to upload.</p>
      ) : (
        <form className="pv-upload__form" onSubmit={handleSubmit} noValidate>
          <div className={`pv-field${formError?.field === "period" ? " pv-field--error" : ""}`}>
            <label htmlFor={`${id}-period`}>Quarter</label>
            {formError?.field === "period" && (
              <p className="pv-field-error" id={`${id}-period-error`} role="alert">
                <span className="visually-hidden">Error: </span>
                {formError.message}
              </p>
            )}
            <select
              id={`${id}-period`}
              value={chosenPeriod?.id ?? ""}
              aria-invalid={formError?.field === "period" || undefined}
              aria-describedby={formError?.field === "period" ? `${id}-period-error` : undefined}
              onChange={(event) => setPeriodId(event.target.value ? Number(event.target.value) : null)}
            >
              {periods.length > 1 && <option value="">Choose a quarter</option>}
              {periods.map((period) => (
                <option key={period.id} value={period.id}>
                  {period.officeName}: {period.label}
                </option>
              ))}
            </select>
          </div>

          <p>
            <button type="button" className="pv-link-button" onClick={downloadTemplate}>
              Download template
            </button>{" "}
            <span className="pv-muted">with a row for each of your contracts and measures in that quarter</span>
          </p>

          <div className={`pv-field${formError?.field === "file" ? " pv-field--error" : ""}`}>
            <label htmlFor={`${id}-file`}>CSV file</label>
            <p className="pv-hint" id={`${id}-file-hint`}>
              Up to 10 MB and 50,000 rows.
            </p>
            {formError?.field === "file" && (
              <p className="pv-field-error" id={`${id}-file-error`} role="alert">
                <span className="visually-hidden">Error: </span>
                {formError.message}
              </p>
            )}
            <input
              ref={fileRef}
              id={`${id}-file`}
              type="file"
              accept=".csv,text/csv"
              aria-invalid={formError?.field === "file" || undefined}
              aria-describedby={`${id}-file-hint${formError?.field === "file" ? ` ${id}-file-error` : ""}`}
            />
          </div>

          <fieldset className="pv-radios">
            <legend>What should happen to the returns?</legend>
            <div className="pv-radio">
              <input id={`${id}-draft`} type="radio" name={`${id}-mode`} checked={!submit} onChange={() => setSubmit(false)} />
              <label htmlFor={`${id}-draft`}>Draft: save the figures so I can check them before submitting</label>
            </div>
            <div className="pv-radio">
              <input id={`${id}-submit`} type="radio" name={`${id}-mode`} checked={submit} onChange={() => setSubmit(true)} />
              <label htmlFor={`${id}-submit`}>Submit: send every return in the file to the commissioning team</label>
            </div>
          </fieldset>

          <button type="submit" className="button" aria-disabled={busy || undefined}>
            {busy ? "Uploading…" : "Upload file"}
          </button>
        </form>
      )}

      {progress && (
        <div className="pv-progress">
          <label htmlFor={`${id}-progress`}>Upload progress</label>
          <progress id={`${id}-progress`} max={100} value={percent} aria-describedby={`${id}-progress-text`}>
            {percent}%
          </progress>
          <p id={`${id}-progress-text`} className="pv-progress__text" role="status">
            {PHASE_TEXT[progress.phase]}
            {progress.totalRows > 0 && `: ${progress.processedRows.toLocaleString("en-GB")} of ${progress.totalRows.toLocaleString("en-GB")} rows`} ({percent}%)
          </p>
        </div>
      )}

      <UploadOutcome outcome={outcome} />
    </section>
  );
}

function UploadOutcome({ outcome }: { outcome: Outcome | null }) {
  if (!outcome) return null;
  if (outcome.kind === "error") {
    return (
      <p className="pv-error" role="alert">
        {outcome.message}
      </p>
    );
  }
  if (outcome.kind === "problems") {
    return (
      <div className="pv-upload__problems" role="alert">
        <h3>
          The file has {outcome.problems.length === 1 ? "1 problem" : `${outcome.problems.length} problems`}. Nothing was saved.
        </h3>
        <p>Fix them and upload the whole file again.</p>
        <div className="pv-scroll">
          <table className="pv-table pv-table--compact" data-testid="csv-problems">
            <caption className="visually-hidden">Problems in the file, by row and column</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {outcome.problems.map((problem, index) => (
                <tr key={index}>
                  <td>{problem.row ?? "–"}</td>
                  <td>{problem.column ?? (problem.row == null ? problem.field : "–")}</td>
                  <td>{problem.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    );
  }
  const { result } = outcome;
  return (
    <div className="pv-upload__result" role="status" data-testid="csv-result">
      <h3>{result.replayed ? "This file was already uploaded" : "Upload complete"}</h3>
      <p>
        {result.replayed
          ? "Nothing changed this time. These are the returns it touched:"
          : `${result.totalRows.toLocaleString("en-GB")} rows read: ${plural(result.returnsCreated, "return")} created, ${plural(result.returnsUpdated, "return")} updated, ${plural(result.returnsSubmitted, "return")} submitted.`}
      </p>
      {result.returns.length > 0 && (
        <ul className="pv-past">
          {result.returns.map((ret) => (
            <li key={ret.id}>
              <Link to={`/provider/returns/${ret.contract.id}/${ret.period.id}`}>
                {ret.contract.reference} {ret.contract.title}
              </Link>{" "}
              <ReturnStateTag state={ret.state} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
