import { useMemo } from "react";
import type { ContractDetail } from "./contract-queries";
import { Link } from "react-router";
import { DataTable, fileSlug, tableColumns } from "../../components/data-table/data-table";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDate, formatPence, formatValue } from "../../format";
import { graphql } from "../../gql";
import { LINE_STATUS_LABELS } from "./contract-labels";

const money = (pence: number | null | undefined) => (pence == null ? "—" : formatPence(pence, { wholePounds: true }));

interface LineRow {
  id: number;
  year: string;
  stream: string;
  status: string;
  amountPence: number;
}

const lineCol = tableColumns<LineRow>();
const LINE_COLUMNS = [
  lineCol.accessor("year", { header: "Year", meta: { className: "nowrap" } }),
  lineCol.accessor("stream", { header: "Funding stream", meta: { rowHeader: true } }),
  lineCol.accessor("status", { header: "Status" }),
  lineCol.accessor("amountPence", { header: "Amount", cell: (info) => money(info.getValue()), meta: { numeric: true, label: "Amount (£)", exportValue: (r: LineRow) => r.amountPence / 100, excelFormat: "£#,##0" } }),
];

/** The office's money for the service: each stream's line per year, committed or planned. */
export function FundingLinesTable({ contract }: { contract: ContractDetail }) {
  const data = useMemo(() => contract.fundingLines.map((l): LineRow => ({ id: l.id, year: l.year, stream: l.stream.name, status: LINE_STATUS_LABELS[l.status], amountPence: l.amountPence })), [contract.fundingLines]);
  return (
    <DataTable
      caption="Funding lines"
      captionHidden
      data={data}
      columns={LINE_COLUMNS}
      getRowId={(r) => String(r.id)}
      searchable={false}
      pageSize={0}
      exportName={`funding-lines-${fileSlug(contract.reference)}`}
      initialSorting={[{ id: "year", desc: false }]}
      emptyMessage="No funding lines."
      testId="contract-funding-lines"
      compact
    />
  );
}

export function CoCommissionersList({ contract }: { contract: ContractDetail }) {
  if (!contract.coCommissioners.length) return <p>No co-commissioners: the office funds the service alone.</p>;
  return (
    <ul className="contract-partners">
      {contract.coCommissioners.map((c) => (
        <li key={c.id}>
          {c.partnerName}
          {c.annualContributionPence != null && <> — {money(c.annualContributionPence)} a year</>}
        </li>
      ))}
    </ul>
  );
}

interface SpendRow {
  key: string;
  quarter: string;
  spendPence: number | null;
  runningPence: number;
  budgetPence: number;
  share: number | null;
}

const spendCol = tableColumns<SpendRow>();
const SPEND_COLUMNS = [
  spendCol.accessor("quarter", { header: "Quarter", meta: { rowHeader: true, className: "nowrap" } }),
  spendCol.accessor("spendPence", { header: "Spend", cell: (info) => (info.getValue() == null ? "—" : money(info.getValue())), meta: { numeric: true, label: "Spend (£)", exportValue: (r: SpendRow) => (r.spendPence == null ? null : r.spendPence / 100), excelFormat: "£#,##0" } }),
  spendCol.accessor("runningPence", { header: "Spent so far", cell: (info) => money(info.getValue()), meta: { numeric: true, label: "Spent so far (£)", exportValue: (r: SpendRow) => r.runningPence / 100, excelFormat: "£#,##0" } }),
  spendCol.accessor("budgetPence", { header: "Year's budget", cell: (info) => (info.getValue() ? money(info.getValue()) : "—"), meta: { numeric: true, label: "Year's budget (£)", exportValue: (r: SpendRow) => r.budgetPence / 100, excelFormat: "£#,##0" } }),
  spendCol.accessor("share", {
    header: "Budget used",
    cell: (info) => {
      const share = info.getValue();
      if (share == null) return "—";
      return (
        <span className={share > 100 ? "spend-bar spend-bar--over" : "spend-bar"}>
          <span className="spend-bar__track" aria-hidden="true">
            <span className="spend-bar__fill" style={{ width: `${Math.min(share, 100)}%` }} />
          </span>
          {share}%{share > 100 && " (over budget)"}
        </span>
      );
    },
    meta: { label: "Budget used (%)" },
  }),
];

/** Spend by quarter beside the year's budget (the contract's funding lines for that year), running total and share used. */
export function SpendAgainstBudget({ contract }: { contract: ContractDetail }) {
  const data = useMemo(() => {
    const years = [...new Set([...contract.fundingLines.map((l) => l.year), ...contract.spend.map((s) => s.year)])].sort();
    return years.flatMap((year) => {
      const budget = contract.fundingLines.filter((l) => l.year === year).reduce((sum, l) => sum + l.amountPence, 0);
      let running = 0;
      return [1, 2, 3, 4].map((q): SpendRow => {
        const spend = contract.spend.find((s) => s.year === year && s.quarter === q);
        running += spend?.amountPence ?? 0;
        return { key: `${year}-${q}`, quarter: `${year} Q${q}`, spendPence: spend?.amountPence ?? null, runningPence: running, budgetPence: budget, share: budget > 0 ? Math.round((running / budget) * 100) : null };
      });
    });
  }, [contract.fundingLines, contract.spend]);
  return (
    <DataTable
      caption="Spend by quarter against budget"
      captionHidden
      data={data}
      columns={SPEND_COLUMNS}
      getRowId={(r) => r.key}
      searchable={false}
      pageSize={0}
      exportName={`spend-${fileSlug(contract.reference)}`}
      emptyMessage="No budget or spend recorded."
      testId="contract-spend"
      compact
    />
  );
}

