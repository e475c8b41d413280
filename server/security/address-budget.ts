import type { RequestHandler } from "express";
import { RateLimiterMemory } from "rate-limiter-flexible";
import type { Services } from "../services.js";
import { clientAddress } from "./client-address.js";

/**
 * For public routes outside /graphql (the open-data files, the unsubscribe links): RATE_LIMIT_PER_MINUTE requests
 * a minute per client address (the same address key as /graphql's budgets), each route group with its own budget.
 * Over it: 429 TOO_MANY_REQUESTS with Retry-After. RATE_LIMIT_PER_MINUTE=0 turns it off.
 */
export function perAddressBudget(services: Services): RequestHandler {
  const limit = services.config.rateLimitPerMinute;
  const limiter = limit > 0 ? new RateLimiterMemory({ points: limit, duration: 60 }) : null;
  return (req, res, next) => {
    if (!limiter) return next();
    limiter.consume(clientAddress(req, services.config.security.trustProxy)).then(
      () => next(),
      (refusal: { msBeforeNext?: number }) => {
        res.set("Retry-After", String(Math.ceil((refusal.msBeforeNext ?? 60_000) / 1000)));
        res.status(429).json({ error: { code: "TOO_MANY_REQUESTS", message: "Too many requests; slow down." } });
      },
    );
  };
}
