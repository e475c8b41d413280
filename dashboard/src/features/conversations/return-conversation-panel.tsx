import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, type CombinedError } from "urql";
import { describeError } from "../../errors";
import { formatDateTime } from "../../format";
import { useSession } from "../../session";
import { AttachmentList } from "../attachments/attachment-list";
import { ClearFlagMutation, PostCommentMutation, RaiseFlagMutation, ReturnConversationQuery, type ThreadComment, type ThreadFlag } from "./conversation-data";
import { useLiveConversation } from "./use-live-conversation";
import "./conversations.css";

const STAFF = new Set(["ADMIN", "COMMISSIONER", "OFFICER"]);
const MAX_LENGTH = 4000;

/** Unique per attempt: a retried post (a flaky connection) carries the same key, so it is posted once. */
function newKey(): string {
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function problemMessage(error: CombinedError): string {
  const problem = (error.graphQLErrors[0]?.extensions?.problems as { field: string; rule: string }[] | undefined)?.[0];
  if (problem?.rule === "required") return "Write something first.";
  if (problem?.rule === "maxLength") return `Keep it to ${MAX_LENGTH.toLocaleString("en-GB")} characters; attach longer documents as files.`;
  if (problem?.rule === "inForm") return "That figure is not on this return.";
  return describeError(error, {
    FORBIDDEN: "Only the provider and the commissioning team take part in this conversation.",
    NOT_FOUND: "This return does not exist or is not yours to see.",
    CONFLICT: "Someone changed this at the same moment. It has been reloaded: try again.",
  });
}

export interface ReturnConversationPanelProps {
  returnId: number;
  /** Heading level of the panel's sections in their host: 2 on a page, 3 inside a dialog. */
  level?: 2 | 3;
}

/**
 * A return's conversation between its provider and the office, its follow-up flags and its evidence, live. Embed
 * it wherever a return is shown; what each viewer may do (post, flag, attach) follows their role, and the server
 * decides in the end.
 */
export function ReturnConversationPanel({ returnId, level = 3 }: ReturnConversationPanelProps) {
  const id = useId();
  const { user } = useSession();
  const [{ data, error }, refetch] = useQuery({ query: ReturnConversationQuery, variables: { id: returnId }, requestPolicy: "cache-and-network" });
  const [filesKey, setFilesKey] = useState(0);
  const [replyTo, setReplyTo] = useState<{ id: number; author: string } | null>(null);
  const ret = data?.performanceReturn;
  useLiveConversation(ret?.contract.office.id ?? null, returnId, (change) => {
    if (change === "ATTACHMENT_ADDED" || change === "ATTACHMENT_DELETED" || change === "RESYNC") setFilesKey((k) => k + 1);
    if (change !== "ATTACHMENT_ADDED" && change !== "ATTACHMENT_DELETED") refetch({ requestPolicy: "network-only" });
  });

  if (error && !data) return <p className="field-error">{describeError(error, { NOT_FOUND: "This return's conversation is not yours to see." })}</p>;
  if (!ret) return <p role="status">Loading the conversation…</p>;

  const staff = user != null && STAFF.has(user.role);
  const participant = staff || user?.role === "PROVIDER";
  const measureNames = new Map(ret.requiredMeasures.map((m) => [m.id, m.name]));
  const Heading = level === 2 ? "h2" : "h3";

  return (
    <div className="conversation" data-testid="return-conversation">
      <FlagsSection returnId={ret.id} flags={ret.figureFlags} measures={ret.requiredMeasures} staff={staff} Heading={Heading} onChanged={() => refetch({ requestPolicy: "network-only" })} />
      <AttachmentList owner="RETURN" recordId={ret.id} canUpload={participant && (staff || ret.state !== "ACCEPTED")} canRemoveAny={staff} refreshKey={filesKey} heading="Evidence and files" level={level} />
      <section className="conversation__thread" aria-labelledby={`${id}-thread`}>
        <Heading id={`${id}-thread`} className="conversation__title">
          Conversation
        </Heading>
        <Thread comments={ret.comments} measureNames={measureNames} viewerId={user?.id ?? null} onReply={participant ? setReplyTo : undefined} />
        {participant ? (
          <CommentForm returnId={ret.id} measures={ret.requiredMeasures} replyTo={replyTo} onCancelReply={() => setReplyTo(null)} onPosted={() => {
            setReplyTo(null);
            refetch({ requestPolicy: "network-only" });
          }} />
        ) : (
          <p className="conversation__muted">Only the provider and the commissioning team write here.</p>
        )}
      </section>
    </div>
  );
}

function Thread({ comments, measureNames, viewerId, onReply }: { comments: ThreadComment[]; measureNames: Map<number, string>; viewerId: number | null; onReply?: (to: { id: number; author: string }) => void }) {
  const list = comments;
  const byId = new Map(list.map((c) => [c.id, c]));
  if (list.length === 0) return <p className="conversation__muted">No comments yet.</p>;
  return (
    <ol className="conversation__list" aria-live="polite" data-testid="comment-list">
      {list.map((c) => {
        const parent = c.replyToId != null ? byId.get(c.replyToId) : undefined;
        const fromProvider = c.author?.role === "PROVIDER";
        return (
          <li key={c.id} className={`conversation__comment${fromProvider ? " conversation__comment--provider" : ""}`} data-testid={`comment-${c.id}`}>
            <p className="conversation__head">
              <strong>{c.author?.id === viewerId ? "You" : (c.author?.name ?? "Someone")}</strong>
              <span className="conversation__role">{fromProvider ? "provider" : "commissioning team"}</span>
              <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
            </p>
            {c.measureId != null && <p className="conversation__about">On {measureNames.get(c.measureId) ?? "a figure"}</p>}
            {parent && <p className="conversation__about">Replying to {parent.author?.name ?? "a comment"}: “{parent.body.length > 80 ? `${parent.body.slice(0, 80)}…` : parent.body}”</p>}
            <p className="conversation__body">{c.body}</p>
            {onReply && c.author?.id !== viewerId && (
              <button type="button" className="button button--secondary conversation__reply" onClick={() => onReply({ id: c.id, author: c.author?.name ?? "this comment" })}>
                Reply<span className="visually-hidden"> to {c.author?.name ?? "this comment"}</span>
              </button>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function CommentForm({ returnId, measures, replyTo, onCancelReply, onPosted }: { returnId: number; measures: { id: number; name: string }[]; replyTo: { id: number; author: string } | null; onCancelReply(): void; onPosted(): void }) {
  const id = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (replyTo) textarea.current?.focus();
  }, [replyTo]);
  const [body, setBody] = useState("");
  const [measureId, setMeasureId] = useState<string>("");
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [{ fetching }, post] = useMutation(PostCommentMutation);
  // One key per comment being written: kept across retries of the same text, renewed once it is posted.
  const key = useRef(newKey());

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    if (!body.trim()) return setMessage({ error: true, text: "Write something first." });
    const result = await post({ input: { returnId, body, measureId: measureId ? Number(measureId) : null, replyToId: replyTo?.id ?? null, idempotencyKey: key.current } });
    if (result.error) return setMessage({ error: true, text: problemMessage(result.error) });
    key.current = newKey();
    setBody("");
    setMeasureId("");
    setMessage({ error: false, text: "Comment posted." });
    onPosted();
  }

  return (
    <form className="conversation__form" onSubmit={submit} noValidate>
      {replyTo && (
        <p className="conversation__replying">
          Replying to {replyTo.author}.{" "}
          <button type="button" className="button button--secondary conversation__reply" onClick={onCancelReply}>
            Cancel reply
          </button>
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-body`}>{replyTo ? `Your reply to ${replyTo.author}` : "Add a comment"}</label>
        <textarea
          ref={textarea}
          id={`${id}-body`}
          rows={3}
          maxLength={MAX_LENGTH}
          value={body}
          aria-describedby={`${id}-status`}
          aria-invalid={message?.error || undefined}
          onChange={(e) => {
            setBody(e.target.value);
            if (message) setMessage(null);
          }}
        />
      </div>
      <div className="field conversation__about-field">
        <label htmlFor={`${id}-measure`}>About</label>
        <select id={`${id}-measure`} value={measureId} onChange={(e) => setMeasureId(e.target.value)}>
          <option value="">The whole return</option>
          {measures.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <div className="button-row">
        <button type="submit" className="button" aria-disabled={fetching || undefined}>
          {fetching ? "Posting…" : "Post comment"}
        </button>
      </div>
      <p id={`${id}-status`} role="status" className={message?.error ? "field-error" : "conversation__muted"}>
        {message?.text ?? ""}
      </p>
    </form>
  );
}

function FlagsSection({ returnId, flags, measures, staff, Heading, onChanged }: { returnId: number; flags: ThreadFlag[]; measures: { id: number; name: string }[]; staff: boolean; Heading: "h2" | "h3"; onChanged(): void }) {
  const id = useId();
  const list = flags;
  const names = useMemo(() => new Map(measures.map((m) => [m.id, m.name])), [measures]);
  const [measureId, setMeasureId] = useState<string>("");
  const [note, setNote] = useState("");
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [raising, raise] = useMutation(RaiseFlagMutation);
  const [, clear] = useMutation(ClearFlagMutation);
  const open = list.filter((f) => f.open);
  const cleared = list.filter((f) => !f.open && f.returnId === returnId);

  if (!staff && list.length === 0) return null;

  async function onRaise(event: FormEvent) {
    event.preventDefault();
    if (!measureId) return setMessage({ error: true, text: "Choose the figure to follow up." });
    const result = await raise({ input: { returnId, measureId: Number(measureId), note } });
    if (result.error) return setMessage({ error: true, text: describeError(result.error, { CONFLICT: "That figure is already flagged.", BAD_USER_INPUT: "Say what to follow up." }) });
    setNote("");
    setMeasureId("");
    setMessage({ error: false, text: "Figure flagged for follow-up." });
    onChanged();
  }

  async function onClear(flagId: number, version: number) {
    const result = await clear({ id: flagId, version, note: null });
    setMessage(result.error ? { error: true, text: describeError(result.error, { CONFLICT: "That flag changed meanwhile; it has been reloaded." }) } : { error: false, text: "Flag cleared." });
    onChanged();
  }

  return (
    <section className="conversation__flags" aria-labelledby={`${id}-flags`}>
      <Heading id={`${id}-flags`} className="conversation__title">
        Follow-up flags
      </Heading>
      {open.length === 0 ? (
        <p className="conversation__muted">No figure is flagged for follow-up.</p>
      ) : (
        <ul className="conversation__flag-list" data-testid="open-flags">
          {open.map((f) => (
            <li key={f.id} className="figure-flag">
              <span className="figure-flag__badge">
                <span aria-hidden="true">⚑ </span>Follow up
              </span>{" "}
              <strong>{names.get(f.measureId) ?? "A figure"}</strong>: {f.note}
              <span className="figure-flag__meta">
                {" "}
                ({f.raisedBy?.name ?? "The commissioning team"}, {formatDateTime(f.raisedAt)}
                {f.returnId !== returnId ? ", from an earlier quarter" : ""})
              </span>
              {staff && (
                <button type="button" className="button button--secondary figure-flag__clear" onClick={() => void onClear(f.id, f.version)}>
                  Clear<span className="visually-hidden"> the flag on {names.get(f.measureId) ?? "this figure"}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {cleared.length > 0 && (
        <p className="conversation__muted">
          Cleared: {cleared.map((f) => `${names.get(f.measureId) ?? "a figure"} (${f.clearedBy?.name ?? "–"})`).join("; ")}
        </p>
      )}
      {staff && (
        <form className="conversation__flag-form" onSubmit={onRaise} noValidate>
          <div className="field">
            <label htmlFor={`${id}-flag-measure`}>Flag a figure</label>
            <select id={`${id}-flag-measure`} value={measureId} onChange={(e) => setMeasureId(e.target.value)}>
              <option value="">Choose a figure</option>
              {measures.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-flag-note`}>What to follow up</label>
            <input id={`${id}-flag-note`} type="text" value={note} maxLength={MAX_LENGTH} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="button-row">
            <button type="submit" className="button button--secondary" aria-disabled={raising.fetching || undefined}>
              Flag for follow-up
            </button>
          </div>
        </form>
      )}
      <p role="status" className={message?.error ? "field-error" : "conversation__muted"}>
        {message?.text ?? ""}
      </p>
    </section>
  );
}
