import { useCallback, useId, useMemo, useState } from "react";
import { fileSlug } from "../../components/data-table/data-table";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql, useFragment } from "../../gql";
import type { FundingStreamFieldsFragment } from "../../gql/graphql";
import { Allocations } from "../../features/money/allocations";
import { BudgetMonitor } from "../../features/money/budget-monitor";
import { FundingStreamFields } from "../../features/money/money-fragments";
import { currentFinancialYear } from "../../features/money/money-labels";
import { StreamForm } from "../../features/money/stream-form";
import { StreamYearForm } from "../../features/money/stream-year-form";
import { StreamsTable } from "../../features/money/streams-table";
import { useSession } from "../../session";
import { OfficeChoice } from "../../components/office-choice";
import { useOfficeId } from "../../url-state";
import "../../features/money/money.css";

const MoneyStreamsQuery = graphql(`
  query MoneyStreams($officeId: Int) {
    fundingStreams(officeId: $officeId) {
      ...FundingStreamFields
    }
  }
`);

type Editing = { kind: "stream"; stream: FundingStreamFieldsFragment | null } | { kind: "year"; stream: FundingStreamFieldsFragment } | null;

/** The office's money: budget monitoring for a year, its funding streams and their rules, and allocations to portfolios. */
export default function MoneyView() {
  const id = useId();
  const { user } = useSession();
  const canWrite = user?.role === "OFFICER" || user?.role === "COMMISSIONER" || user?.role === "ADMIN";
  const [officeId] = useOfficeId();
  const [{ data, error }, reexecute] = useQuery({ query: MoneyStreamsQuery, variables: { officeId }, pause: officeId == null, requestPolicy: "cache-and-network" });
  const masked = useFragment(FundingStreamFields, data?.fundingStreams);
  const streams = useMemo(() => (masked ? [...masked] : []), [masked]);
  const years = [...new Set([currentFinancialYear(), ...streams.flatMap((s) => s.years.map((y) => y.year))])].sort().reverse();
  const [chosenYear, setYear] = useState<string | null>(null);
  // Default to the newest year any stream has money for; the current one when none do.
  const withMoney = streams.flatMap((s) => s.years.map((y) => y.year)).sort().reverse();
  const year = chosenYear ?? withMoney.find((y) => y <= currentFinancialYear()) ?? withMoney[0] ?? currentFinancialYear();
  const [editing, setEditing] = useState<Editing>(null);
  // Stable, so the streams table keeps its sort and search across renders.
  const editStream = useCallback((stream: FundingStreamFieldsFragment) => setEditing({ kind: "stream", stream }), []);
  const setStreamYear = useCallback((stream: FundingStreamFieldsFragment) => setEditing({ kind: "year", stream }), []);
  const office = fileSlug(user?.office?.name ?? `office-${officeId}`);
  const [message, setMessage] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const refresh = (text: string | null) => {
    setEditing(null);
    setMessage(text);
    setGeneration((g) => g + 1);
    reexecute({ requestPolicy: "network-only" });
  };

  if (error) {
    return (
      <>
        <h1>Money</h1>
        <OfficeChoice />
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      </>
    );
  }
  if (!data || officeId == null) {
    return (
      <p className="loading" role="status">
        Loading money…
      </p>
    );
  }
  return (
    <>
      <h1>Money</h1>
      <OfficeChoice />
      <div className="money-year">
        <div className="field">
          <label htmlFor={`${id}-year`}>Financial year</label>
          <select id={`${id}-year`} value={year} onChange={(e) => setYear(e.target.value)}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div role="status" data-testid="money-message">
        {message && <p className="notice">{message}</p>}
      </div>

      <section className="money-section" aria-labelledby={`${id}-monitor`}>
        <h2 id={`${id}-monitor`}>Budget monitoring, {year}</h2>
        <p className="hint">Committed and planned funding lines against each stream's amount and each portfolio's allocation. A warning marks money promised beyond what is there.</p>
        <BudgetMonitor key={`${year}:${generation}`} officeId={officeId} year={year} exportStem={office} />
      </section>

      <section className="money-section" aria-labelledby={`${id}-streams`}>
        <h2 id={`${id}-streams`}>Funding streams</h2>
        {streams.length ? (
          <StreamsTable streams={streams} year={year} onEdit={canWrite ? editStream : null} onSetYear={canWrite ? setStreamYear : null} exportName={`funding-streams-${office}`} />
        ) : (
          <p>No funding streams yet.</p>
        )}
        {canWrite && editing == null && (
          <button type="button" className="button button--secondary" onClick={() => setEditing({ kind: "stream", stream: null })}>
            Add a funding stream
          </button>
        )}
        {editing?.kind === "stream" && (
          <StreamForm
            key={editing.stream?.version ?? "new"}
            officeId={officeId}
            stream={editing.stream}
            parents={streams.filter((s) => !s.parent).map((s) => ({ id: s.id, name: s.name }))}
            onSaved={refresh}
            onCancel={() => setEditing(null)}
            onReload={() => refresh(null)}
          />
        )}
        {editing?.kind === "year" && <StreamYearForm stream={editing.stream} year={year} onSaved={refresh} onCancel={() => setEditing(null)} onReload={() => refresh(null)} />}
      </section>

      <section className="money-section" aria-labelledby={`${id}-allocations`}>
        <h2 id={`${id}-allocations`}>Allocations, {year}</h2>
        <Allocations key={`${year}:${generation}`} officeId={officeId} year={year} exportStem={office} streams={streams.map((s) => ({ id: s.id, name: s.name }))} canWrite={canWrite} onChanged={(text) => refresh(text)} />
      </section>
    </>
  );
}
