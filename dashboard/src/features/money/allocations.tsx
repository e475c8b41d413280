import { useId, useMemo, useState, type FormEvent } from "react";
import { DataTable, tableColumns } from "../../components/data-table/data-table";
import { useMutation, useQuery } from "urql";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { StaleNotice } from "../../components/stale-notice";
import { describeError } from "../../errors";
import { formatPence } from "../../format";
import { graphql } from "../../gql";
import type { AllocationKind } from "../../gql/graphql";
import { penceToPounds, poundsToPence } from "../../pounds";
import { KIND_LABELS } from "./money-labels";

const AllocationsQuery = graphql(`
  query MoneyAllocations($officeId: Int, $year: String) {
    allocations(officeId: $officeId, year: $year) {
      id
      version
      year
      kind
      label
      amountPence
      stream {
        id
        name
      }
      portfolio {
        id
        name
      }
    }
    portfolios(officeId: $officeId) {
      id
      name
    }
  }
`);

const CreateAllocationMutation = graphql(`
  mutation AllocationCreate($input: AllocationInput!) {
    createAllocation(input: $input) {
      id
      version
    }
  }
`);

const UpdateAllocationMutation = graphql(`
  mutation AllocationUpdate($id: Int!, $version: Int!, $input: AllocationInput!) {
    updateAllocation(id: $id, version: $version, input: $input) {
      id
      version
    }
  }
`);

const FIELDS = ["streamId", "portfolioId", "kind", "label", "amountPence", "year"];

interface Editing {
  id: number;
  version: number;
  streamId: string;
  kind: AllocationKind;
  portfolioId: string;
  label: string;
  amount: string;
}

/** Money given from streams to portfolios, the pipeline and reserves in a year; add or change one (over-allocation is refused by field). */
interface Row {
  id: number;
  version: number;
  label: string;
  stream: string;
  streamId: number;
  to: string;
  kind: AllocationKind;
  portfolioId: number | null;
  amountPence: number;
}

const col = tableColumns<Row>();

