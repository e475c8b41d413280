import { registerEnumType } from "type-graphql";

export enum Role {
  ADMIN = "ADMIN",
  COMMISSIONER = "COMMISSIONER",
  OFFICER = "OFFICER",
  PROVIDER = "PROVIDER",
  ANALYST = "ANALYST",
}

registerEnumType(Role, {
  name: "Role",
  valuesConfig: {
    ADMIN: { description: "Manages offices, users and reference data across every office." },
    COMMISSIONER: { description: "The Commissioner or Chief Executive: sees the whole office, approves briefs and decisions." },
    OFFICER: { description: "Commissioning officer: maintains contracts, KPIs, targets and returns for the office." },
    PROVIDER: { description: "A provider's user: sees and reports on its own provider's contracts only." },
    ANALYST: { description: "Police and Crime Panel analyst: read-only." },
  },
});

/** Roles that may change an office's commissioning records. */
export const OFFICE_WRITERS = [Role.ADMIN, Role.COMMISSIONER, Role.OFFICER];
/** Roles that may read everything in their office (analysts read; providers see only their own). */
export const OFFICE_READERS = [Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.ANALYST];
/** Roles that manage users: administrators anyone's, the Commissioner their own office's staff. */
export const USER_MANAGERS = [Role.ADMIN, Role.COMMISSIONER];
/** The roles an office's own manager may give: its staff. Administrators and provider users are the administrators' to manage. */
export const OFFICE_STAFF_ROLES: readonly Role[] = [Role.COMMISSIONER, Role.OFFICER, Role.ANALYST];
