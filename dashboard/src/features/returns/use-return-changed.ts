import { graphql } from "../../gql";
import type { ReturnChangedSubscription } from "../../gql/graphql";
import { useLiveSubscription } from "../../live";

export const ReturnChangedDocument = graphql(`
  subscription ReturnChanged($officeId: Int!, $since: Int) {
    returnChanged(officeId: $officeId, since: $since) {
      seq
      change
      state
      returnId
      contractId
      portfolioId
      periodId
    }
  }
`);

/** What the office's returnChanged feed tells: which return moved, to which state, in which quarter. */
export type ReturnEvent = ReturnChangedSubscription["returnChanged"];

/**
 * The office's return events, live: every view that counts or lists returns follows them through this one hook.
 * onResync runs after a reconnection (events in the gap are lost), so the caller refetches.
 */
export function useReturnChanged(officeId: number | null, onEvent: (event: ReturnEvent) => void, options: { onResync?: () => void; pause?: boolean } = {}): void {
  useLiveSubscription(ReturnChangedDocument, { officeId: officeId ?? 0 }, (data) => onEvent(data.returnChanged), { pause: officeId == null || options.pause, onResync: options.onResync });
}
