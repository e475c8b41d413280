import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Resolver, Root, Subscription } from "type-graphql";
import { canSeeReturn, officeToFollow, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { eventStream } from "../../realtime/event-stream.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";
import { Attachment } from "../attachments/attachment.entity.js";
import { attachmentsOf } from "../attachments/attachment.service.js";
import { Contract } from "../contracts/contract.entities.js";
import { Measure } from "../kpis/kpi.entities.js";
import { PerformanceReturn } from "../returns/return.entities.js";
import { OFFICE_WRITERS, Role } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { FigureFlag, ReturnComment } from "./conversation.entities.js";
import { ClearFigureFlagArgs, PostReturnCommentInput, RaiseFigureFlagInput } from "./conversation.inputs.js";
import * as conversations from "./conversation.service.js";

@ObjectType({ description: "Something new in a return's conversation: a comment, a follow-up flag raised or cleared, a file added or removed." })
class ConversationChanged {
  @Field(() => Int, { description: "Sequence number: resubscribe with `since` set to the last one seen to catch up." })
  seq!: number;

  @Field(() => String, { description: "COMMENT_POSTED, FLAG_RAISED, FLAG_CLEARED, ATTACHMENT_ADDED or ATTACHMENT_DELETED." })
  change!: string;

  @Field(() => Int)
  returnId!: number;

  @Field(() => ReturnComment, { nullable: true })
  comment!: ReturnComment | null;

  @Field(() => FigureFlag, { nullable: true, description: "The flag as it is now." })
  flag!: FigureFlag | null;

  @Field(() => Attachment, { nullable: true, description: "The file (null once deleted: see attachmentId)." })
  attachment!: Attachment | null;

  @Field(() => Int, { nullable: true })
  attachmentId!: number | null;
}

const PARTICIPANTS = [...OFFICE_WRITERS, Role.PROVIDER];

@Resolver(() => ReturnComment)
export class ReturnCommentResolver {
  @Authorized(...PARTICIPANTS)
  @Mutation(() => ReturnComment, { description: "Post a comment on a return or one of its figures. Retried with the same idempotency key, it returns the first comment." })
  postReturnComment(@Ctx() ctx: Context, @Arg("input", () => PostReturnCommentInput) input: PostReturnCommentInput): Promise<ReturnComment> {
    return conversations.postReturnComment(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => FigureFlag, { description: "Flag a figure for follow-up: shown on the review and beside the figure in later quarters' forms until cleared." })
  raiseFigureFlag(@Ctx() ctx: Context, @Arg("input", () => RaiseFigureFlagInput) input: RaiseFigureFlagInput): Promise<FigureFlag> {
    return conversations.raiseFigureFlag(ctx, input);
  }

  @Authorized(...OFFICE_WRITERS)
  @Mutation(() => FigureFlag, { description: "Clear a follow-up flag." })
  clearFigureFlag(@Ctx() ctx: Context, @Args(() => ClearFigureFlagArgs) input: ClearFigureFlagArgs): Promise<FigureFlag> {
    return conversations.clearFigureFlag(ctx, input);
  }

  @Authorized()
  @Subscription(() => ConversationChanged, {
    nullable: true,
    description: "New comments, flags and files on the returns of an office that you may see (one return with `returnId`). With `since`, first replays what you missed.",
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      const officeId = officeToFollow(ctx, args.officeId as number);
      const returnId = (args.returnId as number | null | undefined) ?? null;
      return eventStream(ctx, {
        topic: Topic.CONVERSATION_CHANGED,
        officeId,
        since: args.since as number | null,
        visible: (event, viewer) => {
          const change = event.payload as conversations.ConversationChange;
          return (returnId == null || change.returnId === returnId) && canSeeReturn(viewer, { officeId: event.officeId, providerId: change.providerId }, change.state);
        },
      });
    },
  })
  async conversationChanged(
    @Root() event: PublishedEvent<conversations.ConversationChange>,
    @Ctx() ctx: Context,
    @Arg("officeId", () => Int) _officeId: number,
    @Arg("returnId", () => Int, { nullable: true }) _returnId?: number | null,
    @Arg("since", () => Int, { nullable: true }) _since?: number | null,
  ): Promise<ConversationChanged | null> {
    const { payload } = event;
    // The event was filtered by the return's state when it happened; a replay re-checks the return as it is now.
    const ret = await ctx.loaders.byId(PerformanceReturn).load(payload.returnId);
    const contract = ret && (await ctx.loaders.byId(Contract).load(ret.contractId));
    if (!ret || !contract || !canSeeReturn(requireUser(ctx), contract, ret.state)) return null;
    // Loaded as they are now; each passes its own type's policy on the way out (server/auth/policy.ts).
    const [comment, flag, attachment] = await Promise.all([
      payload.commentId ? ctx.loaders.byId(ReturnComment).load(payload.commentId) : null,
      payload.flagId ? ctx.loaders.byId(FigureFlag).load(payload.flagId) : null,
      payload.attachmentId ? ctx.loaders.byId(Attachment).load(payload.attachmentId) : null,
    ]);
    return { seq: event.seq, change: payload.change, returnId: payload.returnId, comment, flag, attachment, attachmentId: payload.attachmentId ?? null };
  }

  @FieldResolver(() => User, { nullable: true, description: "Null if you may not see its author." })
  author(@Root() comment: ReturnComment, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.byId(User).load(comment.authorId);
  }

  @FieldResolver(() => Measure, { nullable: true })
  measure(@Root() comment: ReturnComment, @Ctx() ctx: Context): Promise<Measure | null> | null {
    return comment.measureId == null ? null : ctx.loaders.byId(Measure).load(comment.measureId);
  }
}

@Resolver(() => FigureFlag)
export class FigureFlagResolver {
  @FieldResolver(() => Boolean)
  open(@Root() flag: FigureFlag): boolean {
    return flag.clearedAt == null;
  }

  @FieldResolver(() => Measure, { nullable: true })
  measure(@Root() flag: FigureFlag, @Ctx() ctx: Context): Promise<Measure | null> {
    return ctx.loaders.byId(Measure).load(flag.measureId);
  }

  @FieldResolver(() => User, { nullable: true })
  raisedBy(@Root() flag: FigureFlag, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.byId(User).load(flag.raisedById);
  }

  @FieldResolver(() => User, { nullable: true })
  clearedBy(@Root() flag: FigureFlag, @Ctx() ctx: Context): Promise<User | null> | null {
    return flag.clearedById == null ? null : ctx.loaders.byId(User).load(flag.clearedById);
  }
}

/** A return's conversation, flags and files, beside its figures (ReturnResolver stays as it was). */
@Resolver(() => PerformanceReturn)
export class ReturnConversationResolver {
  @FieldResolver(() => [ReturnComment], { description: "The conversation on this return, oldest first." })
  comments(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<ReturnComment[]> {
    return ctx.loaders.manyBy(ReturnComment, "returnId", { id: "ASC" }).load(ret.id);
  }

  @FieldResolver(() => [FigureFlag], { description: "Follow-up flags raised on this return, and those still open from the contract's earlier quarters." })
  figureFlags(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<FigureFlag[]> {
    return conversations.flagsForReturn(ctx, ret);
  }

  @FieldResolver(() => [Attachment], { description: "Evidence attached to this return." })
  attachments(@Root() ret: PerformanceReturn, @Ctx() ctx: Context): Promise<Attachment[]> {
    return attachmentsOf(ctx, "returnId", ret.id);
  }
}

@Resolver(() => Contract)
export class ContractFlagsResolver {
  @FieldResolver(() => [FigureFlag], { description: "Figures flagged for follow-up and not yet cleared: shown in the next return's form." })
  openFigureFlags(@Root() contract: Contract, @Ctx() ctx: Context): Promise<FigureFlag[]> {
    return conversations.openFlagsForContract(ctx, contract.id);
  }
}
