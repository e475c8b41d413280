import { useQuery } from "urql";
import { OpenFlagsQuery } from "./conversation-data";
import "./conversations.css";

/**
 * Beside a figure in the provider's form: the commissioning team's open follow-up flag on it, if any. Every figure
 * of a form asks the same query, which urql sends once.
 */
export function FigureFlagNote({ contractId, measureId, id }: { contractId: number; measureId: number; id?: string }) {
  const [{ data }] = useQuery({ query: OpenFlagsQuery, variables: { contractId }, requestPolicy: "cache-and-network" });
  const flags = data?.contract.openFigureFlags ?? [];
  const flag = flags.find((f) => f.measureId === measureId);
  if (!flag) return null;
  return (
    <p className="figure-flag figure-flag--inline" id={id} data-testid={`figure-flag-${measureId}`}>
      <span className="figure-flag__badge">
        <span aria-hidden="true">⚑ </span>Follow-up
      </span>{" "}
      {flag.note}
      <span className="figure-flag__meta"> — {flag.raisedBy?.name ?? "the commissioning team"}</span>
    </p>
  );
}
