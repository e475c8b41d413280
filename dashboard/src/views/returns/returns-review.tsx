import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
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
import { DataTable, fileSlug, tableColumns, type DataColumn } from "../../components/data-table/data-table";
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

const col = tableColumns<ReturnItem>();

const STATE_ICONS: Record<string, string> = { DRAFT: "✎", SUBMITTED: "➜", RETURNED: "↩", ACCEPTED: "✓" };
const HIGHLIGHT_MS = 10_000;

/** In the page and laid out (not in a tree React keeps hidden): somewhere focus can usefully go. */
const shown = (el: Element | null | undefined): el is HTMLElement => !!el && el.isConnected && el.getClientRects().length > 0;

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
  const detailOpener = useRef<{ element: HTMLElement | null; returnId: number } | null>(null);
  const refocusDetailOpener = useRef(false);

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
  const grouped = useMemo(() => new Map(GROUPS.map((group) => [group.state, items.filter((r) => r.state === group.state)])), [items]);

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
    // Its own opener: the accept and send-back dialogs opened from inside the detail take over `opener`.
    detailOpener.current = { element: document.activeElement as HTMLElement | null, returnId: id };
    setDetail(id);
  };
  // The View button that opened the detail, as it is in the page now (a shown one: rows may have been rebuilt).
  const detailOpenerNow = () => {
    const from = detailOpener.current;
    if (!from) return null;
    return shown(from.element) ? from.element : ([...document.querySelectorAll<HTMLElement>(`[data-view-return="${from.returnId}"]`)].find(shown) ?? null);
  };
  const closeDetail = () => {
    refocusDetailOpener.current = true;
    // The dialog is already closed (Escape or Close), and the browser has put focus back where it was before it
    // opened, which may be a button no longer in the page: at once to the opener, not after the address change.
    detailOpenerNow()?.focus();
    setDetail(null);
  };
  // The address change that closes the detail renders later (a transition), and the table's rows may be rebuilt after
  // it (a refetch), so focus goes back once the detail is gone, to the View button of that return as it is in the
  // page then (a shown one), and again for up to a second whenever focus falls to nowhere or to something hidden
  // while the page settles. Anything the user focuses meanwhile is left alone. A layout effect: focus is back in the
  // same frame as the detail goes, never on the page's body for a paint.
  useLayoutEffect(() => {
    if (detailId != null || !refocusDetailOpener.current) return;
    refocusDetailOpener.current = false;
    const target = detailOpenerNow;
    const lost = () => document.activeElement === document.body || !shown(document.activeElement);
    target()?.focus();
    const until = performance.now() + 1000;
    let frame = 0;
    const watch = () => {
      if (lost()) target()?.focus();
      if (performance.now() < until) frame = requestAnimationFrame(watch);
    };
    frame = requestAnimationFrame(watch);
    return () => cancelAnimationFrame(frame);
  }, [detailId]);

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


  const columns = useMemo<DataColumn<ReturnItem>[]>(
    () => [
      col.accessor((r) => `${r.contract.reference} ${r.contract.title}`, {
        id: "contract",
        header: "Contract",
        cell: ({ row: { original: r } }) => (
          <span id={`return-${r.id}-contract`}>
            <span className="returns-row__ref">{r.contract.reference}</span> {r.contract.title}
            <span className="returns-row__portfolio">{r.contract.portfolio.name}</span>
          </span>
        ),
        meta: { rowHeader: true, className: "returns-row__contract" },
      }),
      col.accessor((r) => r.contract.portfolio.name, { id: "portfolio", header: "Portfolio", meta: { exportOnly: true } }),
      col.accessor((r) => r.contract.provider.name, { id: "provider", header: "Provider", meta: { filter: "select" } }),
      col.accessor((r) => RETURN_STATE_LABELS[r.state] ?? r.state, {
        id: "state",
        header: "State",
        cell: ({ row: { original: r } }) => (
          <>
            <span className={`return-state return-state--${r.state.toLowerCase()}`}>
              <span aria-hidden="true">{STATE_ICONS[r.state]} </span>
              {RETURN_STATE_LABELS[r.state] ?? r.state}
            </span>
            {r.revisionCount > 1 && <span className="returns-row__revision"> revision {r.revisionCount}</span>}
          </>
        ),
      }),
      col.accessor((r) => (r.revisionCount === 0 ? "Not submitted" : r.late ? "Late" : "On time"), {
        id: "timeliness",
        header: "Timeliness",
        cell: ({ getValue }) =>
          getValue() === "Late" ? (
            <span className="return-late">
              <span aria-hidden="true">⚠ </span>Late
            </span>
          ) : (
            getValue()
          ),
      }),
      col.accessor((r) => r.submittedAt ?? "", {
        id: "submitted",
        header: "Submitted",
        cell: ({ row: { original: r } }) => (r.submittedAt ? formatDateTime(r.submittedAt) : "–"),
        meta: { className: "returns-row__date" },
      }),
      col.display({
        id: "actions",
        header: () => <span className="visually-hidden">Actions</span>,
        cell: ({ row: { original: r } }) => (
          <div className="returns-row__actions">
            <button type="button" className="button button--secondary" onClick={() => openDetail(r.id)} data-view-return={r.id} aria-haspopup="dialog" aria-describedby={`return-${r.id}-contract`}>
              View
            </button>
            {reviewButtons({ id: r.id, state: r.state, version: r.version, label: labelOf(r), contractId: r.contract.id, period: frame.selected! }, r)}
          </div>
        ),
        meta: { noExport: true },
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the action cells read the latest handlers on each render of the page
    [items, accepting, canReview, openDetail, frame.selected],
  );
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
                    <DataTable
                      caption={`${group.title}, ${frame.selected!.label}`}
                      captionHidden
                      data={grouped.get(group.state) ?? []}
                      columns={columns}
                      getRowId={(r) => String(r.id)}
                      exportName={`returns-${group.state.toLowerCase()}-${fileSlug(frame.officeName ?? "office")}-${fileSlug(frame.selected!.label)}`}
                      searchLabel={`Search ${group.title.toLowerCase()}`}
                      searchable={rows.length > 5}
                      testId={`returns-table-${group.state.toLowerCase()}`}
                      rowTestId={(r) => `return-row-${r.id}`}
                      rowClassName={(r) => (updated.has(r.id) ? "returns-row returns-row--updated" : "returns-row")}
                      rowAttributes={(r) => ({ "data-state": r.state, "data-updated": updated.has(r.id) ? "true" : undefined })}
                    />
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
