import { useEffect, useMemo, useRef, useState } from "react";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { useMutation } from "urql";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError } from "../../components/form-field";
import { StaleNotice } from "../../components/stale-notice";
import { mutationOutcome, NO_OUTCOME, type MutationOutcome } from "../../components/mutation-outcome";
import { formatDate } from "../../format";
import { useFragment, type FragmentType } from "../../gql";
import type { RiskFieldsFragment } from "../../gql/graphql";
import { ReviewRiskForm } from "./review-risk-form";
import { RISK_STATUS_LABELS, RiskFieldsFragment as RiskFieldsFragmentDoc, UpdateRiskMutation } from "./risk-data";
import { RiskScore } from "./risk-score";
import "../../components/workspace.css";
import "./risks.css";

type ReviewRow = RiskFieldsFragment["reviews"][number];
const col = tableColumns<ReviewRow>();
const HISTORY_COLUMNS: DataColumn<ReviewRow>[] = [
  col.accessor((r) => `${r.year} Q${r.quarter}`, { id: "quarter", header: "Quarter", meta: { className: "nowrap", rowHeader: true } }),
  col.accessor((r) => r.likelihood * r.impact, {
    id: "score",
    header: "Score",
    cell: ({ row }) => (
      <>
        {row.original.likelihood} × {row.original.impact} = <RiskScore score={row.original.likelihood * row.original.impact} />
      </>
    ),
    meta: { className: "nowrap" },
  }),
  col.accessor("likelihood", { header: "Likelihood", meta: { exportOnly: true } }),
  col.accessor("impact", { header: "Impact", meta: { exportOnly: true } }),
  col.accessor((r) => RISK_STATUS_LABELS[r.status], { id: "status", header: "Status" }),
  col.accessor((r) => r.note ?? "", { id: "note", header: "Note", cell: (info) => info.getValue() || "–", enableSorting: false }),
  col.accessor("reviewedAt", { header: "Recorded", cell: (info) => formatDate(info.getValue()), meta: { className: "nowrap" } }),
];

export interface RiskDetailProps {
  risk: FragmentType<typeof RiskFieldsFragmentDoc>;
  canWrite: boolean;
  quarters: readonly string[];
  defaultQuarter: string | null;
  onChanged(message: string): void;
  onReload(): void;
  /** Move focus (and the screen) to the risk when it opens beneath a long list. */
  focusOnOpen?: boolean;
}

/** One risk: its assessment, the quarterly review form and history, and escalation to the corporate register. */
export function RiskDetail({ risk: ref, canWrite, quarters, defaultQuarter, onChanged, onReload, focusOnOpen = false }: RiskDetailProps) {
  const risk = useFragment(RiskFieldsFragmentDoc, ref);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnOpen) headingRef.current?.focus();
  }, [focusOnOpen]);
  const [asking, setAsking] = useState(false);
  const [outcome, setOutcome] = useState<MutationOutcome>(NO_OUTCOME);
  const [{ fetching }, update] = useMutation(UpdateRiskMutation);
  const history = useMemo(() => [...risk.reviews].reverse(), [risk.reviews]);
  // One review per quarter, never before the latest: offer only the quarters after it, so a CONFLICT can only mean
  // that someone else changed the risk meanwhile.
  const latest = risk.reviews.map((r) => `${r.year} Q${r.quarter}`).sort().at(-1);
  const open = quarters.filter((q) => latest === undefined || q > latest);

  async function toggleEscalation() {
    const result = await update({ id: risk.id, version: risk.version, input: { escalated: !risk.escalated } });
    setAsking(false);
    if (result.error) {
      setOutcome(mutationOutcome(result.error, ["escalated"]));
      return;
    }
    setOutcome(NO_OUTCOME);
    onChanged(risk.escalated ? `“${risk.title}” is no longer on the corporate risk register.` : `Escalated “${risk.title}” to the corporate risk register.`);
  }

  return (
    <article className="panel risk-detail" aria-labelledby={`risk-${risk.id}-title`} data-testid="risk-detail">
      <h2 id={`risk-${risk.id}-title`} ref={headingRef} tabIndex={-1}>
        {risk.title}
      </h2>
      <dl className="facts">
        <div>
          <dt>Score</dt>
          <dd data-testid="risk-score">
            {risk.likelihood} × {risk.impact} = <RiskScore score={risk.score} />
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{RISK_STATUS_LABELS[risk.status]}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{risk.ownerName}</dd>
        </div>
        <div>
          <dt>Portfolio</dt>
          <dd>{risk.portfolio?.name ?? "Office-wide"}</dd>
        </div>
        <div>
          <dt>Corporate register</dt>
          <dd data-testid="risk-escalated">{risk.escalated ? "Escalated" : "Not escalated"}</dd>
        </div>
      </dl>
      {risk.description && <p className="risk-detail__text">{risk.description}</p>}
      {risk.mitigation && (
        <p className="risk-detail__text">
          <strong>Mitigation:</strong> {risk.mitigation}
        </p>
      )}
      {outcome.stale && (
        <StaleNotice
          what="risk"
          onReload={() => {
            setOutcome(NO_OUTCOME);
            onReload();
          }}
        />
      )}
      <FormError message={outcome.general ?? outcome.fields.escalated} />
      {canWrite && (
        <button type="button" className={`button${risk.escalated ? " button--secondary" : ""}`} onClick={() => setAsking(true)}>
          {risk.escalated ? "Take off the corporate register…" : "Escalate to the corporate register…"}
        </button>
      )}
      <section className="risk-detail__section" aria-labelledby={`risk-${risk.id}-history`}>
        <h3 id={`risk-${risk.id}-history`}>Review history</h3>
        {history.length === 0 ? (
          <p>Not reviewed yet.</p>
        ) : (
          <DataTable
            caption="Review history, newest first"
            captionHidden
            data={history}
            columns={HISTORY_COLUMNS}
            getRowId={(r) => String(r.id)}
            searchable={false}
            pageSize={0}
            exportName={`risk-${risk.id}-reviews`}
            testId="risk-history"
            compact
          />
        )}
      </section>
      {canWrite && (
        <section className="risk-detail__section" aria-labelledby={`risk-${risk.id}-review`}>
          <h3 id={`risk-${risk.id}-review`}>Review this quarter</h3>
          {open.length ? (
            <ReviewRiskForm key={risk.version} risk={risk} quarters={open} defaultQuarter={defaultQuarter && open.includes(defaultQuarter) ? defaultQuarter : (open.at(-1) ?? null)} onReviewed={onChanged} onReload={onReload} />
          ) : (
            <p>Reviewed for every quarter so far ({latest}).</p>
          )}
        </section>
      )}
      {asking && (
        <ConfirmDialog
          title={risk.escalated ? `Take “${risk.title}” off the corporate register?` : `Escalate “${risk.title}”?`}
          confirmLabel={risk.escalated ? "Take off the register" : "Escalate"}
          busy={fetching}
          onConfirm={toggleEscalation}
          onClose={() => setAsking(false)}
        >
          <p>
            {risk.escalated
              ? "The risk stays on the commissioning register but leaves the office's corporate risk register."
              : "The risk goes onto the office's corporate risk register, which the Commissioner and Chief Executive review."}
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}
