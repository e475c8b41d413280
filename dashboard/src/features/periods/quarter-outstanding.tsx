import { useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";

const QuarterOutstandingQuery = graphql(`
  query QuarterOutstanding($periodId: Int!) {
    returnCompleteness(periodId: $periodId) {
      portfolioId
      due
      submitted
      accepted
      missing
      late
    }
    returns(periodId: $periodId, first: 100) {
      totalCount
      items {
        id
        state
        contract {
          id
          reference
          title
          provider {
            id
            name
          }
        }
      }
    }
  }
`);

const WAITING: Record<string, string> = { DRAFT: "started, not submitted", RETURNED: "sent back to the provider", SUBMITTED: "submitted, not reviewed" };

/** Returns the quarter still lacks: not in (never submitted) and not reviewed (submitted, drafts, sent back), contract by contract. */
export function QuarterOutstanding({ periodId }: { periodId: number }) {
  const [{ data, error }] = useQuery({ query: QuarterOutstandingQuery, variables: { periodId }, requestPolicy: "network-only" });
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">Checking what is outstanding…</p>;
  const total = data.returnCompleteness.find((c) => c.portfolioId == null) ?? data.returnCompleteness[0];
  const waiting = data.returns.items.filter((r) => r.state !== "ACCEPTED");
  const notIn = total ? total.missing : 0;
  const notReviewed = waiting.filter((r) => r.state === "SUBMITTED").length;
  return (
    <div className="quarter-outstanding" data-testid="outstanding">
      {total ? (
        <p data-testid="outstanding-summary">
          <strong>
            {notIn} {notIn === 1 ? "return" : "returns"} not in, {notReviewed} not reviewed
          </strong>{" "}
          ({total.accepted} of {total.due} due accepted{total.late ? `, ${total.late} late` : ""}).
        </p>
      ) : (
        <p>No returns are due for this quarter.</p>
      )}
      {waiting.length > 0 && (
        // It scrolls when long: focusable, so a keyboard can scroll it too.
        <ul className="quarter-outstanding__list" aria-label="Returns not yet accepted" tabIndex={0}>
          {waiting.map((r) => (
            <li key={r.id}>
              {r.contract.reference} {r.contract.title} ({r.contract.provider.name}): {WAITING[r.state] ?? r.state.toLowerCase()}
            </li>
          ))}
        </ul>
      )}
      {notIn > 0 && <p className="hint">Returns never started are counted above; the returns page lists each one.</p>}
    </div>
  );
}
