import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import helmet from "helmet";

/** The WebSocket origin of this server, as the browser addresses it (CSP's 'self' does not cover ws: everywhere). */
function webSocketSources(req: IncomingMessage): string {
  const host = req.headers.host ?? "";
  return /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `ws://${host} wss://${host}` : "";
}

/**
 * Security headers on every response (helmet), with a Content Security Policy that the dashboard and GraphiQL
 * run under (test/e2e/csp.test.ts): scripts only from this server; Monaco's workers from this server or blob:;
 * inline styles, which React, recharts and Monaco set on elements; data: images and fonts; no framing.
 */
export function securityHeaders(): RequestHandler {
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
