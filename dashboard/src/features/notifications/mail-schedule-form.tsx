import { useEffect, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";

const ScheduleQuery = graphql(`
  query MailSchedule($officeId: Int) {
    mailSchedule(officeId: $officeId) {
      officeId
      reminderDays
      chaserIntervalDays
      digestHour
      version
    }
  }
`);

const SaveSchedule = graphql(`
  mutation SetMailSchedule($input: MailScheduleInput!) {
    setMailSchedule(input: $input) {
      officeId
      reminderDays
      chaserIntervalDays
      digestHour
      version
    }
  }
`);

/** When the office reminds and chases its providers, and when its officers get the digest (London time). */
export function MailScheduleForm({ officeId, canChange }: { officeId: number | null; canChange: boolean }) {
  const id = useId();
  const [{ data, error: loadError }] = useQuery({ query: ScheduleQuery, variables: { officeId } });
  const [{ fetching, error }, save] = useMutation(SaveSchedule);
  const schedule = data?.mailSchedule;
  const [days, setDays] = useState("");
  const [interval, setInterval] = useState("");
  const [hour, setHour] = useState("");
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!schedule) return;
    setDays(schedule.reminderDays.join(", "));
    setInterval(String(schedule.chaserIntervalDays));
    setHour(String(schedule.digestHour));
  }, [schedule]);
  if (loadError && !schedule) return <p role="alert">{describeError(loadError)}</p>;
  if (!schedule) return null;
  const problems = error?.graphQLErrors.flatMap((e) => (e.extensions?.problems as { field: string; message: string }[] | undefined) ?? []) ?? [];
  const problemFor = (field: string) => problems.find((p) => p.field === field || p.field.startsWith(`${field}.`))?.message;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const reminderDays = days
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((d) => Number(d));
    const result = await save({ input: { officeId: schedule.officeId, version: schedule.version, reminderDays, chaserIntervalDays: Number(interval), digestHour: Number(hour) } });
    if (!result.error) setSaved(true);
  };
  const field = (key: string, label: string, value: string, set: (v: string) => void, hint: string, inputMode: "numeric" | "text") => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <p className="hint" id={`${id}-${key}-hint`}>
        {hint}
      </p>
      {problemFor(key) && (
        <p className="field-error" id={`${id}-${key}-error`}>
          {problemFor(key)}
        </p>
      )}
      <input id={`${id}-${key}`} value={value} onChange={(e) => set(e.target.value)} inputMode={inputMode} disabled={!canChange} aria-describedby={`${id}-${key}-hint${problemFor(key) ? ` ${id}-${key}-error` : ""}`} aria-invalid={problemFor(key) ? true : undefined} />
    </div>
  );
  return (
    <section className="panel mail-form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Office reminders</h2>
      <form onSubmit={submit}>
        {field("reminderDays", "Remind providers this many days before the due date", days, setDays, "Separate with commas, e.g. 14, 3.", "text")}
        {field("chaserIntervalDays", "Chase late returns every (days)", interval, setInterval, "The first chaser goes the day after the due date.", "numeric")}
        {field("digestHour", "Send officers' digest from (hour, UK time)", hour, setHour, "0 to 23; e.g. 8 for 8 am.", "numeric")}
        {canChange ? (
          <div className="button-row">
            <button type="submit" className="button" disabled={fetching}>
              Save the schedule
            </button>
            {saved && <span role="status">Saved.</span>}
          </div>
        ) : (
          <p className="hint">Only the office's commissioning staff can change this.</p>
        )}
        {error && !problems.length && <p role="alert">{describeError(error, { CONFLICT: "Someone changed the schedule meanwhile. Reload the page and try again." })}</p>}
      </form>
    </section>
  );
}
