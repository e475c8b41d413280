import { useEffect, useState } from "react";
import { useClient } from "urql";
import { ContractsPageQuery, type ContractRow } from "./contract-queries";

export interface ContractsState {
  rows: ContractRow[] | null;
  error: string | null;
}

/**
 * Every contract of the office, page after page (the API gives at most 100 at a time): the list sorts and filters
 * the whole set in the browser, which an office's few hundred contracts allow.
 */
export function useAllContracts(officeId: number | null, reloadKey = 0): ContractsState {
  const client = useClient();
  const key = `${officeId}:${reloadKey}`;
  const [state, setState] = useState<{ key: string; rows: ContractRow[] | null; error: string | null }>({ key: "", rows: null, error: null });
  useEffect(() => {
    if (officeId == null) return;
    let cancelled = false;
    (async () => {
      const rows: ContractRow[] = [];
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
  return state.key === key ? { rows: state.rows, error: state.error } : { rows: null, error: null };
}
