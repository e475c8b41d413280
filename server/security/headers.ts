import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import helmet from "helmet";

/** The WebSocket origin of this server, as the browser addresses it (CSP's 'self' does not cover ws: everywhere). */
function webSocketSources(req: IncomingMessage): string {
  const host = req.headers.host ?? "";
  return /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `ws://${host} wss://${host}` : "";
}

/**
 * GraphQL's answers are JSON, never a document: they need only what OWASP's REST Security Cheat Sheet lists for an
 * API (a policy that lets nothing load or frame it, no sniffing, no framing, no referrer, no cross-origin reads;
 * `Cache-Control: no-store` comes from Apollo's plugin in app.ts). The dozen document headers helmet sets, a CSP
 * rebuilt per request for this host's WebSocket among them, came to more bytes than a board's compressed answer.
 */
const API_HEADERS: readonly (readonly [string, string])[] = [
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
];

/** The API's own path: everything under it is answered as JSON by Apollo or by a refusal in its shape. */
const API_PATH = /^\/graphql\/?$/;

/**
 * Security headers on every response: the API's few on /graphql, and on everything else helmet's, with a Content
 * Security Policy that the dashboard and GraphiQL run under (test/e2e/csp.test.ts): scripts only from this server;
 * Monaco's workers from this server or blob:; inline styles, which React, recharts and Monaco set on elements;
 * data: images and fonts; no framing.
 */
export function securityHeaders(): RequestHandler {
  const documents = documentHeaders();
  return (req, res, next) => {
    if (!API_PATH.test(req.path)) return documents(req, res, next);
    for (const [name, value] of API_HEADERS) res.setHeader(name, value);
    next();
  };
}

function documentHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'", (req) => webSocketSources(req)],
        workerSrc: ["'self'", "blob:"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        scriptSrcAttr: ["'none'"],
      },
    },
    // `npm start` serves plain HTTP on a LAN address too; HSTS and upgrade-insecure-requests belong to the TLS proxy in front.
    strictTransportSecurity: false,
    referrerPolicy: { policy: "no-referrer" },
  }) as RequestHandler;
}
