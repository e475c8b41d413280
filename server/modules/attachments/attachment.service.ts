import type { Readable } from "node:stream";
import type { EntityManager } from "typeorm";
import { canReadOffice, canWriteOffice, requireUser } from "../../auth/access.js";
import { mayRead } from "../../auth/policy.js";
import type { Context } from "../../context.js";
import type { UnitOfWork } from "../../db/writer.js";
import { forbidden, notFound } from "../../errors.js";
import type { Services } from "../../services.js";
import { ProjectBrief } from "../briefs/project-brief.entity.js";
import { conversationEvent, loadVisibleReturn, mayTakePart, type ReturnAndContract } from "../conversations/conversation.service.js";
import { Decision } from "../decisions/decision.entity.js";
import { ReturnState } from "../returns/return.entities.js";
import { Role } from "../users/role.js";
import type { User } from "../users/user.entity.js";
import { describeAllowedTypes, sniff } from "./attachment-content.js";
import { Attachment, AttachmentOwner } from "./attachment.entity.js";
import { AttachmentStore, TooLarge, type Received } from "./attachment-store.js";

export interface AttachmentTarget {
  owner: AttachmentOwner;
  id: number;
}

interface Resolved {
  officeId: number;
  columns: Pick<Attachment, "ownerType" | "returnId" | "decisionId" | "briefId">;
  /** For a return: the return and its contract (its conversation hears of the new file). */
  loaded: ReturnAndContract | null;
}

/** Errors the upload route answers with an HTTP status beside the GraphQL-style code. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: { field: string; rule: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export function storeOf(services: Services): AttachmentStore {
  return new AttachmentStore(services.config.attachments.dir);
}

/** Longer than any request may last (Node's `requestTimeout`, 300 s by default): a file idle this long is no live upload's. */
const DEAD_UPLOAD_MS = 10 * 60_000;

/**
 * At start-up, removes what uploads cut off by a crash left in `incoming/`. On SQLite one process owns the folder,
 * so everything written before this start goes; instances sharing one on PostgreSQL may be receiving uploads now,
 * so only files idle past any request's lifetime do.
 */
export async function sweepLeftUploads(services: Services, startedAt = Date.now()): Promise<number> {
  const cutoff = services.config.databaseUrl ? startedAt - DEAD_UPLOAD_MS : startedAt;
  return storeOf(services).sweepIncoming(cutoff);
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Who may attach a file to what. A return: its provider's users and the office's commissioning staff (the people
 * in its conversation); a provider only until the return is accepted, so accepted evidence stays as it was
 * accepted. A decision or a brief: the office's commissioning staff. Anyone who may not see the record gets NOT_FOUND.
 */
async function resolveTarget(manager: EntityManager, user: User, target: AttachmentTarget): Promise<Resolved> {
  if (target.owner === AttachmentOwner.RETURN) {
    const loaded = await loadVisibleReturn({ manager }, user, target.id);
    if (!mayTakePart(user, loaded.contract)) throw forbidden("Only the return's provider and the office's commissioning staff attach files to it.");
    if (user.role === Role.PROVIDER && loaded.ret.state === ReturnState.ACCEPTED) throw forbidden("This return has been accepted: its evidence can no longer change. Ask the office to reopen it.");
    return { officeId: loaded.contract.officeId, columns: { ownerType: AttachmentOwner.RETURN, returnId: loaded.ret.id, decisionId: null, briefId: null }, loaded };
  }
  const entity = target.owner === AttachmentOwner.DECISION ? Decision : ProjectBrief;
  const label = target.owner === AttachmentOwner.DECISION ? "Decision" : "ProjectBrief";
  const record = await manager.findOneBy(entity as typeof Decision, { id: target.id });
  if (!record || !canReadOffice(user, record.officeId)) throw notFound(label, target.id);
  if (!canWriteOffice(user, record.officeId)) throw forbidden("Only the office's commissioning staff attach papers to decisions and briefs.");
  return {
    officeId: record.officeId,
    columns: { ownerType: target.owner, returnId: null, decisionId: target.owner === AttachmentOwner.DECISION ? record.id : null, briefId: target.owner === AttachmentOwner.BRIEF ? record.id : null },
    loaded: null,
  };
}

async function returnTotal(manager: EntityManager, returnId: number): Promise<number> {
  const row = await manager.createQueryBuilder(Attachment, "a").select("COALESCE(SUM(a.sizeBytes), 0)", "total").where("a.returnId = :returnId", { returnId }).getRawOne<{ total: unknown }>();
  return Number(row?.total ?? 0);
}

/** Serialises uploads and deletions of the same content on PostgreSQL (SQLite's writer is serial already). */
async function lockContent(uow: UnitOfWork, sha256: string): Promise<void> {
  if (uow.manager.connection.options.type === "postgres") await uow.manager.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`attachment:${sha256}`]);
}

