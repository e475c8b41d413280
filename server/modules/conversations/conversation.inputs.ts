import { IsOptional, Length, MaxLength } from "class-validator";
import { ArgsType, Field, InputType, Int } from "type-graphql";

/** Longest comment or flag note, in characters: a message, not a document (attach documents instead). */
export const MAX_COMMENT_LENGTH = 4000;

@InputType()
export class PostReturnCommentInput {
  @Field(() => Int)
  returnId!: number;

  @Field(() => Int, { nullable: true, description: "The figure (measure) the comment is about; leave out for the whole return." })
  @IsOptional()
  measureId?: number | null;

  @Field(() => Int, { nullable: true, description: "The comment this one answers." })
  @IsOptional()
  replyToId?: number | null;

  @Field(() => String, { description: `1 to ${MAX_COMMENT_LENGTH} characters.` })
  @MaxLength(MAX_COMMENT_LENGTH)
  body!: string;

  @Field(() => String, { description: "Unique per attempt; a retry with the same key returns the first comment instead of posting twice." })
  @Length(8, 100)
  idempotencyKey!: string;
}

@InputType()
export class RaiseFigureFlagInput {
  @Field(() => Int)
  returnId!: number;

  @Field(() => Int)
  measureId!: number;

  @Field(() => String, { description: "What to follow up, shown beside the figure until the flag is cleared." })
  @MaxLength(MAX_COMMENT_LENGTH)
  note!: string;
}

@ArgsType()
export class ClearFigureFlagArgs {
  @Field(() => Int, { description: "The flag." })
  id!: number;

  @Field(() => Int, { description: "The flag's version; a stale one fails with CONFLICT." })
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(MAX_COMMENT_LENGTH)
  note?: string | null;
}
