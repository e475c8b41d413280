import { useId, useMemo, useState, type ReactNode } from "react";
import { useClient, useQuery } from "urql";
import { RagBadge } from "../../components/rag-badge";
import { describeError } from "../../errors";
import { formatDate, formatDateTime, formatMoney, formatPence, formatValue, ragLabel } from "../../format";
import { graphql } from "../../gql";
import { BoardMoneyQueryDocument } from "../../features/money/money-summary";
import type { BoardMoneyQuery, ExplorerFrozenQuartersQuery, ExplorerScorecardsQuery, MeasureUnit } from "../../gql/graphql";
import { useOfficeId, useQuarterId } from "../../url-state";
import { downloadCsv, fileSlug, toCsv, type CsvCell } from "../../components/data-table/csv";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import "./explorer.css";

const PeriodsQuery = graphql(`
  query ExplorerPeriods($officeId: Int!) {
    reportingPeriods(officeId: $officeId) {
      id
      label
      year
      quarter
      state
    }
    offices {
      id
      name
    }
  }
`);

const ScorecardsQuery = graphql(`
  query ExplorerScorecards($officeId: Int!, $periodId: Int!) {
    scorecards(officeId: $officeId, periodIds: [$periodId]) {
      portfolioId
      portfolio {
        id
        name
      }
      rows {
        indicatorId
        indicator {
          id
          code
          name
          unit
        }
        cells {
          periodId
          label
          actual
          target
          rag
          returnsIn
          returnsDue
          complete
          targetBasis
          provisional
        }
      }
    }
  }
`);

// The board's money query: the same figures, one document.
const MoneyQuery = BoardMoneyQueryDocument;

const ContractsQuery = graphql(`
  query ExplorerContracts($officeId: Int!, $first: Int!, $offset: Int!, $year: String!) {
    contracts(officeId: $officeId, first: $first, offset: $offset) {
      totalCount
      hasMore
      items {
        id
        reference
        title
        status
        stage
        mechanism
        annualValuePence
        fundingPence(year: $year)
        reportingSchedule
        startDate
        endDate
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
`);

const FrozenQuartersQuery = graphql(`
  query ExplorerFrozenQuarters($officeId: Int!) {
    frozenQuarters(officeId: $officeId) {
      frozenAt
      frozenBy {
        id
        name
      }
      period {
        id
        label
      }
      restatements {
        portfolioId
        indicatorId
        frozenActual
        currentActual
        frozenReturnsIn
        currentReturnsIn
        frozenTarget
        currentTarget
        frozenRag
        currentRag
        causes {
          kind
          reason
          at
          by {
            name
          }
        }
      }
      moneyRestatements {
        kind
        id
        name
        figure
        frozenPence
        currentPence
        causes {
          kind
          reason
          at
          by {
            name
          }
        }
      }
      scorecards {
        portfolioId
        portfolio {
          id
          name
        }
        rows {
          indicatorId
          indicator {
            id
            code
            name
            unit
          }
          cells {
            periodId
            actual
            target
            rag
            returnsIn
            returnsDue
            complete
            targetBasis
          }
        }
      }
    }
  }
`);

const CONTRACTS_PAGE = 20;

type PortfolioMoney = NonNullable<BoardMoneyQuery["moneySummary"]>["portfolios"][number] & { year: string; name: string };
const portfolioCol = tableColumns<PortfolioMoney>();
const moneyColumn = (key: "allocatedPence" | "committedPence" | "plannedPence" | "spentPence" | "remainingPence", header: string) =>
  portfolioCol.accessor(key, {
    header,
    cell: (info) => <span className={info.getValue() < 0 ? "ex-negative" : undefined}>{formatMoney(info.getValue())}</span>,
    meta: { numeric: true, label: `${header} (£)`, exportValue: (p: PortfolioMoney) => pounds(p[key]), excelFormat: "£#,##0.00" },
  });
