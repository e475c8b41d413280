/*
 * red13: GraphQL over HTTP on the compiled executor (graphql-jit). Attacked from outside: odd-but-valid documents
 * (fragments spread twice, nested named and inline fragments, __typename everywhere, aliases of one field with
 * different arguments, @include/@skip from variables, operationName among several operations, mutations' payloads)
 * must keep every policy: a provider sees no other provider and none of the office's money or staff e-mail; an office
 * sees no other office; an analyst never writes. Bad variables, including null for a variable that has a default and
 * feeds a non-null argument or a directive's `if`, are BAD_USER_INPUT (never INTERNAL_SERVER_ERROR, never silently
 * ignored).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, type ServerProcess } from "../support/server-process.js";
import { boot, noInternals, post, signIn } from "./support.js";

let server: ServerProcess;
const t: Record<string, string> = {};
let own: Record<string, number> = {};

beforeAll(async () => {
  server = await boot();
  for (const [k, e] of Object.entries({ off: "officer@wiltshire.demo.example", an: "analyst@wiltshire.demo.example", dor: "officer@dorset.demo.example", dur: "officer@durham.demo.example", pa: "provider-a@demo.example", pb: "provider-b@demo.example" })) t[k] = await signIn(server.url, e);
  for (const k of ["pa", "pb"]) own[k] = JSON.parse((await ask(k, "{me{provider{id}}}")).text).data.me.provider.id;
}, 120_000);
afterAll(async () => {
  if (server) await crash(server);
});

async function ask(who: string | null, query: string, variables?: unknown, extra: Record<string, unknown> = {}) {
  return post(server.url, JSON.stringify({ query, variables, ...extra }), who ? { authorization: `Bearer ${t[who]}` } : {});
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/g;
const OWN_EMAIL: Record<string, string> = { pa: "provider-a@demo.example", pb: "provider-b@demo.example" };

/** What a provider may never see, wherever it appears in the answer. */
function providerSafe(who: "pa" | "pb", text: string): void {
  noInternals(text);
  for (const e of text.match(EMAIL) ?? []) expect(e, `provider saw a staff e-mail: ${text.slice(0, 300)}`).toBe(OWN_EMAIL[who]);
  const walk = (v: unknown, p: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${p}.${i}`));
    if (!v || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v)) {
      const q = `${p}.${k}`;
      if (k === "provider" && x && typeof x === "object" && "id" in x) expect((x as { id: number }).id, q).toBe(own[who]);
      // The office's money and plan: stream budgets, portfolio allocations, a contract's office funding / plan.
      if (["years", "allocations", "a2", "children", "priorities", "otherPriorities"].includes(k)) expect(x, q).toEqual([]);
      if (["y", "parent", "f1", "f2", "potentialValuePence", "reviewWindow", "reviewStartDate", "reviewEndDate", "endsWithoutPlan", "reprocurementDue", "mainPriority"].includes(k)) expect(x, q).toBeNull();
      walk(x, q);
    }
  };
  walk(JSON.parse(text).data, "data");
}

const U = "fragment U on User{__typename id email name role office{__typename id} provider{__typename id name}}";
const S = 'fragment S on FundingStream{__typename id name years{__typename amountPence} y:year(year:"2023-24"){amountPence} parent{id name} children{id}}';
const C =
  'fragment C on Contract{__typename id reference potentialValuePence f1:fundingPence(year:"2023-24") f2:fundingPence(year:"2022-23") fundingLines{__typename stream{...S ...S ... on FundingStream{...S}}} portfolio{__typename allocations{amountPence} a2:allocations(year:"2023-24"){amountPence} priorities{id} office{id}} provider{id name} office{id} mainPriority{id} otherPriorities{id} reviewWindow reviewStartDate reviewEndDate endsWithoutPlan reprocurementDue openFigureFlags{raisedBy{...U} clearedBy{...U}}}';
const R =
  "fragment R on PerformanceReturn{__typename id state acceptedBy{...U} contract{...C ... on Contract{...C}} comments{author{...U}} figureFlags{raisedBy{...U}} attachments{uploadedBy{...U}} revisions{submittedBy{...U} reviewedBy{...U}}}";
const F = U + S + C + R;

const PROVIDER_DOCS: [string, unknown?, Record<string, unknown>?][] = [
  [F + "{contracts(first:100){totalCount items{...C ...C ... on Contract{...C}}}}"],
  [F + "query($o:Int){a:contracts(first:100,officeId:$o){items{...C}} b:contracts(first:100,officeId:3){items{...C}}}", { o: 2 }],
  [F + "query($o:Int=2){contracts(first:100,officeId:$o){items{...C}}}", { o: null }],
  [F + "{returns(first:100){totalCount items{...R}}}"],
  [F + "query($i:Boolean!=false,$s:Boolean!=true){returns(first:100){items{id ...R @include(if:$i) ... @skip(if:$s){acceptedBy{...U}}}}}", { i: true, s: false }],
  [F + "query($i:Boolean!=false,$s:Boolean!=true){returns(first:100){items{id ...R @include(if:$i) ... @skip(if:$s){acceptedBy{...U}}}}}"],
  [F + "{a:contract(id:4){...C} b:contract(id:8){...C}}"],
  [F + "query Mine{me{...U}} query Theirs{returns(first:100){items{...R}}}", {}, { operationName: "Theirs" }],
  [F + "query Mine{me{...U}} query Theirs{returns(first:100){items{...R}}}", {}, { operationName: "Mine" }],
  [U + "{__typename me{...U ...U} offices{__typename id} providers(first:100){items{__typename id}}}"],
];

describe("providers: no money, no other provider, no staff e-mail, through odd-but-valid documents", () => {
  for (const who of ["pa", "pb"] as const) {
    it(`${who}: every document`, async () => {
      for (const [q, v, e] of PROVIDER_DOCS) {
        const r = await ask(who, q, v ?? {}, e ?? {});
        providerSafe(who, r.text);
        const body = JSON.parse(r.text);
        if (body.data?.providers) for (const p of body.data.providers.items) expect(p.id).toBe(own[who]);
      }
    });

    it(`${who}: office-only roots are refused whichever operation or alias asks`, async () => {
      const doc = 'query A{me{id}} query B{x:moneySummary(year:"2023-24"){__typename}} query C{fundingStreams{id}} query D{allocations{amountPence}} query E{users{email}}';
      for (const op of ["B", "C", "D", "E"]) {
        const r = await ask(who, doc, {}, { operationName: op });
        noInternals(r.text);
        const body = JSON.parse(r.text);
        expect(body.data ?? null, op).toBeNull();
        expect(body.errors[0].extensions.code, op).toBe("FORBIDDEN");
      }
      const a = JSON.parse((await ask(who, doc, {}, { operationName: "A" })).text);
      expect(a.data.me.id).toBeTypeOf("number");
    });

    it(`${who}: a mutation's payload is as safe as a query`, async () => {
      const mine = JSON.parse((await ask(who, "{returns(first:100){items{id state version period{id state} contract{id}}}}")).text).data.returns.items as { id: number; state: string; version: number; period: { id: number; state: string }; contract: { id: number } }[];
      const draft = mine.find((x) => x.period.state === "OPEN" && x.state === "DRAFT") ?? mine.find((x) => x.period.state === "OPEN");
      if (!draft) return;
      const r = await ask(who, F + "mutation($in:SaveReturnInput!){a:saveReturnDraft(input:$in){...R} }", { in: { contractId: draft.contract.id, periodId: draft.period.id, version: draft.version, achievements: "red13" } });
      providerSafe(who, r.text);
      if (draft.state === "DRAFT") expect(JSON.parse(r.text).data?.a?.id, r.text.slice(0, 300)).toBe(draft.id);
      const c = await ask(who, F + "mutation($in:PostReturnCommentInput!){postReturnComment(input:$in){id author{...U}}}", { in: { returnId: draft.id, body: "red13", idempotencyKey: `red13-${who}` } });
      providerSafe(who, c.text);
    });
  }
});

