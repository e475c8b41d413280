import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { Context } from "../context.js";
import { badInput, forbidden, unauthenticated } from "../errors.js";
import { OFFICE_READERS, OFFICE_WRITERS, Role } from "../modules/users/role.js";
import type { ReturnState } from "../modules/returns/return.entities.js";
import type { User } from "../modules/users/user.entity.js";

/**
 * Tenant and ownership rules. Roles are checked by @Authorized on each operation; these functions add
 * the checks that depend on the record: which office it belongs to, which provider holds it.
 *
 * Convention: naming another office explicitly is FORBIDDEN; asking for a record by id that the caller
 * may not see is NOT_FOUND (we do not confirm that it exists).
 */
export function requireUser(ctx: Context): User {
  if (!ctx.user) throw unauthenticated();
  return ctx.user;
}

/** Administrators are the only cross-office role. */
export function isCrossOffice(user: User): boolean {
  return user.role === Role.ADMIN;
}

export function canReadOffice(user: User, officeId: number): boolean {
  return OFFICE_READERS.includes(user.role) && (isCrossOffice(user) || user.officeId === officeId);
}

export function canWriteOffice(user: User, officeId: number): boolean {
  return OFFICE_WRITERS.includes(user.role) && (isCrossOffice(user) || user.officeId === officeId);
}

/** The office an office-wide query is about: the one named, or the caller's own. */
export function officeToRead(ctx: Context, officeId: number | null | undefined): number {
  const user = requireUser(ctx);
  const resolved = officeId ?? user.officeId;
  if (resolved == null) throw badInput("officeId is required for a user without a home office.", [{ field: "officeId", rule: "required", message: "Choose an office." }]);
  if (!canReadOffice(user, resolved)) throw forbidden("You cannot see that office's records.");
  return resolved;
}

export function assertCanWriteOffice(ctx: Context, officeId: number): User {
  const user = requireUser(ctx);
  if (!canWriteOffice(user, officeId)) throw forbidden("You cannot change that office's records.");
  return user;
}

/** Whether the caller may see a record that belongs to an office and, for contracts and returns, to a provider. */
export function canSee(user: User, record: { officeId: number; providerId?: number | null }): boolean {
  if (user.role === Role.PROVIDER) return record.providerId != null && record.providerId === user.providerId;
  return canReadOffice(user, record.officeId);
}

/** A return: its contract's office readers (analysts only once accepted) and the contract's provider. */
export function canSeeReturn(user: User, contract: { officeId: number; providerId: number }, state: ReturnState): boolean {
  if (!canSee(user, contract)) return false;
  return user.role !== Role.ANALYST || state === ("ACCEPTED" as ReturnState);
}

/**
 * The one scoping rule for lists of contracts and of what belongs to them, as a filter on a query that has the
 * contract under `alias`: a provider user gets its own provider's contracts (in every office, or in the office
 * named); everyone else the office named, or their own (naming an office they may not read is FORBIDDEN).
 */
export function scopeToContracts<T extends ObjectLiteral>(ctx: Context, query: SelectQueryBuilder<T>, alias: string, officeId?: number | null): SelectQueryBuilder<T> {
  const user = requireUser(ctx);
  if (user.role === Role.PROVIDER) {
    query.andWhere(`${alias}.providerId = :scopeProviderId`, { scopeProviderId: user.providerId ?? -1 });
    if (officeId != null) query.andWhere(`${alias}.officeId = :scopeOfficeId`, { scopeOfficeId: officeId });
  } else {
    query.andWhere(`${alias}.officeId = :scopeOfficeId`, { scopeOfficeId: officeToRead(ctx, officeId) });
  }
  return query;
}

/**
 * The office whose event stream a subscriber follows. Office staff: one they may read. Provider users: any office
 * named, because every event is then filtered to their own provider's records (see eventStream's `visible`).
 */
export function officeToFollow(ctx: Context, officeId: number): number {
  return requireUser(ctx).role === Role.PROVIDER ? officeId : officeToRead(ctx, officeId);
}
