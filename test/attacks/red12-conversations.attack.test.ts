/*
 * red12: conversations on returns, follow-up flags and notifications. Another provider, another office and an
 * analyst reading, posting, flagging and clearing, over HTTP and WebSocket (live and replayed); hostile bodies;
 * one idempotency key retried at once, reused by someone else, or for another return; replies across returns;
 * notifications read or marked by someone else.
 */
import fs from "node:fs";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, type ServerProcess } from "../support/server-process.js";
import { collect, wsClient } from "../api/ws-client.js";
import { ADMIN, ANALYST, DORSET_OFFICER, OFFICER, PROVIDER_A, PROVIDER_B, code, must, officeReturns, providerId, q, start, tmp, token, type Ret } from "./red12-kit.js";

const dir = tmp("conv");
let server: ServerProcess;
let url = "";
let wiltshire = 0;
let retA: Ret;
let retB: Ret;
let acceptedA: Ret;
let nextA: Ret | undefined; // a later return of acceptedA's contract
let measureB = 0;
let measureAccepted = 0;
const clients: Client[] = [];
let n = 0;
const key = () => `red12-${++n}-${Date.now()}-${Math.random()}`;
const POST = "mutation($i: PostReturnCommentInput!) { postReturnComment(input: $i) { id body returnId measureId author { name } } }";
const THREAD = "query($id: Int!) { performanceReturn(id: $id) { id comments { id body } figureFlags { id note open } attachments { id } } }";
const problems = (r: any) => (r.errors?.[0]?.extensions?.problems ?? []).map((p: any) => p.rule);

