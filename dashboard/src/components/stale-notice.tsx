import "./stale-notice.css";

/**
 * A version clash (CONFLICT): someone saved first, so nothing was saved. Said as a notice with a reload rather than
 * as an error, because the person did nothing wrong; reloading fetches their version and the form keeps nothing stale.
 * `what` is the record's noun ("contract", "allocation"), read as "this contract" and "Reload contract".
 */
export function StaleNotice({ what, onReload }: { what: string; onReload(): void }) {
  return (
    <div className="notice notice--warning stale-notice" role="alert" data-testid="stale-notice">
      <p>
        Someone else changed this {what} since you opened it, so nothing was saved. Reload to see their change, then make yours again if it is
        still needed.
      </p>
      <button type="button" className="button button--secondary" onClick={onReload}>
        Reload {what}
      </button>
    </div>
  );
}
