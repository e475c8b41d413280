import { IsOptional, MaxLength } from "class-validator";
import { ArgsType, Field } from "type-graphql";
import { Raw, type FindOperator } from "typeorm";

export const MAX_SEARCH_LENGTH = 100;

/** A free-text search argument: capped in length (a longer one is BAD_USER_INPUT), matched literally. */
@ArgsType()
export class SearchArgs {
  @Field(() => String, { nullable: true, description: `Part of the name, at most ${MAX_SEARCH_LENGTH} characters; matched literally (% and _ are not wildcards).` })
  @IsOptional()
  @MaxLength(MAX_SEARCH_LENGTH)
  search?: string | null;
}

/** `column LIKE '%text%'` with the text's own %, _ and \ escaped, so it never acts as a pattern. */
export function containsText(text: string): FindOperator<string> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return Raw((column) => `${column} LIKE :pattern ESCAPE '\\'`, { pattern });
}
