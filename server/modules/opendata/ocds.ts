import { createHash } from "node:crypto";
import type { ContractStatus } from "../contracts/contract.entities.js";
import { MeasureUnit, type Indicator } from "../kpis/kpi.entities.js";
import { quarterDates } from "../periods/financial-year.js";
import type { Provider } from "../providers/provider.entity.js";
import type { ContractRecord, OfficeRecords } from "./open-data.records.js";

/** The OCDS version the package declares, and the extension it uses. */
export const OCDS_VERSION = "1.1";
export const METRICS_EXTENSION_URL = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json";
/** Placeholder until the office registers its own prefix with the Open Contracting Partnership. */
export const PLACEHOLDER_OCID_PREFIX = "ocds-xxxxxx";

type Json = Record<string, unknown>;

const pounds = (pence: number) => ({ amount: Math.round(pence) / 100, currency: "GBP" });
/** OCDS periods and dates are date-times; our dates are days (UK local, taken as the start of the day UTC). */
const startOfDay = (date: string) => `${date}T00:00:00Z`;
const endOfDay = (date: string) => `${date}T23:59:59Z`;

export function ocidPrefix(records: Pick<OfficeRecords, "office" | "settings">): string {
  return records.settings?.ocidPrefix || `${PLACEHOLDER_OCID_PREFIX}-${records.office.code}`;
}

const CONTRACT_STATUS: Record<ContractStatus, string> = {
  PIPELINE: "pending",
  IN_PROCUREMENT: "pending",
  LIVE: "active",
  UNDER_REVIEW: "active",
  DECOMMISSIONED: "terminated",
  ENDED: "terminated",
};
const AWARD_STATUS: Record<ContractStatus, string> = {
  PIPELINE: "pending",
  IN_PROCUREMENT: "pending",
  LIVE: "active",
  UNDER_REVIEW: "active",
  DECOMMISSIONED: "active",
  ENDED: "active",
};

const UNIT_NAMES: Record<MeasureUnit, string> = {
  [MeasureUnit.COUNT]: "count",
  [MeasureUnit.PERCENT]: "percent",
  [MeasureUnit.HOURS]: "hours",
  [MeasureUnit.DAYS]: "days",
  [MeasureUnit.PENCE]: "pence",
};

/** org-id identifiers for a provider: its charity number first, then its company number (org-id.guide: GB-CHC, GB-COH). */
export function orgIdentifiers(provider: Pick<Provider, "charityNumber" | "companyNumber">): Array<{ scheme: string; id: string }> {
  const ids: Array<{ scheme: string; id: string }> = [];
  if (provider.charityNumber) ids.push({ scheme: "GB-CHC", id: provider.charityNumber.trim() });
  if (provider.companyNumber) ids.push({ scheme: "GB-COH", id: provider.companyNumber.trim() });
  return ids;
}

function period(start: string | null, end: string | null): Json | undefined {
  if (!start && !end) return undefined;
  return { ...(start ? { startDate: startOfDay(start) } : {}), ...(end ? { endDate: endOfDay(end) } : {}) };
}

/** The value of a contract to the office: its funding lines (every year, committed and planned); else its annual value. */
export function contractValuePence(record: ContractRecord): number | null {
  if (record.fundingLines.length) return record.fundingLines.reduce((sum, line) => sum + line.amountPence, 0);
  return record.contract.annualValuePence;
}

function quarterPeriod(year: string, quarter: number): Json {
  const { start, end } = quarterDates({ year, quarter: quarter as 1 | 2 | 3 | 4 });
  return { startDate: startOfDay(start), endDate: endOfDay(end) };
}

function metricUnit(indicator: Indicator): Json {
  return { name: UNIT_NAMES[indicator.unit] ?? indicator.unit.toLowerCase() };
}

/** Targets as the metrics extension's agreed metrics: one metric per KPI, one observation per target. */
function agreedMetrics(record: ContractRecord): Json[] {
  return record.kpis.map((indicator) => {
    const targets = record.targets.filter((t) => t.indicatorId === indicator.id);
    const observations = targets.map((t) => ({
      id: `${indicator.code}-target-${t.year}${t.quarter == null ? "" : `-Q${t.quarter}`}`,
      period: t.quarter == null ? period(quarterDates({ year: t.year, quarter: 1 }).start, quarterDates({ year: t.year, quarter: 4 }).end) : quarterPeriod(t.year, t.quarter),
      measure: t.value,
      unit: metricUnit(indicator),
    }));
    return { id: indicator.code, title: indicator.name, ...(observations.length ? { observations } : {}) };
  });
}

