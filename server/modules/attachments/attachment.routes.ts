import fs from "node:fs";
import express, { type Request, type Response, type Router } from "express";
import { GraphQLError } from "graphql";
import { mayRead } from "../../auth/policy.js";
import { createContext } from "../../context.js";
import { ErrorCode } from "../../errors.js";
import type { Budgets } from "../../security/budgets.js";
import { chargeRequest, refuse } from "../../security/http-guard.js";
import type { Services } from "../../services.js";
import { Attachment, AttachmentOwner } from "./attachment.entity.js";
import { storeOf, sweepLeftUploads, uploadAttachment, UploadRefused } from "./attachment.service.js";

const OWNERS: Record<string, AttachmentOwner> = { returns: AttachmentOwner.RETURN, decisions: AttachmentOwner.DECISION, briefs: AttachmentOwner.BRIEF };

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, BAD_USER_INPUT: 400, STORE_UNAVAILABLE: 503 };

/** `attachment; filename="…"` with an ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7E]/g, "_").replace(/["\\%;]/g, "_") || "attachment";
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function sameOrigin(req: Request, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function refusal(res: Response, error: unknown): void {
  if (error instanceof UploadRefused) {
    if (!res.req.complete) res.setHeader("Connection", "close");
    res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: error.code, problems: error.problems } }] });
    // Stop a client still sending: what is left of the body is read and thrown away, for a short grace at most.
    if (!res.req.complete) {
      res.req.resume();
      setTimeout(() => res.req.socket.destroy(), 1000).unref();
    }
    return;
  }
  if (error instanceof GraphQLError) {
    const code = String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR");
    return refuse(res, STATUS[code] ?? 500, code, error.message, { close: true });
  }
  console.error("An attachment request failed.", error);
  refuse(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error", { close: true });
}

/**
 * Attachments over plain HTTP, beside /graphql:
 * - `POST /attachments/{returns|decisions|briefs}/:id?filename=…` with the raw file as the body and
 *   `Authorization: Bearer …`. A bearer header is something a cross-site form or image cannot send (and no CORS
 *   answer allows it), so the route cannot be forged from another site; an `Origin` other than ours is refused too.
 * - `GET /attachments/:id` with the bearer token: always a download, never rendered (see `sendAttachment`).
 */
export function attachmentRouter(services: Services, budgets: Budgets): Router {
  const router = express.Router();
  sweepLeftUploads(services).then(
    (n) => n && console.log(`Removed ${n} partial upload${n === 1 ? "" : "s"} left in ${services.config.attachments.dir}/incoming by an earlier run.`),
    (error) => console.error("Partial uploads from an earlier run could not be removed.", error),
  );

  router.post("/:owner/:id", chargeRequest(services, budgets), async (req, res) => {
    try {
      const owner = OWNERS[String(req.params.owner)];
      const id = Number(req.params.id);
      if (!owner || !Number.isSafeInteger(id)) return refuse(res, 404, ErrorCode.NOT_FOUND, "No such upload target.", { close: true });
      if (!sameOrigin(req, services.config.allowedOrigins)) return refuse(res, 403, ErrorCode.FORBIDDEN, "Uploads are accepted from this site only.", { close: true });
      const ctx = await createContext(services, req.headers.authorization);
      if (!ctx.user) return refuse(res, 401, ErrorCode.UNAUTHENTICATED, "Sign in to continue.", { close: true });
      const declared = req.headers["content-length"] == null ? null : Number(req.headers["content-length"]);
      const filename = typeof req.query.filename === "string" ? req.query.filename : undefined;
      const row = await uploadAttachment({ ...services, db: ctx.services.db }, ctx.user, { owner, id }, req, filename, Number.isFinite(declared) ? declared : null);
      res.status(201).json({ data: { attachment: { id: row.id, filename: row.filename, contentType: row.contentType, sizeBytes: row.sizeBytes, sha256: row.sha256 } } });
    } catch (error) {
      refusal(res, error);
    }
  });

  router.get("/:id", chargeRequest(services, budgets), async (req, res) => {
    try {
      const ctx = await createContext(services, req.headers.authorization);
      if (!ctx.user) return refuse(res, 401, ErrorCode.UNAUTHENTICATED, "Sign in to continue.");
      const id = Number(req.params.id);
      const row = Number.isSafeInteger(id) ? await ctx.loaders.byId(Attachment).load(id) : null;
      // The Attachment type's own read policy (its owner's): the same rule GraphQL applies, not a second one.
      if (!row || !(await mayRead(ctx, "Attachment", row))) return refuse(res, 404, ErrorCode.NOT_FOUND, `Attachment ${req.params.id} was not found.`);
      sendAttachment(res, storeOf(services).pathOf(row.sha256), row);
    } catch (error) {
      refusal(res, error);
    }
  });
  return router;
}

/** Always a download: `attachment` disposition, the sniffed type, nosniff, and a sandbox in case anything renders it. */
function sendAttachment(res: Response, file: string, row: Attachment): void {
  const stream = fs.createReadStream(file);
  stream.once("error", (error) => {
    console.error(`Attachment ${row.id}'s content (${row.sha256}) could not be read.`, error);
    if (!res.headersSent) refuse(res, 500, "INTERNAL_SERVER_ERROR", "The file could not be read.");
    else res.destroy();
  });
  stream.once("open", () => {
    res.status(200);
    res.setHeader("Content-Type", row.contentType);
    res.setHeader("Content-Length", String(row.sizeBytes));
    res.setHeader("Content-Disposition", contentDisposition(row.filename));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    res.setHeader("Cache-Control", "private, no-store");
    stream.pipe(res);
  });
}
