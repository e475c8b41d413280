/*
 * Crash safety of the real server process (DESIGN.md §4 write path, §8 traps).
 *
 * The server is started with tsx as a separate process on a temporary SQLite file. Officer and provider clients
 * drive dozens of return workflows at once (save draft, submit, send back, accept, reopen), each return's steps in
 * order so that every request is expected to succeed. Every response that came back as HTTP 200 with data and no
 * errors is "acknowledged" and recorded with what it wrote. The server is then SIGKILLed at a random moment in the
 * middle of the stream, the file is inspected read-only, the server is restarted on it and checked over HTTP, and a
 * new burst begins. Over several rounds this checks that:
 *   - every acknowledged change is on disk (an acknowledged submission's revision holds exactly what was sent);
 *   - a change in flight at the kill is either wholly there or wholly absent (revisions, audit rows, events,
 *     idempotency records and the version agree for every return);
 *   - a retried submitReturn with the same idempotency key returns the same return and adds no revision, and a
 *     retry of a submission whose answer was lost to the crash lands exactly once;
 *   - the file passes PRAGMA integrity_check and foreign_key_check and stays in WAL mode.
 *
 * The process harness is test/support/server-process.ts; the kill goes to the whole process group.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sqlite3 from "sqlite3";
import { describe, expect, it } from "vitest";
import { DEMO_LOGINS, DEMO_PASSWORD, DEMO_REPORTING_LOGINS } from "../../server/db/seed/demo-users.js";
import { acknowledged, crash, describeFailure, gql, sleep, startServer, stopGracefully, type ServerProcess } from "../support/server-process.js";

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 6);
const QUARTERS = ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3"];
const OFFICER = "officer@wiltshire.demo.example";
const PREFERRED_PROVIDER = "provider-b@demo.example";
const PROVIDER_LOGINS = 3;
/**
 * The kill comes after a random number of acknowledgements in the burst, plus a random few milliseconds, so that each
 * round does real work however busy the machine is (a fresh process is slow to warm up); or at once at MAX_OPS.
 */
const KILL_AFTER_ACKS: [number, number] = [15, 150];
const KILL_JITTER_MS: [number, number] = [0, 40];
/** Keeps each server process well under the /graphql rate limit (1,200 a minute per address). */
const MAX_OPS = 650;
/** Older acknowledged submissions retried after each restart, besides all of the last round's. */
const OLD_RETRIES = 20;
const RUN = `${process.pid}-${Date.now().toString(36)}`;

const randomInt = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

const RETURN_FIELDS = "id version state revisionCount achievements contract { id } period { id } values { measure { id } value comment }";

const Q = {
  login: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id role } } }",
  me: "{ me { id office { id } } }",
  contracts: "query($o: Int!) { contracts(first: 100, offset: $o) { totalCount items { id reference provider { name } reportedMeasures { id unit minValue maxValue } } } }",
  openPeriod: "mutation($q: String!) { openReportingPeriod(quarter: $q) { id } }",
  returns: `query($p: Int!) { returns(periodId: $p, first: 100) { totalCount items { ${RETURN_FIELDS} } } }`,
  save: `mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { ${RETURN_FIELDS} } }`,
  submit: `mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { ${RETURN_FIELDS} revisions { number achievements values { measureId value comment } } } }`,
  sendBack: `mutation($id: Int!, $v: Int!, $r: String!) { sendBackReturn(id: $id, version: $v, reason: $r) { ${RETURN_FIELDS} } }`,
  accept: `mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { ${RETURN_FIELDS} } }`,
  reopen: `mutation($id: Int!, $v: Int!, $r: String!) { reopenReturn(id: $id, version: $v, reason: $r) { ${RETURN_FIELDS} } }`,
};

// ---------------------------------------------------------------------------------------------------------------
// The client's model of what it has been told

interface Actor {
  email: string;
  token: string;
  userId: number;
}

interface Value {
  measureId: number;
  value: number | null;
  comment: string | null;
}

interface ReturnView {
  id: number;
  version: number;
  state: string;
  revisionCount: number;
  achievements: string | null;
  contract: { id: number };
  period: { id: number };
  values: { measure: { id: number }; value: number | null; comment: string | null }[];
  revisions?: { number: number; achievements: string | null; values: Value[] }[];
}