async function measuresOf(as: string, id: number): Promise<number[]> {
  return (await must(url, as, "query($id: Int!) { performanceReturn(id: $id) { requiredMeasures { id } } }", { id })).performanceReturn.requiredMeasures.map((m: { id: number }) => m.id);
}
async function ws(as: string): Promise<Client> {
  const c = wsClient(url, await token(url, as));
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await start(dir);
  url = server.url;
  wiltshire = Number((await must(url, OFFICER, "{ me { office { id } } }")).me.office.id);
  const a = await providerId(url, PROVIDER_A);
  const b = await providerId(url, PROVIDER_B);
  const all = await officeReturns(url);
  retA = all.find((r) => r.contract.provider.id === a && r.state !== "ACCEPTED")!;
  retB = all.find((r) => r.contract.provider.id === b && r.state !== "ACCEPTED")!;
  acceptedA = all.find((r) => r.contract.provider.id === a && r.state === "ACCEPTED" && all.some((x) => x.contract.id === r.contract.id && x.state !== "ACCEPTED"))!;
  nextA = all.find((x) => x.contract.id === acceptedA.contract.id && x.state !== "ACCEPTED");
  expect(retA && retB && acceptedA).toBeTruthy();
  measureB = (await measuresOf(OFFICER, retB.id))[0];
  measureAccepted = (await measuresOf(OFFICER, acceptedA.id))[0];
}, 180_000);
afterAll(async () => {
  for (const c of clients) await c.dispose();
  if (server) await crash(server).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("who may read and write a thread (HTTP)", () => {
  it("another provider can neither read nor post on a return, and cannot tell it exists", async () => {
    await must(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "Harbour's private note to the office", idempotencyKey: key() } });
    expect(code(await q(url, PROVIDER_A, THREAD, { id: retB.id }))).toBe("NOT_FOUND");
    expect(code(await q(url, PROVIDER_A, POST, { i: { returnId: retB.id, body: "hello", idempotencyKey: key() } }))).toBe("NOT_FOUND");
    expect(code(await q(url, PROVIDER_A, POST, { i: { returnId: 987654, body: "hello", idempotencyKey: key() } }))).toBe("NOT_FOUND");
  });

  it("another office's officer can neither read, post, flag nor clear", async () => {
    expect(code(await q(url, DORSET_OFFICER, THREAD, { id: retB.id }))).toBe("NOT_FOUND");
    expect(code(await q(url, DORSET_OFFICER, POST, { i: { returnId: retB.id, body: "hello", idempotencyKey: key() } }))).toBe("NOT_FOUND");
    expect(code(await q(url, DORSET_OFFICER, "mutation($i: RaiseFigureFlagInput!) { raiseFigureFlag(input: $i) { id } }", { i: { returnId: retB.id, measureId: measureB, note: "x" } }))).toBe("NOT_FOUND");
    const flag = (await must(url, OFFICER, "mutation($i: RaiseFigureFlagInput!) { raiseFigureFlag(input: $i) { id version } }", { i: { returnId: retB.id, measureId: measureB, note: "Check this figure" } })).raiseFigureFlag;
    expect(code(await q(url, DORSET_OFFICER, "mutation($id: Int!, $v: Int!) { clearFigureFlag(id: $id, version: $v, note: \"x\") { id } }", { id: flag.id, v: flag.version }))).toBe("NOT_FOUND");
    expect(code(await q(url, PROVIDER_A, "mutation($id: Int!, $v: Int!) { clearFigureFlag(id: $id, version: $v, note: \"x\") { id } }", { id: flag.id, v: flag.version }))).toMatch(/NOT_FOUND|FORBIDDEN/);
    // The provider of the return may not clear it either.
    expect(code(await q(url, PROVIDER_B, "mutation($id: Int!, $v: Int!) { clearFigureFlag(id: $id, version: $v, note: \"done\") { id } }", { id: flag.id, v: flag.version }))).toBe("FORBIDDEN");
    expect(code(await q(url, PROVIDER_B, "mutation($i: RaiseFigureFlagInput!) { raiseFigureFlag(input: $i) { id } }", { i: { returnId: retB.id, measureId: measureB, note: "x" } }))).toBe("FORBIDDEN");
    const still = (await must(url, OFFICER, THREAD, { id: retB.id })).performanceReturn.figureFlags.find((f: { id: number }) => f.id === flag.id);
    expect(still.open).toBe(true);
    // Stale version: CONFLICT, still open.
    await must(url, OFFICER, "mutation($id: Int!, $v: Int!) { clearFigureFlag(id: $id, version: $v, note: \"ok\") { id } }", { id: flag.id, v: flag.version });
    expect(code(await q(url, OFFICER, "mutation($id: Int!, $v: Int!) { clearFigureFlag(id: $id, version: $v, note: \"again\") { id } }", { id: flag.id, v: flag.version }))).toBe("CONFLICT");
  });

  it("an analyst writes nothing, and reads the thread of an accepted return only", async () => {
    expect(code(await q(url, ANALYST, POST, { i: { returnId: acceptedA.id, body: "Panel question", idempotencyKey: key() } }))).toMatch(/FORBIDDEN/);
    expect(code(await q(url, ANALYST, "mutation($i: RaiseFigureFlagInput!) { raiseFigureFlag(input: $i) { id } }", { i: { returnId: acceptedA.id, measureId: measureAccepted, note: "x" } }))).toBe("FORBIDDEN");
    expect(code(await q(url, ANALYST, THREAD, { id: retB.id }))).toBe("NOT_FOUND");
    expect(code(await q(url, ANALYST, "query($o: AttachmentOwner!, $id: Int!) { attachments(owner: $o, recordId: $id) { id } }", { o: "RETURN", id: retB.id }))).toBe("NOT_FOUND");
    expect(code(await q(url, ANALYST, THREAD, { id: acceptedA.id }))).toBe("OK");
  });

  it("another provider sees none of this provider's flags through its own contracts or returns", async () => {
    const seen = await must(url, PROVIDER_A, `{ contracts(first: 100) { items { id openFigureFlags { id contractId } } } }`);
    for (const c of seen.contracts.items) for (const f of c.openFigureFlags) expect(f.contractId).toBe(c.id);
    expect(seen.contracts.items.some((c: { id: number }) => c.id === retB.contract.id)).toBe(false);
  });
});

