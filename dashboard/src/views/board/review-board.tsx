import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { describeError } from "../../errors";
import { formatDate, formatValue, ragLabel } from "../../format";
import { useSession } from "../../session";
import { useOfficeId, usePortfolioId, useQuarterId } from "../../url-state";
import { AttentionSummary } from "../../features/attention/attention-summary";
import { MoneyPanel } from "../../features/money/money-panel";
import { useBoardFrame, type FramePortfolio } from "../../features/periods/use-board-frame";
import { PipelineTimeline, quarterEndDate } from "../../features/pipeline/pipeline-timeline";
import { ReturnsStatus, useReturnCompleteness } from "../../features/returns/returns-status";
import { useReturnChanged, type ReturnEvent } from "../../features/returns/use-return-changed";
import { RiskHeatMap } from "../../features/risks/risk-heat-map";
import { CellDrilldown } from "../../features/scorecards/cell-drilldown";
import { AsAt, RatingLegend } from "../../features/scorecards/rating-notes";
import { describeCellChanges, ScorecardFeed, useAsAt } from "../../features/scorecards/scorecard-feed";
import { ScorecardGrid, type OpenCell } from "../../features/scorecards/scorecard-grid";
import { useLiveScorecards } from "../../features/scorecards/use-live-scorecards";
import "../../components/page-sections.css";
import "./board.css";

