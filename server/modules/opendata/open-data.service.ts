import { assertCanWriteOffice, officeToRead } from "../../auth/access.js";
import { assertWritableOffice } from "../../common/office-records.js";
import type { Context } from "../../context.js";
import { conflict } from "../../errors.js";
import type { OpenDataSettingsInput } from "./open-data.inputs.js";
import { OfficeOpenData } from "./open-data-settings.entity.js";

/** An office without a row has made no choice: it publishes nothing and shares nothing. */
function defaults(officeId: number): OfficeOpenData {
  return Object.assign(new OfficeOpenData(), { officeId, publish: false, shareBenchmarks: false, policeForceAreaCode: null, ocidPrefix: null, grantPrefix: null, orgId: null, version: 0, updatedAt: new Date(0) });
}

export async function openDataSettings(ctx: Context, officeId: number | null | undefined): Promise<OfficeOpenData> {
  const office = officeToRead(ctx, officeId);
  return (await ctx.services.db.manager.findOneBy(OfficeOpenData, { officeId: office })) ?? defaults(office);
}

/** Only the Commissioner's office decides what it publishes and shares; the change is audited. */
export async function setOpenDataSettings(ctx: Context, input: OpenDataSettingsInput, version: number): Promise<OfficeOpenData> {
  const officeId = officeToRead(ctx, input.officeId);
  const user = assertCanWriteOffice(ctx, officeId);
  return ctx.services.writer.run(user, async (uow) => {
    await assertWritableOffice(ctx, uow.manager, officeId);
    const repository = uow.manager.getRepository(OfficeOpenData);
    const current = (await repository.findOneBy({ officeId })) ?? defaults(officeId);
    if (current.version !== version) throw conflict(`The open-data settings have changed since you loaded them (version ${current.version}, you had ${version}). Reload and try again.`);
    const patch: Partial<OfficeOpenData> = {};
    for (const key of ["publish", "shareBenchmarks", "policeForceAreaCode", "ocidPrefix", "grantPrefix", "orgId"] as const) {
      if (input[key] !== undefined) (patch as Record<string, unknown>)[key] = input[key];
    }
    if (current.version === 0) {
      await repository.insert({ ...defaults(officeId), ...patch, version: 1, updatedAt: new Date() });
    } else {
      const result = await repository
        .createQueryBuilder()
        .update()
        .set({ ...patch, version: () => "version + 1", updatedAt: new Date() } as never)
        .where("officeId = :officeId AND version = :version", { officeId, version })
        .execute();
      if (result.affected !== 1) throw conflict("The open-data settings have changed since you loaded them. Reload and try again.");
    }
    const saved = await repository.findOneByOrFail({ officeId });
    await uow.audit("openData.settings", { type: "OfficeOpenData", id: officeId, officeId }, current.version === 0 ? null : current, saved);
    return saved;
  });
}
