import express, { type Request, type Response } from "express";
import { perAddressBudget } from "../../security/address-budget.js";
import type { Services } from "../../services.js";
import { User } from "../users/user.entity.js";
import { savePreferences } from "./mail.service.js";
import { verifyUnsubscribe } from "./outbox.js";

const KINDS: Record<string, string> = { reminders: "reminders before and on the due date", chasers: "chasers for late returns", accepted: "mails when a return is accepted", digest: "the daily digest" };

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type("html")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} – Commissioning Hub</title></head><body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5"><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

/**
 * The signed unsubscribe link in every non-essential mail: it works without signing in. Opening it (GET) only asks
 * for confirmation, because mail scanners open links; the button, or a mail client's one-click POST (RFC 8058),
 * turns that kind of mail off.
 */
export function unsubscribeRouter(services: Services): express.Router {
  const router = express.Router();
  // Public: each check costs a signature and a database read, so a per-address budget like /graphql's.
  router.use(perAddressBudget(services));
  const check = async (req: Request) => {
    const userId = Number(req.query.u);
    const preference = String(req.query.p ?? "");
    const signature = String(req.query.s ?? "");
    if (!Number.isInteger(userId) || !KINDS[preference] || !verifyUnsubscribe(services.config.tokenSecret, userId, preference, signature)) return null;
    const user = await services.db.manager.findOneBy(User, { id: userId });
    return user && user.active ? { user, preference } : null;
  };
  router.get("/unsubscribe", async (req, res) => {
    const found = await check(req);
    if (!found) return page(res, 400, "This link does not work", "<p>The link is incomplete or has been changed. Sign in to Commissioning Hub to choose your mail on the Notifications page.</p>");
    const action = `/mail/unsubscribe?u=${found.user.id}&p=${encodeURIComponent(found.preference)}&s=${encodeURIComponent(String(req.query.s))}`;
    page(res, 200, "Stop these mails?", `<p>Stop sending ${escape(KINDS[found.preference])} to ${escape(found.user.email)}?</p><form method="post" action="${escape(action)}"><button type="submit">Stop these mails</button></form>`);
  });
  router.post("/unsubscribe", async (req, res) => {
    const found = await check(req);
    if (!found) return page(res, 400, "This link does not work", "<p>The link is incomplete or has been changed.</p>");
    await savePreferences(services, found.user, { [found.preference]: false }, null);
    page(res, 200, "Done", `<p>We will no longer send ${escape(KINDS[found.preference])} to ${escape(found.user.email)}. You will still see them on the Notifications page, and mail that asks you to act on a return still comes. You can turn them back on there.</p>`);
  });
  return router;
}
