import type { Services } from "../../services.js";
import { contractRelease, ocdsReleasePackage } from "./ocds.js";
import { OcdsRelease } from "./ocds-release.entity.js";
import type { OfficeRecords } from "./open-data.records.js";

type Json = Record<string, unknown>;

/**
 * The office's release package with each contract's history: every release ever served for a contract that still
 * exists under its current ocid, oldest first, ending with the current one. A release is stored the first time it
 * is built, unchanged from then on (OCDS releases are immutable); an unchanged contract adds nothing.
 */
export async function ocdsPackageWithHistory(services: Services, records: OfficeRecords, packageUri: string): Promise<Json> {
  const officeId = records.office.id;
  const current = records.contracts.map((record) => contractRelease(records, record));
  const known = new Set((await services.db.manager.find(OcdsRelease, { where: { officeId }, select: { releaseId: true } })).map((r) => r.releaseId));
  const fresh = current.filter((release) => !known.has(release.id as string));
  if (fresh.length) {
    await services.writer.run(null, async (uow) => {
      // Two first readers at once store the same release once.
      await uow.manager
        .createQueryBuilder()
        .insert()
        .into(OcdsRelease)
        .values(fresh.map((release) => ({ officeId, ocid: release.ocid as string, releaseId: release.id as string, date: new Date(release.date as string), body: release })) as never)
        .orIgnore()
        .execute();
    });
  }
  // A changed prefix or reference starts a new history: releases under an ocid no contract has any more are not served.
  const ocids = new Set(current.map((release) => release.ocid as string));
  const stored = await services.writer.dataSource.manager.find(OcdsRelease, { where: { officeId }, order: { ocid: "ASC", date: "ASC", id: "ASC" } });
  const releases = stored.filter((row) => ocids.has(row.ocid)).map((row) => row.body);
  return { ...ocdsReleasePackage(records, packageUri), releases };
}