const PORTFOLIO_COLUMNS: DataColumn<PortfolioMoney>[] = [
  portfolioCol.accessor("year", { header: "Year", meta: { exportOnly: true } }),
  portfolioCol.accessor("name", { header: "Portfolio", meta: { rowHeader: true } }),
  moneyColumn("allocatedPence", "Allocated"),
  moneyColumn("committedPence", "Committed"),
  moneyColumn("plannedPence", "Planned"),
  moneyColumn("spentPence", "Spent"),
  moneyColumn("remainingPence", "Remaining"),
];
const OFFICE_TOTAL = "Office total";

/** Figures in CSV files: plain numbers, rounded so 91.81286549707602 reads 91.81. */
function csvNumber(value: number | null | undefined): number | null {
  if (value == null || !Number.isFinite(value)) return null;
  return Number.isInteger(value) ? value : Math.round(value * 100) / 100;
}

/** The newest quarter of a list, or null for none. */
function newestPeriod<P extends { year: string; quarter: number }>(periods: readonly P[]): P | null {
  return periods.reduce<P | null>((best, p) => (!best || p.year > best.year || (p.year === best.year && p.quarter > best.quarter) ? p : best), null);
}

/** The financial year today falls in ("2026-27" from 1 April 2026). */
function currentFinancialYear(now = new Date()): string {
  const start = now.getUTCMonth() >= 3 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}

function pounds(pence: number | null | undefined): number | null {
  return pence == null ? null : pence / 100;
}

