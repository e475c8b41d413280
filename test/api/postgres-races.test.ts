import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Races on PostgreSQL between two server instances on one database (issue 15): real concurrent transactions, so
 * unique violations, stale versions and identical retries really collide. A lost race is CONFLICT, never an
 * internal error; identical retries with one idempotency key all get the first result, on either instance.
 */
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
const database = `hub_races_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;
const OFFICER = "officer@wiltshire.demo.example";
const CHAINS = 8;
const CONTENDERS = 4;
const RETRIES = 20;

async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return `PostgreSQL: ${(error as Error).message}`;
  }
}
const unreachable = await reachable();
if (unreachable && !process.env.CI) console.warn(`Skipping PostgreSQL race tests: ${unreachable}`);

const RETURN = "id version state revisionCount";
const SAVE = `mutation($input: SaveReturnInput!) { saveReturnDraft(input: $input) { ${RETURN} } }`;
const SUBMIT = `mutation($input: SubmitReturnInput!) { submitReturn(input: $input) { ${RETURN} } }`;
const SEND_BACK = `mutation($id: Int!, $v: Int!, $r: String!) { sendBackReturn(id: $id, version: $v, reason: $r) { ${RETURN} } }`;
const ACCEPT = `mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { ${RETURN} } }`;
const REOPEN = `mutation($id: Int!, $v: Int!, $r: String!) { reopenReturn(id: $id, version: $v, reason: $r) { ${RETURN} } }`;
const UPLOAD = `mutation($p: Int!, $csv: String!, $key: String!) { uploadReturnsCsv(periodId: $p, csv: $csv, submit: false, idempotencyKey: $key) { totalRows returnsCreated returnsUpdated replayed returns { id version } } }`;

interface Contract {
  id: number;
  reference: string;
  reportedMeasures: { id: number; code: string }[];
}
type Answer = { data?: any; errors?: { extensions?: { code?: string } }[]; status: number };
const codeOf = (a: Answer) => a.errors?.[0]?.extensions?.code ?? null;

describe.skipIf(unreachable !== null && !process.env.CI)("races on PostgreSQL across two instances", () => {
  const previous = process.env.DATABASE_URL;
  let harness: typeof import("./harness.js");
  let a: Awaited<ReturnType<typeof harness.startTestServer>>;
  let b: Awaited<ReturnType<typeof harness.startTestServer>>;
  let admin: pg.Client;
  let contracts: Contract[] = [];
  const periods: number[] = [];

  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    process.env.DATABASE_URL = DATABASE_URL;
    harness = await import("./harness.js");
    a = await harness.startTestServer({ env: { DATABASE_URL } });
    b = await harness.startTestServer({ env: { DATABASE_URL }, seed: false });
    const listed = await a.http<any>(OFFICER, "{ contracts(first: 100) { items { id reference reportedMeasures { id code } } } }");
    contracts = (listed.data!.contracts.items as Contract[]).filter((c) => c.reportedMeasures.length > 0);
    expect(contracts.length).toBeGreaterThanOrEqual(CHAINS);
    for (const quarter of ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3"]) {
      const opened = await a.http<any>(OFFICER, "mutation($q: String!) { openReportingPeriod(quarter: $q) { id } }", { q: quarter });
      expect(opened.errors).toBeUndefined();
      periods.push(opened.data!.openReportingPeriod.id);
    }
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  /** The same request based on the same version, sent by several clients at once, half to each instance. */
  async function race(make: (i: number) => [string, Record<string, unknown>]): Promise<{ winner: Answer; losers: Answer[] }> {
    const answers = await Promise.all(Array.from({ length: CONTENDERS }, (_, i) => (i % 2 ? b : a).http(OFFICER, ...make(i)) as Promise<Answer>));
    const winners = answers.filter((x) => !x.errors?.length);
    expect(winners.length, JSON.stringify(answers.map(codeOf))).toBe(1);
    return { winner: winners[0], losers: answers.filter((x) => x.errors?.length) };
  }

  it(`${CHAINS * 6} stale-version races (${CONTENDERS} contenders each): exactly one winner, every loser CONFLICT`, async () => {
    const loserCodes: (string | null)[] = [];
    let races = 0;
    await Promise.all(
      contracts.slice(0, CHAINS).map(async (contract, chain) => {
        const values = (n: number) => contract.reportedMeasures.map((m) => ({ measureId: m.id, value: 60 + ((n + chain) % 20), comment: null }));
        const record = (r: { winner: Answer; losers: Answer[] }, field: string) => {
          races++;
          loserCodes.push(...r.losers.map(codeOf));
          return r.winner.data[field] as { id: number; version: number };
        };
        // Creating the same return at once collides on its unique (contract, period) index.
        let ret = record(await race((i) => [SAVE, { input: { contractId: contract.id, periodId: periods[0], version: null, values: values(i), achievements: `create ${i}` } }]), "saveReturnDraft");
        const steps: ((i: number) => [string, Record<string, unknown>, string])[] = [
          (i) => [SUBMIT, { input: { returnId: ret.id, version: ret.version, idempotencyKey: `race-${chain}-${ret.version}-${i}`, acknowledgements: [] } }, "submitReturn"],
          () => [SEND_BACK, { id: ret.id, v: ret.version, r: "please check" }, "sendBackReturn"],
          (i) => [SUBMIT, { input: { returnId: ret.id, version: ret.version, idempotencyKey: `race-${chain}-${ret.version}-${i}`, acknowledgements: [] } }, "submitReturn"],
          () => [ACCEPT, { id: ret.id, v: ret.version }, "acceptReturn"],
          () => [REOPEN, { id: ret.id, v: ret.version, r: "a correction" }, "reopenReturn"],
        ];
        for (const step of steps) {
          let field = "";
          const result = await race((i) => {
            const [q, v, f] = step(i);
            field = f;
            return [q, v];
          });
          ret = record(result, field);
        }
      }),
    );
    const tally = Object.fromEntries([...new Set(loserCodes)].map((c) => [c, loserCodes.filter((x) => x === c).length]));
    console.log(`PostgreSQL stale-version races: ${races} races, ${loserCodes.length} losers: ${JSON.stringify(tally)}`);
    expect(races).toBeGreaterThanOrEqual(40);
    expect(tally).toEqual({ CONFLICT: races * (CONTENDERS - 1) });
  });

  it(`${RETRIES} identical concurrent submitReturn retries across both instances all get the first result, for 5 keys`, async () => {
    let answers = 0;
    let errors = 0;
    for (const contract of contracts.slice(0, 5)) {
      const values = contract.reportedMeasures.map((m) => ({ measureId: m.id, value: 70, comment: null }));
      const draft = await a.http<any>(OFFICER, SAVE, { input: { contractId: contract.id, periodId: periods[1], version: null, values, achievements: "retry" } });
      expect(draft.errors).toBeUndefined();
      const input = { returnId: draft.data!.saveReturnDraft.id, version: draft.data!.saveReturnDraft.version, idempotencyKey: `retry-${contract.id}-${Date.now()}`, acknowledgements: [] };
      const results = (await Promise.all(Array.from({ length: RETRIES }, (_, i) => (i % 2 ? b : a).http(OFFICER, SUBMIT, { input })))) as Answer[];
      answers += results.length;
      errors += results.filter((r) => r.errors?.length).length;
      expect(results.map(codeOf)).toEqual(Array(RETRIES).fill(null));
      const first = results[0].data.submitReturn;
      expect(first).toMatchObject({ state: "SUBMITTED", revisionCount: 1, version: input.version + 1 });
      for (const r of results) expect(r.data.submitReturn).toEqual(first);
      const [{ n }] = (await a.services.db.query(`SELECT COUNT(*)::int AS n FROM return_revision WHERE "returnId" = $1`, [first.id]));
      expect(n).toBe(1);
    }
    console.log(`PostgreSQL idempotent retries: ${answers} answers, ${errors} errors`);
  });

  it(`${RETRIES} identical concurrent CSV uploads with one key across both instances: one upload, the rest replay it`, async () => {
    const chosen = contracts.slice(0, 3);
    const csv = ["contract_reference,measure_code,value", ...chosen.flatMap((c) => c.reportedMeasures.map((m) => `${c.reference},${m.code},65`))].join("\n") + "\n";
    const key = `csv-race-${Date.now()}`;
    const results = (await Promise.all(Array.from({ length: RETRIES }, (_, i) => (i % 2 ? b : a).http(OFFICER, UPLOAD, { p: periods[2], csv, key })))) as Answer[];
    expect(results.map(codeOf)).toEqual(Array(RETRIES).fill(null));
    const outcomes = results.map((r) => r.data.uploadReturnsCsv);
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    for (const o of outcomes) expect({ ...o, replayed: undefined }).toEqual({ ...outcomes[0], replayed: undefined });
    expect(outcomes[0]).toMatchObject({ returnsCreated: chosen.length, returnsUpdated: 0 });
    const [{ imports }] = await a.services.db.query(`SELECT COUNT(*)::int AS imports FROM audit_event WHERE action = 'return.csvImport' AND "entityId" = $1`, [periods[2]]);
    expect(imports).toBe(1);
    console.log(`PostgreSQL CSV retries: ${results.length} answers, ${outcomes.filter((o) => o.replayed).length} replayed`);
  });
});
