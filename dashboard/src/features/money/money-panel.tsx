import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { describeError } from "../../errors";
import { formatMoney, formatMoneyShort, niceTicks } from "../../format";
import { useMemo } from "react";
import { DataTable, fileSlug, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import { useMoneySummary, type MoneySummaryData } from "./money-summary";
import "./money-panel.css";



/** Bar colours: distinct in hue and lightness, each at least 3:1 against white; the legend names them. */
const SERIES = {
  amount: { label: "Amount", colour: "#1b3a6b" },
  allocated: { label: "Allocated", colour: "#2f6db5" },
  committed: { label: "Committed", colour: "#0f766e" },
  planned: { label: "Planned", colour: "#7c3aed" },
  spent: { label: "Spent", colour: "#b45309" },
  remaining: { label: "Remaining", colour: "#64748b" },
} as const;

type SeriesKey = keyof typeof SERIES;

/** Money for the financial year under review: by funding stream, portfolio and plan priority. */
export function MoneyPanel({ officeId, year, headingLevel = 2 }: { officeId: number; year: string; headingLevel?: 2 | 3 }) {
  const { data, error, fetching } = useMoneySummary(officeId, year);
  const H = `h${headingLevel}` as const;
  const Sub = `h${headingLevel + 1}` as "h3" | "h4";
  const money = data?.moneySummary;

  return (
    <section className="board-section print-break" aria-labelledby="money-heading">
      <H id="money-heading">Money, {year}</H>
      {error ? (
        <p className="board-error" role="alert">
          {describeError(error)}
        </p>
      ) : !money ? (
        <p aria-live="polite">{fetching ? "Loading the money summary…" : "No money recorded for this year."}</p>
      ) : (
        <>
          <MoneyTiles money={money} />
          <div className="money-grid">
            <MoneyChart
              Heading={Sub}
              id="money-streams"
              title="Funding streams"
              description="How much each funding stream holds this year, and how much of it is committed to contracts, spent and left."
              firstColumn="Funding stream"
              rows={money.streams
                .filter((s) => s.amountPence || s.allocatedPence || s.committedPence || s.plannedPence || s.spentPence)
                .map((s) => ({ name: s.name, amount: s.amountPence, allocated: s.allocatedPence, committed: s.committedPence, planned: s.plannedPence, spent: s.spentPence, remaining: s.remainingPence, note: s.warnings.join(" ") }))}
              chartSeries={["amount", "committed", "spent", "remaining"]}
              tableSeries={["amount", "allocated", "committed", "planned", "spent", "remaining"]}
            />
            <MoneyChart
              Heading={Sub}
              id="money-portfolios"
              title="Portfolios"
              description="Money given to each portfolio, what its contracts commit, what they have spent and what is left."
              firstColumn="Portfolio"
              rows={money.portfolios.map((p) => ({ name: p.portfolio?.name ?? "Pipeline and reserves", allocated: p.allocatedPence, committed: p.committedPence, planned: p.plannedPence, spent: p.spentPence, remaining: p.remainingPence, note: p.warnings.join(" ") }))}
              chartSeries={["allocated", "committed", "spent", "remaining"]}
              tableSeries={["allocated", "committed", "planned", "spent", "remaining"]}
            />
            <MoneyChart
              Heading={Sub}
              id="money-priorities"
              title="Spend by plan priority"
              description="Each contract counts under its main Police and Crime Plan priority."
              firstColumn="Plan priority"
              rows={money.priorities.map((p) => ({ name: p.priority?.title ?? "No main priority", committed: p.committedPence, planned: p.plannedPence, spent: p.spentPence }))}
              chartSeries={["committed", "planned", "spent"]}
              tableSeries={["committed", "planned", "spent"]}
            />
          </div>
        </>
      )}
    </section>
  );
}

/** The year's headline figures. */
export function MoneyTiles({ money, compact = false }: { money: MoneySummaryData; compact?: boolean }) {
  const remaining = money.totalPence - money.committedPence - money.plannedPence;
  const tiles: [string, number][] = [
    ["Total funding", money.totalPence],
    ["Allocated", money.allocatedPence],
    ["Committed", money.committedPence],
    ["Planned", money.plannedPence],
    ["Spent so far", money.spentPence],
    ["Not yet committed", remaining],
  ];
  return (
    <dl className={compact ? "money-tiles money-tiles--compact" : "money-tiles"}>
      {tiles.map(([label, pence]) => (
        <div key={label} className="money-tile">
          <dt>{label}</dt>
          <dd>{formatMoney(pence)}</dd>
        </div>
      ))}
    </dl>
  );
}

interface MoneyRow extends Partial<Record<SeriesKey, number>> {
  name: string;
  note?: string;
}

function MoneyChart({ Heading, id, title, description, firstColumn, rows, chartSeries, tableSeries }: { Heading: "h3" | "h4"; id: string; title: string; description: string; firstColumn: string; rows: MoneyRow[]; chartSeries: SeriesKey[]; tableSeries: SeriesKey[] }) {
  const height = Math.max(160, rows.length * (chartSeries.length * 12 + 18) + 60);
  // Exact ticks on round amounts, from zero to past the largest bar.
  const ticks = niceTicks(Math.max(0, ...rows.flatMap((row) => chartSeries.map((key) => row[key] ?? 0))));
  const chartLabel = `Bar chart of ${title.toLowerCase()}: ${chartSeries.map((s) => SERIES[s].label.toLowerCase()).join(", ")}. The table that follows gives every figure.`;
  return (
    <figure className="money-figure" aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`} className="money-figure__title">
        {title}
      </Heading>
      <p className="money-figure__description">{description}</p>
      {rows.length === 0 ? (
        <p>Nothing recorded.</p>
      ) : (
        <div className="money-figure__body">
          <div className="money-chart" role="img" aria-label={chartLabel} style={{ height }}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }} accessibilityLayer={false} barCategoryGap={8}>
                <CartesianGrid horizontal={false} stroke="#d5dae1" />
                <XAxis type="number" domain={[0, ticks.at(-1)!]} ticks={ticks} interval={0} tickFormatter={(v: number) => formatMoneyShort(v)} tick={{ fill: "#1b1f24", fontSize: 12 }} stroke="#5f6b7a" />
                <YAxis type="category" dataKey="name" width={170} tick={{ fill: "#1b1f24", fontSize: 12 }} stroke="#5f6b7a" tickFormatter={(name: string) => (name.length > 28 ? `${name.slice(0, 27)}…` : name)} />
                <Tooltip formatter={(value) => formatMoney(Number(value))} />
                <Legend wrapperStyle={{ color: "#1b1f24", fontSize: 13 }} />
                {chartSeries.map((key) => (
                  <Bar key={key} dataKey={key} name={SERIES[key].label} fill={SERIES[key].colour} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <MoneyTable title={title} firstColumn={firstColumn} rows={rows} series={tableSeries} />
        </div>
      )}
    </figure>
  );
}

const moneyCol = tableColumns<MoneyRow>();

/** The figures behind a chart, on the shared table: sortable, and downloadable as CSV or Excel in pounds. */
function MoneyTable({ title, firstColumn, rows: given, series: givenSeries }: { title: string; firstColumn: string; rows: MoneyRow[]; series: SeriesKey[] }) {
  // The panel derives its rows afresh on each render; the table keeps them while the figures are the same.
  const rowsKey = JSON.stringify(given);
  const seriesKey = givenSeries.join(",");
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rows = useMemo(() => given, [rowsKey]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const series = useMemo(() => givenSeries, [seriesKey]);
  const columns = useMemo<DataColumn<MoneyRow>[]>(
    () => [
      moneyCol.accessor("name", {
        header: firstColumn,
        cell: ({ row: { original } }) => (
          <>
            {original.name}
            {original.note && <span className="money-table__warning"> ⚠ {original.note}</span>}
          </>
        ),
        meta: { rowHeader: true },
      }),
      ...series.map((key) =>
        moneyCol.accessor((row) => row[key] ?? 0, {
          id: key,
          header: SERIES[key].label,
          cell: (info) => formatMoney(info.getValue()),
          meta: { numeric: true, label: `${SERIES[key].label} (£)`, exportValue: (row: MoneyRow) => (row[key] ?? 0) / 100, excelFormat: "£#,##0.00" },
        }),
      ),
    ],
    [firstColumn, series],
  );
  return <DataTable caption={`${title}: figures for the year`} captionHidden data={rows} columns={columns} getRowId={(row) => row.name} exportName={`money-${fileSlug(title)}`} searchable={rows.length > 8} pageSize={0} compact />;
}
