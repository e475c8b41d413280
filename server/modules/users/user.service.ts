import { requireUser } from "../../auth/access.js";
import { checkPassword, hashPassword, MAX_PASSWORD_LENGTH } from "../../auth/passwords.js";
import { issueToken } from "../../auth/tokens.js";
import type { Context } from "../../context.js";
import { updateVersioned } from "../../db/versioned.js";
import { badInput, forbidden, notFound, unauthenticated, type FieldProblem } from "../../errors.js";
import { budgetsFor } from "../../security/budgets.js";
import { Office } from "../offices/office.entity.js";
import { Provider } from "../providers/provider.entity.js";
import { OFFICE_STAFF_ROLES, Role } from "./role.js";
import type { CreateUserInput, UpdateUserInput } from "./user.inputs.js";
import { User } from "./user.entity.js";

/** Compared against when the email is unknown, so that case takes as long as a wrong password. */
let decoyHash: Promise<string> | undefined;

export async function login(ctx: Context, email: string, password: string) {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw badInput(`A password has at most ${MAX_PASSWORD_LENGTH} characters.`, [{ field: "password", rule: "maxLength", message: `At most ${MAX_PASSWORD_LENGTH} characters.` }]);
  }
  const account = email.trim().toLowerCase();
  const throttle = budgetsFor(ctx.services).logins;
  // Counted before the password is checked, so that guesses sent at once are counted at once.
  const attempt = await throttle.attempt(account);
  const user = attempt.allowed ? await ctx.services.db.manager.findOneBy(User, { email: account }) : null;
  decoyHash ??= hashPassword("no password matches this");
  // A locked, unknown or inactive account costs the same hash and gets the same answer as a wrong password.
  const { ok, rehash } = await checkPassword(password, user?.passwordHash ?? (await decoyHash));
  if (!user || !ok || !user.active) throw unauthenticated("Email or password not recognised.");
  await throttle.succeeded(account, attempt);
  if (rehash) await upgradePasswordHash(ctx, user, password);
  const { token, expiresAt } = await issueToken({ userId: user.id, tokenVersion: user.tokenVersion }, ctx.services.config);
  return { token, expiresAt, user };
}

/** Replaces an older hash (bcrypt) with argon2id at the first login that proves the password. Sessions stay. */
async function upgradePasswordHash(ctx: Context, user: User, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await ctx.services.writer.run(user, async (uow) => {
    await uow.manager.update(User, { id: user.id }, { passwordHash });
    await uow.audit("user.password-rehash", { type: "User", id: user.id, officeId: user.officeId }, null, { algorithm: "argon2id" });
  });
  user.passwordHash = passwordHash;
}

/** A user's role decides which of office and provider it must have. */
function membershipProblems(role: Role, officeId: number | null, providerId: number | null): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (role === Role.PROVIDER && providerId == null) problems.push({ field: "providerId", rule: "required", message: "A provider user needs a provider." });
  if (role !== Role.PROVIDER && providerId != null) problems.push({ field: "providerId", rule: "forbidden", message: "Only provider users belong to a provider." });
  if (role !== Role.ADMIN && role !== Role.PROVIDER && officeId == null) problems.push({ field: "officeId", rule: "required", message: "This role needs an office." });
  return problems;
}

async function checkMembership(ctx: Context, role: Role, officeId: number | null, providerId: number | null): Promise<void> {
  const problems = membershipProblems(role, officeId, providerId);
  const manager = ctx.services.db.manager;
  if (officeId != null && !(await manager.existsBy(Office, { id: officeId }))) problems.push({ field: "officeId", rule: "exists", message: `Office ${officeId} does not exist.` });
  if (providerId != null && !(await manager.existsBy(Provider, { id: providerId }))) problems.push({ field: "providerId", rule: "exists", message: `Provider ${providerId} does not exist.` });
  if (problems.length) throw badInput("The user's office or provider does not fit its role.", problems);
}

/** Who a user belongs to, as far as managing them goes. */
export type Membership = Pick<User, "role" | "officeId" | "providerId">;

/**
 * What a manager may not do to a user. Administrators manage everyone; the Commissioner manages their own office's
 * staff, who must stay its staff (no other office, no administrator or provider role). Nobody deactivates or
 * re-roles themselves: an office could otherwise lock itself out of managing its own people.
 */
