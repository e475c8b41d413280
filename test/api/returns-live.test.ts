import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { Measure } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnRevision } from "../../server/modules/returns/return.entities.js";
import { DomainEvent } from "../../server/realtime/domain-event.entity.js";
import { Topic } from "../../server/realtime/pubsub.js";
import { startTestServer, type TestServer } from "./harness.js";
import { collect, wsClient } from "./ws-client.js";

/*
 * Returns as they change, over a real WebSocket: who receives which event, catching up after a disconnect
 * without loss or repetition, and what the WebSocket refuses to run.
 */

const ADMIN = "admin@demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const DORSET_OFFICER = "officer@dorset.demo.example";
const PROVIDER_A = "provider-a@demo.example"; // Victim Support: WSW-VV-03
const PROVIDER_B = "provider-b@demo.example"; // Harbour: WSW-VV-08, WSW-VV-09

const SUB = "subscription($o: Int!, $since: Int) { returnChanged(officeId: $o, since: $since) { seq change state returnId contractId performanceReturn { id state } } }";
const SAVE = "mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { id version state } }";
const SUBMIT = "mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { id version state } }";
const ACCEPT = "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id version state } }";
const SEND_BACK = "mutation($id: Int!, $v: Int!, $reason: String!) { sendBackReturn(id: $id, version: $v, reason: $reason) { id version state } }";

/** Valid figures for each contract (no sharp change against anything these tests accept). */
const FIGURES: Record<string, Record<string, number>> = {
  "WSW-VV-03": { REFERRALS: 640, CLIENTS_SUPPORTED: 410, CASES_CLOSED: 300, CASES_CLOSED_IMPROVED: 230 },
  "WSW-VV-08": { REFERRALS: 300, CASES_CLOSED: 180, CASES_CLOSED_IMPROVED: 140 },
  "WSW-VV-09": { REFERRALS: 400, REFERRALS_CONTACTED_2D: 350, CASES_CLOSED: 200, CASES_CLOSED_IMPROVED: 150 },
};
const HOLDER: Record<string, string> = { "WSW-VV-03": PROVIDER_A, "WSW-VV-08": PROVIDER_B, "WSW-VV-09": PROVIDER_B };

let server: TestServer;
let wiltshire = 0;
const contractIds: Record<string, number> = {};
const measure: Record<string, number> = {};
const clients: Client[] = [];
let keySeq = 0;

const m = () => server.services.db.manager;

