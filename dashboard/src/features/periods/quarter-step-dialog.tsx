import { useState } from "react";
import { useMutation } from "urql";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { describeError, errorCode } from "../../errors";
import { formatDate } from "../../format";
import { graphql } from "../../gql";
import type { PeriodState } from "../../gql/graphql";
import { QuarterOutstanding } from "./quarter-outstanding";

const CloseQuarterMutation = graphql(`
  mutation QuarterClose($id: Int!, $version: Int!) {
    closeReportingPeriod(id: $id, version: $version) {
      id
      state
      version
      closedAt
    }
  }
`);

const FreezeQuarterMutation = graphql(`
  mutation QuarterFreeze($id: Int!, $version: Int!) {
    freezePeriod(id: $id, version: $version) {
      frozenAt
      period {
        id
        state
        version
        frozenAt
      }
    }
  }
`);

export interface QuarterStepTarget {
  id: number;
  label: string;
  version: number;
  state: PeriodState;
  dueDate: string;
}

export interface QuarterStepDialogProps {
  step: "close" | "freeze";
  period: QuarterStepTarget & { officeId: number };
  onDone(message: string): void;
  /** Someone moved the quarter on first (CONFLICT): the list should be fetched again. */
  onStale(): void;
  onClose(): void;
}

const TEXT = {
  close: {
    title: (label: string) => `Close ${label}?`,
    what: "Providers can no longer edit or submit this quarter's returns. You can still accept or send back those already in, and open one for correction with a reason.",
    confirm: "Close the quarter",
    busy: "Closing…",
    done: (label: string) => `${label} is closed.`,
  },
  freeze: {
    title: (label: string) => `Freeze ${label} for the Panel?`,
    what: "The quarter's scorecards and money are kept as they are now, for the Police and Crime Panel. This cannot be undone: later corrections show as restatements against the frozen figures.",
    confirm: "Freeze the quarter",
    busy: "Freezing…",
    done: (label: string) => `${label} is frozen for the Panel.`,
  },
};

/** The confirmation before closing or freezing a quarter, with what is still outstanding in it. */
export function QuarterStepDialog({ step, period, onDone, onStale, onClose }: QuarterStepDialogProps) {
  const text = TEXT[step];
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching: closing }, close] = useMutation(CloseQuarterMutation);
  const [{ fetching: freezing }, freeze] = useMutation(FreezeQuarterMutation);

  async function confirm() {
    const variables = { id: period.id, version: period.version };
    const result = step === "close" ? await close(variables) : await freeze(variables);
    if (!result.error) {
      onDone(text.done(period.label));
      return;
    }
    if (errorCode(result.error) === "CONFLICT") {
      setProblem("Someone else changed this quarter since the list was loaded; it has been reloaded. Check its state and try again.");
      onStale();
      return;
    }
    setProblem(describeError(result.error));
  }

  return (
    <ConfirmDialog title={text.title(period.label)} confirmLabel={text.confirm} busyLabel={text.busy} busy={closing || freezing} tone={step === "freeze" ? "warning" : "normal"} error={problem} onConfirm={confirm} onClose={onClose}>
      <p>{text.what}</p>
      <p>Returns were due by {formatDate(period.dueDate)}. Outstanding now:</p>
      <QuarterOutstanding periodId={period.id} officeId={period.officeId} />
    </ConfirmDialog>
  );
}