function tooLarge(limit: number, what: string): UploadRefused {
  return new UploadRefused(413, "BAD_USER_INPUT", `${what} is larger than ${mb(limit)}.`, [{ field: "file", rule: "maxSize", message: `${what} may be at most ${mb(limit)}.` }]);
}

/**
 * An upload, start to finish. Before a byte is read: the caller's right to attach to the record, and the declared
 * size against the per-file and per-return limits. While reading: the same limits (a body without Content-Length,
 * or one longer than declared, is cut off at the limit). Then the content's type. Only then, in one unit of work:
 * the checks again, the row, its audit entry, the file moved into place and the event. A refusal at any step
 * leaves no row and no file.
 */
export async function uploadAttachment(services: Services, user: User, target: AttachmentTarget, body: Readable, filenameRaw: string | undefined, declaredLength: number | null): Promise<Attachment> {
  const limits = services.config.attachments;
  const filename = cleanFilename(filenameRaw);
  if (!filename) throw new UploadRefused(400, "BAD_USER_INPUT", "Name the file.", [{ field: "filename", rule: "required", message: "The upload needs a file name (?filename=…)." }]);
  const resolved = await resolveTarget(services.db.manager, user, target);
  let budget = limits.maxFileBytes;
  let budgetIsReturn = false;
  if (resolved.columns.returnId != null) {
    const left = limits.maxReturnBytes - (await returnTotal(services.db.manager, resolved.columns.returnId));
    if (left < budget) {
      budget = Math.max(0, left);
      budgetIsReturn = true;
    }
  }
  const refuseSize = () => (budgetIsReturn ? new UploadRefused(413, "BAD_USER_INPUT", `This return's attachments may total at most ${mb(limits.maxReturnBytes)}; ${mb(budget)} is left.`, [{ field: "file", rule: "maxReturnTotal", message: `Attachments to one return may total at most ${mb(limits.maxReturnBytes)}.` }]) : tooLarge(limits.maxFileBytes, "The file"));
  if (declaredLength != null && declaredLength > budget) throw refuseSize();

  const store = storeOf(services);
  let received: Received;
  try {
    received = await store.receive(body, budget);
  } catch (error) {
    if (error instanceof TooLarge) throw refuseSize();
    throw error;
  }
  let created = false;
  try {
    if (received.size === 0) throw new UploadRefused(400, "BAD_USER_INPUT", "The file is empty.", [{ field: "file", rule: "required", message: "Choose a file with something in it." }]);
    const sniffed = await sniff(received.tempPath);
    if (!sniffed.allowed) {
      throw new UploadRefused(415, "BAD_USER_INPUT", `This file is ${sniffed.found}, which cannot be attached. Allowed: ${describeAllowedTypes()}.`, [{ field: "file", rule: "fileType", message: `Allowed: ${describeAllowedTypes()}. The type is read from the file's content, not its name.` }]);
    }
    return await services.writer.run(user, async (uow) => {
      const again = await resolveTarget(uow.manager, user, target);
      if (again.columns.returnId != null && (await returnTotal(uow.manager, again.columns.returnId)) + received.size > limits.maxReturnBytes) {
        throw new UploadRefused(413, "BAD_USER_INPUT", `This return's attachments may total at most ${mb(limits.maxReturnBytes)}.`, [{ field: "file", rule: "maxReturnTotal", message: `Attachments to one return may total at most ${mb(limits.maxReturnBytes)}.` }]);
      }
      await lockContent(uow, received.sha256);
      const row = await uow.manager.save(
        uow.manager.create(Attachment, { officeId: again.officeId, ...again.columns, filename, contentType: sniffed.contentType, sizeBytes: received.size, sha256: received.sha256, uploadedById: user.id, uploadedAt: new Date() }),
      );
      await uow.audit("attachment.upload", { type: "Attachment", id: row.id, officeId: again.officeId }, null, row);
      if (again.loaded) await conversationEvent(uow, again.loaded, { change: "ATTACHMENT_ADDED", attachmentId: row.id });
      // Last, so that nothing after it can fail: a unit of work that rolls back leaves at most a file no row names.
      created = await store.place(received);
      return row;
    });
  } catch (error) {
    await store.discard(received);
    if (created) await collectContent(services, received.sha256);
    throw error;
  }
}

