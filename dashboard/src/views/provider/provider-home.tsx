import { useEffect, useId, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { RagBadge } from "../../components/rag-badge";
import { describeError } from "../../errors";
import { formatDate, formatValue } from "../../format";
import { graphql } from "../../gql";
import type { ProviderHomeContractsQuery, ReturnState } from "../../gql/graphql";
import { useLiveSubscription, useResyncKey } from "../../live";
import { useSession } from "../../session";
import { useOfficeId } from "../../url-state";
import { CsvUpload, type UploadContract, type UploadPeriod } from "./csv-upload";
import { todayIso } from "./provider-format";
import { ReturnStateTag } from "./return-state-tag";
import { DataTable, tableColumns, type DataColumn } from "../../components/data-table/data-table";
import "./provider.css";

const ContractsQuery = graphql(`
  query ProviderHomeContracts($officeId: Int, $providerId: Int) {
    contracts(first: 100, officeId: $officeId, providerId: $providerId) {
      totalCount
      items {
        id
        reference
        title
        status
        reportingSchedule
        returnsDueIn
        shortForm
        office {
          id
          name
        }
        portfolio {
          id
          name
        }
        provider {
          id
          name
        }
        reportedMeasures {
          id
          code
          name
        }
      }
    }
  }
`);

const OfficeQuery = graphql(`
  query ProviderHomeOffice($officeId: Int!) {
    reportingPeriods(officeId: $officeId) {
      id
      label
      state
      dueDate
      dueDateNote
    }
    returns(officeId: $officeId, first: 100) {
      items {
        id
        state
        late
        revisionCount
        submittedAt
        contract {
          id
        }
        period {
          id
        }
      }
    }
  }
`);

const ReturnChangedSubscription = graphql(`
  subscription ProviderHomeReturnChanged($officeId: Int!, $since: Int) {
    returnChanged(officeId: $officeId, since: $since) {
      seq
      returnId
      contractId
      periodId
      state
      change
    }
  }
`);

const ContractScorecardQuery = graphql(`
  query ProviderContractScorecard($contractId: Int!) {
    contractScorecard(contractId: $contractId) {
      rows {
        indicatorId
        indicator {
          id
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
        }
      }
    }
  }
`);

type ContractItem = ProviderHomeContractsQuery["contracts"]["items"][number];

/** Contracts grouped by office, offices in name order, contracts by reference. */
function byOffice(contracts: readonly ContractItem[]): { office: ContractItem["office"]; contracts: ContractItem[] }[] {
  const groups = new Map<number, { office: ContractItem["office"]; contracts: ContractItem[] }>();
  for (const contract of contracts) {
    const group = groups.get(contract.office.id) ?? { office: contract.office, contracts: [] };
    group.contracts.push(contract);
    groups.set(contract.office.id, group);
  }
  return [...groups.values()]
    .sort((a, b) => a.office.name.localeCompare(b.office.name))
    .map((group) => ({ ...group, contracts: group.contracts.sort((a, b) => a.reference.localeCompare(b.reference)) }));
}

/** Runs `refetch` after each reconnection, so a view that missed events catches up without a reload. */
function useRefetchOnResync(refetch: () => void): void {
  const resyncKey = useResyncKey();
  const first = useRef(resyncKey);
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(() => {
    if (resyncKey !== first.current) latest.current();
  }, [resyncKey]);
}

export default function ProviderHome() {
  const { user } = useSession();
  if (!user) return null;
  if (user.role === "PROVIDER") {
    return <ProviderReturns heading="Your returns" providerName={user.provider?.name ?? null} providerId={null} officeId={null} />;
  }
  if (user.role === "ANALYST") {
    return (
      <div className="pv">
        <h1>Provider returns</h1>
        <p className="pv-lede">
          Providers fill in their quarterly returns here. As a Panel analyst you can read accepted returns and their figures in the{" "}
          <Link to="/explorer">data explorer</Link>.
        </p>
      </div>
    );
  }
  return <OnBehalfOfProvider />;
}

/** Commissioning staff can fill in a return for a provider, for instance when the provider sends figures by email. */
function OnBehalfOfProvider() {
  const [officeId] = useOfficeId();
  const selectId = useId();
  const [providerId, setProviderId] = useState<number | null>(null);
  const [{ data, fetching, error }] = useQuery({ query: ContractsQuery, variables: { officeId }, pause: officeId == null });
  const providers = useMemo(() => {
    const seen = new Map<number, string>();
    for (const contract of data?.contracts.items ?? []) if (contract.reportedMeasures.length) seen.set(contract.provider.id, contract.provider.name);
    return [...seen].sort((a, b) => a[1].localeCompare(b[1]));
  }, [data]);
  const chosen = providers.find(([id]) => id === providerId);

  return (
    <div className="pv">
      <h1>Returns on behalf of a provider</h1>
      <p className="pv-lede">
        Fill in or upload a provider's quarterly return when they cannot do it themselves. To check, accept or send back submitted returns, use{" "}
        <Link to="/returns">Returns review</Link>.
      </p>
      {error && <p className="pv-error" role="alert">{describeError(error)}</p>}
      {fetching && !data && <p role="status">Loading the office's providers…</p>}
      {data && (
        <div className="pv-field pv-field--inline">
          <label htmlFor={selectId}>Provider</label>
          <select id={selectId} value={providerId ?? ""} onChange={(event) => setProviderId(event.target.value ? Number(event.target.value) : null)}>
            <option value="">Choose a provider</option>
            {providers.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </div>
      )}
      {chosen && officeId != null && <ProviderReturns key={chosen[0]} heading={null} providerName={chosen[1]} providerId={chosen[0]} officeId={officeId} />}
    </div>
  );
}

interface ProviderReturnsProps {
  heading: string | null;
  providerName: string | null;
  /** Set when staff act for a provider; a provider's own user sees its contracts in every office. */
  providerId: number | null;
  officeId: number | null;
}

function ProviderReturns({ heading, providerName, providerId, officeId }: ProviderReturnsProps) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ContractsQuery, variables: { officeId, providerId } });
  useRefetchOnResync(() => refetch({ requestPolicy: "network-only" }));
  const offices = useMemo(() => byOffice(data?.contracts.items ?? []), [data]);
  const [openPeriods, setOpenPeriods] = useState<Record<number, UploadPeriod[]>>({});
  const uploadPeriods = useMemo(() => offices.flatMap(({ office }) => openPeriods[office.id] ?? []), [offices, openPeriods]);
  const uploadContracts: UploadContract[] = useMemo(
    () => (data?.contracts.items ?? []).map((c) => ({ reference: c.reference, officeId: c.office.id, measureCodes: c.reportedMeasures.map((m) => m.code) })),
    [data],
  );

  return (
    <div className="pv">
      {heading && <h1>{heading}</h1>}
      {providerName && (
        <p className="pv-lede">
          {heading ? <>Quarterly returns for <strong>{providerName}</strong>’s contracts, in every office you work with.</> : <>Contracts held by <strong>{providerName}</strong>.</>}
        </p>
      )}
      {error && (
        <p className="pv-error" role="alert">
          {describeError(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading your contracts…</p>}
      {data && data.contracts.items.length === 0 && <p>There are no contracts to report on.</p>}

      {offices.map(({ office, contracts }) => (
        <OfficeSection key={office.id} office={office} contracts={contracts} onOpenPeriods={(periods) => setOpenPeriods((all) => (sameIds(all[office.id], periods) ? all : { ...all, [office.id]: periods }))} />
      ))}

      {data && data.contracts.items.length > 0 && <CsvUpload periods={uploadPeriods} contracts={uploadContracts} />}
    </div>
  );
}

function sameIds(a: UploadPeriod[] | undefined, b: UploadPeriod[]): boolean {
  return a !== undefined && a.length === b.length && a.every((p, i) => p.id === b[i].id);
}

interface OfficeSectionProps {
  office: ContractItem["office"];
  contracts: ContractItem[];
  onOpenPeriods(periods: UploadPeriod[]): void;
}

function OfficeSection({ office, contracts, onOpenPeriods }: OfficeSectionProps) {
  const headingId = useId();
  const [{ data, error }, refetch] = useQuery({ query: OfficeQuery, variables: { officeId: office.id } });
  const refresh = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnResync(refresh);
  const contractIds = useMemo(() => new Set(contracts.map((c) => c.id)), [contracts]);
  useLiveSubscription(ReturnChangedSubscription, { officeId: office.id }, (event) => {
    if (contractIds.has(event.returnChanged.contractId)) refresh();
  });

  const periods = data?.reportingPeriods ?? [];
  const open = periods.filter((p) => p.state === "OPEN").sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const earlier = periods.filter((p) => p.state !== "OPEN");
  // Tell the page which quarters are open here, for the CSV upload's choice of quarter.
  const openKey = data ? open.map((p) => `${p.id}:${p.label}`).join(",") : null;
  const report = useRef(onOpenPeriods);
  report.current = onOpenPeriods;
  useEffect(() => {
    if (openKey === null) return;
    report.current(open.map((p) => ({ id: p.id, label: p.label, officeId: office.id, officeName: office.name })));
    // `open` comes from data, which openKey summarises.
  }, [openKey, office.id, office.name]);

  const returnFor = (contractId: number, periodId: number) => data?.returns.items.find((r) => r.contract.id === contractId && r.period.id === periodId) ?? null;

  return (
    <section className="pv-office" aria-labelledby={headingId}>
      <h2 id={headingId}>{office.name}</h2>
      {error && (
        <p className="pv-error" role="alert">
          {describeError(error)}
        </p>
      )}
      {data && open.length === 0 && <p className="pv-muted">No quarters are open for returns in {office.name} at the moment.</p>}
      {contracts.map((contract) => (
        <ContractCard key={contract.id} contract={contract} open={open} earlier={earlier} returnFor={returnFor} loaded={Boolean(data)} />
      ))}
    </section>
  );
}

type Period = { id: number; label: string; state: string; dueDate: string; dueDateNote?: string | null };
type ReturnItem = { id: number; state: ReturnState; late: boolean; revisionCount: number; submittedAt?: string | null };

type OpenQuarterRow = { period: Period; ret: ReturnItem | null; contractId: number; title: string };
const openCol = tableColumns<OpenQuarterRow>();
const OPEN_COLUMNS: DataColumn<OpenQuarterRow>[] = [
  openCol.accessor((r) => r.period.label, { id: "quarter", header: "Quarter", meta: { rowHeader: true } }),
  openCol.accessor((r) => r.period.dueDate, {
    id: "due",
    header: "Due",
    cell: ({ getValue, row: { original: r } }) => (
      <>
        {formatDate(getValue())}
        {r.period.dueDateNote && <span className="due-date-note">{r.period.dueDateNote}</span>}
      </>
    ),
  }),
  openCol.accessor((r) => r.ret?.state ?? "", {
    id: "status",
    header: "Status",
    cell: ({ row: { original: r } }) => (
      <>
        <ReturnStateTag state={r.ret?.state} />
        <Lateness period={r.period} ret={r.ret} />
      </>
    ),
  }),
  openCol.display({
    id: "action",
    header: () => <span className="visually-hidden">Action</span>,
    cell: ({ row: { original: r } }) => (
      <Link to={`/provider/returns/${r.contractId}/${r.period.id}`}>
        {actionLabel(r.ret)}
        <span className="visually-hidden">
          {" "}
          for {r.period.label}, {r.title}
        </span>
      </Link>
    ),
    meta: { noExport: true, className: "pv-table__action" },
  }),
];

interface ContractCardProps {
  contract: ContractItem;
  open: Period[];
  earlier: Period[];
  returnFor(contractId: number, periodId: number): ReturnItem | null;
  loaded: boolean;
}

function ContractCard({ contract, open, earlier, returnFor, loaded }: ContractCardProps) {
  const headingId = useId();
  const reports = contract.reportedMeasures.length > 0;
  const pastReturns = earlier.map((period) => ({ period, ret: returnFor(contract.id, period.id) })).filter(({ ret }) => ret);
  // Only the open quarters its reporting schedule asks for (or where a return was started anyway).
  const dueOpen = open.filter((period) => contract.returnsDueIn.includes(period.id) || returnFor(contract.id, period.id));
  const dueKey = dueOpen.map((period) => `${period.id}:${returnFor(contract.id, period.id)?.state ?? ""}`).join(",");
  // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when the quarters or their returns' states change
  const openRows = useMemo(() => dueOpen.map((period) => ({ period, ret: returnFor(contract.id, period.id), contractId: contract.id, title: contract.title })), [dueKey]);

  return (
    <article className="pv-card" aria-labelledby={headingId} data-testid={`contract-${contract.id}`}>
      <header className="pv-card__header">
        <h3 id={headingId} className="pv-card__title">
          {contract.title}
        </h3>
        <p className="pv-card__meta">
          <span>{contract.reference}</span>
          <span>{contract.portfolio.name}</span>
          <span data-testid={`schedule-${contract.id}`}>{SCHEDULE_LABELS[contract.reportingSchedule] ?? contract.reportingSchedule}</span>
        </p>
      </header>

      {!reports && <p className="pv-muted">This contract has no quarterly figures to report.</p>}

      {reports && loaded && open.length > 0 && dueOpen.length === 0 && (
        <p className="pv-muted">No return is due for the open quarters: this contract {SCHEDULE_SENTENCES[contract.reportingSchedule] ?? "reports on its own schedule"}.</p>
      )}

      {reports && loaded && dueOpen.length > 0 && (
        <DataTable
          caption={`Open quarters for ${contract.title}`}
          captionHidden
          data={openRows}
          columns={OPEN_COLUMNS}
          getRowId={(r) => String(r.period.id)}
          rowTestId={(r) => `provider-return-${contract.id}-${r.period.id}`}
          searchable={false}
          pageSize={0}
          compact
        />
      )}

      {reports && (
        <div className="pv-card__more">
          {pastReturns.length > 0 && (
            <details className="pv-details">
              <summary>Earlier quarters ({pastReturns.length})</summary>
              <ul className="pv-past">
                {pastReturns.map(({ period, ret }) => (
                  <li key={period.id}>
                    <Link to={`/provider/returns/${contract.id}/${period.id}`}>{period.label}</Link> <ReturnStateTag state={ret?.state} />
                    {ret?.late && <span className="pv-late-note"> submitted late</span>}
                  </li>
                ))}
              </ul>
            </details>
          )}
          <ContractPerformance contractId={contract.id} title={contract.title} />
        </div>
      )}
    </article>
  );
}

/** How often a contract reports (proportionate monitoring). */
const SCHEDULE_LABELS: Record<string, string> = {
  QUARTERLY: "Reports quarterly",
  HALF_YEARLY: "Reports half-yearly",
  YEARLY: "Reports yearly",
  END_OF_GRANT: "One end-of-grant report",
};
const SCHEDULE_SENTENCES: Record<string, string> = {
  QUARTERLY: "reports every quarter",
  HALF_YEARLY: "reports half-yearly, in Q2 and Q4",
  YEARLY: "reports once a year, in Q4",
  END_OF_GRANT: "makes one short report when the grant ends",
};

function actionLabel(ret: ReturnItem | null): string {
  if (!ret) return "Start return";
  switch (ret.state) {
    case "DRAFT":
      return "Continue return";
    case "RETURNED":
      return "Correct and resubmit";
    default:
      return "View return";
  }
}

function Lateness({ period, ret }: { period: Period; ret: ReturnItem | null }) {
  const neverSubmitted = !ret || (ret.state === "DRAFT" && ret.revisionCount === 0);
  if (neverSubmitted && todayIso() > period.dueDate) {
    return (
      <span className="pv-late">
        <span aria-hidden="true">⚠ </span>Late: it was due on {formatDate(period.dueDate)}
      </span>
    );
  }
  if (ret?.late) {
    return (
      <span className="pv-late pv-late--quiet">
        <span aria-hidden="true">⚠ </span>Submitted late
      </span>
    );
  }
  return null;
}

/** The contract's own scorecard, loaded only when someone opens it. */
function ContractPerformance({ contractId, title }: { contractId: number; title: string }) {
  const [open, setOpen] = useState(false);
  const [{ data, fetching, error }] = useQuery({ query: ContractScorecardQuery, variables: { contractId }, pause: !open });
  const rows = data?.contractScorecard?.rows ?? [];
  const lastCells = (cells: (typeof rows)[number]["cells"]) => cells.filter((c) => c.actual != null || c.returnsIn > 0).slice(-4);
  const labels = [...new Set(rows.flatMap((row) => lastCells(row.cells).map((c) => c.label)))].sort();

  return (
    <details className="pv-details" onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
      <summary>Performance against targets</summary>
      {fetching && <p role="status">Loading figures…</p>}
      {error && (
        <p className="pv-error" role="alert">
          {describeError(error)}
        </p>
      )}
      {data && rows.length === 0 && <p className="pv-muted">No accepted figures yet.</p>}
      {rows.length > 0 && labels.length > 0 && (
        <div className="pv-scroll">
          <table className="pv-table pv-table--compact">
            <caption className="visually-hidden">Accepted figures for {title}, by quarter</caption>
            <thead>
              <tr>
                <th scope="col">Indicator</th>
                {labels.map((label) => (
                  <th key={label} scope="col">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.indicatorId}>
                  <th scope="row">{row.indicator.name}</th>
                  {labels.map((label) => {
                    const cell = row.cells.find((c) => c.label === label);
                    return (
                      <td key={label}>
                        {cell ? (
                          <>
                            <span className="pv-figure">{formatValue(cell.actual ?? null, row.indicator.unit)}</span>
                            <RagBadge rag={cell.rag} />
                            {cell.target != null && <span className="pv-target">Target {formatValue(cell.target, row.indicator.unit)}</span>}
                          </>
                        ) : (
                          "–"
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
