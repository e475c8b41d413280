import { useId } from "react";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";

const OutboxQuery = graphql(`
  query Outbox($first: Int!) {
    outbox(first: $first) {
      id
      kind
      toAddress
      subject
      state
      attempts
      lastCode
      lastError
      createdAt
      sentAt
      nextAttemptAt
    }
  }
`);

const when = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const STATE: Record<string, string> = { PENDING: "Waiting", SENDING: "Sending", SENT: "Sent", FAILED: "Failed", HELD: "Held (no SMTP server)" };

/** The mail outbox for administrators: what was sent, what waits, what failed and why. */
export function OutboxTable() {
  const id = useId();
  const [{ data, error }] = useQuery({ query: OutboxQuery, variables: { first: 200 }, requestPolicy: "cache-and-network" });
  if (error && !data) return <p role="alert">{describeError(error)}</p>;
  if (!data) return null;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Outbox</h2>
      <p className="hint">Without SMTP_URL the server sends nothing: mail is held here to be read.</p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Outbox, scrolls sideways">
        <table className="table outbox-table">
          <thead>
            <tr>
              <th scope="col">Made</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last failure</th>
            </tr>
          </thead>
          <tbody>
            {data.outbox.map((row) => (
              <tr key={row.id}>
                <td>{when.format(new Date(row.createdAt as string))}</td>
                <td>{row.toAddress}</td>
                <td>{row.subject}</td>
                <td>
                  <span className={`outbox-state outbox-state--${row.state.toLowerCase()}`}>{STATE[row.state] ?? row.state}</span>
                  {row.sentAt && <> {when.format(new Date(row.sentAt as string))}</>}
                </td>
                <td>{row.attempts}</td>
                <td>{row.lastCode ? `${row.lastCode}: ${row.lastError ?? ""}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