describe("bodies and figures", () => {
  const refuse = async (body: string, rule: string) => {
    const before = (await must(url, OFFICER, THREAD, { id: retB.id })).performanceReturn.comments.length;
    const r = await q(url, PROVIDER_B, POST, { i: { returnId: retB.id, body, idempotencyKey: key() } });
    expect(code(r), JSON.stringify(r.errors)).toBe("BAD_USER_INPUT");
    if (rule) expect(problems(r)).toContain(rule);
    expect((await must(url, OFFICER, THREAD, { id: retB.id })).performanceReturn.comments.length).toBe(before);
  };
  it("refuses an empty body", () => refuse("", "required"));
  it("refuses an all-blank body (spaces, tabs, newlines, no-break and ideographic spaces)", () => refuse(" \t\r\n\u00a0\u3000\u2003", "required"));
  it("refuses an invisible body (zero-width spaces and joiners only)", () => refuse("\u200b\u200c\u200d\u2060\ufeff", "required"));
  it("refuses 4,001 characters", () => refuse("x".repeat(4001), "maxLength"));
  it("refuses a 60 KB body", () => refuse("y".repeat(60_000), ""));
  it("accepts exactly 4,000 characters", async () => {
    expect(code(await q(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "z".repeat(4000), idempotencyKey: key() } }))).toBe("OK");
  });

  it("refuses a comment on a figure the return does not report, or another office's measure", async () => {
    const dorsetMeasures = (await must(url, DORSET_OFFICER, "{ measures { id } }")).measures.map((m: { id: number }) => m.id);
    const mine = await measuresOf(OFFICER, retB.id);
    const wiltshireMeasures = (await must(url, OFFICER, "{ measures { id } }")).measures.map((m: { id: number }) => m.id);
    const notInReturn = wiltshireMeasures.find((id: number) => !mine.includes(id));
    for (const m of [notInReturn, dorsetMeasures[0], 99999999]) {
      const r = await q(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "about this figure", measureId: m, idempotencyKey: key() } });
      expect(code(r), `measure ${m}`).toBe("BAD_USER_INPUT");
      expect(problems(r)).toContain("inForm");
      const f = await q(url, OFFICER, "mutation($i: RaiseFigureFlagInput!) { raiseFigureFlag(input: $i) { id } }", { i: { returnId: retB.id, measureId: m, note: "x" } });
      expect(code(f), `flag on measure ${m}`).toBe("BAD_USER_INPUT");
    }
  });

  it("refuses a reply to another return's comment, even one the replier cannot see", async () => {
    const other = (await must(url, PROVIDER_A, POST, { i: { returnId: retA.id, body: "Victim Support's note", idempotencyKey: key() } })).postReturnComment;
    const r = await q(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "a reply", replyToId: other.id, idempotencyKey: key() } });
    expect(code(r)).toBe("BAD_USER_INPUT");
    expect(problems(r)).toContain("sameReturn");
    expect(JSON.stringify(r)).not.toContain("Victim Support's note");
  });
});

describe("idempotency keys", () => {
  it("ten simultaneous retries with one key post one comment", async () => {
    const k = key();
    const answers = await Promise.all(Array.from({ length: 10 }, () => q(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "retried at once", idempotencyKey: k } })));
    const ids = new Set(answers.map((a) => a.data?.postReturnComment?.id));
    expect(answers.map(code)).toEqual(Array(10).fill("OK"));
    expect(ids.size).toBe(1);
    const thread = (await must(url, OFFICER, THREAD, { id: retB.id })).performanceReturn.comments.filter((c: { body: string }) => c.body === "retried at once");
    expect(thread.length).toBe(1);
  });

  it("the same key from another user posts that user's own comment, never answering with the first user's", async () => {
    const k = key();
    const first = (await must(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "provider wrote this", idempotencyKey: k } })).postReturnComment;
    const second = await q(url, OFFICER, POST, { i: { returnId: retB.id, body: "officer wrote this", idempotencyKey: k } });
    expect(code(second)).toBe("OK");
    expect(second.data.postReturnComment.id).not.toBe(first.id);
    expect(second.data.postReturnComment.body).toBe("officer wrote this");
  });

  it("another provider reusing a key it saw cannot read the comment through the retry", async () => {
    const k = key();
    await must(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "secret-by-key", idempotencyKey: k } });
    for (const target of [retB.id, retA.id]) {
      const r = await q(url, PROVIDER_A, POST, { i: { returnId: target, body: "probe", idempotencyKey: k } });
      expect(JSON.stringify(r)).not.toContain("secret-by-key");
    }
  });

  it("the same key for another return is CONFLICT and posts nothing", async () => {
    const k = key();
    await must(url, OFFICER, POST, { i: { returnId: retB.id, body: "first", idempotencyKey: k } });
    const before = (await must(url, OFFICER, THREAD, { id: retA.id })).performanceReturn.comments.length;
    expect(code(await q(url, OFFICER, POST, { i: { returnId: retA.id, body: "second", idempotencyKey: k } }))).toBe("CONFLICT");
    expect((await must(url, OFFICER, THREAD, { id: retA.id })).performanceReturn.comments.length).toBe(before);
  });

  it("the same key with a different body is not silently answered as if it were posted", async () => {
    const k = key();
    await must(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "version one", idempotencyKey: k } });
    const r = await q(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: "a different message", idempotencyKey: k } });
    // Either CONFLICT, or the first comment (the documented replay); never a second comment.
    if (code(r) === "OK") expect(r.data.postReturnComment.body).toBe("version one");
    else expect(code(r)).toBe("CONFLICT");
  });
});

