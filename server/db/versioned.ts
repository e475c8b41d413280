import type { EntityTarget, ObjectLiteral } from "typeorm";
import { conflict, notFound } from "../errors.js";
import { returningRows } from "./bulk.js";
import { findOnePlain, plainReturning } from "./loaders.js";
import type { UnitOfWork } from "./writer.js";

interface Versioned extends ObjectLiteral {
  id: number;
  version: number;
}

/** Loads a row inside the write transaction, or NOT_FOUND. */
export async function loadForUpdate<T extends Versioned>(uow: UnitOfWork, entity: EntityTarget<T>, id: number, label: string): Promise<T> {
  const row = await findOnePlain<T>(uow.manager, entity, { id } as never);
  if (!row) throw notFound(label, id);
  return row;
}

/**
 * Applies a change only if the row is still at the version the caller read. TypeORM does not check
 * @VersionColumn on save, so the guard is in the WHERE clause; the version is bumped by the same statement.
 * The row as written comes back from the UPDATE itself (RETURNING, on SQLite ≥ 3.35 and PostgreSQL): no second
 * read, so one wait fewer inside the write transaction.
 */
export async function updateVersioned<T extends Versioned>(uow: UnitOfWork, entity: EntityTarget<T>, current: T, expectedVersion: number, patch: Partial<T>, label: string): Promise<T> {
  if (current.version !== expectedVersion) throw stale(label, current.id, current.version, expectedVersion);
  const update = uow.manager
    .createQueryBuilder()
    .update(entity)
    .set(patch as never)
    .where("id = :id AND version = :version", { id: current.id, version: expectedVersion });
  const returning = plainReturning<T>(uow.manager, entity);
  const [sql, parameters] = update.getQueryAndParameters();
  if (returning && !/\bRETURNING\b/i.test(sql)) {
    const rows = await returningRows(uow.manager, `${sql} RETURNING ${returning.columns}`, parameters);
    if (rows.length !== 1) throw stale(label, current.id, current.version, expectedVersion);
    return returning.hydrate(rows)[0];
  }
  const result = await update.execute();
  if (result.affected !== 1) throw stale(label, current.id, current.version, expectedVersion);
  return (await findOnePlain<T>(uow.manager, entity, { id: current.id } as never)) ?? uow.manager.getRepository(entity).findOneByOrFail({ id: current.id } as never);
}

function stale(label: string, id: number, actual: number, expected: number) {
  return conflict(`${label} ${id} has changed since you loaded it (version ${actual}, you had ${expected}). Reload and try again.`);
}
