import { assertCanWriteOffice, canReadOffice, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { createRecord, updateRecord, type RecordKind } from "../../common/office-records.js";
import { updateVersioned } from "../../db/versioned.js";
import { badInput, conflict, notFound } from "../../errors.js";
import { PortfolioAllocation } from "../portfolios/portfolio.entities.js";
import { FundingStream, FundingStreamYear } from "./funding.entities.js";
import type { FundingStreamInput, FundingStreamYearInput } from "./funding.inputs.js";

export const FundingStreamRecord: RecordKind<FundingStream> = {
  entity: FundingStream,
  label: "FundingStream",
  officeOf: (s) => s.officeId,
  async check(stream, uow) {
    if (stream.parentId == null) return;
    // Walk up the parents: each must be this office's, and the chain must not loop back.
    const seen = new Set<number>([stream.id]);
    let parentId: number | null = stream.parentId;
    while (parentId != null) {
      if (seen.has(parentId)) throw badInput("A funding stream cannot contain itself.", [{ field: "parentId", rule: "acyclic", message: "That would make a loop." }]);
      seen.add(parentId);
      const parent: FundingStream | null = await uow.manager.findOneBy(FundingStream, { id: parentId });
      if (!parent || parent.officeId !== stream.officeId) throw badInput("The parent stream must be one of this office's.", [{ field: "parentId", rule: "sameOffice", message: `Funding stream ${parentId} is not one of this office's.` }]);
      parentId = parent.parentId;
    }
  },
};

export function createFundingStream(ctx: Context, input: FundingStreamInput): Promise<FundingStream> {
  const missing = (["name", "source"] as const).filter((k) => input[k] == null);
  if (missing.length) throw badInput("A funding stream needs a name and a source.", missing.map((field) => ({ field, rule: "required", message: `${field} is required.` })));
  const officeId = input.officeId ?? requireUser(ctx).officeId;
  if (officeId == null) throw badInput("Choose an office.", [{ field: "officeId", rule: "required", message: "officeId is required." }]);
  return createRecord(ctx, FundingStreamRecord, { ...input, officeId });
}

export function updateFundingStream(ctx: Context, id: number, version: number, input: FundingStreamInput): Promise<FundingStream> {
  const { officeId: _moveNotAllowed, ...patch } = input;
  return updateRecord(ctx, FundingStreamRecord, id, version, patch);
}

/** Sets a stream's amount for a year. The amount may not drop below what is already allocated from it. */
export function setFundingStreamYear(ctx: Context, input: FundingStreamYearInput): Promise<FundingStreamYear> {
  return ctx.services.writer.run(requireUser(ctx), async (uow) => {
    const stream = await uow.manager.findOneBy(FundingStream, { id: input.streamId });
    if (!stream || !canReadOffice(requireUser(ctx), stream.officeId)) throw notFound("FundingStream", input.streamId);
    assertCanWriteOffice(ctx, stream.officeId);
    const allocated = Number(
      (await uow.manager.createQueryBuilder(PortfolioAllocation, "a").select("COALESCE(SUM(a.amountPence), 0)", "total").where("a.streamId = :id AND a.year = :year", { id: stream.id, year: input.year }).getRawOne())?.total ?? 0,
    );
    if (input.amountPence < allocated) {
      throw badInput(`£${(allocated / 100).toFixed(2)} of this stream is already allocated in ${input.year}.`, [{ field: "amountPence", rule: "notBelowAllocated", message: "Reduce the allocations first." }]);
    }
    const { version, ...columns } = input;
    const before = await uow.manager.findOneBy(FundingStreamYear, { streamId: stream.id, year: input.year });
    if (before && version == null) throw conflict(`${input.year} is already set for this stream (version ${before.version}): send its version to change it. Reload and try again.`);
    if (!before && version != null) throw conflict(`${input.year} is not set for this stream as you loaded it. Reload and try again.`);
    const row = before
      ? await updateVersioned(uow, FundingStreamYear, before, version!, { ...columns, note: input.note ?? null }, "FundingStreamYear")
      : await uow.manager.save(uow.manager.create(FundingStreamYear, { ...columns, note: input.note ?? null }));
    await uow.audit("funding_stream.year", { type: "FundingStreamYear", id: row.id, officeId: stream.officeId }, before, row);
    return row;
  });
}
