import { useCallback } from "react";
import { useLocation, useSearchParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "./gql";
import { useSession } from "./session";

/** Offices the signed-in user can see: one for most roles, every office for administrators. */
export const PickerOfficesQuery = graphql(`
  query PickerOffices {
    offices {
      id
      name
    }
  }
`);

/**
 * An office's quarters, newest first, and the newest quarter that has any returns in it (submitted, accepted or
 * sent back), which is where a review starts.
 */
export const PickerPeriodsQuery = graphql(`
  query PickerPeriods($officeId: Int!) {
    reportingPeriods(officeId: $officeId) {
      id
      label
      year
      quarter
      state
      startDate
      endDate
      dueDate
    }
    submitted: returns(officeId: $officeId, state: SUBMITTED, first: 1) {
      items {
        id
        period {
          id
        }
      }
    }
    accepted: returns(officeId: $officeId, state: ACCEPTED, first: 1) {
      items {
        id
        period {
          id
        }
      }
    }
    sentBack: returns(officeId: $officeId, state: RETURNED, first: 1) {
      items {
        id
        period {
          id
        }
      }
    }
  }
`);

function parseId(value: string | null): number | null {
  if (value == null || !/^\d+$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

type SetParams = ReturnType<typeof useSearchParams>[1];

/**
 * Changes search params in place: a picker's choice replaces the history entry rather than adding one.
 *
 * A write is dropped once the address bar has left the page that made it. React Router resolves "?…" against the
 * page as last rendered, so a default written when a query's answer arrives (after "Sign out" has already gone
 * to /, say) would otherwise put the old page's address back.
 */
export function useParamWriter(): (change: (params: URLSearchParams) => void) => void {
  const [, setParams] = useSearchParams();
  const { pathname } = useLocation();
  return useCallback(
    (change) => {
      if (window.location.pathname !== pathname) return;
      (setParams as SetParams)(
        (previous) => {
          const next = new URLSearchParams(previous);
          change(next);
          return next;
        },
        { replace: true, preventScrollReset: true },
      );
    },
    [setParams, pathname],
  );
}

/**
 * The office being looked at (search param `office`). Defaults to the user's own office, or for administrators and
 * providers (who have none) the oldest office they can see. Users tied to one office always get their own.
 * Choosing another office clears `quarter` and `portfolio`, whose ids belong to the previous office.
 */
export function useOfficeId(): [number | null, (id: number) => void] {
  const [params] = useSearchParams();
  const { user } = useSession();
  const write = useParamWriter();
  const fromUrl = parseId(params.get("office"));
  const homeOffice = user?.role === "ADMIN" || user?.role === "PROVIDER" ? null : (user?.office?.id ?? null);
  const [{ data }] = useQuery({ query: PickerOfficesQuery, pause: !user || homeOffice !== null || fromUrl !== null });
  // Offices come sorted by name; the oldest (lowest id) is the steadier default for those who see several.
  const firstOffice = data?.offices.length ? Math.min(...data.offices.map((o) => o.id)) : null;
  const officeId = homeOffice ?? fromUrl ?? firstOffice;

  const setOfficeId = useCallback(
    (id: number) =>
      write((next) => {
        if (next.get("office") === String(id)) return;
        next.set("office", String(id));
        next.delete("quarter");
        next.delete("portfolio");
      }),
    [write],
  );
  return [officeId, setOfficeId];
}

/** The newest quarter with returns in it; failing that the newest that has started; failing that the newest. */
export function defaultPeriodId(data: {
  reportingPeriods: { id: number; startDate: string }[];
  submitted: { items: { period: { id: number } }[] };
  accepted: { items: { period: { id: number } }[] };
  sentBack: { items: { period: { id: number } }[] };
}): number | null {
  const withReturns = [...data.submitted.items, ...data.accepted.items, ...data.sentBack.items].map((r) => r.period.id);
  // Newest by date, not by id: periods can be added out of order (the demo's frozen 2022-23 Q4 came last).
  const startOf = new Map(data.reportingPeriods.map((p) => [p.id, p.startDate]));
  if (withReturns.length) return withReturns.reduce((best, id) => ((startOf.get(id) ?? "") > (startOf.get(best) ?? "") ? id : best));
  const today = new Date().toISOString().slice(0, 10);
  const started = data.reportingPeriods.filter((p) => p.startDate <= today);
  const newestFirst = [...(started.length ? started : data.reportingPeriods)].sort((a, b) => (a.startDate < b.startDate ? 1 : -1));
  return newestFirst[0]?.id ?? null;
}

/**
 * The quarter being looked at (search param `quarter`, a reporting period id). Defaults to the newest quarter of
 * the office that has returns in it.
 */
export function useQuarterId(): [number | null, (periodId: number) => void] {
  const [params] = useSearchParams();
  const [officeId] = useOfficeId();
  const write = useParamWriter();
  const fromUrl = parseId(params.get("quarter"));
  const [{ data, operation }] = useQuery({
    query: PickerPeriodsQuery,
    variables: { officeId: officeId ?? 0 },
    pause: officeId === null || fromUrl !== null,
  });
  // urql keeps the previous office's data while the next one loads: never default to another office's quarter.
  const current = data && operation?.variables.officeId === officeId ? data : undefined;
  const periodId = fromUrl ?? (current ? defaultPeriodId(current) : null);

  const setPeriodId = useCallback(
    (id: number) =>
      write((next) => {
        next.set("quarter", String(id));
      }),
    [write],
  );
  return [periodId, setPeriodId];
}

/** The portfolio in focus (search param `portfolio`), or null for all of them. */
export function usePortfolioId(): [number | null, (id: number | null) => void] {
  const [params] = useSearchParams();
  const write = useParamWriter();
  const portfolioId = parseId(params.get("portfolio"));
  const setPortfolioId = useCallback(
    (id: number | null) =>
      write((next) => {
        if (id === null) next.delete("portfolio");
        else next.set("portfolio", String(id));
      }),
    [write],
  );
  return [portfolioId, setPortfolioId];
}

/** The current `office` and `quarter` params as a query string ("?office=1&quarter=4"), for links between views. */
export function useSelectionSearch(): string {
  const [params] = useSearchParams();
  const keep = new URLSearchParams();
  for (const key of ["office", "quarter"]) {
    const value = params.get(key);
    if (value) keep.set(key, value);
  }
  const text = keep.toString();
  return text ? `?${text}` : "";
}
