import type { AttachmentOwner } from "../../gql/graphql";

/** The upload route's path segment for each kind of record (server/modules/attachments/attachment.routes.ts). */
const SEGMENT: Record<AttachmentOwner, string> = { RETURN: "returns", DECISION: "decisions", BRIEF: "briefs" };

/** What the upload route answers with when it refuses: the same shape as a GraphQL error. */
export interface UploadProblem {
  status: number;
  code: string;
  rule: string | null;
  message: string;
}

/**
 * Uploads one file as the raw request body with the bearer token (never a cookie: the route cannot be posted to
 * from another site). Resolves with the new attachment's id, or rejects with an UploadProblem.
 */
export async function uploadFile(token: string, owner: AttachmentOwner, recordId: number, file: File): Promise<number> {
  let response: Response;
  try {
    response = await fetch(`/attachments/${SEGMENT[owner]}/${recordId}?filename=${encodeURIComponent(file.name)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
      body: file,
    });
  } catch {
    throw { status: 0, code: "NETWORK", rule: null, message: "The file could not be sent. Check your connection and try again." } satisfies UploadProblem;
  }
  const body = (await response.json().catch(() => ({}))) as { data?: { attachment: { id: number } }; errors?: { message: string; extensions?: { code?: string; problems?: { rule: string }[] } }[] };
  if (response.ok && body.data) return body.data.attachment.id;
  const error = body.errors?.[0];
  throw { status: response.status, code: error?.extensions?.code ?? "INTERNAL_SERVER_ERROR", rule: error?.extensions?.problems?.[0]?.rule ?? null, message: error?.message ?? "" } satisfies UploadProblem;
}

/** A message for people, by code and rule (never by the server's text, which the server may reword). */
export function describeUploadProblem(problem: UploadProblem, limits: { maxFile: string }): string {
  if (problem.code === "NETWORK") return problem.message;
  if (problem.rule === "maxSize" || (problem.status === 413 && problem.rule !== "maxReturnTotal")) return `That file is too large: each file may be at most ${limits.maxFile}.`;
  if (problem.rule === "maxReturnTotal") return "This return already holds as much as it can: remove a file first, or send a smaller one.";
  if (problem.rule === "fileType") return "That kind of file cannot be attached. Attach a PDF, an image (PNG, JPEG, GIF, WebP), a Word, Excel or PowerPoint file (.docx, .xlsx, .pptx), an OpenDocument file, or plain text / CSV.";
  if (problem.rule === "required") return "That file is empty.";
  if (problem.code === "FORBIDDEN") return "You cannot attach files here.";
  if (problem.code === "NOT_FOUND") return "This record does not exist or is not yours to see.";
  if (problem.code === "UNAUTHENTICATED") return "Your session has ended. Sign in again.";
  if (problem.code === "TOO_MANY_REQUESTS") return "Too many uploads. Wait a minute and try again.";
  return "The file could not be attached. Try again.";
}

/** Downloads with the bearer token, then hands the bytes to the browser as a file to save (never opened in the page). */
export async function downloadFile(token: string, path: string, filename: string): Promise<boolean> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) return false;
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.rel = "noopener";
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return true;
}

/** "2.4 MB", "820 KB", "312 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "")} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** A short name for a content type, for the list. */
export function kindOf(contentType: string): string {
  if (contentType === "application/pdf") return "PDF";
  if (contentType.startsWith("image/")) return contentType.slice(6).toUpperCase() + " image";
  if (contentType.startsWith("text/plain")) return "Text";
  if (contentType.includes("wordprocessingml") || contentType.endsWith("opendocument.text")) return "Document";
  if (contentType.includes("spreadsheetml") || contentType.endsWith("opendocument.spreadsheet")) return "Spreadsheet";
  if (contentType.includes("presentationml") || contentType.endsWith("opendocument.presentation")) return "Presentation";
  return "File";
}
