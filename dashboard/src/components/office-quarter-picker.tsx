import { useEffect, useId } from "react";
import { useSearchParams } from "react-router";
import { useQuery } from "urql";
import { useSession } from "../session";
import { PickerOfficesQuery, PickerPeriodsQuery, useOfficeId, useParamWriter, useQuarterId } from "../url-state";

const STATE_NOTES: Record<string, string> = {
  OPEN: "open",
  CLOSED: "closed",
  FROZEN: "frozen for the Panel",
};

/**
 * Labelled selects for the office (administrators only) and the quarter. The choice lives in the URL, so a copied
 * link opens the same view; the defaults are written there too (replacing the history entry).
 */
export function OfficeQuarterPicker({ quarter = true }: { /** Off for views of a whole office (contracts, money): the office select alone. */ quarter?: boolean } = {}) {
  const id = useId();
  const { user } = useSession();
  const isAdmin = user?.role === "ADMIN";
  const [officeId, setOfficeId] = useOfficeId();
  const [periodId, setPeriodId] = useQuarterId();
  const [params] = useSearchParams();
  const write = useParamWriter();

  const [offices] = useQuery({ query: PickerOfficesQuery, pause: !isAdmin });
  const [periods] = useQuery({ query: PickerPeriodsQuery, variables: { officeId: officeId ?? 0 }, pause: officeId === null || !quarter });

  // Write the defaults into the URL once they are known, in one replace, so the address bar can be shared as is.
  const urlOffice = params.get("office");
  const urlQuarter = params.get("quarter");
  useEffect(() => {
    const wantOffice = isAdmin && officeId !== null && urlOffice !== String(officeId);
    const wantQuarter = quarter && periodId !== null && urlQuarter === null;
    if (!wantOffice && !wantQuarter) return;
    write((next) => {
      if (wantOffice) next.set("office", String(officeId));
      if (wantQuarter) next.set("quarter", String(periodId));
    });
  }, [isAdmin, officeId, periodId, urlOffice, urlQuarter, write, quarter]);

  // urql keeps the previous office's data while the next one loads; do not offer its quarters meanwhile.
  const periodsData = periods.operation?.variables.officeId === officeId ? periods.data : undefined;
  const periodList = periodsData?.reportingPeriods ?? [];
  const officeList = offices.data?.offices ?? [];
  const knownPeriod = periodList.some((p) => p.id === periodId);

  return (
    <form className="picker" aria-label={quarter ? "Office and quarter" : "Office"} onSubmit={(event) => event.preventDefault()}>
      {isAdmin && (
        <div className="picker__field">
          <label htmlFor={`${id}-office`}>Office</label>
          <select
            id={`${id}-office`}
            value={officeId ?? ""}
            onChange={(event) => setOfficeId(Number(event.target.value))}
            aria-busy={offices.fetching || undefined}
          >
            {officeId === null && <option value="">Loading offices…</option>}
            {officeList.map((office) => (
              <option key={office.id} value={office.id}>
                {office.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {quarter && (
      <div className="picker__field">
        <label htmlFor={`${id}-quarter`}>Quarter</label>
        <select
          id={`${id}-quarter`}
          value={knownPeriod ? String(periodId) : ""}
          onChange={(event) => setPeriodId(Number(event.target.value))}
          aria-busy={periods.fetching || undefined}
          disabled={periodList.length === 0 && !periods.fetching && periodsData !== undefined}
        >
          {!knownPeriod && <option value="">{periods.fetching || !periodsData ? "Loading quarters…" : periodList.length ? "Choose a quarter" : "No quarters yet"}</option>}
          {periodList.map((period) => (
            <option key={period.id} value={period.id}>
              {period.label} ({STATE_NOTES[period.state] ?? period.state.toLowerCase()})
            </option>
          ))}
        </select>
      </div>
      )}
    </form>
  );
}
