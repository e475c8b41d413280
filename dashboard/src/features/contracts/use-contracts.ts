import { useEffect, useState } from "react";
import { useClient } from "urql";
import { graphql, useFragment, type FragmentType } from "../../gql";
import type { ContractRowFieldsFragment } from "../../gql/graphql";
import { ContractRowFields } from "./contract-fragments";

const ContractsPageQuery = graphql(`
  query ContractsPage($officeId: Int, $offset: Int!) {
    contracts(officeId: $officeId, first: 100, offset: $offset) {
      totalCount
      hasMore
      items {
        ...ContractRowFields
      }
    }
  }
`);

export interface ContractsState {
  rows: ContractRowFieldsFragment[] | null;
  error: string | null;
}

/**
 * Every contract of the office, page after page (the API gives at most 100 at a time): the list sorts and filters
 * the whole set in the browser, which an office's few hundred contracts allow.
 */
export function useAllContracts(officeId: number | null, reloadKey = 0): ContractsState {
  const client = useClient();
  const [state, setState] = useState<{ key: string; rows: FragmentType<typeof ContractRowFields>[] | null; error: string | null }>({ key: "", rows: null, error: null });
  const key = `${officeId}:${reloadKey}`;
  useEffect(() => {
    if (officeId == null) return;
    let cancelled = false;
    (async () => {
      const rows: FragmentType<typeof ContractRowFields>[] = [];
      for (let offset = 0; ; offset += 100) {
        const result = await client.query(ContractsPageQuery, { officeId, offset }, { requestPolicy: "network-only" }).toPromise();
        if (cancelled) return;
        if (result.error || !result.data) {
          setState({ key, rows: null, error: result.error?.message ?? "The contracts could not be loaded." });
          return;
        }
        rows.push(...result.data.contracts.items);
        if (!result.data.contracts.hasMore) break;
      }
      setState({ key, rows, error: null });
    })();
    return () => {
      cancelled = true;
    };
  }, [client, officeId, key]);
  const rows = useFragment(ContractRowFields, state.key === key ? state.rows : null);
  return { rows: rows ? [...rows] : null, error: state.key === key ? state.error : null };
}