describe("flags carry into the next quarter's form", () => {
  it("a flag raised on an accepted return shows beside the figure in the contract's later return until cleared", async () => {
    if (!nextA) return;
    const flag = (await must(url, OFFICER, "mutation($i: RaiseFigureFlagInput!) { raiseFigureFlag(input: $i) { id version } }", { i: { returnId: acceptedA.id, measureId: measureAccepted, note: "Follow up next quarter" } })).raiseFigureFlag;
    const seen = (await must(url, PROVIDER_A, THREAD, { id: nextA.id })).performanceReturn.figureFlags;
    expect(seen.map((f: { id: number }) => f.id)).toContain(flag.id);
    expect(code(await q(url, OFFICER, "mutation($i: RaiseFigureFlagInput!) { raiseFigureFlag(input: $i) { id } }", { i: { returnId: acceptedA.id, measureId: measureAccepted, note: "twice" } }))).toBe("CONFLICT");
    expect(code(await q(url, PROVIDER_B, THREAD, { id: nextA.id }))).toBe("NOT_FOUND");
    await must(url, OFFICER, "mutation($id: Int!, $v: Int!) { clearFigureFlag(id: $id, version: $v, note: \"done\") { id } }", { id: flag.id, v: flag.version });
    const after = (await must(url, PROVIDER_A, THREAD, { id: nextA.id })).performanceReturn.figureFlags;
    expect(after.filter((f: { id: number; open: boolean }) => f.id === flag.id && f.open)).toEqual([]);
  });
});

describe("over WebSocket", () => {
  const SUB = "subscription($o: Int!, $r: Int, $s: Int) { conversationChanged(officeId: $o, returnId: $r, since: $s) { seq change returnId comment { body } flag { note } attachment { filename } } }";

  it("another provider's live subscription to the office carries nothing about this provider's return", async () => {
    const a = await ws(PROVIDER_A);
    const marker = `live-secret-${Date.now()}`;
    const got = collect<any>(a, SUB, { o: wiltshire }, () => false, 4000);
    await new Promise((r) => setTimeout(r, 800));
    await must(url, OFFICER, POST, { i: { returnId: retB.id, body: marker, idempotencyKey: key() } });
    const items = await got;
    expect(JSON.stringify(items)).not.toContain(marker);
    for (const i of items) if (i.data?.conversationChanged) expect(i.data.conversationChanged.returnId).not.toBe(retB.id);
  });

  it("naming the other provider's return in the subscription is refused or silent", async () => {
    const a = await ws(PROVIDER_A);
    const marker = `direct-secret-${Date.now()}`;
    let items: any[] = [];
    try {
      const got = collect<any>(a, SUB, { o: wiltshire, r: retB.id }, () => false, 4000);
      await new Promise((r) => setTimeout(r, 800));
      await must(url, OFFICER, POST, { i: { returnId: retB.id, body: marker, idempotencyKey: key() } });
      items = await got;
    } catch (e) {
      items = [String(e)];
    }
    expect(JSON.stringify(items)).not.toContain(marker);
  });

  it("a replay (since: 0) for another provider, another office and an analyst carries none of it", async () => {
    const marker = `replay-secret-${Date.now()}`;
    await must(url, PROVIDER_B, POST, { i: { returnId: retB.id, body: marker, idempotencyKey: key() } });
    for (const as of [PROVIDER_A, ANALYST]) {
      const c = await ws(as);
      const items = await collect<any>(c, SUB, { o: wiltshire, s: 0 }, () => false, 3000);
      expect(JSON.stringify(items), as).not.toContain(marker);
      expect(JSON.stringify(items), as).not.toContain("Harbour's private note");
    }
    const d = await ws(DORSET_OFFICER);
    let out: any[] = [];
    try {
      out = await collect<any>(d, SUB, { o: wiltshire, s: 0 }, () => false, 3000);
    } catch (e) {
      out = [String(e)];
    }
    expect(JSON.stringify(out)).not.toContain(marker);
    expect(JSON.stringify(out)).toMatch(/FORBIDDEN|NOT_FOUND/);
  });

  it("the return's own provider and the office do get it, live", async () => {
    const b = await ws(PROVIDER_B);
    const marker = `own-${Date.now()}`;
    const got = collect<any>(b, SUB, { o: wiltshire, r: retB.id }, (items) => JSON.stringify(items).includes(marker), 8000);
    await new Promise((r) => setTimeout(r, 800));
    await must(url, OFFICER, POST, { i: { returnId: retB.id, body: marker, idempotencyKey: key() } });
    expect(JSON.stringify(await got)).toContain(marker);
  });
});

