import { useCallback, useMemo, useState } from "react";
import { Link } from "react-router";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { RecordLink, useOpenRecord } from "../../components/record-link";
import { AttachmentList } from "../../features/attachments/attachment-list";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatPence } from "../../format";
import { useFragment, type FragmentType } from "../../gql";
import type { BriefFieldsFragment as BriefRow } from "../../gql/graphql";
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
  const [selectedId, select] = useOpenRecord("brief");
  const [message, setMessage] = useState("");
  // Only a brief chosen from the list takes focus (it opens below the list); one opened from a link does not.
  const [chosen, setChosen] = useState(false);
  const choose = useCallback(() => setChosen(true), []);
  const [{ data, error, fetching }, refetch] = useQuery({ query: BriefsListQuery, variables: { officeId }, pause: officeId === null });
  const role = user?.role ?? "ANALYST";
  const canWrite = WRITERS.includes(role);
  const briefs = data?.projectBriefs ?? [];
  const selected = briefs.find((b) => b.id === selectedId);
  const reload = () => refetch({ requestPolicy: "network-only" });


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
        <div className="workspace__stack">
          <section aria-labelledby="briefs-list-heading" className="workspace__list">
            <h2 id="briefs-list-heading">Briefs</h2>
            <BriefsTable briefs={briefs} selectedId={selectedId} exportName={`briefs-office-${officeId}`} onChoose={choose} />
          </section>
          <div className="workspace__split">
            {selected ? (
              <BriefDetail
                key={selected.id}
                brief={selected}
                portfolios={data.portfolios}
                canScore={canWrite}
                canDecide={DECIDERS.includes(role)}
                contractHref={(id) => `/contracts/${id}${selection}`}
                // Only the office's staff attach or remove papers; analysts read and download them.
                attachments={<AttachmentList owner="BRIEF" recordId={selected.id} canUpload={canWrite} canRemoveAny={canWrite} />}
                onChanged={(text) => {
                  setMessage(text);
                  reload();
                }}
                onReload={reload}
                focusOnOpen={chosen}
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

const col = tableColumns<BriefRow>();
const briefColumns = (onChoose: () => void): DataColumn<BriefRow>[] => [
  col.accessor("title", {
    header: "Title",
    cell: ({ row }) => (
      <RecordLink param="brief" id={row.original.id} onChoose={onChoose}>
        {row.original.title}
      </RecordLink>
    ),
    meta: { rowHeader: true },
  }),
  col.accessor((b) => BRIEF_STATE_LABELS[b.state], { id: "state", header: "State", meta: { filter: "select" } }),
  col.accessor("totalScore", {
    header: "Score",
    cell: (info) => (info.getValue() == null ? "–" : `${info.getValue()} / ${BRIEF_TOTAL_MAX}`),
    meta: { numeric: true, className: "nowrap", label: `Score (of ${BRIEF_TOTAL_MAX})` },
  }),
  col.accessor("proposedValuePence", {
    header: "Annual cost",
    cell: (info) => (info.getValue() == null ? "–" : formatPence(info.getValue()!, { wholePounds: true })),
    meta: { numeric: true, label: "Annual cost (£)", exportValue: (b: BriefRow) => (b.proposedValuePence == null ? null : b.proposedValuePence / 100), excelFormat: "£#,##0" },
  }),
  col.accessor((b) => b.portfolio?.name ?? "", { id: "portfolio", header: "Portfolio", meta: { filter: "select" } }),
  col.accessor((b) => b.contract?.reference ?? "", {
    id: "contract",
    header: "Contract",
    // The contract an approved brief became, on the contracts screen.
    cell: ({ row }) => (row.original.contract ? <Link to={`/contracts/${row.original.contract.id}`}>{row.original.contract.reference}</Link> : "–"),
    meta: { className: "nowrap" },
  }),
];

function BriefsTable({ briefs, selectedId, exportName, onChoose }: { briefs: readonly FragmentType<typeof BriefFieldsFragment>[]; selectedId: number | null; exportName: string; onChoose(): void }) {
  const rows = useFragment(BriefFieldsFragment, briefs);
  const columns = useMemo(() => briefColumns(onChoose), [onChoose]);
  return (
    <DataTable
      caption="Project briefs"
      captionHidden
      data={rows}
      columns={columns}
      getRowId={(b) => String(b.id)}
      searchLabel="Search briefs"
      exportName={exportName}
      emptyMessage="No briefs yet."
      rowClassName={(b) => (b.id === selectedId ? "is-open" : undefined)}
      testId="briefs-table"
    />
  );
}
