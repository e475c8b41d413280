import { Max, Min } from "class-validator";
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";

export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: `Rows to return, at most ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 50;

  @Field(() => Int, { defaultValue: 0, description: "Rows to skip." })
  @Min(0)
  offset: number = 0;
}

export interface PageResult<T> {
  items: T[];
  totalCount: number;
  hasMore: boolean;
}

/** A page type for one item type, e.g. `class ContractPage extends Page(Contract) {}`. */
export function Page<T extends object>(itemType: ClassType<T>) {
  @ObjectType()
  abstract class PageClass implements PageResult<T> {
    @Field(() => [itemType])
    items!: T[];

    @Field(() => Int, { description: "Rows matching the filter, across all pages." })
    totalCount!: number;

    @Field(() => Boolean)
    hasMore!: boolean;
  }
  return PageClass;
}

export function toPage<T>(items: T[], totalCount: number, page: PageArgs): PageResult<T> {
  return { items, totalCount, hasMore: page.offset + items.length < totalCount };
}
