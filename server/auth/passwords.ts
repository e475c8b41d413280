import { hash, verify, type Algorithm } from "@node-rs/argon2";
import bcrypt from "bcryptjs";

/** Longer passwords are refused (BAD_USER_INPUT), never cut short. */
export const MAX_PASSWORD_LENGTH = 200;

// argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 20-40 ms here.
const ARGON2 = { algorithm: 2 as Algorithm /* Algorithm.Argon2id: a const enum, unusable under isolatedModules */, memoryCost: 19456, timeCost: 2, parallelism: 1 };
const ARGON2_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;
/** bcrypt reads only the first 72 bytes of a password. */
const BCRYPT_MAX_BYTES = 72;

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, ARGON2);
}

export function isBcryptHash(stored: string): boolean {
  return /^\$2[abxy]\$/.test(stored);
}

/**
 * Checks a password against a stored hash: argon2id, or bcrypt from before argon2id. `rehash` says the hash
 * should be replaced by a current argon2id one now that the password is known.
 */
export async function checkPassword(plain: string, stored: string): Promise<{ ok: boolean; rehash: boolean }> {
  if (isBcryptHash(stored)) {
    // bcrypt would compare only the first 72 bytes, so a longer password "matches" whatever follows them.
    // Such a password cannot be checked honestly; its account needs a new password from an administrator.
    if (Buffer.byteLength(plain, "utf8") > BCRYPT_MAX_BYTES) return { ok: false, rehash: false };
    const ok = await bcrypt.compare(plain, stored);
    return { ok, rehash: ok };
  }
  let ok = false;
  try {
    ok = await verify(stored, plain);
  } catch {
    ok = false; // not a hash we know
  }
  return { ok, rehash: ok && !stored.startsWith(ARGON2_PREFIX) };
}

/** Whether a password matches a stored hash (argon2id or bcrypt). */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  return (await checkPassword(plain, stored)).ok;
}
