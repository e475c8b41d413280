import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { useClient, useQuery } from "urql";
import { describeError, errorCode } from "../../errors";
import { formatDate, formatDateTime, formatPence, formatValue } from "../../format";
import { useLiveSubscription, useResyncKey } from "../../live";
import { useSession } from "../../session";
import { PeriodsQuery, ReturnChangedSubscription, ReturnFormQuery, type FormContract, type FormPeriod, type FormReturn } from "./return-data";
import { EditReturn } from "./return-editor";
import { ReturnStateTag } from "./return-state-tag";
import { RevisionHistory } from "./revision-history";
import { ReturnConversationPanel } from "../../features/conversations/return-conversation-panel";
import "./provider.css";

export default function ReturnForm() {
  const params = useParams();
  const contractId = Number(params.contractId);
  const periodId = Number(params.periodId);
  if (!Number.isSafeInteger(contractId) || !Number.isSafeInteger(periodId) || contractId <= 0 || periodId <= 0) return <Refusal />;
  return <ReturnPage key={`${contractId}/${periodId}`} contractId={contractId} periodId={periodId} />;
}

/** Shown instead of any data when the return is someone else's, or does not exist: the two look the same on purpose. */
function Refusal({ message }: { message?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="pv pv-refusal" data-testid="return-refusal">
      <h1 ref={heading} tabIndex={-1}>
        You can’t see this return
      </h1>
      <p>{message ?? "It is not one of your contracts’ returns, or the link is wrong. Check the address, or choose the return from your list."}</p>
      <p>
        <Link to="/provider">Go to your returns</Link>
      </p>
    </div>
  );
}

