import path from "node:path";

/** Where attachments' bytes are kept and how large they may be. */
export interface AttachmentConfig {
  /** Folder of the content-addressed files (`<sha256[0:2]>/<sha256>`) and of uploads in progress (`incoming/`). */
  dir: string;
  /** Largest single file, in bytes. */
  maxFileBytes: number;
  /** Largest total of one return's attachments, in bytes. */
  maxReturnBytes: number;
}

function bytes(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

export function loadAttachmentConfig(env: NodeJS.ProcessEnv, databasePath: string): AttachmentConfig {
  return {
    dir: path.resolve(env.ATTACHMENTS_DIR ?? path.join(env.DATA_DIR ?? path.dirname(databasePath), "attachments")),
    maxFileBytes: bytes(env.ATTACHMENT_MAX_BYTES, 10 * 1024 * 1024),
    maxReturnBytes: bytes(env.ATTACHMENTS_PER_RETURN_MAX_BYTES, 25 * 1024 * 1024),
  };
}
