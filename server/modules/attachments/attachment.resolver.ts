import { Arg, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { ALLOWED_TYPES } from "./attachment-content.js";
import { loadVisible } from "../../auth/policy.js";
import { PerformanceReturn } from "../returns/return.entities.js";
import type { Context } from "../../context.js";
import { ProjectBrief } from "../briefs/project-brief.entity.js";
import { Decision } from "../decisions/decision.entity.js";
import { OFFICE_WRITERS, Role } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { Attachment, AttachmentOwner } from "./attachment.entity.js";
import { attachmentsOf, deleteAttachment } from "./attachment.service.js";

@ObjectType({ description: "What an upload may be: the server's limits and the types it accepts (by content)." })
class AttachmentLimits {
  @Field(() => Int)
  maxFileBytes!: number;

  @Field(() => Int)
  maxReturnBytes!: number;

  @Field(() => [String], { description: "Readable names of the accepted types." })
  allowedTypes!: string[];
}

@Resolver(() => Attachment)
export class AttachmentResolver {
  @Authorized()
  @Query(() => AttachmentLimits)
  attachmentLimits(@Ctx() ctx: Context): AttachmentLimits {
    const { maxFileBytes, maxReturnBytes } = ctx.services.config.attachments;
    return { maxFileBytes, maxReturnBytes, allowedTypes: [...ALLOWED_TYPES.values(), "Plain text or CSV (UTF-8)"] };
  }

  @Authorized(...OFFICE_WRITERS, Role.PROVIDER)
  @Mutation(() => Attachment, { description: "Delete a file: its uploader, or the office's commissioning staff. Answers with the file as it was." })
  deleteAttachment(@Ctx() ctx: Context, @Arg("id", () => Int) id: number): Promise<Attachment> {
    return deleteAttachment(ctx, id);
  }

  @Authorized()
  @Query(() => [Attachment], { description: "The files attached to one return, decision or brief (NOT_FOUND if you may not see that record)." })
  async attachments(@Ctx() ctx: Context, @Arg("owner", () => AttachmentOwner) owner: AttachmentOwner, @Arg("recordId", () => Int) recordId: number): Promise<Attachment[]> {
    if (owner === AttachmentOwner.RETURN) await loadVisible(ctx, PerformanceReturn, recordId, "PerformanceReturn", "Return");
    else if (owner === AttachmentOwner.DECISION) await loadVisible(ctx, Decision, recordId);
    else await loadVisible(ctx, ProjectBrief, recordId);
    return attachmentsOf(ctx, owner === AttachmentOwner.RETURN ? "returnId" : owner === AttachmentOwner.DECISION ? "decisionId" : "briefId", recordId);
  }

  @FieldResolver(() => String, { description: "GET it with your bearer token; always served as a download." })
  downloadPath(@Root() attachment: Attachment): string {
    return `/attachments/${attachment.id}`;
  }

  @FieldResolver(() => User, { nullable: true })
  uploadedBy(@Root() attachment: Attachment, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.byId(User).load(attachment.uploadedById);
  }
}

@Resolver(() => Decision)
export class DecisionAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: "Papers attached to this decision." })
  attachments(@Root() decision: Decision, @Ctx() ctx: Context): Promise<Attachment[]> {
    return attachmentsOf(ctx, "decisionId", decision.id);
  }
}

@Resolver(() => ProjectBrief)
export class BriefAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: "Papers attached to this brief." })
  attachments(@Root() brief: ProjectBrief, @Ctx() ctx: Context): Promise<Attachment[]> {
    return attachmentsOf(ctx, "briefId", brief.id);
  }
}