beforeAll(async () => {
  server = await startTestServer();
  wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
  for (const reference of Object.keys(FIGURES)) contractIds[reference] = (await m().findOneByOrFail(Contract, { officeId: wiltshire, reference })).id;
  for (const row of await m().findBy(Measure, { officeId: wiltshire })) measure[row.code] = row.id;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

async function ok<T = any>(as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await server.run<T>(as, query, variables);
  if (result.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

async function client(as: string, options: { origin?: string } = {}): Promise<Client> {
  const c = wsClient(server.url, await server.tokenFor(as), options);
  clients.push(c);
  return c;
}

async function lastSeq(): Promise<number> {
  const row = await m().createQueryBuilder(DomainEvent, "e").select("MAX(e.seq)", "seq").getRawOne();
  return Number(row?.seq ?? 0);
}

/** The last returnChanged event's seq (other topics share the sequence). */
async function lastReturnSeq(): Promise<number> {
  const row = await m().createQueryBuilder(DomainEvent, "e").select("MAX(e.seq)", "seq").where("e.topic = :t AND e.officeId = :o", { t: Topic.RETURN_CHANGED, o: wiltshire }).getRawOne();
  return Number(row?.seq ?? 0);
}

async function openPeriod(quarter: string): Promise<number> {
  return (await ok(OFFICER, 'mutation($q: String!) { openReportingPeriod(quarter: $q, dueDate: "2099-01-31") { id } }', { q: quarter })).openReportingPeriod.id;
}

/** A return that can be pushed through submit → send back → submit … one event per step. */
class Cycler {
  version = 0;
  state = "DRAFT";
  id = 0;
  constructor(
    readonly reference: string,
    readonly periodId: number,
  ) {}

  get provider(): string {
    return HOLDER[this.reference];
  }

  async create(): Promise<this> {
    const values = Object.entries(FIGURES[this.reference]).map(([code, value]) => ({ measureId: measure[code], value }));
    const saved = (await ok(this.provider, SAVE, { input: { contractId: contractIds[this.reference], periodId: this.periodId, values } })).saveReturnDraft;
    Object.assign(this, { id: saved.id, version: saved.version, state: saved.state });
    return this;
  }

  async submit(): Promise<void> {
    this.apply((await ok(this.provider, SUBMIT, { input: { returnId: this.id, version: this.version, idempotencyKey: `live-${Date.now()}-${++keySeq}` } })).submitReturn);
  }

  async sendBack(): Promise<void> {
    this.apply((await ok(OFFICER, SEND_BACK, { id: this.id, v: this.version, reason: "Please check the figures." })).sendBackReturn);
  }

  async accept(): Promise<void> {
    this.apply((await ok(OFFICER, ACCEPT, { id: this.id, v: this.version })).acceptReturn);
  }

  /** One state change: submit when it is with the provider, send back when it is with the office. */
  async step(): Promise<void> {
    if (this.state === "SUBMITTED") await this.sendBack();
    else await this.submit();
  }

  private apply(ret: { version: number; state: string }) {
    this.version = ret.version;
    this.state = ret.state;
  }
}

interface Item {
  data?: { returnChanged: { seq: number; change: string; state: string; returnId: number; contractId: number; performanceReturn: { id: number; state: string } | null } };
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A live subscription whose results accumulate, with a way to wait for a condition on them. */
function feed(c: Client, variables: Record<string, unknown>, query = SUB) {
  const items: Item[] = [];
  const state = { error: undefined as unknown, done: false };
  const waiters = new Set<() => void>();
  const unsubscribe = c.subscribe<Item["data"]>(
    { query, variables },
    {
      next: (value) => {
        items.push(value as Item);
        waiters.forEach((w) => w());
      },
      error: (error) => {
        state.error = error;
        state.done = true;
        waiters.forEach((w) => w());
      },
      complete: () => {
        state.done = true;
        waiters.forEach((w) => w());
      },
    },
  );
  const changes = () => items.map((i) => i.data!.returnChanged);
  return {
    items,
    state,
    changes,
    unsubscribe,
    /** Resolves once `done(changes)` holds; rejects if the stream ends first or time runs out. */
    until(done: (seen: ReturnType<typeof changes>) => boolean, timeoutMs = 15_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out after ${items.length} events: ${JSON.stringify(items.map((i) => i.data?.returnChanged.seq))}`)), timeoutMs);
        const poll = setInterval(() => check(), 50); // conditions may depend on more than the events
        const finish = (error?: Error) => {
          clearTimeout(timer);
          clearInterval(poll);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (items.some((i) => i.errors)) return finish(new Error(`errors in stream: ${JSON.stringify(items.filter((i) => i.errors))}`));
          if (done(changes())) return finish();
          if (state.done) return finish(new Error(`stream ended after ${items.length} events: ${JSON.stringify(state.error)}`));
        };
        waiters.add(check);
        check();
      });
    },
    /** Resolves once the stream has ended (error or completion), or after the timeout. */
    ended(timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish(), timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(state.done);
        };
        const check = () => state.done && finish();
        waiters.add(check);
        check();
      });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary = (seen: { change: string; returnId: number }[]) => seen.map((e) => `${e.change} ${e.returnId}`);

/** The first error a refused subscription reports, whatever shape the client hands it over in. */
async function refusal(c: Client, query: string, variables: Record<string, unknown> = {}): Promise<{ code: unknown; message: string; data: unknown[] }> {
  const data: unknown[] = [];
  const error = await new Promise<unknown>((resolve) => {
    const timer = setTimeout(() => resolve(new Error("no refusal within 5 s")), 5000);
    c.subscribe(
      { query, variables },
      {
        next: (value) => data.push(value),
        error: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
        complete: () => {
          clearTimeout(timer);
          resolve(new Error("completed without an error"));
        },
      },
    );
  });
  // graphql-ws reports a refusal in onSubscribe as an error message, and an error thrown while setting up
  // the subscription as a single result carrying errors, then completion.
  const resultErrors = data.length === 1 ? (data[0] as { data?: unknown; errors?: unknown[] }) : undefined;
  const errors = Array.isArray(error) ? error : resultErrors?.errors && !resultErrors.data ? resultErrors.errors : [error];
  const first = errors[0] as { message?: string; extensions?: { code?: unknown } };
  return { code: first?.extensions?.code, message: String(first?.message), data: errors === resultErrors?.errors ? [] : data };
}

describe("returnChanged over a real WebSocket", () => {
  it("delivers a provider's return changes to that provider and the office, never to another provider; analysts get only ACCEPTED", async () => {
    const period = await openPeriod("2025-26 Q1");
    const since = await lastSeq();
    // `since` makes the test independent of how fast each subscription reaches the server.
    const feeds = {
      providerA: feed(await client(PROVIDER_A), { o: wiltshire, since }),
      providerB: feed(await client(PROVIDER_B), { o: wiltshire, since }),
      officer: feed(await client(OFFICER), { o: wiltshire, since }),
      analyst: feed(await client(ANALYST), { o: wiltshire, since }),
    };
    await sleep(200);

    const b = await new Cycler("WSW-VV-08", period).create();
    await b.submit();
    const a = await new Cycler("WSW-VV-03", period).create();
    await a.submit();
    await b.accept();
    await a.accept();

    await Promise.all([
      feeds.officer.until((seen) => seen.length >= 6),
      feeds.providerA.until((seen) => seen.some((e) => e.returnId === a.id && e.change === "ACCEPTED")),
      feeds.providerB.until((seen) => seen.some((e) => e.returnId === b.id && e.change === "ACCEPTED")),
      feeds.analyst.until((seen) => seen.some((e) => e.returnId === a.id && e.change === "ACCEPTED")),
    ]);
    await sleep(200); // anything wrongly delivered after the last expected event would arrive now

    expect(summary(feeds.officer.changes())).toEqual([`CREATED ${b.id}`, `SUBMITTED ${b.id}`, `CREATED ${a.id}`, `SUBMITTED ${a.id}`, `ACCEPTED ${b.id}`, `ACCEPTED ${a.id}`]);
    expect(summary(feeds.providerB.changes())).toEqual([`CREATED ${b.id}`, `SUBMITTED ${b.id}`, `ACCEPTED ${b.id}`]);
    expect(summary(feeds.providerA.changes())).toEqual([`CREATED ${a.id}`, `SUBMITTED ${a.id}`, `ACCEPTED ${a.id}`]);
    expect(summary(feeds.analyst.changes())).toEqual([`ACCEPTED ${b.id}`, `ACCEPTED ${a.id}`]);
    expect(feeds.analyst.changes().every((e) => e.state === "ACCEPTED" && e.performanceReturn?.state === "ACCEPTED")).toBe(true);
    expect(feeds.providerB.changes().every((e) => e.contractId === contractIds["WSW-VV-08"] && e.performanceReturn?.id === b.id)).toBe(true);
    const seqs = feeds.officer.changes().map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(6);
    for (const f of Object.values(feeds)) f.unsubscribe();
  });

  it("refuses a subscription to another office's returns", async () => {
    const refused = await refusal(await client(DORSET_OFFICER), SUB, { o: wiltshire });
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.data).toEqual([]);
  });

  it("after a disconnect during 200 changes, resuming with `since` delivers every event exactly once, in order", async () => {
    const period = await openPeriod("2025-26 Q2");
    const cyclers = await Promise.all(["WSW-VV-08", "WSW-VV-09", "WSW-VV-03"].map((ref) => new Cycler(ref, period).create()));
    const start = await lastSeq();
    const TOTAL = 200;

    let written = 0;
    const writing = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        await cyclers[i % cyclers.length].step();
        written++;
      }
    })();
    writing.catch(() => undefined); // awaited below; a failure is reported there
    // Once every change is made, a connection that has seen the last one is done even if it saw fewer than
    // expected: the comparison below then names what went missing instead of the test timing out.
    let finalSeq = Number.MAX_SAFE_INTEGER;
    void writing.then(async () => (finalSeq = await lastReturnSeq()), () => undefined);

    const received: { seq: number; change: string; returnId: number }[] = [];
    const resumes: { at: number; writtenAtResume: number }[] = [];
    // Three connections: each takes a share, disconnects, and the next resumes from the last seq seen.
    for (const [stopAt, waitForWrites] of [
      [40, 0],
      [150, 110],
      [TOTAL, 170],
    ] as const) {
      while (written < waitForWrites && written < TOTAL) await sleep(2);
      const since = received.length ? received.at(-1)!.seq : start;
      resumes.push({ at: since, writtenAtResume: written });
      const c = await client(OFFICER);
      const f = feed(c, { o: wiltshire, since });
      const before = received.length;
      await f.until((seen) => before + seen.length >= stopAt || (seen.at(-1)?.seq ?? since) >= finalSeq, 20_000).catch(async (e) => {
        // A write that failed stops the stream short: say so rather than only "timed out".
        await Promise.race([writing, sleep(0)]);
        throw new Error(`${(e as Error).message} (writes done: ${written}, resumed at: ${JSON.stringify(resumes)})`);
      });
      // Keep exactly what the client saw up to the point it drops; later items are lost with the connection.
      received.push(...f.changes().slice(0, stopAt - before));
      f.unsubscribe();
      await c.dispose();
    }
    await writing;

    const stored = await m()
      .createQueryBuilder(DomainEvent, "e")
      .where("e.topic = :t AND e.officeId = :o AND e.seq > :s", { t: Topic.RETURN_CHANGED, o: wiltshire, s: start })
      .orderBy("e.seq", "ASC")
      .getMany();
    expect(stored).toHaveLength(TOTAL);
    expect(received.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    expect(received.map((e) => `${e.change} ${e.returnId}`)).toEqual(stored.map((e) => `${(e.payload as any).change} ${(e.payload as any).returnId}`));
    // The resumptions happened while changes were still being made, so both replay and live delivery were exercised.
    expect(resumes[1].writtenAtResume).toBeLessThan(TOTAL);
    // And nothing more arrives for a client that is up to date.
    const idle = feed(await client(OFFICER), { o: wiltshire, since: received.at(-1)!.seq });
    await sleep(300);
    expect(idle.items).toEqual([]);
    idle.unsubscribe();
  }, 60_000);
});

describe("what the WebSocket refuses", () => {
  it("does not execute a mutation, a query, introspection or 1,000 aliases, and changes nothing", async () => {
    const c = await client(OFFICER);
    const periods = await m().count(ReportingPeriod);
    const audits = await m().count(AuditEvent);
    const events = await lastSeq();
    const lastReturnEvent = await lastReturnSeq();
    const target = (await m().findOneBy(PerformanceReturn, { state: "SUBMITTED" as never }))!;
    const revisions = await m().countBy(ReturnRevision, { returnId: target.id });

    const mutation = await refusal(c, 'mutation { openReportingPeriod(quarter: "2030-31 Q1") { id } }');
    expect(mutation.code).toBe("FORBIDDEN");
    const sendBack = await refusal(c, SEND_BACK, { id: target.id, v: target.version, reason: "Sent over the WebSocket." });
    expect(sendBack.code).toBe("FORBIDDEN");
    // A mutation hiding behind a subscription in the same document.
    const named = await new Promise<unknown>((resolve) => {
      c.subscribe(
        { query: `subscription S { returnChanged(officeId: ${wiltshire}) { seq } } mutation M { openReportingPeriod(quarter: "2030-31 Q2") { id } }`, operationName: "M" },
        { next: () => resolve(new Error("got data")), error: (e) => resolve(e), complete: () => resolve(new Error("completed")) },
      );
    });
    expect((named as { extensions?: { code?: string } }[])[0]?.extensions?.code).toBe("FORBIDDEN");

    const query = await refusal(c, "{ me { email } contracts { totalCount } }");
    expect(query.code).toBe("FORBIDDEN");
    const introspection = await refusal(c, "{ __schema { types { name fields { name } } } }");
    expect(introspection.code).toBe("FORBIDDEN");
    expect(introspection.data).toEqual([]);

    const aliases = (field: string) => Array.from({ length: 1000 }, (_, i) => `a${i}: ${field}`).join(" ");
    const aliasQuery = await refusal(c, `{ ${aliases("me { email }")} }`);
    expect(["FORBIDDEN", "QUERY_TOO_COMPLEX"]).toContain(aliasQuery.code);
    const aliasSubscription = await refusal(c, `subscription { returnChanged(officeId: ${wiltshire}) { ${aliases("seq")} } }`);
    expect(aliasSubscription.code).toBe("QUERY_TOO_COMPLEX");
    expect(aliasSubscription.data).toEqual([]);
    const deep = await refusal(
      c,
      `subscription { returnChanged(officeId: ${wiltshire}) { performanceReturn { contract { fundingLines { stream { parent { children { parent { children { parent { children { id } } } } } } } } } } } }`,
    );
    expect(deep.code).toBe("QUERY_TOO_COMPLEX");
    expect(deep.data).toEqual([]);

    for (const r of [mutation, sendBack, query, aliasQuery]) expect(r.data).toEqual([]);
    expect(await m().count(ReportingPeriod)).toBe(periods);
    expect(await m().count(AuditEvent)).toBe(audits);
    expect(await lastSeq()).toBe(events);
    expect(await m().findOneByOrFail(PerformanceReturn, { id: target.id })).toMatchObject({ state: "SUBMITTED", version: target.version });
    expect(await m().countBy(ReturnRevision, { returnId: target.id })).toBe(revisions);

    // The connection still serves subscriptions after the refusals.
    const one = await collect<any>(c, SUB, { o: wiltshire, since: lastReturnEvent - 1 }, (items) => items.length >= 1, 5000);
    expect(one.map((i) => i.data?.returnChanged.seq)).toEqual([lastReturnEvent]);
  });

  it("refuses a connection from a disallowed Origin and accepts a same-origin one", async () => {
    const seq = await lastReturnSeq();
    const evil = await client(OFFICER, { origin: "http://evil.example" });
    await expect(collect(evil, SUB, { o: wiltshire, since: seq - 1 }, (items) => items.length >= 1, 5000)).rejects.toBeTruthy();
    const lookalike = await client(OFFICER, { origin: server.url.replace("127.0.0.1", "127.0.0.1.evil.example") });
    await expect(collect(lookalike, SUB, { o: wiltshire, since: seq - 1 }, (items) => items.length >= 1, 5000)).rejects.toBeTruthy();

    const same = await client(OFFICER, { origin: server.url });
    const items = await collect<any>(same, SUB, { o: wiltshire, since: seq - 1 }, (got) => got.length >= 1, 5000);
    expect(items.map((i) => i.data?.returnChanged.seq)).toEqual([seq]);
  });
});

describe("a deactivated user's live subscription", () => {
  it("stops receiving events once the user is deactivated: the socket closes with 4403", async () => {
    const email = `live-officer-${Date.now()}@wiltshire.demo.example`;
    const created = (await ok(ADMIN, "mutation($e: String!, $o: Int!) { createUser(input: { email: $e, name: \"Live officer\", password: \"a-long-password-1\", role: OFFICER, officeId: $o }) { id } }", { e: email, o: wiltshire })).createUser;
    const period = await openPeriod("2025-26 Q3");
    const since = await lastSeq();
    const watched = feed(await client(email), { o: wiltshire, since });
    const control = feed(await client(OFFICER), { o: wiltshire, since });

    const ret = await new Cycler("WSW-VV-09", period).create();
    await watched.until((seen) => seen.some((e) => e.returnId === ret.id && e.change === "CREATED"));

    await ok(ADMIN, "mutation($id: Int!) { updateUser(id: $id, version: 1, input: { active: false }) { active } }", { id: created.id });
    await ret.submit();
    await control.until((seen) => seen.some((e) => e.returnId === ret.id && e.change === "SUBMITTED"));
    const ended = await watched.ended(2000);

    expect(summary(watched.changes())).toEqual([`CREATED ${ret.id}`]);
    expect(ended).toBe(true);
    // Deactivation closes the user's sockets at once with graphql-ws's Forbidden code, which clients do not retry.
    expect((watched.state.error as { code?: number }).code).toBe(4403);

    // Nor can the user open a new connection.
    const again = await client(email);
    await expect(collect(again, SUB, { o: wiltshire }, () => true, 3000)).rejects.toBeTruthy();
    control.unsubscribe();
  });
});
