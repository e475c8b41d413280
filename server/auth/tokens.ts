import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import type { Config } from "../config.js";

export interface TokenClaims {
  userId: number;
  tokenVersion: number;
}

const ISSUER = "commissioning-hub";

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function issueToken(claims: TokenClaims, config: Pick<Config, "tokenSecret" | "tokenTtlSeconds">): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + config.tokenTtlSeconds * 1000);
  const token = await new SignJWT({ ver: claims.tokenVersion })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(String(claims.userId))
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key(config.tokenSecret));
  return { token, expiresAt };
}

/**
 * Tokens whose signature has been checked, with their expiry: every request and every budget check verifies the
 * caller's token, and WebCrypto's HMAC through jose costs about a millisecond on a loaded machine. Whether the
 * account is still active and the token not revoked is checked against the database each time, as before.
 */
const verified = new Map<string, { claims: TokenClaims; expiresAtMs: number }>();
const VERIFIED_MAX = 10_000;

/** Returns the claims of a valid, unexpired token, or null for anything else (a token without `exp` included). */
export async function verifyToken(token: string, config: Pick<Config, "tokenSecret">): Promise<TokenClaims | null> {
  const cacheKey = `${config.tokenSecret}\u0000${token}`;
  const known = verified.get(cacheKey);
  if (known && known.expiresAtMs > Date.now()) return known.claims;
  if (known) verified.delete(cacheKey);
  try {
    const { payload } = await jwtVerify(token, key(config.tokenSecret), { issuer: ISSUER, algorithms: ["HS256"], requiredClaims: ["exp"] });
    const userId = Number(payload.sub);
    const tokenVersion = Number(payload.ver);
    if (!Number.isInteger(userId) || !Number.isInteger(tokenVersion)) return null;
    const claims = { userId, tokenVersion };
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(cacheKey, { claims, expiresAtMs: Number(payload.exp) * 1000 });
    return claims;
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return null;
    throw error;
  }
}

/** Accepts "Bearer <token>" or a bare token. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== "string" || header.trim() === "") return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1] : header.trim();
}
