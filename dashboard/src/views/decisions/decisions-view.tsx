import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDate } from "../../format";
import { useFragment, type FragmentType } from "../../gql";
import { DECISION_KIND_LABELS, DecisionFieldsFragment, DecisionsListQuery } from "../../features/decisions/decision-data";
import { DecisionDetail } from "../../features/decisions/decision-detail";
import { RecordDecisionForm } from "../../features/decisions/record-decision-form";
import { useSession } from "../../session";
import { useOfficeId, useSelectionSearch } from "../../url-state";
import "../../components/workspace.css";

const RECORDERS = ["ADMIN", "COMMISSIONER", "OFFICER"];
const PUBLISHERS = ["ADMIN", "COMMISSIONER"];

/** Commissioning decisions: record one on the contract's accepted returns; the Commissioner publishes. */
export default function DecisionsView() {
  const { user } = useSession();
  const [officeId] = useOfficeId();
  const selection = useSelectionSearch();
  const [params, setParams] = useSearchParams();
  const [message, setMessage] = useState("");
  const [{ data, error, fetching }, refetch] = useQuery({ query: DecisionsListQuery, variables: { officeId }, pause: officeId === null });
  const role = user?.role ?? "ANALYST";
  const selectedId = Number(params.get("decision")) || null;
  const decisions = data?.decisions ?? [];
  const selected = decisions.find((d) => d.id === selectedId);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const select = (id: number) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set("decision", String(id));
        return next;
      },
      { preventScrollReset: true },
    );

  return (
    <div className="workspace">
      <h1>Commissioning decisions</h1>
      <p className="lede">
        Awards, extensions, variations and decommissionings, with the rationale and the accepted returns they relied on.{" "}
        {role === "ANALYST" ? "You see published decisions." : "Published decisions are read by the Panel."}
      </p>
      <p className="status-message" role="status" data-testid="status-message">
        {message}
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading decisions…</p>}
      {data && (
        <div className="workspace__split">
          <section aria-labelledby="decisions-list-heading">
            <h2 id="decisions-list-heading">Decisions</h2>
            <DecisionsTable decisions={decisions} selectedId={selectedId} onSelect={select} />
          </section>
          <div>
            {selected ? (
              <DecisionDetail
                key={selected.id}
                decision={selected}
                canPublish={PUBLISHERS.includes(role)}
                contractHref={(id) => `/contracts/${id}${selection}`}
                // The attachments feature (supporting documents) slots in here: attachments={<DecisionAttachments decisionId={selected.id} />}
                attachments={null}
                onChanged={(text) => {
                  setMessage(text);
                  reload();
                }}
                onReload={reload}
              />
            ) : (
              <p className="hint">Choose a decision to see its rationale and evidence.</p>
            )}
            {RECORDERS.includes(role) && officeId !== null && (
              <section aria-labelledby="record-decision-heading" className="panel">
                <h2 id="record-decision-heading">Record a decision</h2>
                <RecordDecisionForm
                  officeId={officeId}
                  onRecorded={(decision) => {
                    setMessage(`Recorded “${decision.title}”, not yet published.`);
                    reload();
                    select(decision.id);
                  }}
                />
              </section>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

function DecisionsTable({ decisions, selectedId, onSelect }: { decisions: readonly FragmentType<typeof DecisionFieldsFragment>[]; selectedId: number | null; onSelect(id: number): void }) {
  const rows = useFragment(DecisionFieldsFragment, decisions);
  if (!rows.length) return <p>No decisions recorded.</p>;
  return (
    <div className="table-scroll" role="region" aria-label="Decisions" tabIndex={0}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Kind</th>
            <th scope="col">Contract</th>
            <th scope="col">Decided</th>
            <th scope="col">Published</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} aria-current={d.id === selectedId ? "true" : undefined}>
              <td>
                <Link
                  to={`?decision=${d.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    onSelect(d.id);
                  }}
                >
                  {d.title}
                </Link>
              </td>
              <td>{DECISION_KIND_LABELS[d.kind]}</td>
              <td className="nowrap">{d.contract?.reference ?? "–"}</td>
              <td className="nowrap">{formatDate(d.decidedOn)}</td>
              <td>{d.published ? "Yes" : "No"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
