import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { describeError, errorCode } from "../../errors";
import { formatDate, formatDateTime } from "../../format";
import { graphql } from "../../gql";
import type { ReturnsReviewListQuery, ReturnState } from "../../gql/graphql";
import { useLiveSubscription, useResyncKey } from "../../live";
import { useSession } from "../../session";
import { useOfficeId, useQuarterId } from "../../url-state";
import { useBoardFrame } from "../../features/periods/use-board-frame";
import { ReturnDetail, type ReviewedReturn } from "../../features/returns/return-detail";
import { AcceptReturnDialog } from "../../features/returns/accept-return-dialog";
import { ReopenReturnDialog } from "../../features/returns/reopen-return-dialog";
import { RETURN_STATE_LABELS } from "../../features/returns/return-labels";
import { ReturnsStatus, useReturnCompleteness } from "../../features/returns/returns-status";
import { SendBackDialog } from "../../features/returns/send-back-dialog";
import { useReturnChanged } from "../../features/returns/use-return-changed";
import "../../components/page-sections.css";
import "./returns.css";

const ReturnsReviewListDocument = graphql(`
  query ReturnsReviewList($officeId: Int, $periodId: Int!) {
    returns(officeId: $officeId, periodId: $periodId, first: 100) {
      totalCount
      hasMore
      items {
        id
        state
        late
        version
        revisionCount
        submittedAt
        acceptedAt
        reviewReason
        contract {
          id
          reference
          title
          provider {
            id
            name
          }
          portfolio {
            id
            name
          }
        }
      }
    }
  }
`);

const ReturnsContractsDocument = graphql(`
  query ReturnsContracts($officeId: Int, $periodId: Int!) {
    contracts(officeId: $officeId, first: 100) {
      items {
        id
        reference
        title
        status
        reportingSchedule
        returnDue(periodId: $periodId)
        provider {
          id
          name
        }
        portfolio {
          id
          name
        }
        kpis {
          id
        }
      }
    }
  }
`);


const ReturnsAcceptMutation = graphql(`
  mutation ReturnsAccept($id: Int!, $version: Int!) {
    acceptReturn(id: $id, version: $version) {
      id
      state
      version
      acceptedAt
    }
  }
`);

type ReturnItem = ReturnsReviewListQuery["returns"]["items"][number];

/** Groups in the order an officer works through them. */
const GROUPS: { state: ReturnState; title: string; empty: string }[] = [
  { state: "SUBMITTED", title: "Waiting for review", empty: "No returns are waiting for review." },
  { state: "RETURNED", title: "Sent back to the provider", empty: "No returns are with their providers for correction." },
  { state: "DRAFT", title: "Started but not submitted", empty: "No drafts." },
  { state: "ACCEPTED", title: "Accepted", empty: "No returns accepted yet." },
];

const STATE_ICONS: Record<string, string> = { DRAFT: "✎", SUBMITTED: "➜", RETURNED: "↩", ACCEPTED: "✓" };
const HIGHLIGHT_MS = 10_000;

