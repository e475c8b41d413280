/** A version clash: someone saved first. Reloading fetches their version; the form keeps nothing stale. */
export function StaleNotice({ what, onReload }: { what: string; onReload(): void }) {
  return (
    <div className="notice notice--warning" role="alert" data-testid="stale-notice">
      <p>
        Someone else changed {what} since you opened it, so your change was not saved. Reload to see their version, then make your change again.
      </p>
      <button type="button" className="button button--secondary" onClick={onReload}>
        Reload {what}
      </button>
    </div>
  );
}