/** Deletes an attachment: its uploader, or the office's commissioning staff. The bytes go once no row names them. */
export async function deleteAttachment(ctx: Context, id: number): Promise<Attachment> {
  const user = requireUser(ctx);
  const row = await ctx.services.db.manager.findOneBy(Attachment, { id });
  if (!row || !(await mayRead(ctx, "Attachment", row))) throw notFound("Attachment", id);
  const removed = await ctx.services.writer.run(user, async (uow) => {
    const current = await uow.manager.findOneBy(Attachment, { id });
    if (!current) throw notFound("Attachment", id);
    const officer = canWriteOffice(user, current.officeId);
    if (!officer && current.uploadedById !== user.id) throw forbidden("Only whoever uploaded a file, or the office's commissioning staff, may delete it.");
    let loaded: ReturnAndContract | null = null;
    if (current.returnId != null) {
      loaded = await loadVisibleReturn(uow, user, current.returnId);
      if (!officer && loaded.ret.state === ReturnState.ACCEPTED) throw forbidden("This return has been accepted: its evidence can no longer change.");
    }
    await lockContent(uow, current.sha256);
    await uow.manager.delete(Attachment, { id });
    await uow.audit("attachment.delete", { type: "Attachment", id, officeId: current.officeId }, current, null);
    if (loaded) await conversationEvent(uow, loaded, { change: "ATTACHMENT_DELETED", attachmentId: id });
    return current;
  });
  await collectContent(ctx.services, removed.sha256);
  return removed;
}

/** Removes stored bytes that no attachment names any more (under the content's lock, so a new upload of it waits). */
export async function collectContent(services: Services, sha256: string): Promise<void> {
  try {
    await services.writer.run(null, async (uow) => {
      await lockContent(uow, sha256);
      if (!(await uow.manager.existsBy(Attachment, { sha256 }))) await storeOf(services).remove(sha256);
    });
  } catch (error) {
    console.error(`Could not remove the unused attachment content ${sha256}; it is harmless and will be reused if uploaded again.`, error);
  }
}

/** A display name: no folders, no control characters, at most 200 characters, never empty if anything was given. */
export function cleanFilename(raw: string | undefined): string {
  if (!raw) return "";
  const base = raw.split(/[\\/]/).pop() ?? "";
  return base.replace(/[\u0000-\u001F\u007F"]/g, "").trim().slice(0, 200);
}

export function attachmentsOf(ctx: Context, column: "returnId" | "decisionId" | "briefId", id: number): Promise<Attachment[]> {
  return ctx.loaders.manyBy(Attachment, column, { id: "ASC" }).load(id);
}
