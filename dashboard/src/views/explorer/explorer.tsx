import { useEffect, useId, useMemo, useState, type ReactNode } from "react";
import { useClient, useQuery } from "urql";
import { RagBadge } from "../../components/rag-badge";
import { describeError } from "../../errors";
import { formatDate, formatDateTime, formatMoney, formatPence, formatValue, ragLabel } from "../../format";
import { graphql, useFragment } from "../../gql";
import { ScorecardCellFields } from "../../features/scorecards/scorecard-fragments";
import { BoardMoneyQueryDocument } from "../../features/money/money-summary";
import type { BoardMoneyQuery, ExplorerContractsQuery, ExplorerFrozenQuartersQuery, ExplorerScorecardsQuery, MeasureUnit, ScorecardCellFieldsFragment } from "../../gql/graphql";
import { useOfficeId, useQuarterId } from "../../url-state";
import { DataTable, fileSlug, tableColumns, type DataColumn } from "../../components/data-table/data-table";
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
  query ExplorerScorecards($officeId: Int!, $periodIds: [Int!]!) {
    scorecards(officeId: $officeId, periodIds: $periodIds) {
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
          ...ScorecardCellFields
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

type StreamMoney = NonNullable<BoardMoneyQuery["moneySummary"]>["streams"][number] & { year: string; parentName: string };
const streamCol = tableColumns<StreamMoney>();
const streamMoney = (key: "amountPence" | "allocatedPence" | "committedPence" | "plannedPence" | "spentPence" | "remainingPence", header: string) =>
  streamCol.accessor(key, {
    header,
    cell: (info) => <span className={info.getValue() < 0 ? "ex-negative" : undefined}>{formatMoney(info.getValue())}</span>,
    meta: { numeric: true, label: `${header} (£)`, exportValue: (r: StreamMoney) => pounds(r[key]), excelFormat: "£#,##0.00" },
  });
const STREAM_COLUMNS: DataColumn<StreamMoney>[] = [
  streamCol.accessor("year", { header: "Year", meta: { exportOnly: true } }),
  streamCol.accessor("name", {
    header: "Funding stream",
    cell: ({ row: { original: st } }) => (
      <span className={st.parentName ? "ex-child" : undefined}>
        {st.name}
        {st.parentName && <span className="visually-hidden"> (part of {st.parentName})</span>}
        {st.warnings.map((warning) => (
          <span key={warning} className="ex-warning">
            <span aria-hidden="true">⚠ </span>
            {warning}
          </span>
        ))}
      </span>
    ),
    meta: { rowHeader: true },
  }),
  streamCol.accessor("parentName", { header: "Part of", meta: { exportOnly: true } }),
  streamMoney("amountPence", "Amount"),
  streamMoney("allocatedPence", "Allocated"),
  streamMoney("committedPence", "Committed"),
  streamMoney("plannedPence", "Planned"),
  streamMoney("spentPence", "Spent"),
  streamMoney("remainingPence", "Remaining"),
  streamCol.accessor((r) => r.warnings.join("; "), { id: "warnings", header: "Warnings", meta: { exportOnly: true } }),
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
          {/* Another office or quarter starts the from–to range again at that quarter. */}
          <ScorecardSection key={`${officeId}-${period?.id}`} officeId={officeId} period={period} periods={periods} periodsLoaded={periodsLoaded} officeName={office?.name ?? ""} />
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
  children: ReactNode;
}

/** One part of the explorer; its tables carry their own search and downloads. */
function Section({ id, title, intro, children }: SectionProps) {
  return (
    <section className="ex-section" id={id} aria-labelledby={`${id}-title`} tabIndex={-1}>
      <div className="ex-section__head">
        <h2 id={`${id}-title`}>{title}</h2>
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
type ExplorerPeriod = { id: number; label: string; year: string; quarter: number };

interface ScorecardLine {
  key: string;
  quarter: string;
  order: number;
  portfolio: string;
  portfolioId: number | null;
  code: string;
  indicator: string;
  unit: MeasureUnit;
  cell: ScorecardCellFieldsFragment;
}

const periodOrder = (p: { year: string; quarter: number }) => Number(p.year.slice(0, 4)) * 4 + p.quarter;

/** Quarters in order, office total first, then portfolios and indicators by name. One line per portfolio × indicator × quarter. */
function scorecardLines(scorecards: ScorecardList, periods: readonly ExplorerPeriod[]): ScorecardLine[] {
  const ordered = [...scorecards].sort((a, b) => (a.portfolioId == null ? -1 : b.portfolioId == null ? 1 : (a.portfolio?.name ?? "").localeCompare(b.portfolio?.name ?? "")));
  return periods.flatMap((period) =>
    ordered.flatMap((scorecard) =>
      [...scorecard.rows]
        .sort((a, b) => a.indicator.name.localeCompare(b.indicator.name))
        .flatMap((row) => {
          const cell = useFragment(ScorecardCellFields, row.cells).find((c) => c.periodId === period.id);
          if (!cell) return [];
          const portfolioId = scorecard.portfolioId ?? null;
          return [{ key: `${period.id}-${portfolioId ?? "office"}-${row.indicator.id}`, quarter: period.label, order: periodOrder(period), portfolio: scorecard.portfolio?.name ?? OFFICE_TOTAL, portfolioId, code: row.indicator.code, indicator: row.indicator.name, unit: row.indicator.unit, cell }];
        }),
    ),
  );
}

const lineCol = tableColumns<ScorecardLine>();
const SCORECARD_COLUMNS: DataColumn<ScorecardLine>[] = [
  lineCol.accessor("quarter", { header: "Quarter", sortFn: (a, b) => a.original.order - b.original.order, meta: { filter: "select" } }),
  lineCol.accessor("portfolio", { header: "Portfolio", meta: { rowHeader: true, filter: "select" } }),
  lineCol.accessor("code", { header: "Indicator code", meta: { exportOnly: true } }),
  lineCol.accessor("indicator", { header: "Indicator" }),
  lineCol.accessor("unit", { header: "Unit", meta: { exportOnly: true } }),
  lineCol.accessor((l) => l.cell.actual ?? null, {
    id: "actual",
    header: "Actual",
    cell: ({ row: { original: l } }) => formatValue(l.cell.actual ?? null, l.unit),
    meta: { numeric: true, exportValue: (l: ScorecardLine) => csvNumber(l.cell.actual) },
  }),
  lineCol.accessor((l) => l.cell.target ?? null, {
    id: "target",
    header: "Target",
    cell: ({ row: { original: l } }) => (l.cell.target != null ? formatValue(l.cell.target, l.unit) : "None set"),
    meta: { numeric: true, exportValue: (l: ScorecardLine) => csvNumber(l.cell.target) },
  }),
  lineCol.accessor((l) => l.cell.rag, { id: "rag", header: "RAG", meta: { exportOnly: true } }),
  lineCol.accessor((l) => ragLabel(l.cell.rag), { id: "rating", header: "Rating", cell: ({ row: { original: l } }) => <RagBadge rag={l.cell.rag} size="compact" />, meta: { filter: "select" } }),
  lineCol.accessor((l) => l.cell.returnsIn, {
    id: "returns",
    header: "Returns",
    cell: ({ row: { original: l } }) => (
      <span data-complete={l.cell.complete ? "true" : "false"}>
        {l.cell.returnsIn} of {l.cell.returnsDue}
        {!l.cell.complete && <span className="ex-incomplete"> (incomplete)</span>}
      </span>
    ),
    meta: { numeric: true, label: "Returns in" },
  }),
  lineCol.accessor((l) => l.cell.returnsDue, { id: "returnsDue", header: "Returns due", meta: { exportOnly: true } }),
  lineCol.accessor((l) => (l.cell.complete ? "yes" : "no"), { id: "complete", header: "Complete", meta: { exportOnly: true } }),
  lineCol.accessor((l) => l.cell.targetBasis, { id: "targetBasis", header: "Target basis", meta: { exportOnly: true } }),
];

function QuarterSelect({ label, value, periods, onChange }: { label: string; value: number; periods: readonly ExplorerPeriod[]; onChange: (id: number) => void }) {
  const id = useId();
  return (
    <div className="data-table__filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="data-table__input" value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {periods.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function ScorecardSection({ officeId, period, periods, periodsLoaded, officeName }: { officeId: number; period: ExplorerPeriod | null; periods: readonly ExplorerPeriod[]; periodsLoaded: boolean; officeName: string }) {
  // From–to: the quarter picked above by default; any run of the office's quarters on request.
  const sorted = useMemo(() => [...periods].sort((a, b) => periodOrder(a) - periodOrder(b)), [periods]);
  const [range, setRange] = useState<{ from: number; to: number } | null>(null);
  const from = sorted.find((p) => p.id === range?.from) ?? period;
  const to = sorted.find((p) => p.id === range?.to) ?? period;
  const chosen = useMemo(() => (from && to ? sorted.filter((p) => periodOrder(p) >= Math.min(periodOrder(from), periodOrder(to)) && periodOrder(p) <= Math.max(periodOrder(from), periodOrder(to))) : []), [sorted, from, to]);
  const periodIds = useMemo(() => chosen.map((p) => p.id), [chosen]);
  const [{ data, error, fetching }] = useQuery({ query: ScorecardsQuery, variables: { officeId, periodIds }, pause: periodIds.length === 0 });
  const lines = useMemo(() => (data ? scorecardLines(data.scorecards, chosen) : []), [data, chosen]);
  const single = chosen.length === 1;
  const span = chosen.length ? (single ? chosen[0].label : `${chosen[0].label} to ${chosen[chosen.length - 1].label}`) : "";
  const pick = (which: "from" | "to") => (id: number) => setRange({ from: from?.id ?? id, to: to?.id ?? id, [which]: id });

  return (
    <Section
      id="ex-scorecards"
      title={span ? `Scorecards, ${span}` : "Scorecards"}
      intro={<p>Each portfolio’s indicators for the quarters chosen, from accepted returns only. “Returns” says how many of the returns due are counted.</p>}
    >
      {error && <Problem>{describeError(error)}</Problem>}
      {(fetching || !periodsLoaded) && !data && <p role="status">Loading scorecards…</p>}
      {periodsLoaded && !period && <p data-testid="explorer-no-quarters">This office has no reporting quarters yet, so there are no scorecards to show.</p>}
      {from && to && (
        <div className="ex-range" role="group" aria-label="Quarters shown">
          <QuarterSelect label="From quarter" value={from.id} periods={sorted} onChange={pick("from")} />
          <QuarterSelect label="To quarter" value={to.id} periods={sorted} onChange={pick("to")} />
        </div>
      )}
      {data && lines.length === 0 && <p>No indicators are reported for these quarters.</p>}
      {lines.length > 0 && (
        <DataTable
          caption={`Scorecards, ${span}`}
          captionHidden
          data={lines}
          columns={SCORECARD_COLUMNS}
          getRowId={(l) => l.key}
          exportName={`scorecards-${fileSlug(officeName)}-${fileSlug(chosen[0].label)}${single ? "" : `-to-${fileSlug(chosen[chosen.length - 1].label)}`}`}
          searchLabel="Search scorecards"
          pageSize={50}
          testId="explorer-scorecards"
          rowTestId={(l) => `explorer-row-${l.portfolioId ?? "office"}-${l.code}${single ? "" : `-${l.cell.periodId}`}`}
          rowClassName={(l, index) => (index > 0 && lines[index - 1]?.portfolio !== l.portfolio && lines[index - 1]?.quarter === l.quarter ? "ex-group-start" : undefined)}
        />
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

  const streamRows = useMemo(() => streams.map((st) => ({ ...st, year: money!.year, parentName: st.parentId != null ? (streamName.get(st.parentId) ?? "") : "" })), [streams, streamName, money]);

  const portfolioRows = useMemo(() => portfolios.map((p) => ({ ...p, year: money!.year, name: p.portfolio?.name ?? "Pipeline and reserves" })), [portfolios, money]);

  return (
    <>
      <Section
        id="ex-money"
        title={year ? `Money by funding stream, ${year}` : "Money by funding stream"}
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
          <DataTable
            caption={`Money by funding stream, ${money.year}`}
            captionHidden
            data={streamRows}
            columns={STREAM_COLUMNS}
            getRowId={(r) => String(r.streamId)}
            exportName={`money-by-stream-${fileSlug(officeName)}-${money.year}`}
            searchLabel="Search funding streams"
            testId="explorer-streams"
            pageSize={0}
          />
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

type ContractItem = ExplorerContractsQuery["contracts"]["items"][number];
const contractCol = tableColumns<ContractItem>();

function contractColumns(year: string): DataColumn<ContractItem>[] {
  return [
    contractCol.accessor("reference", { header: "Reference", meta: { rowHeader: true } }),
    contractCol.accessor("title", { header: "Service", meta: { label: "Title" } }),
    contractCol.accessor((c) => c.provider.name, { id: "provider", header: "Provider", meta: { filter: "select" } }),
    contractCol.accessor((c) => c.portfolio.name, { id: "portfolio", header: "Portfolio", meta: { filter: "select" } }),
    contractCol.accessor((c) => words(c.status), { id: "status", header: "Status", meta: { filter: "select", exportValue: (c: ContractItem) => c.status } }),
    contractCol.accessor("stage", { header: "Stage", meta: { exportOnly: true } }),
    contractCol.accessor("mechanism", { header: "Mechanism", meta: { exportOnly: true } }),
    contractCol.accessor((c) => c.fundingPence ?? null, {
      id: "funding",
      header: `Funding ${year}`,
      cell: (info) => (info.getValue() != null ? formatMoney(info.getValue()) : "–"),
      meta: { numeric: true, label: `Office funding ${year} (£)`, exportValue: (c: ContractItem) => pounds(c.fundingPence), excelFormat: "£#,##0.00" },
    }),
    contractCol.accessor("annualValuePence", { header: "Whole annual value", meta: { exportOnly: true, label: "Whole annual value, all funders (£)", exportValue: (c: ContractItem) => pounds(c.annualValuePence), excelFormat: "£#,##0.00" } }),
    contractCol.accessor("reportingSchedule", { header: "Reporting", meta: { exportOnly: true } }),
    contractCol.accessor((c) => c.startDate ?? "", { id: "start", header: "Start date", meta: { exportOnly: true } }),
    contractCol.accessor((c) => c.endDate ?? "", { id: "end", header: "Ends", cell: (info) => (info.getValue() ? formatDate(info.getValue()) : "–"), meta: { label: "End date" } }),
  ];
}

/** Every contract of the office, fetched a page of 100 at a time, so the table sorts and searches all of them. */
function useAllContracts(officeId: number, year: string) {
  const client = useClient();
  const [state, setState] = useState<{ items: ContractItem[] | null; error: string | null }>({ items: null, error: null });
  useEffect(() => {
    let cancelled = false;
    setState({ items: null, error: null });
    (async () => {
      const all: ContractItem[] = [];
      for (let offset = 0; ; offset += 100) {
        const result = await client.query(ContractsQuery, { officeId, first: 100, offset, year }, { requestPolicy: "network-only" }).toPromise();
        if (cancelled) return;
        if (!result.data) return setState({ items: null, error: result.error ? describeError(result.error) : "The contracts could not be loaded." });
        all.push(...result.data.contracts.items);
        if (!result.data.contracts.hasMore) break;
      }
      setState({ items: all, error: null });
    })();
    return () => {
      cancelled = true;
    };
  }, [client, officeId, year]);
  return state;
}

function ContractsSection({ officeId, year, officeName }: { officeId: number; year: string; officeName: string }) {
  const { items, error } = useAllContracts(officeId, year);
  const columns = useMemo(() => contractColumns(year), [year]);
  return (
    <Section id="ex-contracts" title="Contracts" intro={<p>Every contract of the office, with the office’s funding for it in {year}: its committed and planned funding lines, the figures the money summary adds up. Downloads hold every contract the search and filters leave, not just this page.</p>}>
      {error && <Problem>{error}</Problem>}
      {!items && !error && <p role="status">Loading contracts…</p>}
      {items && (
        <DataTable
          caption="Contracts"
          captionHidden
          data={items}
          columns={columns}
          getRowId={(c) => String(c.id)}
          exportName={`contracts-${fileSlug(officeName)}`}
          searchLabel="Search contracts"
          pageSize={CONTRACTS_PAGE}
          testId="explorer-contracts"
          emptyMessage="The office has no contracts."
        />
      )}
    </Section>
  );
}

type FrozenQuarter = ExplorerFrozenQuartersQuery["frozenQuarters"][number];
type FrozenLine = {
  quarter: string;
  frozenAt: string;
  portfolio: string;
  portfolioId: number | null;
  indicator: FrozenQuarter["scorecards"][number]["rows"][number]["indicator"];
  cell: FrozenQuarter["scorecards"][number]["rows"][number]["cells"][number];
  restatement: FrozenQuarter["restatements"][number] | null;
};
const frozenCol = tableColumns<FrozenLine>();
const FROZEN_COLUMNS: DataColumn<FrozenLine>[] = [
  frozenCol.accessor("quarter", { header: "Quarter", meta: { exportOnly: true } }),
  frozenCol.accessor("frozenAt", { header: "Frozen at", meta: { exportOnly: true } }),
  frozenCol.accessor("portfolio", { header: "Portfolio", meta: { rowHeader: true, filter: "select" } }),
  frozenCol.accessor((l) => l.indicator.code, { id: "code", header: "Indicator code", meta: { exportOnly: true } }),
  frozenCol.accessor((l) => l.indicator.name, { id: "indicator", header: "Indicator" }),
  frozenCol.accessor((l) => l.indicator.unit, { id: "unit", header: "Unit", meta: { exportOnly: true } }),
  frozenCol.accessor((l) => l.cell.actual ?? null, { id: "actual", header: "Frozen actual", cell: ({ row: { original: l } }) => formatValue(l.cell.actual ?? null, l.indicator.unit), meta: { numeric: true, exportValue: (l: FrozenLine) => csvNumber(l.cell.actual) } }),
  frozenCol.accessor((l) => l.cell.target ?? null, { id: "target", header: "Target", cell: ({ row: { original: l } }) => (l.cell.target != null ? formatValue(l.cell.target, l.indicator.unit) : "None set"), meta: { numeric: true, exportValue: (l: FrozenLine) => csvNumber(l.cell.target) } }),
  frozenCol.accessor((l) => l.cell.rag, { id: "rag", header: "RAG", meta: { exportOnly: true } }),
  frozenCol.accessor((l) => ragLabel(l.cell.rag), { id: "rating", header: "Rating", cell: ({ row: { original: l } }) => <RagBadge rag={l.cell.rag} size="compact" /> }),
  frozenCol.accessor((l) => l.cell.returnsIn, {
    id: "returns",
    header: "Returns",
    cell: ({ row: { original: l } }) => (
      <span data-complete={l.cell.complete ? "true" : "false"}>
        {l.cell.returnsIn} of {l.cell.returnsDue}
        {!l.cell.complete && <span className="ex-incomplete"> (incomplete)</span>}
      </span>
    ),
    meta: { numeric: true, label: "Returns in" },
  }),
  frozenCol.accessor((l) => l.cell.returnsDue, { id: "returnsDue", header: "Returns due", meta: { exportOnly: true } }),
  frozenCol.accessor((l) => (l.cell.complete ? "yes" : "no"), { id: "complete", header: "Complete", meta: { exportOnly: true } }),
  frozenCol.accessor((l) => (l.restatement ? "yes" : "no"), {
    id: "restated",
    header: "Since the freeze",
    cell: ({ row: { original: l } }) => (l.restatement ? <strong className="ex-restated__inline">{restatementText(l.restatement, l.indicator.unit)}</strong> : <span className="ex-muted">Unchanged</span>),
    meta: { label: "Restated" },
  }),
  frozenCol.accessor((l) => (l.restatement ? csvNumber(l.restatement.currentActual) : null), { id: "actualNow", header: "Actual now", meta: { exportOnly: true } }),
  frozenCol.accessor((l) => l.restatement?.currentReturnsIn ?? null, { id: "returnsNow", header: "Returns in now", meta: { exportOnly: true } }),
];

function FrozenSection({ officeId, officeName }: { officeId: number; officeName: string }) {
  const [{ data, error, fetching }] = useQuery({ query: FrozenQuartersQuery, variables: { officeId }, requestPolicy: "cache-and-network" });
  return (
    <Section
      id="ex-frozen"
      title="Frozen quarters"
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
  const frozenRows = useMemo(() => lines.map((line) => ({ ...line, quarter: quarter.period.label, frozenAt: quarter.frozenAt, cell: line.cell! })), [lines, quarter]);

  return (
    <article className="ex-frozen" aria-labelledby={headingId} data-testid={`frozen-${quarter.period.id}`}>
      <div className="ex-section__head">
        <h3 id={headingId}>{quarter.period.label}</h3>
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
      <DataTable
        caption={`Scorecards of ${quarter.period.label} as frozen`}
        captionHidden
        data={frozenRows}
        columns={FROZEN_COLUMNS}
        getRowId={(l) => `${l.portfolioId ?? "office"}-${l.indicator.id}`}
        exportName={`frozen-${fileSlug(officeName)}-${fileSlug(quarter.period.label)}`}
        exportTitle={`${quarter.period.label} as frozen`}
        searchLabel={`Search ${quarter.period.label} as frozen`}
        pageSize={0}
        compact
        rowClassName={(l) => (l.restatement ? "ex-row--restated" : undefined)}
      />
    </article>
  );
}

const CHANGE_LABELS: Record<string, string> = {
  RETURN_REOPENED: "return opened for correction",
  RETURN_CORRECTED: "corrected return accepted",
  TARGET_CHANGED: "target changed",
  FUNDING_CHANGED: "funding changed",
  CONTRACT_CHANGED: "contract changed",
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