export function Allocations({ officeId, year, streams, canWrite, onChanged, exportStem }: { officeId: number; year: string; streams: { id: number; name: string }[]; canWrite: boolean; onChanged(message: string): void; exportStem: string }) {
  const id = useId();
  const [{ data, error }, reexecute] = useQuery({ query: AllocationsQuery, variables: { officeId, year }, requestPolicy: "network-only" });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching: creating }, create] = useMutation(CreateAllocationMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateAllocationMutation);
  const refetch = () => reexecute({ requestPolicy: "network-only" });

  const startNew = () => {
    setOutcome(NO_OUTCOME);
    setEditing({ id: 0, version: 0, streamId: "", kind: "PORTFOLIO", portfolioId: "", label: "", amount: "" });
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!editing || creating || updating) return;
    const amountPence = poundsToPence(editing.amount);
    if (amountPence == null) {
      setOutcome({ ...NO_OUTCOME, fields: { amountPence: "Enter an amount in pounds, such as 120000." } });
      return;
    }
    const input = {
      year,
      streamId: editing.streamId ? Number(editing.streamId) : undefined,
      kind: editing.kind,
      portfolioId: editing.kind === "PORTFOLIO" && editing.portfolioId ? Number(editing.portfolioId) : null,
      label: editing.label.trim(),
      amountPence,
    };
    const result = editing.id ? await update({ id: editing.id, version: editing.version, input }) : await create({ input });
    if (!result.error) {
      setEditing(null);
      setOutcome(NO_OUTCOME);
      refetch();
      onChanged(`Allocation "${input.label}" saved.`);
      return;
    }
    setOutcome(mutationOutcome(result.error, (f) => FIELDS.includes(f)));
  }

  const rows = useMemo(
    () => (data?.allocations ?? []).map((a): Row => ({ id: a.id, version: a.version, label: a.label, stream: a.stream.name, streamId: a.stream.id, to: a.portfolio?.name ?? KIND_LABELS[a.kind], kind: a.kind, portfolioId: a.portfolio?.id ?? null, amountPence: a.amountPence })),
    [data],
  );
  const columns = useMemo(
    () => [
      col.accessor("label", { header: "Allocation", meta: { rowHeader: true } }),
      col.accessor("stream", { header: "From stream", meta: { filter: "select" } }),
      col.accessor("to", { header: "To", meta: { filter: "select" } }),
      col.accessor("amountPence", { header: "Amount", cell: (info) => formatPence(info.getValue(), { wholePounds: true }), meta: { numeric: true, label: "Amount (£)", exportValue: (r: Row) => r.amountPence / 100, excelFormat: "£#,##0" } }),
      ...(canWrite
        ? [
            col.display({
              id: "change",
              header: "Change",
              enableSorting: false,
              cell: ({ row }) => (
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => {
                    const a = row.original;
                    setOutcome(NO_OUTCOME);
                    setEditing({ id: a.id, version: a.version, streamId: String(a.streamId), kind: a.kind, portfolioId: a.portfolioId != null ? String(a.portfolioId) : "", label: a.label, amount: penceToPounds(a.amountPence) });
                  }}
                >
                  Edit <span className="visually-hidden">{row.original.label}</span>
                </button>
              ),
              meta: { noExport: true },
            }),
          ]
        : []),
    ],
    [canWrite],
  );
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">Loading allocations…</p>;
  const set = (change: Partial<Editing>) => setEditing((e) => (e ? { ...e, ...change } : e));
  const invalid = (f: string) => (outcome.fields[f] ? true : undefined);
  const fieldError = (f: string) => (
    <p id={`${id}-${f}-error`} className="field-error">
      {outcome.fields[f]}
    </p>
  );

  return (
    <div data-testid="allocations">
      <DataTable
        caption={`Allocations, ${year}`}
        captionHidden
        data={rows}
        columns={columns}
        getRowId={(r) => String(r.id)}
        searchLabel="Search allocations"
        pageSize={0}
        exportName={`allocations-${exportStem}-${year}`}
        initialSorting={[{ id: "stream", desc: false }]}
        emptyMessage={`Nothing allocated for ${year} yet.`}
        testId="allocations-table"
      />
      {canWrite && !editing && (
        <button type="button" className="button button--secondary" onClick={startNew}>
          Add an allocation
        </button>
      )}
      {editing && (
        <form className="money-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`} data-testid="allocation-form">
          <h3 id={`${id}-h`}>{editing.id ? `Edit ${editing.label}` : `New allocation for ${year}`}</h3>
          {outcome.stale && (
            <StaleNotice
              what="allocation"
              onReload={() => {
                setEditing(null);
                setOutcome(NO_OUTCOME);
                refetch();
              }}
            />
          )}
          {outcome.general && !outcome.stale && (
            <p className="notice notice--error" role="alert">
              {outcome.general}
            </p>
          )}
          <div className="money-form__grid">
            <div className="field">
              <label htmlFor={`${id}-streamId`}>From stream</label>
              <select id={`${id}-streamId`} value={editing.streamId} onChange={(e) => set({ streamId: e.target.value })} aria-invalid={invalid("streamId")} aria-describedby={`${id}-streamId-error`}>
                <option value="">Choose a stream</option>
                {streams.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              {fieldError("streamId")}
            </div>
            <div className="field">
              <label htmlFor={`${id}-kind`}>Kind</label>
              <select id={`${id}-kind`} value={editing.kind} onChange={(e) => set({ kind: e.target.value as AllocationKind })} aria-invalid={invalid("kind")} aria-describedby={`${id}-kind-error`}>
                {Object.entries(KIND_LABELS).map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
              {fieldError("kind")}
            </div>
            {editing.kind === "PORTFOLIO" && (
              <div className="field">
                <label htmlFor={`${id}-portfolioId`}>Portfolio</label>
                <select id={`${id}-portfolioId`} value={editing.portfolioId} onChange={(e) => set({ portfolioId: e.target.value })} aria-invalid={invalid("portfolioId")} aria-describedby={`${id}-portfolioId-error`}>
                  <option value="">Choose a portfolio</option>
                  {data.portfolios.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
                {fieldError("portfolioId")}
              </div>
            )}
            <div className="field">
              <label htmlFor={`${id}-label`}>What it is for</label>
              <input id={`${id}-label`} type="text" value={editing.label} onChange={(e) => set({ label: e.target.value })} aria-invalid={invalid("label")} aria-describedby={`${id}-label-error`} />
              {fieldError("label")}
            </div>
            <div className="field">
              <label htmlFor={`${id}-amountPence`}>Amount (£)</label>
              <input id={`${id}-amountPence`} type="text" inputMode="decimal" value={editing.amount} onChange={(e) => set({ amount: e.target.value })} aria-invalid={invalid("amountPence")} aria-describedby={`${id}-amountPence-error`} />
              {fieldError("amountPence")}
            </div>
          </div>
          {fieldError("year")}
          <div className="button-row">
            <button type="submit" className="button" aria-disabled={creating || updating || undefined}>
              {creating || updating ? "Saving…" : "Save allocation"}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
