import { orgIdentifiers } from "./ocds.js";
import { isGrant, type ContractRecord, type OfficeRecords } from "./open-data.records.js";

type Json = Record<string, unknown>;

/** Statuses of a grant that has been awarded; pipeline and in-procurement grants are not published as grants yet. */
const AWARDED = new Set(["LIVE", "UNDER_REVIEW", "ENDED", "DECOMMISSIONED"]);

/** The office's 360Giving prefix, without "360G-". A placeholder until the office has its own from 360Giving. */
export function grantPrefix(records: Pick<OfficeRecords, "office" | "settings">): string {
  return records.settings?.grantPrefix || `opcc-${records.office.code}`;
}

export function funderOrgId(records: Pick<OfficeRecords, "office" | "settings">): string {
  return records.settings?.orgId || `360G-${grantPrefix(records)}`;
}

/** The recipient's org-id: charity number, else company number, else an id under the office's own prefix. */
function recipientOrgId(records: OfficeRecords, record: ContractRecord): string {
  const [first] = orgIdentifiers(record.provider);
  return first ? `${first.scheme}-${first.id}` : `360G-${grantPrefix(records)}-ORG-${record.provider.id}`;
}

const pounds = (pence: number) => Math.round(pence) / 100;

function monthsBetween(start: string, end: string): number {
  const a = new Date(`${start}T00:00:00Z`);
  const b = new Date(`${end}T00:00:00Z`);
  b.setUTCDate(b.getUTCDate() + 1); // an end date is inclusive: 1 April to 31 March is 12 months
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth()) + (b.getUTCDate() - a.getUTCDate()) / 31;
}

function grant(records: OfficeRecords, record: ContractRecord): Json {
  const { office, settings } = records;
  const { contract, provider } = record;
  const committed = record.fundingLines.filter((l) => l.status === "COMMITTED");
  const amountPence = committed.length ? committed.reduce((sum, l) => sum + l.amountPence, 0) : (contract.annualValuePence ?? 0);
  const awardDate = record.awardDecisions[0]?.decidedOn ?? contract.startDate ?? contract.createdAt.toISOString().slice(0, 10);
  const streams = [...new Map(record.fundingLines.map((l) => [l.stream.id, l.stream])).values()];
  const planned =
    contract.startDate || contract.endDate
      ? [
          {
            ...(contract.startDate ? { startDate: contract.startDate } : {}),
            ...(contract.endDate ? { endDate: contract.endDate } : {}),
            // An end before the start (a data-entry slip) gives no duration rather than a negative one.
            ...(contract.startDate && contract.endDate && contract.endDate >= contract.startDate ? { duration: Math.round(monthsBetween(contract.startDate, contract.endDate)) } : {}),
          },
        ]
      : [];
  return {
    id: `360G-${grantPrefix(records)}-${contract.reference}`,
    title: contract.title.slice(0, 140),
    description: contract.description || contract.title,
    currency: "GBP",
    amountAwarded: pounds(amountPence),
    awardDate,
    ...(planned.length ? { plannedDates: planned } : {}),
    recipientOrganization: [
      {
        id: recipientOrgId(records, record),
        name: provider.name,
        ...(provider.charityNumber ? { charityNumber: provider.charityNumber.trim() } : {}),
        ...(provider.companyNumber ? { companyNumber: provider.companyNumber.trim() } : {}),
      },
    ],
    fundingOrganization: [{ id: funderOrgId(records), name: office.commissionerTitle }],
    ...(streams.length ? { grantProgramme: streams.map((s) => ({ code: `${grantPrefix(records)}-stream-${s.id}`, title: s.name })) } : {}),
    ...(settings?.policeForceAreaCode
      ? { beneficiaryLocation: [{ name: office.name, countryCode: "GB", geoCode: settings.policeForceAreaCode, geoCodeType: "PFA" }] }
      : {}),
    dateModified: record.lastChanged.toISOString(),
  };
}

/** The office's awarded grants (grant mechanism, or community grant scheme money). */
export function grantsOf(records: OfficeRecords): Json[] {
  return records.contracts.filter((r) => isGrant(r) && AWARDED.has(r.contract.status)).map((r) => grant(records, r));
}

export function grantPackage(records: OfficeRecords, issued = new Date()): Json {
  return {
    title: `${records.office.commissionerTitle}: grants`,
    version: "1.4",
    issued: issued.toISOString(),
    publisher: { name: records.office.commissionerTitle, identifier: funderOrgId(records) },
    license: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    grants: grantsOf(records),
  };
}

/**
 * The flat layout the 360Giving tools (CoVE, the Data Quality Tool, flatten-tool) read: one row per grant, one
 * column per field, titled with the schema's field titles joined by ":" ("Recipient Org:Charity Number").
 * Each column names its JSON path, so a test can look every title up in the schema and turn a row back into JSON.
 */
export const FLAT_COLUMNS: Array<{ title: string; path: string }> = [
  { title: "Identifier", path: "id" },
  { title: "Title", path: "title" },
  { title: "Description", path: "description" },
  { title: "Currency", path: "currency" },
  { title: "Amount Awarded", path: "amountAwarded" },
  { title: "Award Date", path: "awardDate" },
  { title: "Planned Dates:Start Date", path: "plannedDates/0/startDate" },
  { title: "Planned Dates:End Date", path: "plannedDates/0/endDate" },
  { title: "Planned Dates:Duration (months)", path: "plannedDates/0/duration" },
  { title: "Recipient Org:Identifier", path: "recipientOrganization/0/id" },
  { title: "Recipient Org:Name", path: "recipientOrganization/0/name" },
  { title: "Recipient Org:Charity Number", path: "recipientOrganization/0/charityNumber" },
  { title: "Recipient Org:Company Number", path: "recipientOrganization/0/companyNumber" },
  { title: "Beneficiary Location:Name", path: "beneficiaryLocation/0/name" },
  { title: "Beneficiary Location:Country Code", path: "beneficiaryLocation/0/countryCode" },
  { title: "Beneficiary Location:Geographic Code", path: "beneficiaryLocation/0/geoCode" },
  { title: "Beneficiary Location:Geographic Code Type", path: "beneficiaryLocation/0/geoCodeType" },
  { title: "Funding Org:Identifier", path: "fundingOrganization/0/id" },
  { title: "Funding Org:Name", path: "fundingOrganization/0/name" },
  { title: "Grant Programme:Code", path: "grantProgramme/0/code" },
  { title: "Grant Programme:Title", path: "grantProgramme/0/title" },
  { title: "Last Modified", path: "dateModified" },
];

function at(value: unknown, path: string): unknown {
  return path.split("/").reduce<unknown>((node, part) => (node == null ? undefined : (node as Record<string, unknown>)[part]), value);
}

/** Rows of the flat layout: strings and numbers, empty where a grant has no value. */
export function flatGrantRows(grants: Json[]): Array<Array<string | number>> {
  return grants.map((g) =>
    FLAT_COLUMNS.map(({ path }) => {
      const value = at(g, path);
      return typeof value === "number" || typeof value === "string" ? value : "";
    }),
  );
}
