import { useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";

const QuarterOutstandingQuery = graphql(`
  query QuarterOutstanding($periodId: Int!, $officeId: Int) {
    returnCompleteness(periodId: $periodId) {
      portfolioId
      due
      submitted
      accepted
      missing
      late
    }
    dueContracts: contracts(officeId: $officeId, first: 100) {
      hasMore
      items {
        id
        reference
        title
        returnDue(periodId: $periodId)
        kpis {
          id
        }
        provider {
          id
          name
        }
      }
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
export function QuarterOutstanding({ periodId, officeId }: { periodId: number; officeId: number }) {
  const [{ data, error }] = useQuery({ query: QuarterOutstandingQuery, variables: { periodId, officeId }, requestPolicy: "network-only" });
  if (error) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">Checking what is outstanding…</p>;
  const total = data.returnCompleteness.find((c) => c.portfolioId == null) ?? data.returnCompleteness[0];
  const waiting = data.returns.items.filter((r) => r.state !== "ACCEPTED");
  const notIn = total ? total.missing : 0;
  const notReviewed = waiting.filter((r) => r.state === "SUBMITTED").length;
  // Due under the contract's schedule with no return started at all: named, so the officer knows whom to chase.
  const started = new Set(data.returns.items.map((r) => r.contract.id));
  // Completeness counts only contracts that report indicators; so does this list.
  const neverStarted = data.dueContracts.items.filter((c) => c.returnDue && c.kpis.length > 0 && !started.has(c.id));
  const notInList = [
    ...neverStarted.map((c) => ({ key: `c${c.id}`, text: `${c.reference} ${c.title} (${c.provider.name}): not started` })),
    ...waiting.filter((r) => r.state === "DRAFT").map((r) => ({ key: `r${r.id}`, text: `${r.contract.reference} ${r.contract.title} (${r.contract.provider.name}): ${WAITING[r.state] ?? r.state.toLowerCase()}` })),
  ];
  // Sent back: submitted once (so not "not in"), now with the provider to correct.
  const sentBack = waiting.filter((r) => r.state === "RETURNED").map((r) => ({ key: `r${r.id}`, text: `${r.contract.reference} ${r.contract.title} (${r.contract.provider.name})` }));
  const reviewList = waiting.filter((r) => r.state === "SUBMITTED").map((r) => ({ key: `r${r.id}`, text: `${r.contract.reference} ${r.contract.title} (${r.contract.provider.name})` }));
  return (
    <div className="quarter-outstanding" data-testid="outstanding">
      {total ? (
        <p data-testid="outstanding-summary">
          <strong>
            {notIn} {notIn === 1 ? "return" : "returns"} not in, {notReviewed} not reviewed
          </strong>
          {sentBack.length > 0 && `, ${sentBack.length} sent back`}{" "}
          ({total.accepted} of {total.due} due accepted{total.late ? `, ${total.late} late` : ""}).
        </p>
      ) : (
        <p>No returns are due for this quarter.</p>
      )}
      {notInList.length > 0 && (
        <>
          <h3>Not in</h3>
          {/* It scrolls when long: focusable, so a keyboard can scroll it too. */}
          <ul className="quarter-outstanding__list" aria-label="Returns not in" tabIndex={0} data-testid="outstanding-not-in">
            {notInList.map((item) => (
              <li key={item.key}>{item.text}</li>
            ))}
          </ul>
        </>
      )}
      {reviewList.length > 0 && (
        <>
          <h3>Submitted, not reviewed</h3>
          <ul className="quarter-outstanding__list" aria-label="Returns not reviewed" tabIndex={0} data-testid="outstanding-not-reviewed">
            {reviewList.map((item) => (
              <li key={item.key}>{item.text}</li>
            ))}
          </ul>
        </>
      )}
      {sentBack.length > 0 && (
        <>
          <h3>Sent back, with the provider</h3>
          <ul className="quarter-outstanding__list" aria-label="Returns sent back" tabIndex={0} data-testid="outstanding-sent-back">
            {sentBack.map((item) => (
              <li key={item.key}>{item.text}</li>
            ))}
          </ul>
        </>
      )}
      {data.dueContracts.hasMore && <p className="hint">The office has more than 100 contracts: the returns page lists every one not started.</p>}
    </div>
  );
}
