import type { Context } from "../context.js";
import { LiveSource, type StreamOptions } from "./live-hub.js";

export type { StreamOptions } from "./live-hub.js";

/**
 * The event stream behind every subscription. Over the WebSocket the live hub delivers it: in sequence order,
 * replaying from `since` first, with one execution per group of subscribers that see the same thing, and
 * RESYNC_REQUIRED instead of a silent gap. The subscriber's account is checked against the session registry,
 * which user changes invalidate; there is no query per subscriber per event.
 */
export function eventStream(ctx: Context, options: StreamOptions): LiveSource {
  return new LiveSource(ctx, options);
}
