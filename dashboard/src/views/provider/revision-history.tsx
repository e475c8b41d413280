import { formatDateTime } from "../../format";
import type { FormReturn } from "./return-data";

/** Every submission of the return and what the reviewers did with it. */
export function RevisionHistory({ ret }: { ret: FormReturn }) {
  if (!ret.revisions.length) return null;
  return (
    <section className="pv-section pv-history-section" aria-labelledby="revision-history">
      <h2 id="revision-history">History</h2>
      <ol className="pv-history">
        {ret.revisions.map((revision) => (
          <li key={revision.id}>
            <strong>Submission {revision.number}</strong>: {formatDateTime(revision.submittedAt)} by {revision.submittedBy.name}
            {revision.late && " (late)"}.
            {revision.outcome === "ACCEPTED" && revision.reviewedAt && <> Accepted on {formatDateTime(revision.reviewedAt)}{revision.reviewedBy && ` by ${revision.reviewedBy.name}`}.</>}
            {revision.outcome === "RETURNED" && (
              <>
                {" "}
                Sent back{revision.reviewedAt && ` on ${formatDateTime(revision.reviewedAt)}`}
                {revision.reviewedBy && ` by ${revision.reviewedBy.name}`}
                {revision.reviewReason && <>: “{revision.reviewReason}”</>}
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
