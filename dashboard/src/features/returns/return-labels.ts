/** A return's state as people say it: RETURNED is what officers call sending back. */
export const RETURN_STATE_LABELS: Record<string, string> = {
  DRAFT: "Draft",
  SUBMITTED: "Submitted",
  ACCEPTED: "Accepted",
  RETURNED: "Sent back",
};
