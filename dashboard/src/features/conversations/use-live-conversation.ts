import { useEffect, useRef } from "react";
import { useLiveSubscription, useResyncKey } from "../../live";
import { ConversationChangedSubscription } from "./conversation-data";

export type ConversationChange = "COMMENT_POSTED" | "FLAG_RAISED" | "FLAG_CLEARED" | "ATTACHMENT_ADDED" | "ATTACHMENT_DELETED";

/**
 * Calls `onChange` for each new comment, flag or file on one return, live, and once more after a reconnection or
 * a resync (the caller refetches: events are signals, the queries are the truth).
 */
export function useLiveConversation(officeId: number | null, returnId: number, onChange: (change: ConversationChange | "RESYNC") => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useLiveSubscription(
    ConversationChangedSubscription,
    { officeId: officeId ?? 0, returnId },
    (data) => {
      // A replayed event about a return the viewer can no longer see answers null.
      if (data.conversationChanged) latest.current(data.conversationChanged.change as ConversationChange);
    },
    { pause: officeId == null, onResync: () => latest.current("RESYNC") },
  );
  const resyncKey = useResyncKey();
  const first = useRef(resyncKey);
  useEffect(() => {
    if (resyncKey !== first.current) latest.current("RESYNC");
  }, [resyncKey]);
}
