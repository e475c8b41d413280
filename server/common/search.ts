import { IsOptional, MaxLength } from "class-validator";
import { ArgsType, Field } from "type-graphql";

export const MAX_SEARCH_LENGTH = 100;

/** A free-text search argument: capped in length (a longer one is BAD_USER_INPUT), matched literally. */
@ArgsType()
export class SearchArgs {
  @Field(() => String, { nullable: true, description: `Part of the name, at most ${MAX_SEARCH_LENGTH} characters; matched literally (% and _ are not wildcards), ignoring case in every script.` })
  @IsOptional()
  @MaxLength(MAX_SEARCH_LENGTH)
  search?: string | null;
}

/**
 * Text with its case folded the same way whatever the script and whichever store holds it: upper case then lower
 * (so ß and SS meet at "ss", É and é at "é", final ς and Σ at "σ"). SQLite's LIKE folds ASCII letters only and
 * PostgreSQL's none, so "victim" found "Victim Support" on one store and not the other (red18): searches compare
 * folded text here instead.
 */
export function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase().replace(/ς/g, "σ");
}
