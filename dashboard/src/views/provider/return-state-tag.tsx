import type { ReturnState } from "../../gql/graphql";

/** A return's state in words, with a shape so it never depends on colour alone. */
const STATES: Record<ReturnState | "NONE", { label: string; icon: string; tone: string }> = {
  NONE: { label: "Not started", icon: "○", tone: "none" },
  DRAFT: { label: "Draft", icon: "✎", tone: "draft" },
  SUBMITTED: { label: "Submitted", icon: "➜", tone: "submitted" },
  RETURNED: { label: "Sent back", icon: "↩", tone: "returned" },
  ACCEPTED: { label: "Accepted", icon: "✓", tone: "accepted" },
};

export function returnStateLabel(state: ReturnState | null | undefined): string {
  return STATES[state ?? "NONE"].label;
}

export function ReturnStateTag({ state }: { state: ReturnState | null | undefined }) {
  const { label, icon, tone } = STATES[state ?? "NONE"];
  return (
    <span className={`pv-state pv-state--${tone}`} data-state={state ?? "NONE"}>
      <span className="pv-state__icon" aria-hidden="true">
        {icon}
      </span>
      {label}
    </span>
  );
}
