import { useState } from "react";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { RecordLink, useOpenRecord } from "../../components/record-link";
import { AttachmentList } from "../../features/attachments/attachment-list";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDate } from "../../format";
import { DECISION_KIND_LABELS, DecisionsListQuery, type DecisionRow } from "../../features/decisions/decision-data";
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
  const [selectedId, select] = useOpenRecord("decision");
  const [message, setMessage] = useState("");
  const [{ data, error, fetching }, refetch] = useQuery({ query: DecisionsListQuery, variables: { officeId }, pause: officeId === null });
  const role = user?.role ?? "ANALYST";
  const decisions = data?.decisions ?? [];
  const selected = decisions.find((d) => d.id === selectedId);
  const reload = () => refetch({ requestPolicy: "network-only" });

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
            <DecisionsTable decisions={decisions} selectedId={selectedId} exportName={`decisions-office-${officeId}`} />
          </section>
          <div>
            {selected ? (
              <DecisionDetail
                key={selected.id}
                decision={selected}
                canPublish={PUBLISHERS.includes(role)}
                contractHref={(id) => `/contracts/${id}${selection}`}
                // Only the office's staff attach or remove papers; analysts read and download them.
                attachments={<AttachmentList owner="DECISION" recordId={selected.id} canUpload={RECORDERS.includes(role)} canRemoveAny={RECORDERS.includes(role)} />}
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

const col = tableColumns<DecisionRow>();
const DECISION_COLUMNS: DataColumn<DecisionRow>[] = [
  col.accessor("title", {
    header: "Title",
    cell: ({ row }) => (
      <RecordLink param="decision" id={row.original.id}>
        {row.original.title}
      </RecordLink>
    ),
    meta: { rowHeader: true },
  }),
  col.accessor((d) => DECISION_KIND_LABELS[d.kind], { id: "kind", header: "Kind", meta: { filter: "select" } }),
  col.accessor((d) => d.contract?.reference ?? "", { id: "contract", header: "Contract", cell: (info) => info.getValue() || "–", meta: { className: "nowrap" } }),
  col.accessor("decidedOn", { header: "Decided", cell: (info) => formatDate(info.getValue()), meta: { className: "nowrap" } }),
  col.accessor((d) => (d.published ? "Published" : "Not published"), { id: "published", header: "Published", meta: { filter: "select" } }),
];

function DecisionsTable({ decisions: rows, selectedId, exportName }: { decisions: readonly DecisionRow[]; selectedId: number | null; exportName: string }) {
  return (
    <DataTable
      caption="Commissioning decisions"
      captionHidden
      data={rows}
      columns={DECISION_COLUMNS}
      getRowId={(d) => String(d.id)}
      searchLabel="Search decisions"
      exportName={exportName}
      emptyMessage="No decisions recorded."
      initialSorting={[{ id: "decidedOn", desc: true }]}
      rowClassName={(d) => (d.id === selectedId ? "is-open" : undefined)}
      testId="decisions-table"
    />
  );
}