describe("offices are isolated and analysts read only, on the compiled path", () => {
  it("Dorset's and Durham's officers see none of Wiltshire's contracts, returns or money, by alias or by variable", async () => {
    const wilts = JSON.parse((await ask("off", "{contracts(first:100){items{id}}}")).text).data.contracts.items.map((c: { id: number }) => c.id) as number[];
    for (const who of ["dor", "dur"]) {
      const r = await ask(who, 'query($o:Int=1){a:contracts(first:100,officeId:$o){items{id office{id}}} b:contracts(first:100){items{id office{id}}}}', { o: 1 });
      noInternals(r.text);
      const body = JSON.parse(r.text);
      for (const k of ["a", "b"]) for (const c of body.data?.[k]?.items ?? []) expect(wilts, `${who} saw Wiltshire's contract ${c.id}`).not.toContain(c.id);
      for (const q of ['{moneySummary(officeId:1,year:"2023-24"){__typename}}', "{fundingStreams(officeId:1){id}}", "{users(officeId:1){email}}", `{contract(id:${wilts[0]}){id}}`]) {
        const x = JSON.parse((await ask(who, q)).text);
        expect(x.data ?? null, `${who} ${q}`).toBeNull();
        expect(["FORBIDDEN", "NOT_FOUND"], `${who} ${q}`).toContain(x.errors[0].extensions.code);
      }
    }
  });

  it("an analyst's mutation is refused when picked by operationName, aliased, or behind a fragment", async () => {
    const before = JSON.parse((await ask("off", "{providers(first:100){totalCount}}")).text).data.providers.totalCount;
    const docs: [string, Record<string, unknown>][] = [
      ['query Q{me{id}} mutation M{createProvider(input:{name:"Analyst Co 1",type:PRIVATE}){id}}', { operationName: "M" }],
      ['mutation{__typename x:createProvider(input:{name:"Analyst Co 2",type:PRIVATE}){...P}} fragment P on Provider{id}', {}],
      ['mutation M($n:String!="Analyst Co 3"){createProvider(input:{name:$n,type:PRIVATE}){id ... on Provider{name}}}', {}],
    ];
    for (const [q, e] of docs) {
      const r = JSON.parse((await ask("an", q, {}, e)).text);
      expect(r.errors?.[0]?.extensions?.code, q).toBe("FORBIDDEN");
      expect(r.data?.createProvider ?? r.data?.x ?? null).toBeNull();
    }
    expect(JSON.parse((await ask("off", "{providers(first:100){totalCount}}")).text).data.providers.totalCount).toBe(before);
  });
});

