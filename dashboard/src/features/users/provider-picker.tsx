import { useQuery } from "urql";
import { FormField } from "../../components/form-field";
import { ProvidersQuery } from "./user-data";

/** A provider from the register (the first hundred by name), for a provider's user. */
export function ProviderPicker({ value, onChange, error }: { value: string; onChange(id: string): void; error?: string }) {
  const [{ data }] = useQuery({ query: ProvidersQuery, variables: { search: null, offset: 0 } });
  return (
    <FormField label="Provider" error={error}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose a provider</option>
          {(data?.providers.items ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}