/** What a return looked like after the last answer the client got for it (or after a resync). */
interface Snapshot {
  returnId: number;
  version: number;
  state: string;
  revisionCount: number;
  achievements: string | null;
  values: Value[];
}

type OpKind = "create" | "save" | "submit" | "sendBack" | "accept" | "reopen";

/** A request sent whose answer has not (yet) come back; if the server dies first, it is in doubt. */
interface InFlight {
  kind: OpKind;
  seq: number;
  /** What the return would look like if it committed. */
  expect: Omit<Snapshot, "returnId" | "version" | "revisionCount"> & { versionDelta: 1; revisionDelta: 0 | 1 };
  submit?: { input: SubmitInput; actor: Actor };
}

interface SubmitInput {
  returnId: number;
  version: number;
  idempotencyKey: string;
  acknowledgements: never[];
}

interface Slot {
  contractId: number;
  periodId: number;
  measures: number[];
  /** Fills in and submits: the contract's provider user when we have one, else the officer on its behalf. */
  actor: Actor;
  current: Snapshot | null;
  inFlight: InFlight | null;
}

interface AckedSubmit {
  round: number;
  slot: Slot;
  actor: Actor;
  input: SubmitInput;
  returnId: number;
  number: number;
  values: Value[];
  achievements: string | null;
}

const byMeasure = (a: Value, b: Value) => a.measureId - b.measureId;

function snapshotOf(view: ReturnView): Snapshot {
  return {
    returnId: view.id,
    version: view.version,
    state: view.state,
    revisionCount: view.revisionCount,
    achievements: view.achievements,
    values: view.values.map((v) => ({ measureId: v.measure.id, value: v.value, comment: v.comment })).sort(byMeasure),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the file itself, read-only, with the server stopped or dead

interface DbReturn {
  id: number;
  contractId: number;
  periodId: number;
  state: string;
  revisionCount: number;
  version: number;
  achievements: string | null;
  values: Value[];
  revisions: Map<number, { values: Value[]; achievements: string | null; submittedById: number }>;
  audits: { action: string; revision: number | null }[];
  events: string[];
  idempotency: { key: string; userId: number }[];
}

interface DbState {
  integrity: string[];
  journalMode: string;
  foreignKeyProblems: number;
  /** Checked over every return in the file, seeded ones included. */
  globalProblems: string[];
  /** Our returns, by id. */
  returns: Map<number, DbReturn>;
  byContractPeriod: Map<string, DbReturn>;
  idempotency: Map<string, { operation: string; resultId: number }>;
}

function openReadOnly(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(db)));
  });
}

function all<T>(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
}

