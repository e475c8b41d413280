import { useEffect, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";

const PrefsQuery = graphql(`
  query MyMailPreferences {
    myMailPreferences {
      reminders
      chasers
      accepted
      digest
      version
    }
  }
`);

const SavePrefs = graphql(`
  mutation SetMailPreferences($input: MailPreferencesInput!) {
    setMailPreferences(input: $input) {
      reminders
      chasers
      accepted
      digest
      version
    }
  }
`);

type Choice = "reminders" | "chasers" | "accepted" | "digest";
const CHOICES: { key: Choice; label: string; staff?: boolean; provider?: boolean }[] = [
  { key: "reminders", label: "Reminders before a return is due, and on the day", provider: true },
  { key: "chasers", label: "Chasers when a return is late", provider: true },
  { key: "accepted", label: "A mail when a return is accepted", provider: true },
  { key: "digest", label: "The daily digest of returns (officers)", staff: true },
];

/** Which non-essential mail you get; a sent-back return always mails its provider. */
export function MailPreferencesForm({ isProvider }: { isProvider: boolean }) {
  const id = useId();
  const [{ data }] = useQuery({ query: PrefsQuery });
  const [{ fetching, error }, save] = useMutation(SavePrefs);
  const [draft, setDraft] = useState<Record<Choice, boolean> | null>(null);
  const [saved, setSaved] = useState(false);
  const prefs = data?.myMailPreferences;
  useEffect(() => {
    if (prefs) setDraft({ reminders: prefs.reminders, chasers: prefs.chasers, accepted: prefs.accepted, digest: prefs.digest });
  }, [prefs]);
  if (!prefs || !draft) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const result = await save({ input: { ...draft, version: prefs.version } });
    if (!result.error) setSaved(true);
  };
  return (
    <section className="panel mail-form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Your mail</h2>
      <form onSubmit={submit}>
        <fieldset className="mail-form__choices">
          <legend>Send me</legend>
          {CHOICES.filter((c) => (isProvider ? c.provider : c.staff)).map((c) => (
            <label key={c.key} className="mail-form__choice">
              <input type="checkbox" checked={draft[c.key]} onChange={(e) => setDraft({ ...draft, [c.key]: e.target.checked })} /> {c.label}
            </label>
          ))}
        </fieldset>
        <p className="hint">{isProvider ? "A return sent back to you is always mailed: it asks you to act." : "Every mail also has a link to stop that kind of mail."}</p>
        <div className="button-row">
          <button type="submit" className="button" disabled={fetching}>
            Save my mail choices
          </button>
          {saved && <span role="status">Saved.</span>}
        </div>
        {error && <p role="alert">{describeError(error, { CONFLICT: "Your choices were changed elsewhere. Reload the page and try again." })}</p>}
      </form>
    </section>
  );
}