describe("notifications", () => {
  it("nobody reads or marks another user's notifications, over HTTP or WebSocket", async () => {
    // Send B's return back: a SENT_BACK notification for B's users.
    const fresh = (await officeReturns(url)).find((r) => r.contract.provider.id === retB.contract.provider.id && r.state === "SUBMITTED");
    if (fresh) await must(url, OFFICER, "mutation($id: Int!, $v: Int!) { sendBackReturn(id: $id, version: $v, reason: \"Notification probe\") { id } }", { id: fresh.id, v: fresh.version });
    const bn = (await must(url, PROVIDER_B, "{ notifications(first: 200) { id title body } unreadNotificationCount }"));
    const an = (await must(url, PROVIDER_A, "{ notifications(first: 200) { id title body } unreadNotificationCount }"));
    const bIds = bn.notifications.map((x: { id: number }) => x.id);
    expect(an.notifications.some((x: { id: number }) => bIds.includes(x.id))).toBe(false);
    if (!bIds.length) return;
    // Marking B's (alone, or mixed with A's own) is NOT_FOUND and changes nothing for either.
    expect(code(await q(url, PROVIDER_A, "mutation($ids: [Int!]!) { markNotificationsRead(notificationIds: $ids) }", { ids: [bIds[0]] }))).toBe("NOT_FOUND");
    const mixed = an.notifications.length ? [an.notifications[0].id, bIds[0]] : [bIds[0]];
    expect(code(await q(url, PROVIDER_A, "mutation($ids: [Int!]!) { markNotificationsRead(notificationIds: $ids) }", { ids: mixed }))).toBe("NOT_FOUND");
    expect(code(await q(url, DORSET_OFFICER, "mutation($ids: [Int!]!) { markNotificationsRead(notificationIds: $ids) }", { ids: [bIds[0]] }))).toBe("NOT_FOUND");
    expect(code(await q(url, ADMIN, "mutation($ids: [Int!]!) { markNotificationsRead(notificationIds: $ids) }", { ids: [bIds[0]] }))).toBe("NOT_FOUND");
    expect((await must(url, PROVIDER_B, "{ unreadNotificationCount }")).unreadNotificationCount).toBe(bn.unreadNotificationCount);
    expect((await must(url, PROVIDER_A, "{ unreadNotificationCount }")).unreadNotificationCount).toBe(an.unreadNotificationCount);

    // Live: A's stream carries nothing of B's when B's notifications change.
    const a = await ws(PROVIDER_A);
    const got = collect<any>(a, "subscription { notificationsChanged { unreadCount latest { id title body } } }", {}, () => false, 4000);
    await new Promise((r) => setTimeout(r, 800));
    await must(url, PROVIDER_B, "mutation { markAllNotificationsRead }");
    const again = (await officeReturns(url)).find((r) => r.contract.provider.id === retB.contract.provider.id && r.state === "SUBMITTED");
    if (again) await must(url, OFFICER, "mutation($id: Int!, $v: Int!) { sendBackReturn(id: $id, version: $v, reason: \"Second probe\") { id } }", { id: again.id, v: again.version });
    const items = await got;
    for (const i of items) for (const x of i.data?.notificationsChanged?.latest ?? []) expect(bIds).not.toContain(x.id);
    expect(JSON.stringify(items)).not.toContain("Second probe");
  });
});