function ReturnPage({ contractId, periodId }: { contractId: number; periodId: number }) {
  const { user } = useSession();
  const [{ data, error }, refetch] = useQuery({ query: ReturnFormQuery, variables: { contractId, periodId }, requestPolicy: "cache-and-network" });
  const officeId = data?.contract.office.id ?? null;
  const [periodsResult] = useQuery({ query: PeriodsQuery, variables: { officeId: officeId ?? 0 }, pause: officeId == null });
  const [reloadNonce, setReloadNonce] = useState(0);
  const [justSubmitted, setJustSubmitted] = useState(false);

  const client = useClient();
  const [reloading, setReloading] = useState(false);

  /** Fetches the latest copy, then starts the form again from it (not from the stale copy it had). */
  const reload = useCallback(async () => {
    setReloading(true);
    try {
      await client.query(ReturnFormQuery, { contractId, periodId }, { requestPolicy: "network-only" }).toPromise();
    } finally {
      setReloadNonce((n) => n + 1);
      setReloading(false);
    }
  }, [client, contractId, periodId]);

  // After a reconnection, catch up on what changed while the socket was down.
  const resyncKey = useResyncKey();
  const firstResync = useRef(resyncKey);
  useEffect(() => {
    if (resyncKey !== firstResync.current) refetch({ requestPolicy: "network-only" });
  }, [resyncKey, refetch]);

  const ret = data?.returns.items[0] ?? null;
  const retState = ret?.state;
  useLiveSubscription(
    ReturnChangedSubscription,
    { officeId: officeId ?? 0 },
    (event) => {
      const change = event.returnChanged;
      if (change.contractId !== contractId || change.periodId !== periodId) return;
      // While the provider is editing, their own saves cause these events; reviews arrive only once it is submitted.
      if (retState === "SUBMITTED" || retState === "ACCEPTED" || change.change === "RETURNED" || change.change === "REOPENED") void reload();
    },
    { pause: officeId == null },
  );

  const code = errorCode(error);
  if (code === "NOT_FOUND" || code === "FORBIDDEN") return <Refusal />;
  if (error && !data) {
    return (
      <div className="pv">
        <h1>Quarterly return</h1>
        <p className="pv-error" role="alert">
          {describeError(error)}
        </p>
        <button type="button" className="button button--secondary" onClick={() => void reload()}>
          Try again
        </button>
      </div>
    );
  }
  if (!data || reloading || (officeId != null && !periodsResult.data && !periodsResult.error)) {
    return (
      <div className="pv">
        <p role="status">{reloading ? "Loading the latest copy of the return…" : "Loading the return…"}</p>
      </div>
    );
  }

  const contract = data.contract;
  const period: FormPeriod | null = ret?.period ?? periodsResult.data?.reportingPeriods.find((p) => p.id === periodId) ?? null;
  if (!period) return <Refusal message="That quarter is not one of this contract’s reporting quarters. Choose the return from your list." />;

  const editableState = !ret || ret.state === "DRAFT" || ret.state === "RETURNED";
  const canWrite = user?.role !== "ANALYST";
  // A return opened for correction may be edited though its quarter is closed or frozen.
  const underCorrection = ret?.correctionOpenedAt != null;
  const editable = editableState && (period.state === "OPEN" || underCorrection) && canWrite && contract.reportedMeasures.length > 0;

  return (
    <div className="pv pv-return">
      <p className="pv-back">
        <Link to="/provider">
          <span aria-hidden="true">← </span>All your returns
        </Link>
      </p>
      <p className="pv-caption">
        {period.label} return · {contract.provider.name}
      </p>
      <h1>{contract.title}</h1>
      <p className="pv-card__meta pv-return__meta">
        <span>{contract.reference}</span>
        <span>{contract.office.name}</span>
        <span>{contract.portfolio.name}</span>
        <span>Due {formatDate(period.dueDate)}</span>
        <span>
          Status: <ReturnStateTag state={ret?.state} />
        </span>
      </p>

      {underCorrection && (
        <div className="pv-banner" role="status" data-testid="return-under-correction">
          <strong>Opened for correction</strong> in a {period.state.toLowerCase()} quarter{ret?.correctionReason ? `: ${ret.correctionReason}` : ""}. Correct it and submit it again; once accepted, the change shows as a restatement.
        </div>
      )}
      {justSubmitted && ret?.state === "SUBMITTED" && (
        <div className="pv-banner pv-banner--success" role="status" data-testid="return-submitted">
          <h2 className="pv-banner__title">
            <span aria-hidden="true">✓ </span>Return submitted
          </h2>
          <p>The commissioning team will check it. You will see here if they accept it or send it back.</p>
        </div>
      )}

      {contract.reportedMeasures.length === 0 ? (
        <p className="pv-muted">This contract has no quarterly figures to report.</p>
      ) : editable ? (
        <EditReturn
          key={`${reloadNonce}:${ret?.state === "RETURNED" ? `returned-${ret.revisionCount}` : "draft"}`}
          contract={contract}
          period={period}
          ret={ret}
          onReload={() => void reload()}
          onSubmitted={() => {
            setJustSubmitted(true);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      ) : (
        <ReadOnlyReturn contract={contract} period={period} ret={ret} canWrite={canWrite} />
      )}
      {ret && <ReturnConversationPanel returnId={ret.id} level={2} />}
    </div>
  );
}

function ReadOnlyReturn({ contract, period, ret, canWrite }: { contract: FormContract; period: FormPeriod; ret: FormReturn | null; canWrite: boolean }) {
  const valueOf = useMemo(() => new Map(ret?.values.map((v) => [v.measure.id, v]) ?? []), [ret]);
  const narrative: [string, string | null | undefined][] = [
    ["Achievements", ret?.achievements],
    ["Challenges", ret?.challenges],
    ["Case study", ret?.caseStudy],
    ["Emerging risks", ret?.emergingRisks],
  ];
  const lastRevision = ret?.revisions.at(-1);

  let status: { tone: string; icon: string; title: string; text: string };
  if (!ret) {
    status = { tone: "neutral", icon: "○", title: "No return", text: period.state === "OPEN" ? "Nothing has been entered for this quarter yet." : `No return was made for ${period.label}, and the quarter is ${period.state.toLowerCase()}.` };
  } else if (ret.state === "SUBMITTED") {
    status = {
      tone: "info",
      icon: "➜",
      title: "Submitted: waiting for review",
      text: `Submitted${ret.submittedAt ? ` on ${formatDateTime(ret.submittedAt)}` : ""}${lastRevision ? ` by ${lastRevision.submittedBy.name}` : ""}${ret.late ? ", after the due date" : ""}. The commissioning team will accept it or send it back. It can’t be changed in the meantime.`,
    };
  } else if (ret.state === "ACCEPTED") {
    status = {
      tone: "success",
      icon: "✓",
      title: "Accepted",
      text: `Accepted${ret.acceptedAt ? ` on ${formatDateTime(ret.acceptedAt)}` : ""}${ret.acceptedBy ? ` by ${ret.acceptedBy.name}` : ""}. Its figures count in the scorecards. If something is wrong, ask the commissioning team to reopen it.`,
    };
  } else {
    status = {
      tone: "neutral",
      icon: "■",
      title: period.state === "OPEN" ? "Read only" : `The quarter is ${period.state.toLowerCase()}`,
      text: canWrite ? "This return can no longer be changed." : "You can read this return but not change it.",
    };
  }

  return (
    <>
      <div className={`pv-banner pv-banner--${status.tone}`} data-testid="return-status">
        <h2 className="pv-banner__title">
          <span aria-hidden="true">{status.icon} </span>
          {status.title}
        </h2>
        <p>{status.text}</p>
      </div>

      {ret && (
        <>
          <section className="pv-section" aria-labelledby="ro-figures">
            <h2 id="ro-figures">Figures</h2>
            <table className="pv-table">
              <thead>
                <tr>
                  <th scope="col">Measure</th>
                  <th scope="col" className="pv-num">
                    Value
                  </th>
                  <th scope="col">Comment</th>
                </tr>
              </thead>
              <tbody>
                {contract.reportedMeasures.map((measure) => {
                  const value = valueOf.get(measure.id);
                  return (
                    <tr key={measure.id} data-testid={`value-${measure.code}`}>
                      <th scope="row">{measure.name}</th>
                      <td className="pv-num">{formatValue(value?.value ?? null, measure.unit)}</td>
                      <td>{value?.comment || <span className="pv-muted">None</span>}</td>
                    </tr>
                  );
                })}
                <tr>
                  <th scope="row">Spend this quarter</th>
                  <td className="pv-num">{ret.spendPence != null ? formatPence(ret.spendPence) : "–"}</td>
                  <td />
                </tr>
              </tbody>
            </table>
          </section>

          <section className="pv-section" aria-labelledby="ro-narrative">
            <h2 id="ro-narrative">Narrative</h2>
            <dl className="pv-dl">
              {narrative.map(([label, text]) => (
                <div key={label}>
                  <dt>{label}</dt>
                  <dd>{text || <span className="pv-muted">None given</span>}</dd>
                </div>
              ))}
            </dl>
          </section>

          <RevisionHistory ret={ret} />
        </>
      )}
    </>
  );
}

