import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatPence } from "../../format";
import { useFragment, type FragmentType } from "../../gql";
import { BriefDetail } from "../../features/briefs/brief-detail";
import { BriefFieldsFragment, BriefsListQuery } from "../../features/briefs/brief-data";
import { BRIEF_STATE_LABELS, BRIEF_TOTAL_MAX } from "../../features/briefs/brief-format";
import { SubmitBriefForm } from "../../features/briefs/submit-brief-form";
import { useSession } from "../../session";
import { useOfficeId, useSelectionSearch } from "../../url-state";
import "../../components/workspace.css";

const WRITERS = ["ADMIN", "COMMISSIONER", "OFFICER"];
const DECIDERS = ["ADMIN", "COMMISSIONER"];

/** Project briefs: submit, score (the product shown), approve or decline; an approved brief links to its contract. */
export default function BriefsView() {
  const { user } = useSession();
  const [officeId] = useOfficeId();
  const selection = useSelectionSearch();
  const [params, setParams] = useSearchParams();
  const [message, setMessage] = useState("");
  const [{ data, error, fetching }, refetch] = useQuery({ query: BriefsListQuery, variables: { officeId }, pause: officeId === null });
  const role = user?.role ?? "ANALYST";
  const canWrite = WRITERS.includes(role);
  const selectedId = Number(params.get("brief")) || null;
  const briefs = data?.projectBriefs ?? [];
  const selected = briefs.find((b) => b.id === selectedId);
  const reload = () => refetch({ requestPolicy: "network-only" });

  const select = (id: number) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set("brief", String(id));
        return next;
      },
      { preventScrollReset: true },
    );

  return (
    <div className="workspace">
      <h1>Project briefs</h1>
      <p className="lede">Proposals scored on business need, drivers and deliverability (each 0–3, multiplied: 0–27). The Commissioner approves or declines scored briefs; an approved brief becomes a contract in the pipeline.</p>
      <p className="status-message" role="status" data-testid="status-message">
        {message}
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading briefs…</p>}
      {data && (
        <div className="workspace__split">
          <section aria-labelledby="briefs-list-heading" className="workspace__list">
            <h2 id="briefs-list-heading">Briefs</h2>
            <BriefsTable briefs={briefs} selectedId={selectedId} hrefFor={(id) => `?${withParam(params, "brief", id)}`} onSelect={select} />
          </section>
          <div className="workspace__detail">
            {selected ? (
              <BriefDetail
                key={selected.id}
                brief={selected}
                portfolios={data.portfolios}
                canScore={canWrite}
                canDecide={DECIDERS.includes(role)}
                contractHref={(id) => `/contracts/${id}${selection}`}
                onChanged={(text) => {
                  setMessage(text);
                  reload();
                }}
                onReload={reload}
              />
            ) : (
              <p className="hint">Choose a brief to see its scores and decide on it.</p>
            )}
            {canWrite && officeId !== null && (
              <section aria-labelledby="submit-brief-heading" className="panel">
                <h2 id="submit-brief-heading">Submit a brief</h2>
                <SubmitBriefForm
                  officeId={officeId}
                  portfolios={data.portfolios}
                  onSubmitted={(brief) => {
                    setMessage(`Submitted “${brief.title}”. It waits to be scored.`);
                    reload();
                    select(brief.id);
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

function withParam(params: URLSearchParams, key: string, value: number): string {
  const next = new URLSearchParams(params);
  next.set(key, String(value));
  return next.toString();
}

function BriefsTable({ briefs, selectedId, hrefFor, onSelect }: { briefs: readonly FragmentType<typeof BriefFieldsFragment>[]; selectedId: number | null; hrefFor(id: number): string; onSelect(id: number): void }) {
  const rows = useFragment(BriefFieldsFragment, briefs);
  if (!rows.length) return <p>No briefs yet.</p>;
  return (
    <div className="table-scroll" role="region" aria-label="Briefs" tabIndex={0}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col" className="num">
              Annual cost
            </th>
            <th scope="col">Contract</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={b.id} aria-current={b.id === selectedId ? "true" : undefined}>
              <td>
                <Link
                  to={hrefFor(b.id)}
                  onClick={(e) => {
                    e.preventDefault();
                    onSelect(b.id);
                  }}
                >
                  {b.title}
                </Link>
              </td>
              <td>{BRIEF_STATE_LABELS[b.state]}</td>
              <td className="num nowrap">{b.totalScore == null ? "–" : `${b.totalScore} / ${BRIEF_TOTAL_MAX}`}</td>
              <td className="num">{b.proposedValuePence == null ? "–" : formatPence(b.proposedValuePence, { wholePounds: true })}</td>
              <td>{b.contract?.reference ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