/** The Commissioner's quarterly review: every portfolio's scorecard, returns, money, pipeline and risks, live. */
export default function ReviewBoard() {
  const { user } = useSession();
  const [officeId] = useOfficeId();
  const [periodId] = useQuarterId();
  const [portfolioFilter, setPortfolioFilter] = usePortfolioId();
  const [params, setParams] = useSearchParams();
  const readOnly = user?.role === "ANALYST";
  // The choice lives in the URL (a copied link keeps it); the checkbox follows at once, before the navigation settles.
  const provisionalInUrl = params.get("provisional") === "1";
  const [provisional, setProvisionalChoice] = useState(provisionalInUrl);
  useEffect(() => setProvisionalChoice(provisionalInUrl), [provisionalInUrl]);
  const includeSubmitted = !readOnly && provisional;
  const frame = useBoardFrame(officeId, periodId);
  const filterId = useId();
  const [announcement, setAnnouncement] = useState("");

  const nameOf = useCallback((portfolioId: number | null) => (portfolioId == null ? "Whole office" : (frame.portfolios.find((p) => p.id === portfolioId)?.name ?? `Portfolio ${portfolioId}`)), [frame.portfolios]);

  const live = useLiveScorecards({
    officeId,
    portfolioId: portfolioFilter,
    periodIds: frame.window.map((p) => p.id),
    includeSubmitted,
    onChange: (changes) => setAnnouncement(describeCellChanges(changes, nameOf)),
  });
  const completeness = useReturnCompleteness(frame.selected?.id ?? null);
  const asAt = useAsAt(live.scorecards);

  const windowIds = useMemo(() => new Set(frame.window.map((p) => p.id)), [frame.window]);
  const onReturnChanged = useCallback(
    (event: ReturnEvent) => {
      if (event.periodId === frame.selected?.id) completeness.refetch();
      const countsNow = event.state === "ACCEPTED" || event.change === "REOPENED" || (includeSubmitted && event.state === "SUBMITTED");
      if (windowIds.has(event.periodId) && countsNow) live.refresh();
    },
    [frame.selected?.id, completeness, includeSubmitted, windowIds, live],
  );
  const onReturnsResync = useCallback(() => {
    completeness.refetch();
    live.refresh();
  }, [completeness, live]);
  useReturnChanged(officeId, onReturnChanged, { onResync: onReturnsResync });

  // The drill-down follows the live figures, so it is kept as an address, not a copy of the cell.
  const [open, setOpen] = useState<{ portfolioId: number | null; indicatorId: number; periodId: number } | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const openCell = useCallback((cell: OpenCell) => {
    opener.current = document.activeElement as HTMLElement | null;
    setOpen({ portfolioId: cell.portfolioId, indicatorId: cell.row.indicatorId, periodId: cell.cell.periodId });
  }, []);
  const closeCell = useCallback(() => {
    setOpen(null);
    // Back to the cell that opened it, so keyboard users keep their place in the grid.
    requestAnimationFrame(() => opener.current?.focus());
  }, []);
  const openData = useMemo(() => {
    if (!open) return null;
    const card = live.scorecards.find((c) => (c.portfolioId ?? null) === open.portfolioId);
    const row = card?.rows.find((r) => r.indicatorId === open.indicatorId);
    const cell = row?.cells.find((c) => c.periodId === open.periodId);
    const period = frame.periods.find((p) => p.id === open.periodId);
    return row && cell && period ? { open: { portfolioId: open.portfolioId, row, cell }, period } : null;
  }, [open, live.scorecards, frame.periods]);

  const setProvisional = (on: boolean) => {
    setProvisionalChoice(on);
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (on) next.set("provisional", "1");
        else next.delete("provisional");
        return next;
      },
      { replace: true, preventScrollReset: true },
    );
  };

  const selectionSearch = officeId != null && frame.selected ? `office=${officeId}&quarter=${frame.selected.id}` : "";
  const visiblePortfolios: FramePortfolio[] = frame.portfolios.filter((p) => portfolioFilter == null || p.id === portfolioFilter);
  const cards = new Map(live.scorecards.map((card) => [card.portfolioId ?? null, card]));
  const completenessOf = new Map((completeness.data?.returnCompleteness ?? []).map((c) => [c.portfolioId ?? null, c]));

  if (user?.role === "PROVIDER") {
    return (
      <>
        <h1>Quarterly review board</h1>
        <p>
          The review board is for the commissioning team. <Link to="/provider">Go to your returns</Link>.
        </p>
      </>
    );
  }

  return (
    <div className="review-board">
      <div className="board-title">
        <h1>Quarterly review board</h1>
        <p className="board-title__context">
          {frame.officeName ?? "Loading office…"}
          {frame.selected && (
            <>
              {" "}
              · <strong>{frame.selected.label}</strong> · returns {frame.selected.dueDate < new Date().toISOString().slice(0, 10) ? "were" : "are"} due {formatDate(frame.selected.dueDate)}
              {frame.selected.dueDateNote && <span className="due-date-note">{frame.selected.dueDateNote}</span>}
            </>
          )}
        </p>
      </div>

      {frame.error ? (
        <p className="board-error" role="alert">
          {describeError(frame.error)}
        </p>
      ) : frame.loaded && frame.periods.length === 0 ? (
        <p>This office has no reporting quarters yet, so there is nothing to review.</p>
      ) : !frame.loaded || periodId == null ? (
        <p role="status">Loading the board…</p>
      ) : !frame.selected ? (
        <p role="status">Choose a quarter above to open its review.</p>
      ) : (
        <>
          <div className="board-toolbar no-print" role="group" aria-label="Board options">
            <div className="board-toolbar__field">
              <label htmlFor={`${filterId}-portfolio`}>Portfolio</label>
              <select id={`${filterId}-portfolio`} value={portfolioFilter ?? ""} onChange={(e) => setPortfolioFilter(e.target.value ? Number(e.target.value) : null)}>
                <option value="">All portfolios</option>
                {frame.portfolios.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            {!readOnly && (
              <div className="board-toolbar__check">
                <input id={`${filterId}-provisional`} type="checkbox" checked={includeSubmitted} onChange={(e) => setProvisional(e.target.checked)} aria-describedby={`${filterId}-provisional-hint`} />
                <label htmlFor={`${filterId}-provisional`}>Include submitted returns not yet accepted</label>
                <span id={`${filterId}-provisional-hint`} className="board-toolbar__hint">
                  Figures that count them are marked provisional.
                </span>
              </div>
            )}
            <div className="board-toolbar__actions">
              <Link className="button button--secondary" to={`/board/present?${selectionSearch}${portfolioFilter != null ? `&portfolio=${portfolioFilter}` : ""}`}>
                Present
              </Link>
              <button type="button" className="button button--secondary" onClick={() => window.print()}>
                Print panel pack
              </button>
            </div>
          </div>

          <AttentionSummary periodId={frame.selected.id} portfolioId={portfolioFilter} includeSubmitted={includeSubmitted} />

          <AsAt asAt={asAt} periodLabel={frame.selected.label} rows={completeness.data?.returnCompleteness} nameOf={nameOf} />
          <ReturnsStatus
            rows={completeness.data?.returnCompleteness}
            error={completeness.error}
            fetching={completeness.fetching}
            periodLabel={frame.selected.label}
            portfolios={frame.portfolios}
            portfolioId={portfolioFilter}
            headingId="board-returns-heading"
          />
          {!readOnly && (
            <p className="board-link no-print">
              <Link to={`/returns?${selectionSearch}`}>Review this quarter's returns</Link>
            </p>
          )}

          {live.error && (
            <p className="board-error" role="alert">
              {describeError(live.error)}
            </p>
          )}
          {!live.scorecards.length && !live.error && <p role="status">{live.fetching ? "Loading the scorecards…" : "No indicators are reported in this office yet."}</p>}

          {portfolioFilter == null && cards.get(null) && (
            <ScorecardSection
              id="scorecard-office"
              title="Whole office"
              subtitle={`All portfolios together: ${frame.officeName ?? ""}`}
              completeness={completenessOf.get(null)}
              card={cards.get(null)!}
              portfolioId={null}
              frame={frame}
              updated={live.updated}
              onOpenCell={openCell}
            />
          )}
          {visiblePortfolios.map((portfolio) =>
            cards.get(portfolio.id) ? (
              <ScorecardSection
                key={portfolio.id}
                id={`scorecard-${portfolio.id}`}
                title={portfolio.name}
                subtitle={portfolio.leadName ? `Lead: ${portfolio.leadName}` : null}
                completeness={completenessOf.get(portfolio.id)}
                card={cards.get(portfolio.id)!}
                portfolioId={portfolio.id}
                frame={frame}
                updated={live.updated}
                onOpenCell={openCell}
              />
            ) : null,
          )}

          {live.scorecards.length > 0 && <RatingLegend />}
          <MoneyPanel officeId={officeId!} year={frame.selected.year} />
          <PipelineTimeline officeId={officeId!} portfolioId={portfolioFilter} asOf={quarterEndDate(frame.selected.year, frame.selected.quarter)} />
          <RiskHeatMap officeId={officeId!} portfolioId={portfolioFilter} />

          <ScorecardFeed officeId={officeId!} periodId={frame.selected!.id} onEvent={live.applyEvent} onResync={live.refresh} />

          {openData && (
            <CellDrilldown
              key={`${open!.portfolioId}:${open!.indicatorId}:${open!.periodId}`}
              open={openData.open}
              scopeName={nameOf(openData.open.portfolioId)}
              period={openData.period}
              officeId={officeId!}
              includeSubmitted={includeSubmitted}
              canSetTarget={!readOnly}
              onClose={closeCell}
              onTargetSaved={live.refresh}
            />
          )}
        </>
      )}
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="board-announcer">
        {announcement}
      </div>
    </div>
  );
}

