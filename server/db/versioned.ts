import type { EntityTarget, ObjectLiteral } from "typeorm";
import { conflict, notFound } from "../errors.js";
import { findOnePlain } from "./loaders.js";
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
 */
export async function updateVersioned<T extends Versioned>(uow: UnitOfWork, entity: EntityTarget<T>, current: T, expectedVersion: number, patch: Partial<T>, label: string): Promise<T> {
  if (current.version !== expectedVersion) throw stale(label, current.id, current.version, expectedVersion);
  const result = await uow.manager
    .createQueryBuilder()
    .update(entity)
    .set(patch as never)
    .where("id = :id AND version = :version", { id: current.id, version: expectedVersion })
    .execute();
  if (result.affected !== 1) throw stale(label, current.id, current.version, expectedVersion);
  return (await findOnePlain<T>(uow.manager, entity, { id: current.id } as never)) ?? uow.manager.getRepository(entity).findOneByOrFail({ id: current.id } as never);
}

function stale(label: string, id: number, actual: number, expected: number) {
  return conflict(`${label} ${id} has changed since you loaded it (version ${actual}, you had ${expected}). Reload and try again.`);
}