interface KpiRow {
  id: number;
  indicator: string;
  code: string;
  direction: string;
  targets: string;
}

const kpiCol = tableColumns<KpiRow>();
const KPI_COLUMNS = [
  kpiCol.accessor("indicator", { header: "Indicator", meta: { rowHeader: true } }),
  kpiCol.accessor("code", { header: "Code" }),
  kpiCol.accessor("direction", { header: "Direction" }),
  kpiCol.accessor("targets", { header: "Targets" }),
];

/** The indicators the contract reports, with each year's and quarter's target. */
export function KpiTargets({ contract }: { contract: ContractDetail }) {
  const data = useMemo(
    () =>
      contract.kpis.map((k): KpiRow => ({
        id: k.id,
        indicator: k.indicator.name,
        code: k.indicator.code,
        direction: k.indicator.direction === "HIGHER_IS_BETTER" ? "Higher is better" : "Lower is better",
        targets: k.targets.length ? k.targets.map((t) => `${t.year}${t.quarter ? ` Q${t.quarter}` : " (year)"}: ${formatValue(t.value, k.indicator.unit)}`).join("; ") : "No target set",
      })),
    [contract.kpis],
  );
  return (
    <DataTable
      caption="Indicators and targets"
      captionHidden
      data={data}
      columns={KPI_COLUMNS}
      getRowId={(r) => String(r.id)}
      searchable={false}
      pageSize={0}
      exportName={`kpis-${fileSlug(contract.reference)}`}
      emptyMessage="The contract reports no indicators yet."
      testId="contract-kpis"
      compact
    />
  );
}

const ContractReturnsQuery = graphql(`
  query ContractReturns($contractId: Int!) {
    returns(contractId: $contractId, first: 100) {
      items {
        id
        state
        late
        submittedAt
        acceptedAt
        period {
          id
          label
          startDate
        }
      }
    }
  }
`);

const RETURN_STATES: Record<string, string> = { DRAFT: "Draft", SUBMITTED: "Submitted, awaiting review", RETURNED: "Sent back", ACCEPTED: "Accepted" };

interface ReturnRow {
  id: number;
  periodId: number;
  quarter: string;
  start: string;
  state: string;
  submittedAt: string | null;
  acceptedAt: string | null;
}

const returnCol = tableColumns<ReturnRow>();
const RETURN_COLUMNS = [
  returnCol.accessor("quarter", { header: "Quarter", cell: (info) => <Link to={`/returns?quarter=${info.row.original.periodId}`}>{info.getValue()}</Link>, meta: { rowHeader: true, className: "nowrap" } }),
  returnCol.accessor("state", { header: "State" }),
  returnCol.accessor("submittedAt", { header: "Submitted", cell: (info) => formatDate(info.getValue()) }),
  returnCol.accessor("acceptedAt", { header: "Accepted", cell: (info) => formatDate(info.getValue()) }),
];

export function ContractReturns({ contractId, reference }: { contractId: number; reference: string }) {
  const [{ data, error }] = useQuery({ query: ContractReturnsQuery, variables: { contractId } });
  const rows = useMemo(
    () =>
      (data?.returns.items ?? []).map((r): ReturnRow => ({ id: r.id, periodId: r.period.id, quarter: r.period.label, start: r.period.startDate, state: `${RETURN_STATES[r.state] ?? r.state}${r.late ? " (late)" : ""}`, submittedAt: r.submittedAt ?? null, acceptedAt: r.acceptedAt ?? null })),
    [data],
  );
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">Loading returns…</p>;
  return (
    <DataTable
      caption="Returns"
      captionHidden
      data={rows}
      columns={RETURN_COLUMNS}
      getRowId={(r) => String(r.id)}
      searchable={false}
      pageSize={10}
      exportName={`returns-${fileSlug(reference)}`}
      initialSorting={[{ id: "quarter", desc: true }]}
      emptyMessage="No returns yet."
      testId="contract-returns"
      compact
    />
  );
}

const ContractDecisionsQuery = graphql(`
  query ContractDecisions($officeId: Int) {
    decisions(officeId: $officeId) {
      id
      kind
      title
      decidedOn
      published
      contract {
        id
      }
    }
  }
`);

export function ContractDecisions({ contractId, officeId }: { contractId: number; officeId: number }) {
  const [{ data, error }] = useQuery({ query: ContractDecisionsQuery, variables: { officeId } });
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">Loading decisions…</p>;
  const items = data.decisions.filter((d) => d.contract?.id === contractId);
  if (!items.length) return <p>No commissioning decisions recorded for this contract.</p>;
  return (
    <ul className="contract-decisions" data-testid="contract-decisions">
      {items.map((d) => (
        <li key={d.id}>
          <strong>{d.title}</strong> — {d.kind.toLowerCase()}, {formatDate(d.decidedOn)}
          {d.published ? " (published)" : " (not published)"}
        </li>
      ))}
    </ul>
  );
}
