import { IsNull } from "typeorm";
import { canSeeReturn, canWriteOffice, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { visibleLength } from "../../common/validators.js";
import { updateVersioned } from "../../db/versioned.js";
import type { UnitOfWork } from "../../db/writer.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { IdempotencyRecord } from "../../realtime/domain-event.entity.js";
import { Topic } from "../../realtime/pubsub.js";
import { Contract } from "../contracts/contract.entities.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { loadForm } from "../returns/return-form.js";
import { PerformanceReturn, type ReturnState } from "../returns/return.entities.js";
import { canFillIn } from "../returns/return.service.js";
import type { User } from "../users/user.entity.js";
import { FigureFlag, ReturnComment } from "./conversation.entities.js";
import type { ClearFigureFlagArgs, PostReturnCommentInput, RaiseFigureFlagInput } from "./conversation.inputs.js";

/** Carried by every CONVERSATION_CHANGED event: enough for the live filter to decide who may hear of it. */
export interface ConversationChange {
  returnId: number;
  providerId: number;
  state: ReturnState;
  change: "COMMENT_POSTED" | "FLAG_RAISED" | "FLAG_CLEARED" | "ATTACHMENT_ADDED" | "ATTACHMENT_DELETED";
  commentId?: number | null;
  flagId?: number | null;
  attachmentId?: number | null;
}

export interface ReturnAndContract {
  ret: PerformanceReturn;
  contract: Contract;
}

/** The return and its contract, or NOT_FOUND when there is none or the caller may not see it (the return's policy). */
export async function loadVisibleReturn(uow: Pick<UnitOfWork, "manager">, user: User, returnId: number): Promise<ReturnAndContract> {
  const ret = await uow.manager.findOneBy(PerformanceReturn, { id: returnId });
  const contract = ret && (await uow.manager.findOneBy(Contract, { id: ret.contractId }));
  if (!ret || !contract || !canSeeReturn(user, contract, ret.state)) throw notFound("Return", returnId);
  return { ret, contract };
}

/**
 * Who takes part in a return's conversation: its provider's users and the office's commissioning staff (the same
 * people who may fill it in). Analysts, who may read an accepted return's thread, never write to it.
 */
export function mayTakePart(user: User, contract: Contract): boolean {
  return canFillIn(user, contract);
}

export function conversationEvent(uow: UnitOfWork, { ret, contract }: ReturnAndContract, change: Omit<ConversationChange, "returnId" | "providerId" | "state">) {
  return uow.emit<ConversationChange>(Topic.CONVERSATION_CHANGED, contract.officeId, { returnId: ret.id, providerId: contract.providerId, state: ret.state, ...change });
}

function requiredText(value: string, field: string, what: string): string {
  const text = value.trim();
  if (!visibleLength(text)) throw badInput(`${what} is empty.`, [{ field, rule: "required", message: `Write ${what.toLowerCase()}.` }]);
  return text;
}

async function assertMeasureOnReturn(uow: UnitOfWork, contract: Contract, measureId: number, field: string): Promise<void> {
  const form = await loadForm(uow.manager, contract.id);
  if (!form.measures.some((m) => m.id === measureId)) throw badInput("That figure is not on this return.", [{ field, rule: "inForm", message: `Measure ${measureId} is not reported on this return.` }]);
}

/** Posts a comment. A retry with the same idempotency key (same user) answers with the first comment and posts nothing. */
export function postReturnComment(ctx: Context, input: PostReturnCommentInput): Promise<ReturnComment> {
  const user = requireUser(ctx);
  return ctx.services.writer.run(
    user,
    async (uow) => {
      const previous = await uow.manager.findOneBy(IdempotencyRecord, { key: input.idempotencyKey, userId: user.id });
      if (previous) {
        const first = previous.operation === "postReturnComment" ? await uow.manager.findOneBy(ReturnComment, { id: previous.resultId }) : null;
        if (!first || first.returnId !== input.returnId) throw conflict("That idempotency key was used for a different request.");
        return first;
      }
      const loaded = await loadVisibleReturn(uow, user, input.returnId);
      if (!mayTakePart(user, loaded.contract)) throw forbidden("Only the return's provider and the office's commissioning staff take part in its conversation.");
      const body = requiredText(input.body, "body", "The comment");
      if (input.measureId != null) await assertMeasureOnReturn(uow, loaded.contract, input.measureId, "measureId");
      if (input.replyToId != null) {
        const parent = await uow.manager.findOneBy(ReturnComment, { id: input.replyToId });
        if (!parent || parent.returnId !== loaded.ret.id) throw badInput("You can only reply to a comment on the same return.", [{ field: "replyToId", rule: "sameReturn", message: "That comment is not on this return." }]);
      }
      const comment = await uow.manager.save(
        uow.manager.create(ReturnComment, { returnId: loaded.ret.id, officeId: loaded.contract.officeId, measureId: input.measureId ?? null, replyToId: input.replyToId ?? null, authorId: user.id, body, createdAt: new Date() }),
      );
      await uow.manager.insert(IdempotencyRecord, { key: input.idempotencyKey, userId: user.id, operation: "postReturnComment", resultId: comment.id, createdAt: new Date() });
      await uow.audit("return.comment", { type: "ReturnComment", id: comment.id, officeId: loaded.contract.officeId }, null, comment);
      await conversationEvent(uow, loaded, { change: "COMMENT_POSTED", commentId: comment.id });
      return comment;
    },
    { idempotent: true },
  );
}

/** An officer flags one figure of a return for follow-up; one open flag per contract and figure. */
export function raiseFigureFlag(ctx: Context, input: RaiseFigureFlagInput): Promise<FigureFlag> {
  const user = requireUser(ctx);
  return ctx.services.writer.run(user, async (uow) => {
    const loaded = await loadVisibleReturn(uow, user, input.returnId);
    if (!canWriteOffice(user, loaded.contract.officeId)) throw forbidden("Only the office's commissioning staff flag figures for follow-up.");
    const note = requiredText(input.note, "note", "The note");
    await assertMeasureOnReturn(uow, loaded.contract, input.measureId, "measureId");
    const open = await uow.manager.findOneBy(FigureFlag, { contractId: loaded.contract.id, measureId: input.measureId, clearedAt: IsNull() });
    if (open) throw conflict("This figure is already flagged for follow-up: clear that flag first.");
    const flag = await uow.manager.save(
      uow.manager.create(FigureFlag, { officeId: loaded.contract.officeId, contractId: loaded.contract.id, measureId: input.measureId, returnId: loaded.ret.id, periodId: loaded.ret.periodId, note, raisedById: user.id, raisedAt: new Date(), clearedById: null, clearedAt: null, clearNote: null }),
    );
    await uow.audit("figure_flag.raise", { type: "FigureFlag", id: flag.id, officeId: loaded.contract.officeId }, null, flag);
    await conversationEvent(uow, loaded, { change: "FLAG_RAISED", flagId: flag.id });
    return flag;
  });
}

/** An officer clears a follow-up flag: it stops showing in later quarters' forms. */
export function clearFigureFlag(ctx: Context, input: ClearFigureFlagArgs): Promise<FigureFlag> {
  const user = requireUser(ctx);
  return ctx.services.writer.run(user, async (uow) => {
    const flag = await uow.manager.findOneBy(FigureFlag, { id: input.id });
    if (!flag) throw notFound("FigureFlag", input.id);
    const loaded = await loadVisibleReturn(uow, user, flag.returnId).catch(() => {
      throw notFound("FigureFlag", input.id);
    });
    if (!canWriteOffice(user, loaded.contract.officeId)) throw forbidden("Only the office's commissioning staff clear follow-up flags.");
    if (flag.clearedAt != null) throw conflict("This flag is already cleared.");
    const updated = await updateVersioned(uow, FigureFlag, flag, input.version, { clearedAt: new Date(), clearedById: user.id, clearNote: input.note?.trim() || null }, "FigureFlag");
    await uow.audit("figure_flag.clear", { type: "FigureFlag", id: flag.id, officeId: loaded.contract.officeId }, flag, updated);
    await conversationEvent(uow, loaded, { change: "FLAG_CLEARED", flagId: flag.id });
    return updated;
  });
}

/**
 * The flags to show with a return: those raised on it, and those still open that were raised on the contract's
 * earlier quarters (so a flag follows the figure into the next quarter's form until it is cleared). Batched per
 * request: a list of returns costs the same few queries as one.
 */
export async function flagsForReturn(ctx: Context, ret: PerformanceReturn): Promise<FigureFlag[]> {
  const [period, flags] = await Promise.all([ctx.loaders.byId(ReportingPeriod).load(ret.periodId), ctx.loaders.manyBy(FigureFlag, "contractId", { id: "ASC" }).load(ret.contractId)]);
  if (!period || !flags.length) return [];
  const raisedIn = await ctx.loaders.byId(ReportingPeriod).loadMany([...new Set(flags.map((f) => f.periodId))]);
  const when = new Map(raisedIn.filter((p): p is ReportingPeriod => p instanceof ReportingPeriod).map((p) => [p.id, p]));
  const earlier = (p: ReportingPeriod | undefined) => p != null && (p.year < period.year || (p.year === period.year && p.quarter < period.quarter));
  return flags.filter((f) => f.returnId === ret.id || (f.clearedAt == null && earlier(when.get(f.periodId))));
}

/** A contract's open follow-up flags: what its next return's form shows beside each figure. */
export async function openFlagsForContract(ctx: Context, contractId: number): Promise<FigureFlag[]> {
  return (await ctx.loaders.manyBy(FigureFlag, "contractId", { id: "ASC" }).load(contractId)).filter((f) => f.clearedAt == null);
}
