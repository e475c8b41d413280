import type { ContractStatus, Mechanism } from "../../gql/graphql";
import type { ContractRow } from "./contract-queries";

export interface ContractFilter {
  search: string;
  portfolioId: number | null;
  providerId: number | null;
  status: ContractStatus | null;
  mechanism: Mechanism | null;
  /** Only contracts ending within this many months of today (already ended ones excluded). */
  endingWithinMonths: number | null;
}

export const NO_FILTER: ContractFilter = { search: "", portfolioId: null, providerId: null, status: null, mechanism: null, endingWithinMonths: null };

function addMonths(iso: string, months: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** The rows a filter keeps. Search matches reference, title and provider, ignoring case. */
export function filterContracts<T extends Pick<ContractRow, "reference" | "title" | "status" | "mechanism" | "endDate" | "portfolio" | "provider">>(rows: readonly T[], filter: ContractFilter, today: string): T[] {
  const needle = filter.search.trim().toLowerCase();
  const until = filter.endingWithinMonths != null ? addMonths(today, filter.endingWithinMonths) : null;
  return rows.filter(
    (c) =>
      (!needle || `${c.reference} ${c.title} ${c.provider.name}`.toLowerCase().includes(needle)) &&
      (filter.portfolioId == null || c.portfolio.id === filter.portfolioId) &&
      (filter.providerId == null || c.provider.id === filter.providerId) &&
      (filter.status == null || c.status === filter.status) &&
      (filter.mechanism == null || c.mechanism === filter.mechanism) &&
      (until == null || (c.endDate != null && c.endDate >= today && c.endDate <= until)),
  );
}

/** The filter as search params, so a filtered list can be linked to and survives a reload. */
export function filterFromParams(params: URLSearchParams): ContractFilter {
  const id = (name: string) => (/^\d+$/.test(params.get(name) ?? "") ? Number(params.get(name)) : null);
  return {
    search: params.get("q") ?? "",
    portfolioId: id("portfolio"),
    providerId: id("provider"),
    status: (params.get("status") as ContractStatus | null) || null,
    mechanism: (params.get("mechanism") as Mechanism | null) || null,
    endingWithinMonths: id("ending"),
  };
}

export function filterToParams(filter: ContractFilter, params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (name: string, value: string | number | null) => (value == null || value === "" ? next.delete(name) : next.set(name, String(value)));
  set("q", filter.search);
  set("portfolio", filter.portfolioId);
  set("provider", filter.providerId);
  set("status", filter.status);
  set("mechanism", filter.mechanism);
  set("ending", filter.endingWithinMonths);
  return next;
}