/** Accepted figures as implementation metrics: one observation per indicator per quarter. */
function implementationMetrics(record: ContractRecord): Json[] {
  const metrics: Json[] = [];
  for (const indicator of record.kpis) {
    const observations = record.observations
      .filter((o) => o.indicatorId === indicator.id)
      .map((o) => ({ id: `${indicator.code}-${o.year}-Q${o.quarter}`, period: quarterPeriod(o.year, o.quarter), measure: o.value, unit: metricUnit(indicator) }));
    if (observations.length) metrics.push({ id: indicator.code, title: indicator.name, observations });
  }
  return metrics;
}

/** Party ids are local to a release; the office's own org-id (its setting) when it has one. */
const partyIds = (records: Pick<OfficeRecords, "office" | "settings">) => ({
  buyer: records.settings?.orgId || `office-${records.office.code}`,
  supplier: (p: Provider) => `provider-${p.id}`,
  funder: (id: number) => `funder-${id}`,
});

/** One contract as an OCDS release (without id and date, which are derived from its content). */
function releaseBody(records: OfficeRecords, record: ContractRecord): Json {
  const { office } = records;
  const { contract, provider } = record;
  const ids = partyIds(records);
  const buyer = { id: ids.buyer, name: office.commissionerTitle };
  const supplier = { id: ids.supplier(provider), name: provider.name };
  const [identifier, ...additionalIdentifiers] = orgIdentifiers(provider);
  const value = contractValuePence(record);
  const contractPeriod = period(contract.startDate, contract.endDate);
  const awardDate = record.awardDecisions[0]?.decidedOn;

  const transactions = record.spend
    .filter((s) => s.amountPence !== 0)
    .map((s) => ({
      id: `${contract.reference}-spend-${s.year}-Q${s.quarter}`,
      date: endOfDay(quarterDates({ year: s.year, quarter: s.quarter as 1 | 2 | 3 | 4 }).end),
      value: pounds(s.amountPence),
      payer: buyer,
      payee: supplier,
    }));
  const metrics = implementationMetrics(record);
  const agreed = agreedMetrics(record);
  const implementation = { ...(transactions.length ? { transactions } : {}), ...(metrics.length ? { metrics } : {}) };

  return {
    ocid: `${ocidPrefix(records)}-${contract.reference}`,
    tag: Object.keys(implementation).length ? ["award", "contract", "implementation"] : ["award", "contract"],
    initiationType: "tender",
    language: "en",
    parties: [
      { id: ids.buyer, name: office.commissionerTitle, roles: ["buyer"] },
      {
        id: supplier.id,
        name: provider.name,
        roles: ["supplier"],
        ...(identifier ? { identifier: { ...identifier, legalName: provider.name } } : {}),
        ...(additionalIdentifiers.length ? { additionalIdentifiers } : {}),
      },
      ...record.coCommissioners.map((c) => ({ id: ids.funder(c.id), name: c.partnerName, roles: ["funder"] })),
    ],
    buyer,
    awards: [
      {
        id: `${contract.reference}-award`,
        title: contract.title,
        status: AWARD_STATUS[contract.status],
        ...(awardDate ? { date: startOfDay(awardDate) } : {}),
        ...(value != null ? { value: pounds(value) } : {}),
        suppliers: [supplier],
        ...(contractPeriod ? { contractPeriod } : {}),
      },
    ],
    contracts: [
      {
        id: contract.reference,
        awardID: `${contract.reference}-award`,
        title: contract.title,
        ...(contract.description ? { description: contract.description } : {}),
        status: CONTRACT_STATUS[contract.status],
        ...(contractPeriod ? { period: contractPeriod } : {}),
        ...(value != null ? { value: pounds(value) } : {}),
        ...(agreed.length ? { agreedMetrics: agreed } : {}),
        ...(Object.keys(implementation).length ? { implementation } : {}),
      },
    ],
  };
}

/**
 * A release per contract. Its id is the ocid plus a digest of the release's content, and its date is when the
 * contract (or its money, targets or accepted figures) last changed: any change publishes a new release with a
 * new id and a later date, and an unchanged contract keeps the same release however often the file is built.
 */
export function contractRelease(records: OfficeRecords, record: ContractRecord): Json {
  const body = releaseBody(records, record);
  const digest = createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 12);
  const { ocid, ...rest } = body;
  return { ocid, id: `${ocid}-${digest}`, date: record.lastChanged.toISOString(), ...rest };
}

/** The office's contracts as an OCDS 1.1 release package with the metrics extension. */
export function ocdsReleasePackage(records: OfficeRecords, packageUri: string, publishedDate = new Date()): Json {
  return {
    uri: packageUri,
    version: OCDS_VERSION,
    extensions: [METRICS_EXTENSION_URL],
    publishedDate: publishedDate.toISOString(),
    publisher: { name: records.office.commissionerTitle },
    license: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    releases: records.contracts.map((record) => contractRelease(records, record)),
  };
}
