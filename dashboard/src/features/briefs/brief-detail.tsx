import { useEffect, useRef, type ReactNode } from "react";
import { Link } from "react-router";
import { formatDate, formatPence } from "../../format";
import { useFragment, type FragmentType } from "../../gql";
import { BRIEF_DRIVER_LABELS, BRIEF_STATE_LABELS, BRIEF_TOTAL_MAX } from "./brief-format";
import { BriefFieldsFragment } from "./brief-data";
import { DecideBrief } from "./decide-brief";
import { ScoreBriefForm } from "./score-brief-form";
import "../../components/workspace.css";
import "./briefs.css";

export interface BriefDetailProps {
  brief: FragmentType<typeof BriefFieldsFragment>;
  portfolios: readonly { id: number; name: string }[];
  /** Officers and the Commissioner score; analysts only read. */
  canScore: boolean;
  /** The Commissioner (or an administrator) approves and declines. */
  canDecide: boolean;
  /** Where a contract's page lives (the contracts screen owns it). */
  contractHref(contractId: number): string;
  /** Supporting documents (the attachments feature fills this in). */
  attachments?: ReactNode;
  onChanged(message: string): void;
  onReload(): void;
  /** Move focus (and the screen) to the brief when it opens below a long list. */
  focusOnOpen?: boolean;
}

/** One brief: the proposal, its scores and their product, and what may be done with it next. */
export function BriefDetail({ brief: ref, portfolios, canScore, canDecide, contractHref, attachments, onChanged, onReload, focusOnOpen = false }: BriefDetailProps) {
  const brief = useFragment(BriefFieldsFragment, ref);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnOpen) headingRef.current?.focus();
  }, [focusOnOpen]);
  const open = brief.state === "SUBMITTED" || brief.state === "SCORED";
  return (
    <article className="brief-detail panel" aria-labelledby={`brief-${brief.id}-title`} data-testid="brief-detail">
      <h2 id={`brief-${brief.id}-title`} ref={headingRef} tabIndex={-1}>
        {brief.title}
      </h2>
      <dl className="facts">
        <div>
          <dt>State</dt>
          <dd data-testid="brief-state">{BRIEF_STATE_LABELS[brief.state]}</dd>
        </div>
        <div>
          <dt>Portfolio</dt>
          <dd>{brief.portfolio?.name ?? "Not decided yet"}</dd>
        </div>
        <div>
          <dt>Proposed annual cost</dt>
          <dd>{brief.proposedValuePence == null ? "Not given" : formatPence(brief.proposedValuePence, { wholePounds: true })}</dd>
        </div>
        <div>
          <dt>Submitted</dt>
          <dd>{formatDate(brief.createdAt)}</dd>
        </div>
      </dl>
      {brief.summary && <p className="brief-detail__summary">{brief.summary}</p>}
      <p>
        <strong>Drivers:</strong> {brief.drivers.map((d) => BRIEF_DRIVER_LABELS[d]).join("; ")}
      </p>
      {brief.totalScore != null && (
        <p className="brief-product" data-testid="brief-total">
          Scores: business need {brief.businessNeedScore} × drivers {brief.driversScore} × deliverability {brief.deliverabilityScore} = <strong>{brief.totalScore}</strong> of{" "}
          {BRIEF_TOTAL_MAX}
        </p>
      )}
      {brief.state === "DECLINED" && brief.declineReason && (
        <p className="notice">
          <strong>Declined:</strong> {brief.declineReason}
        </p>
      )}
      {brief.contract && (
        <p className="notice" data-testid="brief-contract">
          Approved and became contract{" "}
          <Link to={contractHref(brief.contract.id)}>
            {brief.contract.reference}: {brief.contract.title}
          </Link>
          .
        </p>
      )}
      {attachments}
      {open && canScore && (
        <section aria-labelledby={`brief-${brief.id}-score`} className="brief-detail__section">
          <h3 id={`brief-${brief.id}-score`}>{brief.state === "SUBMITTED" ? "Score the brief" : "Rescore"}</h3>
          <ScoreBriefForm key={brief.version} brief={brief} onScored={onChanged} onReload={onReload} />
        </section>
      )}
      {brief.state === "SCORED" && canDecide && (
        <section className="brief-detail__section" aria-label="Decision">
          <DecideBrief key={brief.version} brief={brief} portfolios={portfolios} onDecided={onChanged} onReload={onReload} />
        </section>
      )}
      {brief.state === "SCORED" && canScore && !canDecide && <p className="hint">The Commissioner approves or declines scored briefs.</p>}
    </article>
  );
}
