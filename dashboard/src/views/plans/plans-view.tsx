import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { KpqCard } from "../../features/plans/kpq-card";
import { KpqForm } from "../../features/plans/kpq-form";
import { PLAN_KIND_LABELS, PlansOfficeCellsQuery, PlansQuery } from "../../features/plans/plan-data";
import { useSession } from "../../session";
import { useOfficeId, useQuarterId } from "../../url-state";
import "../../components/workspace.css";
import "../../features/plans/plans.css";

const WRITERS = ["ADMIN", "COMMISSIONER", "OFFICER"];

/** The office's plans: each priority's Key Performance Questions with their indicators' status in the chosen quarter. */
export default function PlansView() {
  const { user } = useSession();
  const [officeId] = useOfficeId();
  const [periodId] = useQuarterId();
  const [message, setMessage] = useState("");
  const [adding, setAdding] = useState<number | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({ query: PlansQuery, variables: { officeId }, pause: officeId === null });
  const [{ data: cellData }] = useQuery({ query: PlansOfficeCellsQuery, variables: { officeId, periodId: periodId ?? 0 }, pause: officeId === null || periodId === null });
  const cells = useMemo(() => {
    const total = cellData?.scorecards.find((s) => s.portfolioId == null);
    return new Map((total?.rows ?? []).flatMap((row) => row.cells.filter((c) => c.periodId === periodId).map((c) => [row.indicatorId, c] as const)));
  }, [cellData, periodId]);
  const canWrite = WRITERS.includes(user?.role ?? "ANALYST");
  const reload = () => refetch({ requestPolicy: "network-only" });
  const saved = (text: string) => {
    setMessage(text);
    setAdding(null);
    reload();
  };

  return (
    <div className="workspace">
      <h1>Plans and Key Performance Questions</h1>
      <p className="lede">Each priority of the office's plans, the questions that test it, and how the indicators answering them stand in the quarter chosen above (office-wide, accepted returns).</p>
      <p className="status-message" role="status" data-testid="status-message">
        {message}
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading plans…</p>}
      {data && data.strategicPlans.length === 0 && <p>The office has no plans recorded.</p>}
      {data?.strategicPlans.map((plan) => (
        <section key={plan.id} className="panel" aria-labelledby={`plan-${plan.id}`}>
          <h2 id={`plan-${plan.id}`}>{plan.title}</h2>
          <p className="hint">
            {PLAN_KIND_LABELS[plan.kind]}, {plan.startYear} to {plan.endYear}
          </p>
          {plan.priorities.map((priority, index) => (
            <section key={priority.id} className="priority" aria-labelledby={`priority-${priority.id}`}>
              <h3 id={`priority-${priority.id}`}>
                {index + 1}. {priority.title}
              </h3>
              {priority.description && <p className="priority__description">{priority.description}</p>}
              {priority.keyPerformanceQuestions.length === 0 ? (
                <p className="hint">No Key Performance Questions under this priority.</p>
              ) : (
                <ul className="kpq-list">
                  {priority.keyPerformanceQuestions.map((kpq) => (
                    <KpqCard key={kpq.id} kpq={kpq} priorityId={priority.id} canWrite={canWrite} indicators={data.indicators} cells={cells} onSaved={saved} onReload={reload} />
                  ))}
                </ul>
              )}
              {canWrite &&
                (adding === priority.id ? (
                  <KpqForm priorityId={priority.id} indicators={data.indicators} onSaved={saved} onCancel={() => setAdding(null)} onReload={reload} />
                ) : (
                  <button type="button" className="button button--secondary" onClick={() => setAdding(priority.id)}>
                    Add a question<span className="visually-hidden"> under {priority.title}</span>
                  </button>
                ))}
            </section>
          ))}
        </section>
      ))}
    </div>
  );
}