describe("bad variables are BAD_USER_INPUT, never INTERNAL_SERVER_ERROR", () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ["wrong type", "query($n:Int!){contract(id:$n){id}}", { n: "x" }],
    ["fraction", "query($n:Int!){contract(id:$n){id}}", { n: 1.5 }],
    ["missing", "query($n:Int!){contract(id:$n){id}}", {}],
    ["null for non-null", "query($n:Int!){contract(id:$n){id}}", { n: null }],
    ["unknown enum", "query($s:ContractStatus){contracts(status:$s){totalCount}}", { s: "NOPE" }],
    // A variable with a default may be used where a non-null argument is expected (the spec allows it); an explicit
    // null then reaches the non-null argument. That is the client's bad input, not a server fault.
    ["explicit null, defaulted variable, non-null String argument", 'query($y:String="2023-24"){moneySummary(year:$y){__typename}}', { y: null }],
    ["explicit null, defaulted variable, non-null Int argument", "query($f:Int=5){contracts(first:$f){totalCount}}", { f: null }],
    ["explicit null, defaulted variable, nested field argument", 'query($y:String="2023-24"){contracts(first:1){items{fundingPence(year:$y)}}}', { y: null }],
    ["explicit null, defaulted variable, mutation argument", 'mutation($e:String="nobody@example.org",$p:String="x"){login(email:$e,password:$p){token}}', { e: null }],
  ];
  for (const [name, q, v] of cases) {
    it(name, async () => {
      for (const who of ["off", "pb", null]) {
        const r = await ask(who, q, v);
        noInternals(r.text);
        const body = JSON.parse(r.text);
        // Signed out, the root field refuses before a nested field's argument is ever read.
        const expected = who === null && name.includes("nested") ? "UNAUTHENTICATED" : "BAD_USER_INPUT";
        expect(body.errors?.[0]?.extensions?.code, `${who}: ${r.text.slice(0, 300)}`).toBe(expected);
      }
    });
  }

  it("a null reaching @include(if:) or @skip(if:) is refused, not taken as include or skip", async () => {
    for (const dir of ["include", "skip"]) {
      const r = await ask("off", `query($b:Boolean=true){contracts(first:1){items{id reference @${dir}(if:$b)}}}`, { b: null });
      noInternals(r.text);
      const body = JSON.parse(r.text);
      expect(body.errors?.[0]?.extensions?.code, `@${dir}: ${r.text.slice(0, 300)}`).toBe("BAD_USER_INPUT");
    }
  });

  it("an over-large list of ids is refused with a code", async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const r = await ask("off", "query($ids:[Int!]!){contract(id:1){id} __typename}", { ids });
    noInternals(r.text);
    const body = JSON.parse(r.text);
    expect(["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"]).toContain(body.errors[0].extensions.code);
  });
});