export function managementProblems(manager: Pick<User, "id" | "role" | "officeId">, before: (Membership & { id: number }) | null, after: Membership & { active?: boolean }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (before && before.id === manager.id) {
    if (after.active === false) problems.push({ field: "active", rule: "notSelf", message: "You cannot deactivate your own account." });
    if (after.role !== before.role) problems.push({ field: "role", rule: "notSelf", message: "You cannot change your own role." });
  }
  if (manager.role === Role.ADMIN) return problems;
  if (!OFFICE_STAFF_ROLES.includes(after.role)) problems.push({ field: "role", rule: "officeRole", message: "An office gives its staff the roles Commissioner, Commissioning officer or Panel analyst; administrators manage the others." });
  if (after.officeId !== manager.officeId) problems.push({ field: "officeId", rule: "ownOffice", message: "Users are managed by their own office." });
  return problems;
}

/** Refuses a manager who may not manage this user at all: another office's (NOT_FOUND, as if absent) or not the office's staff (FORBIDDEN). */
function assertManages(manager: User, user: User): void {
  if (manager.role === Role.ADMIN || manager.id === user.id) return;
  // Every office sees the administrators, so refusing one is no news; another office's staff are not confirmed.
  if (user.role === Role.ADMIN) throw forbidden("Administrators manage this user.");
  if (user.officeId !== manager.officeId) throw notFound("User", user.id);
  if (!OFFICE_STAFF_ROLES.includes(user.role)) throw forbidden("Administrators manage this user.");
}

function assertManagement(manager: User, before: User | null, after: Membership & { active?: boolean }): void {
  const problems = managementProblems(manager, before, after);
  if (problems.length) throw badInput("You cannot make that change to this user.", problems);
}

function auditView(user: User) {
  const { passwordHash: _secret, ...rest } = user;
  return rest;
}

export async function createUser(ctx: Context, input: CreateUserInput): Promise<User> {
  const email = input.email.trim().toLowerCase();
  const manager = requireUser(ctx);
  // The Commissioner adds staff to their own office: it is the default, not something to type.
  const officeId = input.officeId ?? (manager.role === Role.ADMIN ? null : manager.officeId);
  assertManagement(manager, null, { role: input.role, officeId, providerId: input.providerId ?? null });
  input = { ...input, officeId };
  await checkMembership(ctx, input.role, input.officeId ?? null, input.providerId ?? null);
  const passwordHash = await hashPassword(input.password);
  return ctx.services.writer.run(requireUser(ctx), async (uow) => {
    if (await uow.manager.existsBy(User, { email })) throw badInput("That email is already in use.", [{ field: "email", rule: "unique", message: "Already in use." }]);
    const user = await uow.manager.save(
      uow.manager.create(User, { email, name: input.name, passwordHash, role: input.role, officeId: input.officeId ?? null, providerId: input.providerId ?? null, active: true, tokenVersion: 0 }),
    );
    await uow.audit("user.create", { type: "User", id: user.id, officeId: user.officeId }, null, auditView(user));
    return user;
  });
}

export async function updateUser(ctx: Context, id: number, version: number, input: UpdateUserInput): Promise<User> {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const updated = await ctx.services.writer.run(requireUser(ctx), async (uow) => {
    const user = await uow.manager.findOneBy(User, { id });
    if (!user) throw notFound("User", id);
    const viewer = requireUser(ctx);
    assertManages(viewer, user);
    const before = auditView(user);
    const next = {
      role: input.role ?? user.role,
      officeId: input.officeId !== undefined ? input.officeId : user.officeId,
      providerId: input.providerId !== undefined ? input.providerId : user.providerId,
    };
    assertManagement(viewer, user, { ...next, active: input.active ?? user.active });
    await checkMembership(ctx, next.role, next.officeId, next.providerId);
    const endsSessions = passwordHash !== undefined || input.active === false || next.role !== user.role;
    const saved = await updateVersioned(uow, User, user, version, {
      ...next,
      name: input.name ?? user.name,
      active: input.active ?? user.active,
      passwordHash: passwordHash ?? user.passwordHash,
      tokenVersion: endsSessions ? user.tokenVersion + 1 : user.tokenVersion,
    }, "User");
    await uow.audit("user.update", { type: "User", id, officeId: saved.officeId }, before, auditView(saved));
    return saved;
  });
  // Every instance re-reads the account: live sockets of a deactivated or re-roled user close at once.
  ctx.services.live.userChanged(id);
  return updated;
}
