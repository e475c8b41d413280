import { useMemo } from "react";
import { useQuery } from "urql";
import { DataTable, tableColumns } from "../../components/data-table/data-table";
import { describeError } from "../../errors";
import { formatPence } from "../../format";
import { graphql } from "../../gql";

const BudgetMonitorQuery = graphql(`
  query BudgetMonitor($officeId: Int, $year: String!) {
    moneySummary(officeId: $officeId, year: $year) {
      year
      totalPence
      allocatedPence
      committedPence
      plannedPence
      spentPence
      streams {
        streamId
        parentId
        name
        amountPence
        allocatedPence
        committedPence
        plannedPence
        spentPence
        remainingPence
        overCommittedPence
        includesChildren
        warnings
      }
      portfolios {
        portfolioId
        portfolio {
          id
          name
        }
        allocatedPence
        committedPence
        plannedPence
        spentPence
        remainingPence
        overCommittedPence
        warnings
      }
    }
  }
`);

const money = (pence: number) => formatPence(pence, { wholePounds: true });

interface Row {
  key: string;
  name: string;
  budget: number;
  allocated: number;
  committed: number;
  planned: number;
  spent: number;
  remaining: number;
  over: number;
  warnings: string[];
  child: boolean;
}

const col = tableColumns<Row>();
const figure = (key: "budget" | "allocated" | "committed" | "planned" | "spent", header: string) =>
  col.accessor(key, { header, cell: (info) => money(info.getValue()), meta: { numeric: true, label: `${header} (£)`, exportValue: (r: Row) => r[key] / 100, excelFormat: "£#,##0" } });
const NAME = col.accessor("name", {
  header: "Name",
  cell: (info) => (
    <span className={info.row.original.child ? "money-table__child" : undefined}>
      {info.getValue()}
      {info.row.original.warnings.map((w) => (
        <span key={w} className="money-warning">
          <span aria-hidden="true">⚠ </span>
          {w}
        </span>
      ))}
    </span>
  ),
  meta: { rowHeader: true },
});
const REMAINING = col.accessor("remaining", {
  header: "Remaining",
  cell: (info) => (info.getValue() < 0 ? <strong className="money-negative">{money(info.getValue())}</strong> : money(info.getValue())),
  meta: { numeric: true, label: "Remaining (£)", exportValue: (r: Row) => r.remaining / 100, excelFormat: "£#,##0" },
});
const WARNINGS = col.accessor((r) => r.warnings.join(" "), { id: "warnings", header: "Warnings", meta: { exportOnly: true } });
const STREAM_COLUMNS = [NAME, figure("budget", "Amount"), figure("allocated", "Allocated"), figure("committed", "Committed"), figure("planned", "Planned"), figure("spent", "Spent"), REMAINING, WARNINGS];
const PORTFOLIO_COLUMNS = [NAME, figure("budget", "Allocated"), figure("committed", "Committed"), figure("planned", "Planned"), figure("spent", "Spent"), REMAINING, WARNINGS];

/** Budget monitoring for a year: each stream (parents rolling up their funds) and each portfolio, with over-commitment warnings. */
export function BudgetMonitor({ officeId, year, exportStem }: { officeId: number; year: string; exportStem: string }) {
  const [{ data, error }] = useQuery({ query: BudgetMonitorQuery, variables: { officeId, year }, requestPolicy: "network-only" });
  const summary = data?.moneySummary;
  const streams = useMemo(
    () =>
      (summary?.streams ?? []).map((r): Row => ({ key: `s${r.streamId}`, name: r.includesChildren ? `${r.name} (with its funds)` : r.name, budget: r.amountPence, allocated: r.allocatedPence, committed: r.committedPence, planned: r.plannedPence, spent: r.spentPence, remaining: r.remainingPence, over: r.overCommittedPence, warnings: r.warnings, child: r.parentId != null })),
    [summary],
  );
  const portfolios = useMemo(
    () =>
      (summary?.portfolios ?? []).map((p): Row => ({ key: `p${p.portfolioId ?? "none"}`, name: p.portfolio?.name ?? "Pipeline and reserves", budget: p.allocatedPence, allocated: p.allocatedPence, committed: p.committedPence, planned: p.plannedPence, spent: p.spentPence, remaining: p.remainingPence, over: p.overCommittedPence, warnings: p.warnings, child: false })),
    [summary],
  );
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!summary) return <p role="status">Loading the money summary…</p>;
  return (
    <div data-testid="budget-monitor">
      <dl className="money-totals">
        {(
          [
            ["Total", summary.totalPence],
            ["Allocated", summary.allocatedPence],
            ["Committed", summary.committedPence],
            ["Planned", summary.plannedPence],
            ["Spent", summary.spentPence],
          ] as const
        ).map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{money(value)}</dd>
          </div>
        ))}
      </dl>
      <h3>Funding streams</h3>
      <DataTable
        caption={`Funding streams, ${year}`}
        captionHidden
        data={streams}
        columns={STREAM_COLUMNS}
        getRowId={(r) => r.key}
        searchLabel="Search the year's streams"
        pageSize={0}
        exportName={`budget-streams-${exportStem}-${year}`}
        emptyMessage={`No stream has an amount for ${year}.`}
        testId="money-streams"
        rowClassName={(r) => (r.over > 0 ? "money-table__over" : undefined)}
      />
      <h3>Portfolios</h3>
      <DataTable
        caption={`Portfolios, ${year}`}
        captionHidden
        data={portfolios}
        columns={PORTFOLIO_COLUMNS}
        getRowId={(r) => r.key}
        searchLabel="Search portfolios"
        pageSize={0}
        exportName={`budget-portfolios-${exportStem}-${year}`}
        emptyMessage={`Nothing is allocated to portfolios in ${year}.`}
        testId="money-portfolios"
        rowClassName={(r) => (r.over > 0 ? "money-table__over" : undefined)}
      />
    </div>
  );
}