function ScorecardSection({
  id,
  title,
  subtitle,
  completeness,
  card,
  portfolioId,
  frame,
  updated,
  onOpenCell,
}: {
  id: string;
  title: string;
  subtitle: string | null;
  completeness?: { due: number; submitted: number; accepted: number; late: number; missing: number };
  card: ReturnType<typeof useLiveScorecards>["scorecards"][number];
  portfolioId: number | null;
  frame: ReturnType<typeof useBoardFrame>;
  updated: ReadonlySet<string>;
  onOpenCell: (cell: OpenCell) => void;
}) {
  const headingId = `${id}-heading`;
  return (
    <section className="board-section scorecard-section print-break" aria-labelledby={headingId} data-testid={id}>
      <div className="scorecard-section__head">
        <h2 id={headingId}>{title}</h2>
        {subtitle && <p className="scorecard-section__lead">{subtitle}</p>}
        {completeness && (
          <p className="scorecard-section__returns">
            {frame.selected!.label}: {completeness.accepted} of {completeness.due} returns accepted, {completeness.submitted - completeness.accepted} awaiting review or sent back, {completeness.missing} missing
            {completeness.late ? `, ${completeness.late} late` : ""}
          </p>
        )}
      </div>
      <ScorecardGrid labelledBy={headingId} portfolioId={portfolioId} rows={card.rows} periods={frame.window} selectedPeriodId={frame.selected!.id} updated={updated} onOpenCell={onOpenCell} />
    </section>
  );
}
