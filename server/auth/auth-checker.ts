import type { AuthChecker } from "type-graphql";
import type { Context } from "../context.js";
import { forbidden, unauthenticated } from "../errors.js";
import type { Role } from "../modules/users/role.js";

/** `@Authorized()` needs a signed-in user; `@Authorized(roles)` one of those roles. Ownership is checked in services. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  if (!context.user) throw unauthenticated();
  if (roles.length > 0 && !roles.includes(context.user.role)) throw forbidden(`This needs one of the roles: ${roles.join(", ")}.`);
  return true;
};
