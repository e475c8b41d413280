import { useId } from "react";
import { useMutation, useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";
import { useSession } from "../../session";

const SettingsQuery = graphql(`
  query OpenDataSettingsPanel($officeId: Int) {
    openDataSettings(officeId: $officeId) {
      officeId
      publish
      shareBenchmarks
      version
    }
    offices {
      id
      code
    }
  }
`);

const SetSettings = graphql(`
  mutation SetOpenDataSettingsPanel($input: OpenDataSettingsInput!, $version: Int!) {
    setOpenDataSettings(input: $input, version: $version) {
      officeId
      publish
      shareBenchmarks
      version
    }
  }
`);

/** The office's open-data choices; only the Commissioner (and administrators) may change them. */
export function OpenDataSettingsPanel({ officeId }: { officeId: number }) {
  const { user } = useSession();
  const id = useId();
  const [{ data }, refetch] = useQuery({ query: SettingsQuery, variables: { officeId } });
  const [{ fetching, error }, save] = useMutation(SetSettings);
  const settings = data?.openDataSettings;
  const code = data?.offices.find((o) => o.id === officeId)?.code;
  const canChange = user?.role === "COMMISSIONER" || user?.role === "ADMIN";
  if (!settings) return null;

  const toggle = async (key: "publish" | "shareBenchmarks", value: boolean) => {
    const result = await save({ input: { officeId, [key]: value }, version: settings.version });
    if (result.error) refetch({ requestPolicy: "network-only" });
  };

  return (
    <section className="panel open-data-settings" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Open data and sharing</h2>
      <ul className="open-data-settings__list">
        <li>
          <label>
            <input type="checkbox" checked={settings.publish} disabled={!canChange || fetching} onChange={(e) => toggle("publish", e.target.checked)} /> Publish a public transparency page with open data (OCDS and 360Giving)
          </label>
          {settings.publish && code && (
            <>
              {" "}
              <a href={`/open/${code}`}>View the public page</a>
            </>
          )}
        </li>
        <li>
          <label>
            <input type="checkbox" checked={settings.shareBenchmarks} disabled={!canChange || fetching} onChange={(e) => toggle("shareBenchmarks", e.target.checked)} /> Share indicator figures with other offices for benchmarking
          </label>
        </li>
      </ul>
      {!canChange && <p className="hint">Only the Commissioner can change these.</p>}
      {error && <p role="alert">{describeError(error)}</p>}
    </section>
  );
}