function closeDb(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

async function readDatabase(file: string, periodIds: number[]): Promise<DbState> {
  const db = await openReadOnly(file);
  try {
    const integrity = (await all<{ integrity_check: string }>(db, "PRAGMA integrity_check")).map((r) => r.integrity_check);
    const [{ journal_mode: journalMode }] = await all<{ journal_mode: string }>(db, "PRAGMA journal_mode");
    const foreignKeyProblems = (await all(db, "PRAGMA foreign_key_check")).length;

    const globalProblems: string[] = [];
    const everyReturn = await all<{ id: number; state: string; revisionCount: number; revisions: number; maxNumber: number | null }>(
      db,
      `SELECT r.id, r.state, r.revisionCount, COUNT(v.id) AS revisions, MAX(v.number) AS maxNumber
         FROM performance_return r LEFT JOIN return_revision v ON v.returnId = r.id GROUP BY r.id`,
    );
    for (const r of everyReturn) {
      if (r.revisionCount !== r.revisions) globalProblems.push(`return ${r.id}: revisionCount ${r.revisionCount} but ${r.revisions} revision rows`);
      if (r.revisions && r.maxNumber !== r.revisions) globalProblems.push(`return ${r.id}: revision numbers are not 1..${r.revisions} (max ${r.maxNumber})`);
      if (r.state !== "DRAFT" && r.revisions === 0) globalProblems.push(`return ${r.id} is ${r.state} without a revision`);
    }

    const marks = periodIds.map(() => "?").join(",");
    const rows = await all<Omit<DbReturn, "values" | "revisions" | "audits" | "events" | "idempotency">>(
      db,
      `SELECT id, contractId, periodId, state, revisionCount, version, achievements FROM performance_return WHERE periodId IN (${marks})`,
      periodIds,
    );
    const returns = new Map<number, DbReturn>(rows.map((r) => [r.id, { ...r, values: [], revisions: new Map(), audits: [], events: [], idempotency: [] }]));
    const ids = [...returns.keys()];
    const idMarks = ids.map(() => "?").join(",") || "NULL";
    for (const v of await all<Value & { returnId: number }>(db, `SELECT returnId, measureId, value, comment FROM return_value WHERE returnId IN (${idMarks}) ORDER BY measureId`, ids)) {
      returns.get(v.returnId)!.values.push({ measureId: v.measureId, value: v.value, comment: v.comment });
    }
    for (const v of await all<{ returnId: number; number: number; values: string; narrative: string; submittedById: number }>(
      db,
      `SELECT returnId, number, "values", narrative, submittedById FROM return_revision WHERE returnId IN (${idMarks})`,
      ids,
    )) {
      const values = (JSON.parse(v.values) as Value[]).map(({ measureId, value, comment }) => ({ measureId, value, comment })).sort(byMeasure);
      returns.get(v.returnId)!.revisions.set(v.number, { values, achievements: JSON.parse(v.narrative).achievements ?? null, submittedById: v.submittedById });
    }
    for (const a of await all<{ entityId: number; action: string; after: string | null }>(
      db,
      `SELECT entityId, action, "after" FROM audit_event WHERE entityType = 'Return' AND entityId IN (${idMarks}) ORDER BY id`,
      ids,
    )) {
      const after = a.after ? JSON.parse(a.after) : null;
      returns.get(a.entityId)!.audits.push({ action: a.action, revision: typeof after?.revision === "number" ? after.revision : null });
    }
    for (const e of await all<{ payload: string }>(db, "SELECT payload FROM domain_event WHERE topic = 'RETURN_CHANGED' ORDER BY seq")) {
      const payload = JSON.parse(e.payload) as { returnId: number; change: string };
      returns.get(payload.returnId)?.events.push(payload.change);
    }
    const idempotency = new Map<string, { operation: string; resultId: number }>();
    for (const k of await all<{ key: string; userId: number; operation: string; resultId: number }>(db, "SELECT key, userId, operation, resultId FROM idempotency_record")) {
      idempotency.set(`${k.userId}:${k.key}`, { operation: k.operation, resultId: k.resultId });
      if (k.operation === "submitReturn") returns.get(k.resultId)?.idempotency.push({ key: k.key, userId: k.userId });
    }
    const byContractPeriod = new Map([...returns.values()].map((r) => [`${r.contractId}:${r.periodId}`, r]));
    return { integrity, journalMode, foreignKeyProblems, globalProblems, returns, byContractPeriod, idempotency };
  } finally {
    await closeDb(db);
  }
}

/** Each of our returns is whole: its version, audit trail, revisions, events and idempotency records tell one story. */
function wholenessProblems(state: DbState): string[] {
  const problems = [...state.globalProblems];
  if (state.integrity.join() !== "ok") problems.push(`integrity_check: ${state.integrity.join("; ")}`);
  if (state.journalMode !== "wal") problems.push(`journal_mode is ${state.journalMode}`);
  if (state.foreignKeyProblems) problems.push(`${state.foreignKeyProblems} foreign key violations`);
  for (const r of state.returns.values()) {
    const at = `return ${r.id}`;
    const submits = r.audits.filter((a) => a.action === "return.submit");
    const saves = r.audits.filter((a) => a.action === "return.save");
    // Created at version 1 with one audit row; every later change adds one to the version and one audit row.
    if (r.version !== r.audits.length) problems.push(`${at}: version ${r.version} but ${r.audits.length} audit rows`);
    if (r.audits[0]?.action !== "return.create") problems.push(`${at}: first audit row is ${r.audits[0]?.action}`);
    // Every change but a draft save publishes one event.
    if (r.events.length !== r.audits.length - saves.length) problems.push(`${at}: ${r.events.length} events for ${r.audits.length - saves.length} evented changes`);
    if (r.events.filter((e) => e === "SUBMITTED").length !== r.revisionCount) problems.push(`${at}: SUBMITTED events ≠ revisionCount ${r.revisionCount}`);
    // Each submission's audit row exists if and only if its revision does.
    const audited = submits.map((a) => a.revision).sort((a, b) => (a ?? 0) - (b ?? 0));
    const revised = [...r.revisions.keys()].sort((a, b) => a - b);
    if (JSON.stringify(audited) !== JSON.stringify(revised)) problems.push(`${at}: submit audit rows for revisions ${audited} but revisions ${revised}`);
    if (r.idempotency.length !== r.revisionCount) problems.push(`${at}: ${r.idempotency.length} idempotency records for ${r.revisionCount} submissions`);
    if ((r.state === "DRAFT") !== (r.revisionCount === 0)) problems.push(`${at}: ${r.state} with ${r.revisionCount} revisions`);
    // A submitted or accepted return cannot be edited, so its values are those of its last revision.
    const last = r.revisions.get(r.revisionCount);
    if ((r.state === "SUBMITTED" || r.state === "ACCEPTED") && JSON.stringify(last?.values) !== JSON.stringify(r.values)) problems.push(`${at}: current values differ from revision ${r.revisionCount}`);
  }
  return problems;
}

function sameSnapshot(r: DbReturn, s: Omit<Snapshot, "returnId">): boolean {
  return r.version === s.version && r.state === s.state && r.revisionCount === s.revisionCount && r.achievements === s.achievements && JSON.stringify(r.values) === JSON.stringify(s.values);
}

// ---------------------------------------------------------------------------------------------------------------

describe("the real server killed with SIGKILL in the middle of a stream of writes", () => {
  it(`keeps every acknowledged write and never half a write, over ${ROUNDS} kill/restart rounds`, async () => {
    const started = Date.now();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-crash-"));
    const file = path.join(dir, "crash.sqlite");
    let server: ServerProcess | null = null;
    const timings: string[] = [];
    const stats = { acked: { create: 0, save: 0, submit: 0, sendBack: 0, accept: 0, reopen: 0 } as Record<OpKind, number>, sent: 0, inDoubt: 0, inDoubtCommitted: 0, retried: 0, inFlightAtKill: [] as number[], killAfterMs: [] as number[], killAfterAcks: [] as number[] };
    try {
      let t = Date.now();
      server = await startServer({ databasePath: file });
      timings.push(`first start (with seed) ${Date.now() - t} ms`);
      t = Date.now();
      let url = server.url;

      // ---- Logins, periods and the returns to work on.
      const login = async (email: string): Promise<Actor> => {
        const r = await gql(url, null, Q.login, { e: email, p: DEMO_PASSWORD });
        if (!acknowledged(r)) throw new Error(`login ${email}: ${describeFailure(r)}`);
        return { email, token: r.data.login.token, userId: r.data.login.user.id };
      };
      const officer = await login(OFFICER);
      const contracts: { id: number; reference: string; provider: { name: string }; reportedMeasures: { id: number; unit: string; minValue: number | null; maxValue: number | null }[] }[] = [];
      for (let offset = 0; ; offset += 100) {
        const r = await gql(url, officer.token, Q.contracts, { o: offset });
        if (!acknowledged(r)) throw new Error(`contracts: ${describeFailure(r)}`);
        contracts.push(...r.data.contracts.items);
        if (contracts.length >= r.data.contracts.totalCount) break;
      }
      const reporting = contracts.filter((c) => c.reportedMeasures.length > 0);
      expect(reporting.length).toBeGreaterThanOrEqual(7);
      for (const c of reporting) {
        for (const m of c.reportedMeasures) {
          // Values are drawn from 60..79: valid for counts and percentages, and never a sharp change (> 50%).
          expect(m.minValue == null || m.minValue <= 60, `${c.reference} measure ${m.id} min`).toBe(true);
          expect(m.maxValue == null || m.maxValue >= 79, `${c.reference} measure ${m.id} max`).toBe(true);
        }
      }
      const providerLogins = [...DEMO_LOGINS, ...DEMO_REPORTING_LOGINS].filter((l) => l.provider && reporting.some((c) => c.provider.name === l.provider));
      providerLogins.sort((a, b) => Number(b.email === PREFERRED_PROVIDER) - Number(a.email === PREFERRED_PROVIDER));
      const providers = new Map<string, Actor>();
      await Promise.all(providerLogins.slice(0, PROVIDER_LOGINS).map(async (l) => providers.set(l.provider!, await login(l.email))));
      expect(providers.size).toBeGreaterThan(0);

      const periodIds: number[] = [];
      for (const quarter of QUARTERS) {
        const r = await gql(url, officer.token, Q.openPeriod, { q: quarter });
        if (!acknowledged(r)) throw new Error(`open ${quarter}: ${describeFailure(r)}`);
        periodIds.push(r.data.openReportingPeriod.id);
      }
      const slots: Slot[] = periodIds.flatMap((periodId) =>
        reporting.map((c) => ({
          contractId: c.id,
          periodId,
          measures: c.reportedMeasures.map((m) => m.id).sort((a, b) => a - b),
          actor: providers.get(c.provider.name) ?? officer,
          current: null,
          inFlight: null,
        })),
      );
      timings.push(`set-up: logins, periods ${Date.now() - t} ms`);

      // ---- The bursts: one chain of steps per return, all chains at once, until the kill.
      let seq = 0;
      const ackedSubmits: AckedSubmit[] = [];
      const chainProblems: string[] = [];

      async function step(slot: Slot, round: number, burst: { killed: boolean }): Promise<void> {
        const n = ++seq;
        stats.sent++;
        const current = slot.current;
        const draftValues = (): Value[] => slot.measures.map((measureId) => ({ measureId, value: 60 + (n % 20), comment: `s${n} m${measureId}` }));
        let kind: OpKind;
        if (!current) kind = "create";
        else if (current.state === "DRAFT" || current.state === "RETURNED") kind = current.values.length < slot.measures.length || Math.random() < 0.5 ? "save" : "submit";
        else if (current.state === "SUBMITTED") kind = Math.random() < 0.8 ? "sendBack" : "accept";
        else kind = "reopen";

        let query: string;
        let variables: Record<string, unknown>;
        let actor = officer;
        let expected: InFlight["expect"];
        let submit: InFlight["submit"];
        switch (kind) {
          case "create":
          case "save": {
            const values = draftValues();
            const achievements = `seq ${n}`;
            actor = slot.actor;
            query = Q.save;
            variables = { input: { contractId: slot.contractId, periodId: slot.periodId, version: current?.version ?? null, values, achievements } };
            expected = { state: current?.state ?? "DRAFT", achievements, values, versionDelta: 1, revisionDelta: 0 };
            break;
          }
          case "submit": {
            actor = slot.actor;
            const input: SubmitInput = { returnId: current!.returnId, version: current!.version, idempotencyKey: `crash-${RUN}-${n}`, acknowledgements: [] };
            submit = { input, actor };
            query = Q.submit;
            variables = { input };
            expected = { state: "SUBMITTED", achievements: current!.achievements, values: current!.values, versionDelta: 1, revisionDelta: 1 };
            break;
          }
          case "sendBack":
            query = Q.sendBack;
            variables = { id: current!.returnId, v: current!.version, r: `seq ${n}: please check the figures` };
            expected = { state: "RETURNED", achievements: current!.achievements, values: current!.values, versionDelta: 1, revisionDelta: 0 };
            break;
          case "accept":
            query = Q.accept;
            variables = { id: current!.returnId, v: current!.version };
            expected = { state: "ACCEPTED", achievements: current!.achievements, values: current!.values, versionDelta: 1, revisionDelta: 0 };
            break;
          case "reopen":
            query = Q.reopen;
            variables = { id: current!.returnId, v: current!.version, r: `seq ${n}: reopened to correct` };
            expected = { state: "RETURNED", achievements: current!.achievements, values: current!.values, versionDelta: 1, revisionDelta: 0 };
            break;
        }
        slot.inFlight = { kind, seq: n, expect: expected, submit };
        const response = await gql<Record<string, ReturnView>>(url, actor.token, query, variables); // throws if the server died first
        if (burst.killed && !acknowledged(response)) throw new Error("answer cut short by the kill");
        if (!acknowledged(response)) {
          slot.inFlight = null; // answered, so not in doubt: it failed, and should not have
          chainProblems.push(`round ${round} ${kind} on ${slot.contractId}/${slot.periodId}: ${describeFailure(response)}`);
          throw new Error("unexpected failure");
        }
        const view = Object.values(response.data)[0];
        const after = snapshotOf(view);
        const want = { version: (current?.version ?? 0) + 1, state: expected.state, revisionCount: (current?.revisionCount ?? 0) + expected.revisionDelta, achievements: expected.achievements, values: expected.values };
        const got = { version: after.version, state: after.state, revisionCount: after.revisionCount, achievements: after.achievements, values: after.values };
        if (JSON.stringify(got) !== JSON.stringify(want)) chainProblems.push(`round ${round} ${kind} seq ${n}: answered ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
        if (kind === "submit") {
          const revision = view.revisions!.find((r) => r.number === after.revisionCount);
          const sent = { values: revision?.values.map(({ measureId, value, comment }) => ({ measureId, value, comment })).sort(byMeasure), achievements: revision?.achievements };
          if (JSON.stringify(sent) !== JSON.stringify({ values: expected.values, achievements: expected.achievements })) chainProblems.push(`round ${round} submit seq ${n}: revision ${after.revisionCount} answered ${JSON.stringify(sent)}`);
          ackedSubmits.push({ round, slot, actor, input: submit!.input, returnId: after.returnId, number: after.revisionCount, values: expected.values, achievements: expected.achievements });
        }
        stats.acked[kind]++;
        slot.current = after;
        slot.inFlight = null;
      }

      async function burst(round: number): Promise<void> {
        const state = { killed: false };
        let inFlightRequests = 0;
        let reachedCap!: () => void;
        const cap = new Promise<void>((resolve) => (reachedCap = resolve));
        const killAfter = randomInt(...KILL_AFTER_ACKS);
        let acks = 0;
        let enoughAcks!: () => void;
        const enough = new Promise<void>((resolve) => (enoughAcks = resolve));
        const sentAtStart = stats.sent;
        const chains = slots.map(async (slot) => {
          while (!state.killed) {
            if (stats.sent - sentAtStart >= MAX_OPS) {
              reachedCap();
              return;
            }
            inFlightRequests++;
            try {
              await step(slot, round, state);
              if (++acks >= killAfter) enoughAcks();
            } catch {
              return; // in doubt (the kill) or already recorded as a problem
            } finally {
              inFlightRequests--;
            }
          }
        });
        const burstStart = Date.now();
        await Promise.race([enough, cap, sleep(60_000)]);
        await sleep(randomInt(...KILL_JITTER_MS));
        stats.inFlightAtKill.push(inFlightRequests);
        stats.killAfterMs.push(Date.now() - burstStart);
        stats.killAfterAcks.push(acks);
        state.killed = true;
        await crash(server!);
        await Promise.all(chains);
      }

      /** Checks the file against everything the clients were told, and settles what was in flight at the kill. */
      async function verifyOnDisk(round: number): Promise<DbState> {
        const state = await readDatabase(file, periodIds);
        const problems = wholenessProblems(state);
        for (const slot of slots) {
          const r = state.byContractPeriod.get(`${slot.contractId}:${slot.periodId}`);
          const at = `round ${round}, contract ${slot.contractId} period ${slot.periodId}`;
          const flight = slot.inFlight;
          if (!slot.current) {
            // Never acknowledged: absent, or created whole by the request in flight.
            if (r && !(flight?.kind === "create" && sameSnapshot(r, { version: 1, state: "DRAFT", revisionCount: 0, achievements: flight.expect.achievements, values: flight.expect.values }))) {
              problems.push(`${at}: return ${r.id} exists though never acknowledged (${JSON.stringify(r)})`);
            }
          } else if (!r) {
            problems.push(`${at}: acknowledged return ${slot.current.returnId} is missing`);
          } else if (sameSnapshot(r, slot.current)) {
            // The last acknowledged state; anything in flight did not commit.
          } else if (
            flight &&
            sameSnapshot(r, {
              version: slot.current.version + flight.expect.versionDelta,
              state: flight.expect.state,
              revisionCount: slot.current.revisionCount + flight.expect.revisionDelta,
              achievements: flight.expect.achievements,
              values: flight.expect.values,
            })
          ) {
            stats.inDoubtCommitted++;
          } else {
            problems.push(`${at}: on disk ${JSON.stringify({ ...r, revisions: undefined })}; last acknowledged ${JSON.stringify(slot.current)}; in flight ${flight?.kind ?? "nothing"}`);
          }
          if (flight) stats.inDoubt++;
        }
        for (const s of ackedSubmits) {
          const r = state.returns.get(s.returnId);
          const revision = r?.revisions.get(s.number);
          if (!revision) {
            problems.push(`round ${round}: acknowledged submission ${s.input.idempotencyKey} (return ${s.returnId} revision ${s.number}) is missing`);
            continue;
          }
          if (JSON.stringify(revision.values) !== JSON.stringify(s.values) || revision.achievements !== s.achievements || revision.submittedById !== s.actor.userId) {
            problems.push(`round ${round}: return ${s.returnId} revision ${s.number} holds ${JSON.stringify(revision)}, acknowledged ${JSON.stringify({ values: s.values, achievements: s.achievements })}`);
          }
          const record = state.idempotency.get(`${s.actor.userId}:${s.input.idempotencyKey}`);
          if (record?.resultId !== s.returnId || record.operation !== "submitReturn") problems.push(`round ${round}: idempotency record for ${s.input.idempotencyKey} is ${JSON.stringify(record)}`);
        }
        expect(problems, `on disk after kill ${round}`).toEqual([]);
        return state;
      }

      /** After a restart: the server reads what is on disk, acknowledged submissions retried change nothing, lost answers are recovered by retrying. */
      async function verifyOverHttp(round: number, disk: DbState): Promise<void> {
        const readAll = async (): Promise<{ byId: Map<number, Snapshot>; bySlot: Map<string, Snapshot> }> => {
          const byId = new Map<number, Snapshot>();
          const bySlot = new Map<string, Snapshot>();
          for (const periodId of periodIds) {
            const r = await gql<{ returns: { items: ReturnView[] } }>(url, officer.token, Q.returns, { p: periodId });
            if (!acknowledged(r)) throw new Error(`returns: ${describeFailure(r)}`);
            for (const view of r.data.returns.items) {
              byId.set(view.id, snapshotOf(view));
              bySlot.set(`${view.contract.id}:${view.period.id}`, snapshotOf(view));
            }
          }
          return { byId, bySlot };
        };
        const { byId: before } = await readAll();
        expect([...before.keys()].sort()).toEqual([...disk.returns.keys()].sort());
        for (const [id, snapshot] of before) expect(sameSnapshot(disk.returns.get(id)!, snapshot), `return ${id} over HTTP matches the file`).toBe(true);

        // Retrying an acknowledged submission returns the same return and creates nothing.
        const recent = ackedSubmits.filter((s) => s.round === round);
        const older = ackedSubmits.filter((s) => s.round < round).sort(() => Math.random() - 0.5).slice(0, OLD_RETRIES);
        const retries = [...recent, ...older];
        const failures: string[] = [];
        for (let i = 0; i < retries.length; i += 20) {
          await Promise.all(
            retries.slice(i, i + 20).map(async (s) => {
              const r = await gql<{ submitReturn: ReturnView }>(url, s.actor.token, Q.submit, { input: s.input });
              stats.retried++;
              if (!acknowledged(r)) failures.push(`retry ${s.input.idempotencyKey}: ${describeFailure(r)}`);
              else if (r.data.submitReturn.id !== s.returnId || r.data.submitReturn.revisionCount !== before.get(s.returnId)!.revisionCount) {
                failures.push(`retry ${s.input.idempotencyKey}: answered return ${r.data.submitReturn.id} with ${r.data.submitReturn.revisionCount} revisions`);
              }
            }),
          );
        }

        // A submission whose answer the kill swallowed: the client retries with the same key and it lands exactly once.
        const lost = slots.filter((slot) => slot.inFlight?.kind === "submit");
        const landedNow = new Set<number>();
        await Promise.all(
          lost.map(async (slot) => {
            const { input, actor } = slot.inFlight!.submit!;
            const committed = disk.idempotency.has(`${actor.userId}:${input.idempotencyKey}`);
            const r = await gql<{ submitReturn: ReturnView }>(url, actor.token, Q.submit, { input });
            stats.retried++;
            if (!acknowledged(r)) {
              failures.push(`retry of in-doubt ${input.idempotencyKey} (committed: ${committed}): ${describeFailure(r)}`);
              return;
            }
            const count = r.data.submitReturn.revisionCount;
            const had = before.get(input.returnId)!.revisionCount;
            if (r.data.submitReturn.id !== input.returnId || count !== (committed ? had : had + 1)) failures.push(`retry of in-doubt ${input.idempotencyKey} (committed: ${committed}) answered ${count} revisions, had ${had}`);
            if (!committed) {
              landedNow.add(input.returnId);
              ackedSubmits.push({ round, slot, actor, input, returnId: input.returnId, number: count, values: slot.inFlight!.expect.values, achievements: slot.inFlight!.expect.achievements });
            }
          }),
        );
        expect(failures, `retries after restart ${round}`).toEqual([]);

        // Nothing changed but the recovered submissions; the clients carry on from what the server now holds.
        const afterRetries = await readAll();
        expect(afterRetries.byId.size).toBe(before.size);
        for (const [id, snapshot] of afterRetries.byId) {
          const was = before.get(id)!;
          const bump = landedNow.has(id) ? 1 : 0;
          expect({ id, version: snapshot.version, revisionCount: snapshot.revisionCount }).toEqual({ id, version: was.version + bump, revisionCount: was.revisionCount + bump });
        }
        for (const slot of slots) {
          slot.current = afterRetries.bySlot.get(`${slot.contractId}:${slot.periodId}`) ?? null;
          slot.inFlight = null;
        }
      }

      // Warm-up, no kill: every return is created as a draft with a full set of values.
      t = Date.now();
      await Promise.all(slots.map((slot) => step(slot, 0, { killed: false }).catch(() => undefined)));
      expect(chainProblems, "creating the drafts").toEqual([]);
      expect(slots.every((slot) => slot.current?.state === "DRAFT")).toBe(true);
      timings.push(`warm-up: ${slots.length} drafts created ${Date.now() - t} ms`);

      for (let round = 1; round <= ROUNDS; round++) {
        t = Date.now();
        await burst(round);
        const burstMs = Date.now() - t;
        expect(chainProblems, `requests refused in burst ${round}`).toEqual([]);
        t = Date.now();
        const disk = await verifyOnDisk(round);
        const diskMs = Date.now() - t;
        t = Date.now();
        server = await startServer({ databasePath: file });
        url = server.url;
        const restartMs = Date.now() - t;
        t = Date.now();
        await verifyOverHttp(round, disk);
        timings.push(`round ${round}: burst ${burstMs} ms (killed after ${stats.killAfterMs.at(-1)} ms and ${stats.killAfterAcks.at(-1)} acknowledgements, ${stats.inFlightAtKill.at(-1)} requests in flight), file check ${diskMs} ms, restart ${restartMs} ms, HTTP check ${Date.now() - t} ms`);
      }

      // ---- Stop cleanly and look at the file once more.
      await stopGracefully(server);
      server = null;
      const final = await readDatabase(file, periodIds);
      expect(wholenessProblems(final)).toEqual([]);
      expect(final.integrity).toEqual(["ok"]);
      expect(final.journalMode).toBe("wal");
      for (const s of ackedSubmits) expect(final.returns.get(s.returnId)?.revisions.get(s.number)?.values).toEqual(s.values);

      const totalAcked = Object.values(stats.acked).reduce((a, b) => a + b, 0);
      expect(totalAcked).toBeGreaterThanOrEqual(slots.length + ROUNDS * KILL_AFTER_ACKS[0]);
      expect(stats.acked.submit).toBeGreaterThanOrEqual(ROUNDS);
      expect(stats.inFlightAtKill.every((n) => n > 0)).toBe(true);
      console.log(
        [
          `crash-safety: ${ROUNDS} SIGKILL rounds over ${slots.length} returns in ${Date.now() - started} ms`,
          `  requests sent ${stats.sent}, acknowledged ${totalAcked} (${Object.entries(stats.acked).map(([k, v]) => `${k} ${v}`).join(", ")})`,
          `  in doubt at the kills ${stats.inDoubt} (committed ${stats.inDoubtCommitted}), submitReturn retries ${stats.retried}, acknowledged submissions checked ${ackedSubmits.length}`,
          ...timings.map((line) => `  ${line}`),
        ].join("\n"),
      );
    } finally {
      if (server) await crash(server).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
