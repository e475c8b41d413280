import { useCallback, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { RecordLink } from "../../components/record-link";
import { useQuery } from "urql";
import { FormField } from "../../components/form-field";
import { describeError } from "../../errors";
import { useFragment, type FragmentType } from "../../gql";
import type { RiskFieldsFragment, RiskStatus } from "../../gql/graphql";
import { matchesRiskFilters, RISK_RATINGS, RISK_STATUS_LABELS, RiskFieldsFragment as RiskFieldsFragmentDoc, RiskRegisterQuery, type RiskFilters, type RiskRating } from "../../features/risks/risk-data";
import { CreateRiskForm } from "../../features/risks/create-risk-form";
import { RiskDetail } from "../../features/risks/risk-detail";
import { RiskScore } from "../../features/risks/risk-score";
import { useSession } from "../../session";
import { useOfficeId, useQuarterId } from "../../url-state";
import "../../components/workspace.css";

const WRITERS = ["ADMIN", "COMMISSIONER", "OFFICER"];
const FILTER_KEYS = ["portfolio", "owner", "rating", "status", "likelihood", "impact"] as const;

function readFilters(params: URLSearchParams): RiskFilters {
  const scale = (key: string) => {
    const n = Number(params.get(key));
    return Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
  };
  const rating = params.get("rating");
  const status = params.get("status");
  return {
    portfolio: params.get("portfolio"),
    owner: params.get("owner"),
    rating: RISK_RATINGS.some((r) => r.key === rating) ? (rating as RiskRating) : null,
    status: status === "ACTIVE" || (status != null && status in RISK_STATUS_LABELS) ? (status as RiskFilters["status"]) : null,
    likelihood: scale("likelihood"),
    impact: scale("impact"),
  };
}

/** The commissioning risk register: filters (kept in the address), each risk's reviews and history, escalation. */
export default function RisksView() {
  const { user } = useSession();
  const [officeId] = useOfficeId();
  const [periodId] = useQuarterId();
  const [params, setParams] = useSearchParams();
  const [message, setMessage] = useState("");
  const [{ data, error, fetching }, refetch] = useQuery({ query: RiskRegisterQuery, variables: { officeId }, pause: officeId === null });
  const canWrite = WRITERS.includes(user?.role ?? "ANALYST");
  const filters = readFilters(params);
  const selectedId = Number(params.get("risk")) || null;
  // Only a risk chosen from the list takes focus; one opened from a link leaves the page as it loads.
  const [chosen, setChosen] = useState(false);
  const choose = useCallback(() => setChosen(true), []);
  const reload = () => refetch({ requestPolicy: "network-only" });

  const setParam = (key: string, value: string | null) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value == null || value === "") next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: key !== "risk", preventScrollReset: true },
    );

  const today = new Date().toISOString().slice(0, 10);
  const periods = data?.reportingPeriods ?? [];
  const quarters = [...new Set([...periods].filter((p) => p.startDate <= today).sort((a, b) => (a.startDate < b.startDate ? 1 : -1)).map((p) => p.label))];
  const defaultQuarter = periods.find((p) => p.id === periodId)?.label ?? null;

  return (
    <div className="workspace">
      <h1>Risk register</h1>
      <p className="lede">Commissioning risks scored on likelihood × impact (1–25), reviewed each quarter, escalated to the corporate risk register where they need to be.</p>
      <p className="status-message" role="status" data-testid="status-message">
        {message}
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading the register…</p>}
      {data && (
        <>
          <RiskFilterBar filters={filters} portfolios={data.portfolios} risks={data.risks} setParam={setParam} />
          <div className="workspace__stack">
            <section aria-labelledby="risks-list-heading">
              <h2 id="risks-list-heading">Risks</h2>
              <RiskTable risks={data.risks} filters={filters} selectedId={selectedId} onSelect={choose} exportName={`risks-office-${officeId}`} />
            </section>
            <div>
              {(() => {
                const selected = data.risks.find((r) => r.id === selectedId);
                return selected ? (
                  <RiskDetail
                    key={selected.id}
                    risk={selected}
                    canWrite={canWrite}
                    quarters={quarters}
                    defaultQuarter={defaultQuarter}
                    onChanged={(text) => {
                      setMessage(text);
                      reload();
                    }}
                    onReload={reload}
                    focusOnOpen={chosen}
                  />
                ) : (
                  <p className="hint">Choose a risk to see its review history{canWrite ? ", review it or escalate it" : ""}.</p>
                );
              })()}
            </div>
            {canWrite && officeId !== null && (
              <details className="panel workspace__add">
                <summary>
                  <h2>Add a risk</h2>
                </summary>
                <CreateRiskForm
                  officeId={officeId}
                  portfolios={data.portfolios}
                  onCreated={(risk) => {
                    setMessage(`Added “${risk.title}” to the register.`);
                    reload();
                    setParam("risk", String(risk.id));
                  }}
                />
              </details>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function RiskFilterBar({ filters, portfolios, risks, setParam }: { filters: RiskFilters; portfolios: readonly { id: number; name: string }[]; risks: readonly FragmentType<typeof RiskFieldsFragmentDoc>[]; setParam(key: string, value: string | null): void }) {
  const owners = [...new Set(useFragment(RiskFieldsFragmentDoc, risks).map((r) => r.ownerName))].sort();
  const cell = filters.likelihood != null || filters.impact != null;
  return (
    <form className="filters" aria-label="Filter the register" onSubmit={(e) => e.preventDefault()}>
      <FormField label="Portfolio">
        {(control) => (
          <select {...control} value={filters.portfolio ?? ""} onChange={(e) => setParam("portfolio", e.target.value)}>
            <option value="">All</option>
            <option value="none">Office-wide</option>
            {portfolios.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField label="Owner">
        {(control) => (
          <select {...control} value={filters.owner ?? ""} onChange={(e) => setParam("owner", e.target.value)}>
            <option value="">Anyone</option>
            {owners.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField label="Rating">
        {(control) => (
          <select {...control} value={filters.rating ?? ""} onChange={(e) => setParam("rating", e.target.value)}>
            <option value="">Any</option>
            {RISK_RATINGS.map((r) => (
              <option key={r.key} value={r.key}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField label="Status">
        {(control) => (
          <select {...control} value={filters.status ?? ""} onChange={(e) => setParam("status", e.target.value)}>
            <option value="">Any</option>
            <option value="ACTIVE">Open or mitigating</option>
            {(Object.keys(RISK_STATUS_LABELS) as RiskStatus[]).map((s) => (
              <option key={s} value={s}>
                {RISK_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {cell && (
        <p className="filters__cell" data-testid="cell-filter">
          Heat-map cell: likelihood {filters.likelihood ?? "any"} × impact {filters.impact ?? "any"}.{" "}
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setParam("likelihood", null);
              setParam("impact", null);
            }}
          >
            Show every cell
          </button>
        </p>
      )}
      {FILTER_KEYS.some((k) => filters[k] != null) && (
        <button type="button" className="button button--secondary" onClick={() => FILTER_KEYS.forEach((k) => setParam(k, null))}>
          Clear filters
        </button>
      )}
    </form>
  );
}

type RiskRow = RiskFieldsFragment;
const col = tableColumns<RiskRow>();

function RiskTable({ risks, filters, selectedId, onSelect, exportName }: { risks: readonly FragmentType<typeof RiskFieldsFragmentDoc>[]; filters: RiskFilters; selectedId: number | null; onSelect(id: number): void; exportName: string }) {
  const all = useFragment(RiskFieldsFragmentDoc, risks);
  const rows = useMemo(() => all.filter((r) => matchesRiskFilters(r, filters)), [all, filters]);
  const columns = useMemo<DataColumn<RiskRow>[]>(
    () => [
      col.accessor("title", {
        header: "Risk",
        cell: ({ row }) => (
          <RecordLink param="risk" id={row.original.id} onChoose={onSelect}>
            {row.original.title}
          </RecordLink>
        ),
        meta: { rowHeader: true },
      }),
      col.accessor("score", { header: "Score", cell: (info) => <RiskScore score={info.getValue()} />, meta: { className: "nowrap", label: "Score (likelihood × impact)" } }),
      col.accessor("likelihood", { header: "Likelihood", meta: { exportOnly: true } }),
      col.accessor("impact", { header: "Impact", meta: { exportOnly: true } }),
      col.accessor((r) => RISK_STATUS_LABELS[r.status], { id: "status", header: "Status" }),
      col.accessor("ownerName", { header: "Owner" }),
      col.accessor((r) => r.portfolio?.name ?? "Office-wide", { id: "portfolio", header: "Portfolio" }),
      col.accessor((r) => (r.escalated ? "Yes" : "No"), { id: "escalated", header: "Escalated" }),
    ],
    [onSelect],
  );
  if (all.length && !rows.length) return <p>No risks match these filters.</p>;
  return (
    <DataTable
      caption={`Risks: ${rows.length} of ${all.length}`}
      captionHidden
      data={rows}
      columns={columns}
      getRowId={(r) => String(r.id)}
      searchLabel="Search risks"
      exportName={exportName}
      emptyMessage="No risks recorded."
      initialSorting={[{ id: "score", desc: true }]}
      rowClassName={(r) => (r.id === selectedId ? "is-open" : undefined)}
      testId="risk-table"
    />
  );
}
