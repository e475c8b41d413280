import { useCallback, useState } from "react";
import { fileSlug } from "../../components/data-table/data-table";
import { useSession } from "../../session";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";
import { OpenQuarterForm } from "../../features/periods/open-quarter-form";
import { nextQuarterLabel } from "../../features/periods/period-labels";
import { QuarterList, type QuarterRow } from "../../features/periods/quarter-list";
import { QuarterStepDialog } from "../../features/periods/quarter-step-dialog";
import { OfficeChoice } from "../../components/office-choice";
import { useOfficeId } from "../../url-state";
import "../../features/periods/periods.css";

const QuartersQuery = graphql(`
  query QuartersView($officeId: Int!) {
    reportingPeriods(officeId: $officeId) {
      id
      label
      year
      quarter
      state
      startDate
      dueDate
      closedAt
      frozenAt
      version
    }
  }
`);

/** The office's reporting quarters: open the next, close an open one, freeze a closed one, each after seeing what is outstanding. */
export default function QuartersView() {
  const [officeId] = useOfficeId();
  const [{ data, error }, reexecute] = useQuery({ query: QuartersQuery, variables: { officeId: officeId ?? 0 }, pause: officeId == null, requestPolicy: "cache-and-network" });
  const [step, setStep] = useState<{ step: "close" | "freeze"; quarter: QuarterRow } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const { user } = useSession();
  const onStep = useCallback((s: "close" | "freeze", quarter: QuarterRow) => setStep({ step: s, quarter }), []);
  const refetch = () => reexecute({ requestPolicy: "network-only" });
  const quarters = data?.reportingPeriods ?? [];
  const newest = [...quarters].sort((a, b) => b.startDate.localeCompare(a.startDate))[0];
  const suggested = newest ? (nextQuarterLabel(newest.label) ?? "") : "";

  return (
    <>
      <h1>Quarters</h1>
      <OfficeChoice />
      <p className="lede">Open a quarter for returns, close it when they are in, and freeze it for the Panel. Each step shows what is still outstanding first.</p>
      <div role="status" className="quarters__message" data-testid="quarters-message">
        {message && <p className="notice">{message}</p>}
      </div>
      {error ? (
        <p className="notice notice--error" role="alert">
          {describeError(error)}
        </p>
      ) : !data || officeId == null ? (
        <p className="loading" role="status">
          Loading quarters…
        </p>
      ) : (
        <>
          <OpenQuarterForm
            key={suggested}
            officeId={officeId}
            suggested={suggested}
            stillOpen={quarters.filter((q) => q.state === "OPEN")}
            onOpened={(text) => {
              setMessage(text);
              refetch();
            }}
          />
          <h2>Reporting quarters</h2>
          <QuarterList quarters={quarters} onStep={onStep} exportName={`quarters-${fileSlug(user?.office?.name ?? `office-${officeId}`)}`} />
        </>
      )}
      {step && officeId != null && (
        <QuarterStepDialog
          step={step.step}
          period={{ ...step.quarter, officeId }}
          onDone={(text) => {
            setStep(null);
            setMessage(text);
            refetch();
          }}
          onStale={refetch}
          onClose={() => setStep(null)}
        />
      )}
    </>
  );
}
