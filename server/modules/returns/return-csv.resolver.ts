import { Arg, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, registerEnumType, Resolver, Root, Subscription } from "type-graphql";
import { requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import type { PublishedEvent } from "../../realtime/pubsub.js";
import { Contract } from "../contracts/contract.entities.js";
import { Role } from "../users/role.js";
import { PerformanceReturn } from "./return.entities.js";
import { canSeeReturn } from "./return.service.js";
import { CSV_MAX_ROWS, CsvImportPhase, csvImportProgressStream, uploadReturnsCsv, type CsvImportOutcome, type CsvImportProgressPayload } from "./return-csv.service.js";

registerEnumType(CsvImportPhase, {
  name: "CsvImportPhase",
  valuesConfig: {
    VALIDATING: { description: "Checking every row; nothing has been written." },
    APPLYING: { description: "Writing the returns; they become visible to others only once all are written." },
    DONE: { description: "Every row was applied." },
    FAILED: { description: "Nothing was saved; the mutation's error says why." },
  },
});

@ObjectType({ description: "What a CSV upload of returns did. A retry with the same idempotency key answers with the first upload's result." })
class CsvImportResult {
  @Field(() => String)
  importId!: string;

  @Field(() => Int)
  periodId!: number;

  @Field(() => Int, { description: "Rows in the file, the header not counted." })
  totalRows!: number;

  @Field(() => Int)
  returnsCreated!: number;

  @Field(() => Int)
  returnsUpdated!: number;

  @Field(() => Int)
  returnsSubmitted!: number;

  @Field(() => Boolean, { description: "True when this answer is the first upload's with the same idempotency key: nothing was done this time." })
  replayed!: boolean;

  returnIds!: number[];
}

@ObjectType({ description: "How far a CSV upload has got. Row counts restart in each phase." })
class CsvImportProgress {
  @Field(() => String)
  importId!: string;

  @Field(() => CsvImportPhase)
  phase!: CsvImportPhase;

  @Field(() => Int)
  processedRows!: number;

  @Field(() => Int)
  totalRows!: number;
}

@Resolver(() => CsvImportResult)
export class ReturnCsvResolver {
  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.PROVIDER)
  @Mutation(() => CsvImportResult, {
    description:
      `Upload a period's returns as CSV: a header (contract_reference,measure_code,value[,comment], any case), then one row per contract and measure, at most 10 MB and ${CSV_MAX_ROWS} rows. ` +
      "Providers upload for their own contracts; the office's staff for any of its contracts. The whole file is checked first: any problem fails it with BAD_USER_INPUT, " +
      'each problem naming its row and column ("row 12, value") and nothing saved. Otherwise every row is applied in one transaction, and with submit: true each return ' +
      "is submitted as by submitReturn (a sharp change since last quarter cannot be explained in a CSV: submit that return in the form). Without a comment column, saved comments are kept.",
  })
  uploadReturnsCsv(
    @Ctx() ctx: Context,
    @Arg("periodId", () => Int) periodId: number,
    @Arg("csv", () => String) csv: string,
    @Arg("idempotencyKey", () => String, { description: "Any unique string per upload: a retry with the same key returns the first result and writes nothing." }) idempotencyKey: string,
    @Arg("submit", () => Boolean, { nullable: true, defaultValue: false, description: "Submit every return in the file, not just save drafts." }) submit: boolean | null,
    @Arg("importId", () => String, { nullable: true, description: "Chosen by the client to follow csvImportProgress(importId) from before the upload starts." }) importId?: string | null,
  ): Promise<CsvImportOutcome> {
    return uploadReturnsCsv(ctx, { periodId, csv, submit: submit ?? false, idempotencyKey, importId });
  }

  @Authorized(Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.PROVIDER)
  @Subscription(() => CsvImportProgress, {
    description: "Progress of your own CSV upload with this importId, about every 500 rows; ends after DONE or FAILED. Subscribe before uploading.",
    subscribe: ({ args, context }) => csvImportProgressStream(context as Context, args.importId as string),
  })
  csvImportProgress(@Root() event: PublishedEvent<CsvImportProgressPayload>, @Arg("importId", () => String) _importId: string): CsvImportProgress {
    const { importId, phase, processedRows, totalRows } = event.payload;
    return { importId, phase, processedRows, totalRows };
  }

  @FieldResolver(() => [PerformanceReturn], { description: "The returns the file touched, as they are now (those you may still see)." })
  async returns(@Root() result: CsvImportResult, @Ctx() ctx: Context): Promise<PerformanceReturn[]> {
    const user = requireUser(ctx);
    const returns = (await ctx.loaders.byId(PerformanceReturn).loadMany(result.returnIds)).filter((r): r is PerformanceReturn => r instanceof PerformanceReturn);
    const contracts = await ctx.loaders.byId(Contract).loadMany(returns.map((r) => r.contractId));
    return returns.filter((r, i) => {
      const contract = contracts[i];
      return contract instanceof Contract && canSeeReturn(user, contract, r.state);
    });
  }
}