function words(value: string): string {
  const text = value.replace(/_/g, " ").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export default function Explorer() {
  const [officeId] = useOfficeId();
  const [periodId] = useQuarterId();
  const [{ data: periodsData }] = useQuery({ query: PeriodsQuery, variables: { officeId: officeId ?? 0 }, pause: officeId == null });
  // The URL's quarter, or (when it names none of this office's quarters) the office's newest one; an office with
  // no quarters at all gets an empty state, never an endless "Loading".
  const periods = periodsData?.reportingPeriods ?? [];
  const period = periods.find((p) => p.id === periodId) ?? newestPeriod(periods);
  const periodsLoaded = periodsData != null;
  const office = periodsData?.offices.find((o) => o.id === officeId) ?? null;
  const year = period?.year ?? currentFinancialYear();

  return (
    <div className="ex">
      <h1>Data explorer</h1>
      <p className="ex-lede">
        The published figures behind the review board: scorecards, money, contracts and the quarters frozen for the Police and Crime Panel. Every table can be
        downloaded as a CSV file. For questions these tables don’t answer, ask the API directly in <a href="/graphiql/">GraphiQL</a>, which opens with example
        queries for common Panel questions.
      </p>
      <nav className="ex-contents" aria-label="On this page">
        <ul>
          <li>
            <a href="#ex-scorecards">Scorecards</a>
          </li>
          <li>
            <a href="#ex-money">Money</a>
          </li>
          <li>
            <a href="#ex-contracts">Contracts</a>
          </li>
          <li>
            <a href="#ex-frozen">Frozen quarters</a>
          </li>
          <li>
            <a href="/graphiql/">GraphiQL</a>
          </li>
        </ul>
      </nav>

      {officeId == null ? (
        <p role="status">Loading…</p>
      ) : (
        <>
          <ScorecardSection officeId={officeId} period={period} periodsLoaded={periodsLoaded} officeName={office?.name ?? ""} />
          <MoneySection officeId={officeId} year={periodsLoaded ? year : null} officeName={office?.name ?? ""} />
          {/* Another office starts again at its first page of contracts. */}
          <ContractsSection key={officeId} officeId={officeId} year={year} officeName={office?.name ?? ""} />
          <FrozenSection officeId={officeId} officeName={office?.name ?? ""} />
        </>
      )}
    </div>
  );
}

interface SectionProps {
  id: string;
  title: string;
  intro?: ReactNode;
  /** Words after "Download CSV" for screen readers, e.g. "of the scorecards". */
  downloadName?: string;
  onDownload?: () => void | Promise<void>;
  children: ReactNode;
}

function Section({ id, title, intro, downloadName, onDownload, children }: SectionProps) {
  const [busy, setBusy] = useState(false);
  return (
    <section className="ex-section" id={id} aria-labelledby={`${id}-title`} tabIndex={-1}>
      <div className="ex-section__head">
        <h2 id={`${id}-title`}>{title}</h2>
        {onDownload && (
          <button
            type="button"
            className="button button--secondary ex-download"
            aria-disabled={busy || undefined}
            onClick={async () => {
              if (busy) return;
              setBusy(true);
              try {
                await onDownload();
              } finally {
                setBusy(false);
              }
            }}
          >
            <span aria-hidden="true">⤓ </span>Download CSV<span className="visually-hidden"> {downloadName}</span>
          </button>
        )}
      </div>
      {intro && <div className="ex-intro">{intro}</div>}
      {children}
    </section>
  );
}

function Problem({ children }: { children: ReactNode }) {
  return (
    <p className="ex-error" role="alert">
      {children}
    </p>
  );
}

type ScorecardList = ExplorerScorecardsQuery["scorecards"];

/** Office total first, then portfolios by name; indicators by name. One line per portfolio × indicator. */
function scorecardLines(scorecards: ScorecardList, periodId: number) {
  const ordered = [...scorecards].sort((a, b) => (a.portfolioId == null ? -1 : b.portfolioId == null ? 1 : (a.portfolio?.name ?? "").localeCompare(b.portfolio?.name ?? "")));
  return ordered.flatMap((scorecard) =>
    [...scorecard.rows]
      .sort((a, b) => a.indicator.name.localeCompare(b.indicator.name))
      .map((row) => ({ portfolio: scorecard.portfolio?.name ?? OFFICE_TOTAL, portfolioId: scorecard.portfolioId ?? null, indicator: row.indicator, cell: row.cells.find((c) => c.periodId === periodId) ?? null }))
      .filter((line) => line.cell),
  );
}

function ScorecardSection({ officeId, period, periodsLoaded, officeName }: { officeId: number; period: { id: number; label: string } | null; periodsLoaded: boolean; officeName: string }) {
  const [{ data, error, fetching }] = useQuery({ query: ScorecardsQuery, variables: { officeId, periodId: period?.id ?? 0 }, pause: !period });
  const lines = useMemo(() => (data && period ? scorecardLines(data.scorecards, period.id) : []), [data, period]);

  function download() {
    if (!period) return;
    const rows: CsvCell[][] = lines.map(({ portfolio, indicator, cell }) => [
      period.label,
      portfolio,
      indicator.code,
      indicator.name,
      indicator.unit,
      csvNumber(cell!.actual),
      csvNumber(cell!.target),
      cell!.rag,
      ragLabel(cell!.rag),
      cell!.returnsIn,
      cell!.returnsDue,
      cell!.complete ? "yes" : "no",
      cell!.targetBasis,
    ]);
    downloadCsv(
      `scorecards-${fileSlug(officeName)}-${fileSlug(period.label)}.csv`,
      toCsv(["Quarter", "Portfolio", "Indicator code", "Indicator", "Unit", "Actual", "Target", "RAG", "Rating", "Returns in", "Returns due", "Complete", "Target basis"], rows),
    );
  }

  return (
    <Section
      id="ex-scorecards"
      title={period ? `Scorecards, ${period.label}` : "Scorecards"}
      downloadName="of the scorecards"
      onDownload={lines.length ? download : undefined}
      intro={<p>Each portfolio’s indicators for the quarter, from accepted returns only. “Returns” says how many of the returns due are counted.</p>}
    >
      {error && <Problem>{describeError(error)}</Problem>}
      {(fetching || !periodsLoaded) && !data && <p role="status">Loading scorecards…</p>}
      {periodsLoaded && !period && <p data-testid="explorer-no-quarters">This office has no reporting quarters yet, so there are no scorecards to show.</p>}
      {data && lines.length === 0 && <p>No indicators are reported for this quarter.</p>}
      {lines.length > 0 && (
        <div className="ex-scroll" role="region" aria-label="Scorecards table" tabIndex={0}>
          <table className="ex-table" data-testid="explorer-scorecards">
            <thead>
              <tr>
                <th scope="col">Portfolio</th>
                <th scope="col">Indicator</th>
                <th scope="col" className="ex-num">
                  Actual
                </th>
                <th scope="col" className="ex-num">
                  Target
                </th>
                <th scope="col">Rating</th>
                <th scope="col" className="ex-num">
                  Returns
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map(({ portfolio, portfolioId, indicator, cell }, index) => (
                <tr key={`${portfolioId}-${indicator.id}`} className={index > 0 && lines[index - 1].portfolio !== portfolio ? "ex-group-start" : undefined} data-testid={`explorer-row-${portfolioId ?? "office"}-${indicator.code}`}>
                  <th scope="row">{portfolio}</th>
                  <td>{indicator.name}</td>
                  <td className="ex-num">{formatValue(cell!.actual ?? null, indicator.unit)}</td>
                  <td className="ex-num">{cell!.target != null ? formatValue(cell!.target, indicator.unit) : "None set"}</td>
                  <td>
                    <RagBadge rag={cell!.rag} size="compact" />
                  </td>
                  <td className="ex-num" data-complete={cell!.complete ? "true" : "false"}>
                    {cell!.returnsIn} of {cell!.returnsDue}
                    {!cell!.complete && <span className="ex-incomplete"> (incomplete)</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function MoneySection({ officeId, year, officeName }: { officeId: number; year: string | null; officeName: string }) {
  const [{ data, error, fetching }] = useQuery({ query: MoneyQuery, variables: { officeId, year: year ?? "" }, pause: !year });
  const money = data?.moneySummary;
  const streamName = useMemo(() => new Map(money?.streams.map((s) => [s.streamId, s.name]) ?? []), [money]);
  const streams = useMemo(() => {
    if (!money) return [];
    // Child funds straight after their parent.
    const top = money.streams.filter((s) => s.parentId == null || !streamName.has(s.parentId));
    return top.flatMap((parent) => [parent, ...money.streams.filter((s) => s.parentId === parent.streamId)]);
  }, [money, streamName]);
  const portfolios = useMemo(
    () => [...(money?.portfolios ?? [])].sort((a, b) => (a.portfolioId == null ? 1 : b.portfolioId == null ? -1 : (a.portfolio?.name ?? "").localeCompare(b.portfolio?.name ?? ""))),
    [money],
  );

  function downloadStreams() {
    if (!money) return;
    downloadCsv(
      `money-by-stream-${fileSlug(officeName)}-${money.year}.csv`,
      toCsv(
        ["Year", "Funding stream", "Part of", "Amount (£)", "Allocated (£)", "Committed (£)", "Planned (£)", "Spent (£)", "Remaining (£)", "Warnings"],
        streams.map((s) => [money.year, s.name, s.parentId != null ? (streamName.get(s.parentId) ?? "") : "", pounds(s.amountPence), pounds(s.allocatedPence), pounds(s.committedPence), pounds(s.plannedPence), pounds(s.spentPence), pounds(s.remainingPence), s.warnings.join("; ")]),
      ),
    );
  }

  const portfolioRows = useMemo(() => portfolios.map((p) => ({ ...p, year: money!.year, name: p.portfolio?.name ?? "Pipeline and reserves" })), [portfolios, money]);

  return (
    <>
      <Section
        id="ex-money"
        title={year ? `Money by funding stream, ${year}` : "Money by funding stream"}
        downloadName="of money by funding stream"
        onDownload={money ? downloadStreams : undefined}
        intro={
          money ? (
            <p>
              {formatMoney(money.totalPence)} across every stream in {money.year}: {formatMoney(money.committedPence)} committed,{" "}
              {formatMoney(money.plannedPence)} planned and {formatMoney(money.spentPence)} spent so far.
            </p>
          ) : (
            <p>The financial year of the chosen quarter.</p>
          )
        }
      >
        {error && <Problem>{describeError(error)}</Problem>}
        {fetching && !data && <p role="status">Loading money…</p>}
        {money && (
          <div className="ex-scroll" role="region" aria-label="Money by funding stream table" tabIndex={0}>
            <table className="ex-table" data-testid="explorer-streams">
              <thead>
                <tr>
                  <th scope="col">Funding stream</th>
                  <th scope="col" className="ex-num">Amount</th>
                  <th scope="col" className="ex-num">Allocated</th>
                  <th scope="col" className="ex-num">Committed</th>
                  <th scope="col" className="ex-num">Planned</th>
                  <th scope="col" className="ex-num">Spent</th>
                  <th scope="col" className="ex-num">Remaining</th>
                </tr>
              </thead>
              <tbody>
                {streams.map((s) => (
                  <tr key={s.streamId}>
                    <th scope="row" className={s.parentId != null && streamName.has(s.parentId) ? "ex-child" : undefined}>
                      {s.name}
                      {s.parentId != null && streamName.has(s.parentId) && <span className="visually-hidden"> (part of {streamName.get(s.parentId)})</span>}
                      {s.warnings.map((warning) => (
                        <span key={warning} className="ex-warning">
                          <span aria-hidden="true">⚠ </span>
                          {warning}
                        </span>
                      ))}
                    </th>
                    <td className="ex-num">{formatMoney(s.amountPence)}</td>
                    <td className="ex-num">{formatMoney(s.allocatedPence)}</td>
                    <td className="ex-num">{formatMoney(s.committedPence)}</td>
                    <td className="ex-num">{formatMoney(s.plannedPence)}</td>
                    <td className="ex-num">{formatMoney(s.spentPence)}</td>
                    <td className={`ex-num${s.remainingPence < 0 ? " ex-negative" : ""}`}>{formatMoney(s.remainingPence)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section id="ex-money-portfolios" title={year ? `Money by portfolio, ${year}` : "Money by portfolio"}>
        {money && (
          <DataTable
            caption={`Money by portfolio, ${money.year}`}
            captionHidden
            data={portfolioRows}
            columns={PORTFOLIO_COLUMNS}
            getRowId={(p) => String(p.portfolioId ?? "pipeline")}
            exportName={`money-by-portfolio-${fileSlug(officeName)}-${money.year}`}
            searchLabel="Search portfolios"
            testId="explorer-portfolios"
            pageSize={0}
          />
        )}
      </Section>
    </>
  );
}

function ContractsSection({ officeId, year, officeName }: { officeId: number; year: string; officeName: string }) {
  const client = useClient();
  const [page, setPage] = useState(0);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [{ data, error, fetching }] = useQuery({ query: ContractsQuery, variables: { officeId, first: CONTRACTS_PAGE, offset: page * CONTRACTS_PAGE, year } });
  const contracts = data?.contracts;
  const pages = contracts ? Math.max(1, Math.ceil(contracts.totalCount / CONTRACTS_PAGE)) : 1;
  const from = page * CONTRACTS_PAGE + 1;
  const to = Math.min((page + 1) * CONTRACTS_PAGE, contracts?.totalCount ?? 0);

  /** Every contract, not only this page: the pages are fetched one after another. */
  async function download() {
    setDownloadError(null);
    const all: NonNullable<typeof contracts>["items"] = [];
    for (let offset = 0; ; offset += 100) {
      const result = await client.query(ContractsQuery, { officeId, first: 100, offset, year }, { requestPolicy: "network-only" }).toPromise();
      if (!result.data) {
        setDownloadError(result.error ? describeError(result.error) : "The contracts could not be loaded.");
        return;
      }
      all.push(...result.data.contracts.items);
      if (!result.data.contracts.hasMore) break;
    }
    downloadCsv(
      `contracts-${fileSlug(officeName)}.csv`,
      toCsv(
        ["Reference", "Title", "Provider", "Portfolio", "Status", "Stage", "Mechanism", `Office funding ${year} (£)`, "Whole annual value, all funders (£)", "Reporting", "Start date", "End date"],
        all.map((c) => [c.reference, c.title, c.provider.name, c.portfolio.name, c.status, c.stage, c.mechanism, pounds(c.fundingPence), pounds(c.annualValuePence), c.reportingSchedule, c.startDate, c.endDate]),
      ),
    );
  }

  return (
    <Section id="ex-contracts" title="Contracts" downloadName="of every contract" onDownload={contracts?.totalCount ? download : undefined} intro={<p>Every contract of the office, with the office’s funding for it in {year}: its committed and planned funding lines, the figures the money summary adds up. The CSV file has all of them, not just this page.</p>}>
      {error && <Problem>{describeError(error)}</Problem>}
      {downloadError && <Problem>{downloadError}</Problem>}
      {fetching && !data && <p role="status">Loading contracts…</p>}
      {contracts && contracts.items.length > 0 && (
        <>
          <div className="ex-scroll" role="region" aria-label="Contracts table" tabIndex={0}>
            <table className="ex-table" data-testid="explorer-contracts">
              <thead>
                <tr>
                  <th scope="col">Reference</th>
                  <th scope="col">Service</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Portfolio</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="ex-num">
                    Funding {year}
                  </th>
                  <th scope="col">Ends</th>
                </tr>
              </thead>
              <tbody>
                {contracts.items.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.reference}</th>
                    <td>{c.title}</td>
                    <td>{c.provider.name}</td>
                    <td>{c.portfolio.name}</td>
                    <td>{words(c.status)}</td>
                    <td className="ex-num">{c.fundingPence != null ? formatMoney(c.fundingPence) : "–"}</td>
                    <td>{c.endDate ? formatDate(c.endDate) : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="ex-pager" aria-label="Contract pages">
            <button type="button" className="button button--secondary" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}>
              <span aria-hidden="true">← </span>Previous<span className="visually-hidden"> contracts</span>
            </button>
            <p className="ex-pager__status" role="status">
              {from} to {to} of {contracts.totalCount} contracts (page {page + 1} of {pages})
            </p>
            <button type="button" className="button button--secondary" disabled={!contracts.hasMore} onClick={() => setPage((p) => p + 1)}>
              Next<span className="visually-hidden"> contracts</span>
              <span aria-hidden="true"> →</span>
            </button>
          </nav>
        </>
      )}
      {contracts && contracts.totalCount === 0 && <p>The office has no contracts.</p>}
    </Section>
  );
}

type FrozenQuarter = ExplorerFrozenQuartersQuery["frozenQuarters"][number];

function FrozenSection({ officeId, officeName }: { officeId: number; officeName: string }) {
  const [{ data, error, fetching }] = useQuery({ query: FrozenQuartersQuery, variables: { officeId }, requestPolicy: "cache-and-network" });
  return (
    <Section
      id="ex-frozen"
      title="Frozen quarters"
      downloadName=""
      intro={
        <p>
          When a quarter is frozen, its scorecards are kept exactly as the Panel was shown them. A figure corrected later is not changed silently: it is listed here as a
          restatement, next to what was frozen.
        </p>
      }
    >
      {error && <Problem>{describeError(error)}</Problem>}
      {fetching && !data && <p role="status">Loading frozen quarters…</p>}
      {data && data.frozenQuarters.length === 0 && <p>No quarter has been frozen yet.</p>}
      {data?.frozenQuarters.map((quarter) => <FrozenQuarterView key={quarter.period.id} quarter={quarter} officeName={officeName} />)}
    </Section>
  );
}

function FrozenQuarterView({ quarter, officeName }: { quarter: FrozenQuarter; officeName: string }) {
  const headingId = useId();
  const lines = useMemo(() => {
    const ordered = [...quarter.scorecards].sort((a, b) => (a.portfolioId == null ? -1 : b.portfolioId == null ? 1 : (a.portfolio?.name ?? "").localeCompare(b.portfolio?.name ?? "")));
    return ordered.flatMap((scorecard) =>
      [...scorecard.rows]
        .sort((a, b) => a.indicator.name.localeCompare(b.indicator.name))
        .map((row) => {
          const cell = row.cells.find((c) => c.periodId === quarter.period.id) ?? row.cells[0] ?? null;
          const restatement = quarter.restatements.find((r) => (r.portfolioId ?? null) === (scorecard.portfolioId ?? null) && r.indicatorId === row.indicatorId) ?? null;
          return { portfolio: scorecard.portfolio?.name ?? OFFICE_TOTAL, portfolioId: scorecard.portfolioId ?? null, indicator: row.indicator, cell, restatement };
        })
        .filter((line) => line.cell),
    );
  }, [quarter]);
  const restated = lines.filter((line) => line.restatement);

  function download() {
    downloadCsv(
      `frozen-${fileSlug(officeName)}-${fileSlug(quarter.period.label)}.csv`,
      toCsv(
        ["Quarter", "Frozen at", "Portfolio", "Indicator code", "Indicator", "Unit", "Frozen actual", "Target", "RAG", "Returns in", "Returns due", "Complete", "Restated", "Actual now", "Returns in now"],
        lines.map(({ portfolio, indicator, cell, restatement }) => [
          quarter.period.label,
          quarter.frozenAt,
          portfolio,
          indicator.code,
          indicator.name,
          indicator.unit,
          csvNumber(cell!.actual),
          csvNumber(cell!.target),
          cell!.rag,
          cell!.returnsIn,
          cell!.returnsDue,
          cell!.complete ? "yes" : "no",
          restatement ? "yes" : "no",
          restatement ? csvNumber(restatement.currentActual) : null,
          restatement ? restatement.currentReturnsIn : null,
        ]),
      ),
    );
  }

  return (
    <article className="ex-frozen" aria-labelledby={headingId} data-testid={`frozen-${quarter.period.id}`}>
      <div className="ex-section__head">
        <h3 id={headingId}>{quarter.period.label}</h3>
        <button type="button" className="button button--secondary ex-download" onClick={download}>
          <span aria-hidden="true">⤓ </span>Download CSV<span className="visually-hidden"> of {quarter.period.label} as frozen</span>
        </button>
      </div>
      <p className="ex-muted">
        Frozen on {formatDateTime(quarter.frozenAt)} by {quarter.frozenBy.name}.{" "}
        {restated.length === 0 ? "No figure has changed since." : `${restated.length === 1 ? "1 figure has" : `${restated.length} figures have`} been restated since.`}
      </p>
      {restated.length > 0 && (
        <ul className="ex-restatements" data-testid="restatements">
          {restated.map(({ portfolio, indicator, restatement }) => (
            <li key={`${restatement!.portfolioId}-${restatement!.indicatorId}`} className="ex-restated">
              <span className="ex-restated__tag">
                <span aria-hidden="true">◆ </span>Restated
              </span>{" "}
              <strong>
                {portfolio}, {indicator.name}
              </strong>
              : {restatementText(restatement!, indicator.unit)}
            </li>
          ))}
        </ul>
      )}
      {quarter.moneyRestatements.length > 0 && (
        <ul className="ex-restatements" data-testid="money-restatements">
          {quarter.moneyRestatements.map((r) => (
            <li key={`${r.kind}-${r.id}-${r.figure}`} className="ex-restated">
              <span className="ex-restated__tag">
                <span aria-hidden="true">◆ </span>Money restated
              </span>{" "}
              <strong>
                {r.name}, {r.figure.replace("Pence", "")}
              </strong>
              : frozen {formatPence(r.frozenPence)} → now {formatPence(r.currentPence)}
              {causesText(r.causes)}
            </li>
          ))}
        </ul>
      )}
      <div className="ex-scroll" role="region" aria-label={`${quarter.period.label} as frozen, table`} tabIndex={0}>
        <table className="ex-table ex-table--compact">
          <caption className="visually-hidden">Scorecards of {quarter.period.label} as frozen</caption>
          <thead>
            <tr>
              <th scope="col">Portfolio</th>
              <th scope="col">Indicator</th>
              <th scope="col" className="ex-num">
                Frozen actual
              </th>
              <th scope="col" className="ex-num">
                Target
              </th>
              <th scope="col">Rating</th>
              <th scope="col" className="ex-num">
                Returns
              </th>
              <th scope="col">Since the freeze</th>
            </tr>
          </thead>
          <tbody>
            {lines.map(({ portfolio, portfolioId, indicator, cell, restatement }) => (
              <tr key={`${portfolioId}-${indicator.id}`} className={restatement ? "ex-row--restated" : undefined}>
                <th scope="row">{portfolio}</th>
                <td>{indicator.name}</td>
                <td className="ex-num">{formatValue(cell!.actual ?? null, indicator.unit)}</td>
                <td className="ex-num">{cell!.target != null ? formatValue(cell!.target, indicator.unit) : "None set"}</td>
                <td>
                  <RagBadge rag={cell!.rag} size="compact" />
                </td>
                <td className="ex-num" data-complete={cell!.complete ? "true" : "false"}>
                  {cell!.returnsIn} of {cell!.returnsDue}
                  {!cell!.complete && <span className="ex-incomplete"> (incomplete)</span>}
                </td>
                <td>{restatement ? <strong className="ex-restated__inline">{restatementText(restatement, indicator.unit)}</strong> : <span className="ex-muted">Unchanged</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

const CHANGE_LABELS: Record<string, string> = {
  RETURN_REOPENED: "return opened for correction",
  RETURN_CORRECTED: "corrected return accepted",
  TARGET_CHANGED: "target changed",
  FUNDING_CHANGED: "funding changed",
};

/** "target changed by Demo Commissioning Officer on 1 Dec 2026, 09:12: Panel agreed a stretch target". */
function causesText(causes: FrozenQuarter["restatements"][number]["causes"]): string {
  if (!causes.length) return "";
  return ` — ${causes.map((c) => `${CHANGE_LABELS[c.kind] ?? c.kind} by ${c.by?.name ?? "someone"} on ${formatDateTime(c.at)}${c.reason ? `: ${c.reason.replace(/[.;]+$/, "")}` : ""}`).join("; ")}`;
}

function restatementText(r: FrozenQuarter["restatements"][number], unit: MeasureUnit): string {
  const returns = r.frozenReturnsIn !== r.currentReturnsIn ? ` (from ${r.frozenReturnsIn} to ${r.currentReturnsIn} returns)` : "";
  const figure = r.frozenActual !== r.currentActual ? `frozen ${formatValue(r.frozenActual ?? null, unit)} → now ${formatValue(r.currentActual ?? null, unit)}${returns}` : `${formatValue(r.currentActual ?? null, unit)} unchanged`;
  const target = r.frozenTarget !== r.currentTarget ? `; target ${r.frozenTarget != null ? formatValue(r.frozenTarget, unit) : "none"} → ${r.currentTarget != null ? formatValue(r.currentTarget, unit) : "none"}` : "";
  const rating = r.frozenRag !== r.currentRag ? `; rating ${ragLabel(r.frozenRag)} → ${ragLabel(r.currentRag)}` : "";
  return `Restated: ${figure}${target}${rating}${causesText(r.causes)}`;
}
