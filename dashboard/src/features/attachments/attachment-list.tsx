import { useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDateTime } from "../../format";
import { graphql } from "../../gql";
import type { AttachmentOwner } from "../../gql/graphql";
import { useSession, useSessionToken } from "../../session";
import { describeUploadProblem, downloadFile, formatBytes, kindOf, uploadFile, type UploadProblem } from "./attachment-files";
import "./attachments.css";

const AttachmentsQuery = graphql(`
  query AttachmentList($owner: AttachmentOwner!, $recordId: Int!) {
    attachments(owner: $owner, recordId: $recordId) {
      id
      filename
      contentType
      sizeBytes
      uploadedAt
      downloadPath
      uploadedBy {
        id
        name
      }
    }
  }
`);

const LimitsQuery = graphql(`
  query AttachmentLimits {
    attachmentLimits {
      maxFileBytes
    }
  }
`);

const DeleteAttachmentMutation = graphql(`
  mutation DeleteAttachment($id: Int!) {
    deleteAttachment(id: $id) {
      id
    }
  }
`);

export interface AttachmentListProps {
  /** What the files belong to: a return's evidence, or a decision's or brief's papers. */
  owner: AttachmentOwner;
  recordId: number;
  /** Offer the upload control (the server still decides: a refusal is shown). */
  canUpload: boolean;
  /** Offer "Remove" on every file (officers); others see it on the files they uploaded. */
  canRemoveAny?: boolean;
  /** Change it to refetch (e.g. when a live event says a file was added elsewhere). */
  refreshKey?: number;
  heading?: string;
  /** Heading level inside its host (2 on a page, 3 in a dialog section). */
  level?: 2 | 3;
}

/**
 * The files attached to one record, each a download (never opened in the page), with an upload control.
 * Embed it anywhere a return, decision or brief is shown: `<AttachmentList owner="DECISION" recordId={id} canUpload />`.
 */
export function AttachmentList({ owner, recordId, canUpload, canRemoveAny = false, refreshKey = 0, heading = "Attachments", level = 3 }: AttachmentListProps) {
  const id = useId();
  const { user } = useSession();
  const [token] = useSessionToken();
  const [{ data, error, fetching }, refetch] = useQuery({ query: AttachmentsQuery, variables: { owner, recordId }, requestPolicy: "cache-and-network" });
  const [, remove] = useMutation(DeleteAttachmentMutation);
  const [limits] = useQuery({ query: LimitsQuery, pause: !canUpload });
  const maxFile = formatBytes(limits.data?.attachmentLimits.maxFileBytes ?? 10 * 1024 * 1024);
  const [status, setStatus] = useState<{ kind: "idle" | "uploading" | "done" | "failed"; message?: string }>({ kind: "idle" });
  const input = useRef<HTMLInputElement>(null);
  const first = useRef(refreshKey);

  useEffect(() => {
    if (refreshKey !== first.current) refetch({ requestPolicy: "network-only" });
  }, [refreshKey, refetch]);

  async function send(files: FileList | null) {
    const file = files?.[0];
    if (!file || !token) return;
    setStatus({ kind: "uploading", message: `Uploading ${file.name}…` });
    try {
      await uploadFile(token, owner, recordId, file);
      setStatus({ kind: "done", message: `${file.name} attached.` });
      refetch({ requestPolicy: "network-only" });
    } catch (problem) {
      setStatus({ kind: "failed", message: describeUploadProblem(problem as UploadProblem, { maxFile }) });
    } finally {
      if (input.current) input.current.value = "";
    }
  }

  async function onRemove(fileId: number, filename: string) {
    if (!window.confirm(`Remove ${filename}?`)) return;
    const result = await remove({ id: fileId });
    if (result.error) setStatus({ kind: "failed", message: describeError(result.error, { FORBIDDEN: "Only whoever uploaded a file, or the commissioning team, can remove it.", NOT_FOUND: "That file has already gone." }) });
    else setStatus({ kind: "done", message: `${filename} removed.` });
    refetch({ requestPolicy: "network-only" });
  }

  const Heading = level === 2 ? "h2" : "h3";
  const files = data?.attachments ?? [];
  return (
    <section className="attachments" aria-labelledby={`${id}-title`} data-testid="attachments">
      <Heading id={`${id}-title`} className="attachments__title">
        {heading}
      </Heading>
      {error && !data ? (
        <p className="field-error">{describeError(error, { NOT_FOUND: "These files are not yours to see." })}</p>
      ) : !data ? (
        <p role="status">{fetching ? "Loading files…" : ""}</p>
      ) : files.length === 0 ? (
        <p className="attachments__empty">No files attached yet.</p>
      ) : (
        <ul className="attachments__list">
          {files.map((file) => (
            <li key={file.id} className="attachments__item" data-testid={`attachment-${file.id}`}>
              <button type="button" className="attachments__download" onClick={() => token && void downloadFile(token, file.downloadPath, file.filename)}>
                {file.filename}
                <span className="visually-hidden"> (download)</span>
              </button>
              <span className="attachments__meta">
                {kindOf(file.contentType)} · {formatBytes(file.sizeBytes)} · {file.uploadedBy?.name ?? "Someone"}, {formatDateTime(file.uploadedAt)}
              </span>
              {(canRemoveAny || file.uploadedBy?.id === user?.id) && (
                <button type="button" className="button button--secondary attachments__remove" onClick={() => void onRemove(file.id, file.filename)}>
                  Remove<span className="visually-hidden"> {file.filename}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canUpload && (
        <div className="attachments__upload">
          <label htmlFor={`${id}-file`} className="attachments__label">
            Attach a file
          </label>
          <p id={`${id}-hint`} className="attachments__hint">
            PDF, image, Word, Excel, PowerPoint, OpenDocument, or plain text / CSV; up to {maxFile} each.
          </p>
          <input ref={input} id={`${id}-file`} type="file" aria-describedby={`${id}-hint ${id}-status`} disabled={status.kind === "uploading"} onChange={(event) => void send(event.target.files)} />
        </div>
      )}
      <p id={`${id}-status`} role="status" className={status.kind === "failed" ? "field-error" : "attachments__status"} data-testid="attachment-status">
        {status.message ?? ""}
      </p>
    </section>
  );
}
