import { expect } from "vitest";
import type { DataSource } from "typeorm";
import { ErrorCode } from "../../server/errors.js";
import { updateVersioned } from "../../server/db/versioned.js";
import type { Writer } from "../../server/db/writer.js";

/*
 * updateVersioned hands back the row its UPDATE … RETURNING wrote instead of reading it again (server/db/versioned.ts).
 * For every entity with a version column, on a seeded store: the row it returns equals TypeORM's own read of the
 * row afterwards (same class, same values: dates, JSON, booleans, numbers), the version moved by one, and a stale
 * version is a CONFLICT that changes nothing. Run by the SQLite and the PostgreSQL test files.
 */
export async function versionedUpdatesReturnTheRow(db: DataSource, writer: Writer): Promise<string[]> {
  const covered: string[] = [];
  for (const metadata of db.entityMetadatas) {
    const version = metadata.versionColumn;
    const id = metadata.primaryColumns.length === 1 ? metadata.primaryColumns[0] : null;
    if (!version || id?.propertyName !== "id") continue;
    const repository = db.getRepository(metadata.target);
    const [row] = (await repository.find({ order: { id: "ASC" } as never, take: 1 })) as { id: number; version: number }[];
    if (!row) continue;
    // A column set to the value it has: the statement runs and bumps the version, the data stays as it was.
    const column = metadata.columns.find((c) => !c.isPrimary && !c.isVersion && !c.isCreateDate && !c.isUpdateDate && !c.isGenerated && !c.relationMetadata && c.isUpdate && !c.isVirtual && c.isSelect);
    if (!column) continue;
    const patch = { [column.propertyName]: column.getEntityValue(row) };
    const written = await writer.run(null, (uow) => updateVersioned(uow, metadata.target, row, row.version, patch, metadata.name));
    const read = await repository.findOneByOrFail({ id: row.id } as never);
    expect(written, metadata.name).toBeInstanceOf(metadata.target as new () => unknown);
    expect(written, metadata.name).toEqual(read);
    expect(written.version, metadata.name).toBe(row.version + 1);

    const stale = writer.run(null, (uow) => updateVersioned(uow, metadata.target, { ...read, id: row.id, version: row.version }, row.version, patch, metadata.name));
    await expect(stale, metadata.name).rejects.toMatchObject({ extensions: { code: ErrorCode.CONFLICT } });
    expect(await repository.findOneByOrFail({ id: row.id } as never), metadata.name).toEqual(read);
    covered.push(metadata.name);
  }
  return covered;
}
