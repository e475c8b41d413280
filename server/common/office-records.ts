import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { assertCanWriteOffice, canSee, requireUser } from "../auth/access.js";
import { loadVisible } from "../auth/policy.js";
import type { Context } from "../context.js";
import { loadForUpdate, updateVersioned } from "../db/versioned.js";
import type { UnitOfWork } from "../db/writer.js";
import { notFound } from "../errors.js";
import { Office } from "../modules/offices/office.entity.js";
import { Role } from "../modules/users/role.js";

/**
 * Create and update for the records officers maintain. Each knows which office it belongs to
 * (directly, or through its parent); the caller must be allowed to write that office, the change is
 * audited in the same transaction, and updates are guarded by the version the caller read.
 */
export interface RecordKind<T extends ObjectLiteral> {
  entity: EntityTarget<T>;
  /** Name used in messages and the audit trail, e.g. "Contract". */
  label: string;
  /** The office a row belongs to; may look up its parent inside the transaction. */
  officeOf(row: T, manager: EntityManager): Promise<number> | number;
  /** Extra rules checked inside the transaction before the row is written; throw BAD_USER_INPUT to refuse. */
  check?(row: T, uow: UnitOfWork): Promise<void>;
}

function action(kind: RecordKind<ObjectLiteral>, verb: string): string {
  return `${kind.label.replace(/[A-Z]/g, (c, i) => (i ? "_" : "") + c.toLowerCase())}.${verb}`;
}

/**
 * The caller may write the office, and it exists. Only an administrator may name any office, so only theirs is
 * looked up: otherwise a mistyped id reached the store's foreign key and answered with an internal error.
 */
export async function assertWritableOffice(ctx: Context, manager: EntityManager, officeId: number): Promise<void> {
  const user = assertCanWriteOffice(ctx, officeId);
  if (user.role === Role.ADMIN && !(await manager.existsBy(Office, { id: officeId }))) throw notFound("Office", officeId);
}

export async function createRecord<T extends { id: number }>(
  ctx: Context,
  kind: RecordKind<T>,
  values: Partial<T>,
  after?: (row: T, uow: UnitOfWork) => Promise<void>,
): Promise<T> {
  return ctx.services.writer.run(requireUser(ctx), async (uow) => {
    const draft = uow.manager.create(kind.entity, values as T);
    const officeId = await kind.officeOf(draft, uow.manager);
    await assertWritableOffice(ctx, uow.manager, officeId);
    await kind.check?.(draft, uow);
    const row = await uow.manager.save(kind.entity, draft);
    await after?.(row, uow);
    await uow.audit(action(kind as RecordKind<ObjectLiteral>, "create"), { type: kind.label, id: row.id, officeId }, null, row);
    return row;
  });
}

export async function updateRecord<T extends { id: number; version: number }>(
  ctx: Context,
  kind: RecordKind<T>,
  id: number,
  expectedVersion: number,
  patch: Partial<T>,
  after?: (row: T, uow: UnitOfWork) => Promise<void>,
): Promise<T> {
  return ctx.services.writer.run(requireUser(ctx), async (uow) => {
    const current = await loadForUpdate(uow, kind.entity, id, kind.label);
    const officeId = await kind.officeOf(current, uow.manager);
    if (!canSee(requireUser(ctx), { officeId })) throw notFound(kind.label, id);
    assertCanWriteOffice(ctx, officeId);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
    const merged = uow.manager.merge(kind.entity, uow.manager.create(kind.entity, { ...current }), defined as never);
    // A change that moves the record (e.g. to another office's parent) needs the right to write there too.
    const newOfficeId = await kind.officeOf(merged, uow.manager);
    if (newOfficeId !== officeId) await assertWritableOffice(ctx, uow.manager, newOfficeId);
    await kind.check?.(merged, uow);
    const updated = await updateVersioned(uow, kind.entity, current, expectedVersion, defined, kind.label);
    await after?.(updated, uow);
    await uow.audit(action(kind as RecordKind<ObjectLiteral>, "update"), { type: kind.label, id, officeId }, current, updated);
    return updated;
  });
}

/** Loads a row by id for reading through its type's read policy; NOT_FOUND when it does not exist or the caller may not see it. */
export function findVisible<T extends { id: number }>(ctx: Context, kind: RecordKind<T>, id: number): Promise<T> {
  requireUser(ctx);
  return loadVisible(ctx, kind.entity as new () => T, id, undefined, kind.label);
}