/** The officer's returns board for a quarter: status counts, every return by state, accept or send back. */
export default function ReturnsReview() {
  const { user } = useSession();
  const [officeId] = useOfficeId();
  const [periodId] = useQuarterId();
  const [params, setParams] = useSearchParams();
  const canReview = user?.role === "OFFICER" || user?.role === "COMMISSIONER" || user?.role === "ADMIN";
  const frame = useBoardFrame(officeId, periodId);
  const completeness = useReturnCompleteness(frame.selected?.id ?? null);
  const [list, reexecuteList] = useQuery({ query: ReturnsReviewListDocument, variables: { officeId, periodId: frame.selected?.id ?? 0 }, pause: officeId == null || !frame.selected });
  const refetchList = useCallback(() => reexecuteList({ requestPolicy: "network-only" }), [reexecuteList]);
  const [, accept] = useMutation(ReturnsAcceptMutation);
  const [status, setStatus] = useState<{ text: string; tone: "ok" | "error" } | null>(null);
  const [accepting, setAccepting] = useState<number | null>(null);
  const [sendingBack, setSendingBack] = useState<ReturnItem | null>(null);
  const [confirming, setConfirming] = useState<ReviewedReturn | null>(null);
  const [reopening, setReopening] = useState<ReviewedReturn | null>(null);
  const [updated, setUpdated] = useState<ReadonlyMap<number, number>>(new Map());
  const opener = useRef<HTMLElement | null>(null);

  const resyncKey = useResyncKey();
  const firstResync = useRef(resyncKey);
  useEffect(() => {
    if (resyncKey !== firstResync.current) refetchList();
  }, [resyncKey, refetchList]);

  const items = useMemo(() => list.data?.returns.items ?? [], [list.data]);
  const [contracts] = useQuery({ query: ReturnsContractsDocument, variables: { officeId, periodId: frame.selected?.id ?? 0 }, pause: officeId == null || !frame.selected });
  // Contracts that owe a return for the quarter and have not started one: the ones to chase.
  const notStarted = useMemo(() => {
    if (!list.data || !contracts.data) return [];
    const started = new Set(items.map((r) => r.contract.id));
    // The server says which contracts owe a return this quarter (status, term and reporting schedule).
    return contracts.data.contracts.items.filter((c) => c.returnDue && c.kpis.length > 0 && !started.has(c.id));
  }, [contracts.data, list.data, items]);
  const labelOf = (r: ReturnItem) => `${r.contract.reference} ${r.contract.title}`;

  // Someone else (a provider submitting, another officer reviewing) changed a return: show it without a reload.
  useReturnChanged(
    officeId,
    (event) => {
      if (event.periodId !== frame.selected?.id) return;
      refetchList();
      completeness.refetch();
      setUpdated((current) => new Map(current).set(event.returnId, Date.now() + HIGHLIGHT_MS));
      const known = items.find((r) => r.id === event.returnId);
      setStatus({ text: `${known ? known.contract.reference : `Return ${event.returnId}`} is now ${(RETURN_STATE_LABELS[event.state] ?? event.state).toLowerCase()}.`, tone: "ok" });
    },
    { pause: !frame.selected },
  );

  useEffect(() => {
    if (!updated.size) return;
    const timer = setTimeout(() => {
      const now = Date.now();
      setUpdated((current) => new Map([...current].filter(([, until]) => until > now)));
    }, Math.max(0, Math.min(...updated.values()) - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [updated]);

  const detailId = Number(params.get("return")) || null;
  const setDetail = (id: number | null) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (id == null) next.delete("return");
        else next.set("return", String(id));
        return next;
      },
      { replace: true, preventScrollReset: true },
    );
  const openDetail = (id: number) => {
    opener.current = document.activeElement as HTMLElement | null;
    setDetail(id);
  };
  const closeDetail = () => {
    setDetail(null);
    requestAnimationFrame(() => opener.current?.focus());
  };

  async function acceptReturn(ret: { id: number; version: number; label: string }) {
    if (accepting != null) return;
    setAccepting(ret.id);
    const result = await accept({ id: ret.id, version: ret.version });
    setAccepting(null);
    if (!result.error) {
      setStatus({ text: `Accepted ${ret.label}.`, tone: "ok" });
      completeness.refetch();
      return;
    }
    if (errorCode(result.error) === "CONFLICT") {
      setStatus({ text: `${ret.label} changed since the list was loaded. The list is up to date now: check it and try again.`, tone: "error" });
      refetchList();
      return;
    }
    setStatus({ text: describeError(result.error, { BAD_USER_INPUT: "Only a submitted return can be accepted." }), tone: "error" });
  }

  const openSendBack = (ret: ReturnItem) => {
    opener.current = document.activeElement as HTMLElement | null;
    setSendingBack(ret);
  };

  const openAccept = (ret: ReviewedReturn) => {
    opener.current = document.activeElement as HTMLElement | null;
    setConfirming(ret);
  };
  const openReopen = (ret: ReviewedReturn) => {
    opener.current = document.activeElement as HTMLElement | null;
    setReopening(ret);
  };
  const refocus = () => requestAnimationFrame(() => opener.current?.focus());

  const reviewButtons = (ret: ReviewedReturn, item: ReturnItem | undefined, inDetail = false) =>
    canReview && ret.state === "SUBMITTED" ? (
      <>
        <button type="button" className="button" onClick={() => openAccept(ret)} aria-haspopup="dialog" aria-disabled={accepting === ret.id || undefined} aria-describedby={inDetail ? undefined : `return-${ret.id}-contract`}>
          {accepting === ret.id ? "Accepting…" : "Accept"}
        </button>
        {item && (
          <button type="button" className="button button--secondary" onClick={() => openSendBack(item)} aria-haspopup="dialog" aria-describedby={inDetail ? undefined : `return-${ret.id}-contract`}>
            Send back
          </button>
        )}
      </>
    ) : canReview && inDetail && ret.state === "ACCEPTED" ? (
      <button type="button" className="button button--secondary" onClick={() => openReopen(ret)} aria-haspopup="dialog">
        Open for correction
      </button>
    ) : null;

  const boardSearch = officeId != null && frame.selected ? `?office=${officeId}&quarter=${frame.selected.id}` : "";

  return (
    <div className="returns-review">
      <div className="board-title">
        <h1>Returns</h1>
        <p className="board-title__context">
          {frame.officeName ?? "Loading office…"}
          {frame.selected && (
            <>
              {" "}
              · <strong>{frame.selected.label}</strong> · returns due {formatDate(frame.selected.dueDate)}
              {frame.selected.dueDateNote && <span className="due-date-note">{frame.selected.dueDateNote}</span>}
            </>
          )}
        </p>
      </div>

      <p className={`returns-review__status returns-review__status--${status?.tone ?? "ok"}`} role="status" aria-live="polite">
        {status?.text}
      </p>

      {frame.error ? (
        <p className="board-error" role="alert">
          {describeError(frame.error)}
        </p>
      ) : frame.loaded && frame.periods.length === 0 ? (
        <p>This office has no reporting quarters yet, so no returns are due.</p>
      ) : !frame.loaded || periodId == null ? (
        <p role="status">Loading the returns…</p>
      ) : !frame.selected ? (
        <p role="status">Choose a quarter above.</p>
      ) : (
        <>
          <ReturnsStatus rows={completeness.data?.returnCompleteness} error={completeness.error} fetching={completeness.fetching} periodLabel={frame.selected.label} portfolios={frame.portfolios} headingId="returns-status-heading" />
          <p className="board-link">
            <Link to={`/board${boardSearch}`}>Back to the review board</Link>
          </p>

          {list.error ? (
            <p className="board-error" role="alert">
              {describeError(list.error)}
            </p>
          ) : !list.data ? (
            <p role="status">Loading the returns…</p>
          ) : (
            GROUPS.map((group) => {
              const rows = items.filter((r) => r.state === group.state);
              const headingId = `returns-group-${group.state.toLowerCase()}`;
              return (
                <section key={group.state} className="board-section returns-group" aria-labelledby={headingId}>
                  <h2 id={headingId}>
                    {group.title} <span className="returns-group__count">({rows.length})</span>
                  </h2>
                  {rows.length === 0 ? (
                    <p className="board-empty">{group.empty}</p>
                  ) : (
                    <div className="table-scroll" role="region" aria-labelledby={headingId} tabIndex={0}>
                      <table className="returns-table">
                        <thead>
                          <tr>
                            <th scope="col">Contract</th>
                            <th scope="col">Provider</th>
                            <th scope="col">State</th>
                            <th scope="col">Timeliness</th>
                            <th scope="col">Submitted</th>
                            <th scope="col">
                              <span className="visually-hidden">Actions</span>
                            </th>
                          </tr>
                        </thead>
                        <tbody>
                          {rows.map((r) => {
                            const isUpdated = updated.has(r.id);
                            return (
                              <tr key={r.id} data-testid={`return-row-${r.id}`} data-state={r.state} className={isUpdated ? "returns-row returns-row--updated" : "returns-row"} data-updated={isUpdated ? "true" : undefined}>
                                <th scope="row" id={`return-${r.id}-contract`}>
                                  <span className="returns-row__ref">{r.contract.reference}</span> {r.contract.title}
                                  <span className="returns-row__portfolio">{r.contract.portfolio.name}</span>
                                </th>
                                <td>{r.contract.provider.name}</td>
                                <td>
                                  <span className={`return-state return-state--${r.state.toLowerCase()}`}>
                                    <span aria-hidden="true">{STATE_ICONS[r.state]} </span>
                                    {RETURN_STATE_LABELS[r.state] ?? r.state}
                                  </span>
                                  {r.revisionCount > 1 && <span className="returns-row__revision"> revision {r.revisionCount}</span>}
                                </td>
                                <td>
                                  {r.revisionCount === 0 ? (
                                    "Not submitted"
                                  ) : r.late ? (
                                    <span className="return-late">
                                      <span aria-hidden="true">⚠ </span>Late
                                    </span>
                                  ) : (
                                    "On time"
                                  )}
                                </td>
                                <td className="returns-row__date">{r.submittedAt ? formatDateTime(r.submittedAt) : "–"}</td>
                                <td>
                                  <div className="returns-row__actions">
                                    <button type="button" className="button button--secondary" onClick={() => openDetail(r.id)} aria-haspopup="dialog" aria-describedby={`return-${r.id}-contract`}>
                                      View
                                    </button>
                                    {reviewButtons({ id: r.id, state: r.state, version: r.version, label: labelOf(r), contractId: r.contract.id, period: frame.selected! }, r)}
                                  </div>
                                </td>
                              </tr>
                            );
                          })}
                        </tbody>
                      </table>
                    </div>
                  )}
                </section>
              );
            })
          )}
          {list.data && (
            <section className="board-section returns-group" aria-labelledby="returns-group-none">
              <h2 id="returns-group-none">
                No return yet <span className="returns-group__count">({notStarted.length})</span>
              </h2>
              {notStarted.length === 0 ? (
                <p className="board-empty">Every contract that owes a return has started one.</p>
              ) : (
                <ul className="returns-missing">
                  {notStarted.map((c) => (
                    <li key={c.id} data-testid={`missing-contract-${c.id}`}>
                      <span className="returns-row__ref">{c.reference}</span> {c.title}
                      <span className="returns-row__portfolio">
                        {c.provider.name} · {c.portfolio.name}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {list.data?.returns.hasMore && <p>Showing the first 100 returns of {list.data.returns.totalCount}.</p>}
        </>
      )}

      {detailId != null && (
        <ReturnDetail
          key={detailId}
          returnId={detailId}
          onClose={closeDetail}
          actions={(ret) => reviewButtons(ret, items.find((i) => i.id === ret.id), true)}
        />
      )}
      {confirming && (
        <AcceptReturnDialog
          contractId={confirming.contractId}
          period={confirming.period}
          contractLabel={confirming.label}
          onConfirm={() => acceptReturn(confirming)}
          onClose={() => {
            setConfirming(null);
            refocus();
          }}
        />
      )}
      {reopening && (
        <ReopenReturnDialog
          returnId={reopening.id}
          version={reopening.version}
          contractLabel={reopening.label}
          periodLabel={reopening.period.label}
          onClose={() => {
            setReopening(null);
            refocus();
          }}
          onReopened={(text) => {
            setStatus({ text, tone: "ok" });
            refetchList();
            completeness.refetch();
          }}
          onStale={refetchList}
        />
      )}
      {sendingBack && (
        <SendBackDialog
          returnId={sendingBack.id}
          contractLabel={labelOf(sendingBack)}
          onClose={() => {
            setSendingBack(null);
            requestAnimationFrame(() => opener.current?.focus());
          }}
          onSentBack={(text) => {
            setStatus({ text, tone: "ok" });
            refetchList();
            completeness.refetch();
          }}
          onStale={refetchList}
        />
      )}
    </div>
  );
}
