import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ConnectionStatus } from "../../components/connection-status";
import { describeError } from "../../errors";
import { formatPence } from "../../format";
import { useLiveSubscription } from "../../live";
import { useOfficeId, usePortfolioId, useQuarterId } from "../../url-state";
import { useMoneySummary } from "../../features/money/money-summary";
import { useBoardFrame } from "../../features/periods/use-board-frame";
import { useReturnCompleteness } from "../../features/returns/returns-status";
import { useReturnChanged } from "../../features/returns/use-return-changed";
import { AsAt, RatingLegend } from "../../features/scorecards/rating-notes";
import { describeCellChanges, ScorecardFeed, useAsAt } from "../../features/scorecards/scorecard-feed";
import { ScorecardGrid } from "../../features/scorecards/scorecard-grid";
import { useLiveScorecards } from "../../features/scorecards/use-live-scorecards";
import "../../components/page-sections.css";
import "./board.css";

/** Keys that move between portfolios; ignored while a form control has focus (a select uses the arrows itself). */
const NEXT_KEYS = new Set(["ArrowRight", "PageDown"]);
const PREVIOUS_KEYS = new Set(["ArrowLeft", "PageUp"]);

function isFormControl(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

/** One portfolio per screen in very large type, for the review meeting's projector. */
export default function PresentationMode() {
  const navigate = useNavigate();
  const [officeId] = useOfficeId();
  const [periodId] = useQuarterId();
  const [portfolioParam, setPortfolioParam] = usePortfolioId();
  const frame = useBoardFrame(officeId, periodId);
  const [announcement, setAnnouncement] = useState("");
  const headingRef = useRef<HTMLHeadingElement>(null);

  const portfolios = frame.portfolios;
  const index = Math.max(0, portfolios.findIndex((p) => p.id === portfolioParam));
  const portfolio = portfolios[index] ?? null;

  // The portfolio on screen is always in the URL, so a copied link opens the same screen.
  useEffect(() => {
    if (portfolio && portfolioParam !== portfolio.id) setPortfolioParam(portfolio.id);
  }, [portfolio, portfolioParam, setPortfolioParam]);

  useEffect(() => {
    document.body.classList.add("presentation");
    return () => document.body.classList.remove("presentation");
  }, []);

  const boardSearch = officeId != null && periodId != null ? `?office=${officeId}&quarter=${periodId}` : "";
  const go = useCallback(
    (step: number) => {
      if (!portfolios.length) return;
      const next = portfolios[(index + step + portfolios.length) % portfolios.length];
      setPortfolioParam(next.id);
    },
    [portfolios, index, setPortfolioParam],
  );

  // Move focus to the new portfolio's name so screen readers announce it with the slide.
  const shown = useRef<number | null>(null);
  useEffect(() => {
    if (!portfolio) return;
    if (shown.current != null && shown.current !== portfolio.id) headingRef.current?.focus();
    shown.current = portfolio.id;
  }, [portfolio]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || isFormControl(event.target)) return;
      if (NEXT_KEYS.has(event.key)) {
        event.preventDefault();
        go(1);
      } else if (PREVIOUS_KEYS.has(event.key)) {
        event.preventDefault();
        go(-1);
      } else if (event.key === "Escape") {
        event.preventDefault();
        navigate(`/board${boardSearch}`);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [go, navigate, boardSearch]);

  const live = useLiveScorecards({
    officeId,
    portfolioId: portfolio?.id ?? null,
    periodIds: frame.window.slice(-5).map((p) => p.id),
    includeSubmitted: false,
    onChange: (changes) => {
      const here = changes.filter((c) => c.portfolioId === portfolio?.id);
      if (here.length) setAnnouncement(describeCellChanges(here, () => portfolio?.name ?? ""));
    },
  });
  const completeness = useReturnCompleteness(frame.selected?.id ?? null);
  const money = useMoneySummary(officeId, frame.selected?.year ?? null);
  useReturnChanged(officeId, (event) => {
    if (event.periodId === frame.selected?.id) completeness.refetch();
    if (event.state === "ACCEPTED" || event.change === "REOPENED") live.refresh();
  });

  const asAt = useAsAt(live.scorecards);
  const card = live.scorecards.find((c) => c.portfolioId === portfolio?.id);
  const counts = completeness.data?.returnCompleteness.find((c) => c.portfolioId === portfolio?.id);
  const portfolioMoney = money.data?.moneySummary.portfolios.find((p) => p.portfolioId === portfolio?.id);

  return (
    <div className="presentation-view">
      <div className="presentation-bar no-print">
        <div className="presentation-bar__nav">
          <button type="button" className="button button--secondary" onClick={() => go(-1)} disabled={portfolios.length < 2}>
            <span aria-hidden="true">← </span>Previous portfolio
          </button>
          <button type="button" className="button" onClick={() => go(1)} disabled={portfolios.length < 2}>
            Next portfolio<span aria-hidden="true"> →</span>
          </button>
          {portfolio && (
            <p className="presentation-bar__position">
              {index + 1} of {portfolios.length}
            </p>
          )}
        </div>
        <p className="presentation-bar__hint">Arrow keys or Page Up and Page Down move between portfolios; Esc goes back.</p>
        <ConnectionStatus />
        <Link to={`/board${boardSearch}`}>Back to the board</Link>
      </div>

      {frame.error ? (
        <p className="board-error" role="alert">
          {describeError(frame.error)}
        </p>
      ) : frame.loaded && frame.periods.length === 0 ? (
        <p>This office has no reporting quarters yet, so there is nothing to present.</p>
      ) : !frame.loaded || !frame.selected ? (
        <p role="status">Loading…</p>
      ) : !portfolio ? (
        <p>This office has no portfolios yet.</p>
      ) : (
        <>
          <div className="presentation-title">
            <h1 ref={headingRef} tabIndex={-1} id="presentation-heading" data-testid="presentation-portfolio">
              {portfolio.name}
            </h1>
            <p>
              {frame.selected.label}
              {portfolio.leadName ? ` · Lead: ${portfolio.leadName}` : ""}
              {frame.officeName ? ` · ${frame.officeName}` : ""}
            </p>
          </div>

          {live.error ? (
            <p className="board-error" role="alert">
              {describeError(live.error)}
            </p>
          ) : card ? (
            <ScorecardGrid labelledBy="presentation-heading" portfolioId={portfolio.id} rows={card.rows} periods={frame.window.slice(-5)} selectedPeriodId={frame.selected.id} updated={live.updated} size="large" />
          ) : (
            <p role="status">{live.fetching ? "Loading the scorecard…" : "No indicators are reported for this portfolio yet."}</p>
          )}

          <dl className="presentation-figures" aria-label={`Money and returns, ${frame.selected.label}`}>
            {portfolioMoney && (
              <>
                <div>
                  <dt>Allocated {frame.selected.year}</dt>
                  <dd>{formatPence(portfolioMoney.allocatedPence, { wholePounds: true })}</dd>
                </div>
                <div>
                  <dt>Committed</dt>
                  <dd>{formatPence(portfolioMoney.committedPence, { wholePounds: true })}</dd>
                </div>
                <div>
                  <dt>Spent so far</dt>
                  <dd>{formatPence(portfolioMoney.spentPence, { wholePounds: true })}</dd>
                </div>
                <div>
                  <dt>Not yet committed</dt>
                  <dd>{formatPence(portfolioMoney.remainingPence, { wholePounds: true })}</dd>
                </div>
              </>
            )}
            {counts && (
              <div>
                <dt>Returns in</dt>
                <dd>
                  {counts.submitted} of {counts.due}
                </dd>
              </div>
            )}
          </dl>

          <AsAt asAt={asAt} periodLabel={frame.selected.label} rows={completeness.data?.returnCompleteness.filter((c) => c.portfolioId === portfolio.id)} nameOf={() => portfolio.name} />
          <RatingLegend />
          <ScorecardFeed officeId={officeId!} periodId={frame.selected.id} onEvent={live.applyEvent} onResync={live.refresh} />
        </>
      )}
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </div>
  );
}
