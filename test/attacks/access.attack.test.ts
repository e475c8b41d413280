/* Guarantees 1 and 2: one access policy per type, through every path; the provider register. */
import { beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/server-process.js";
import { boot, gql, noInternals, rawSocket, signIn } from "./support.js";

let server: ServerProcess;
const t: Record<string, string> = {};
let ids: { wReturnsOther: number[]; wSubmitted: number[]; wContractOther: number; dContract: number; providerB: number; providerA: number; wDraftOfB?: number } = null!;

beforeAll(async () => {
  server = await boot();
  for (const [k, e] of Object.entries({ admin: "admin@demo.example", off: "officer@wiltshire.demo.example", an: "analyst@wiltshire.demo.example", dor: "officer@dorset.demo.example", dur: "officer@durham.demo.example", pa: "provider-a@demo.example", pb: "provider-b@demo.example" })) t[k] = await signIn(server.url, e);
  const me = await gql(server.url, t.pb, "{me{provider{id}}}");
  const meA = await gql(server.url, t.pa, "{me{provider{id}}}");
  const pbId = me.data.me.provider.id;
  const r = await gql(server.url, t.admin, "{a:returns(officeId:1,first:100){items{id state contract{id provider{id}}}} d:contracts(officeId:2,first:1){items{id}}}");
  const items = r.data.a.items as { id: number; state: string; contract: { id: number; provider: { id: number } } }[];
  const other = items.filter((i) => i.contract.provider.id !== pbId && i.contract.provider.id !== meA.data.me.provider.id);
  ids = {
    wReturnsOther: other.map((i) => i.id),
    wSubmitted: items.filter((i) => i.state !== "ACCEPTED").map((i) => i.id),
    wContractOther: other[0].contract.id,
    dContract: r.data.d.items[0].id,
    providerB: pbId,
    providerA: meA.data.me.provider.id,
  };
});

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/g;

function providerSafe(text: string, ownEmail: string, ownProvider: number): void {
  noInternals(text);
  for (const e of text.match(EMAIL) ?? []) expect(e, `provider saw staff/foreign e-mail in ${text.slice(0, 400)}`).toBe(ownEmail);
  const body = JSON.parse(text);
  const walk = (v: unknown, pathStr: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${pathStr}.${i}`));
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const p = `${pathStr}.${k}`;
        if (k === "provider" && x && typeof x === "object" && "id" in (x as object)) expect((x as { id: number }).id, p).toBe(ownProvider);
        if (["years", "allocations", "otherPriorities", "priorities", "children"].includes(k)) expect(x, p).toEqual([]);
        if (["year", "parent", "reviewWindow", "plannedStartDate", "potentialValuePence", "mainPriority", "reviewStartDate", "reviewEndDate"].includes(k)) expect(x, p).toBeNull();
        walk(x, p);
      }
    }
  };
  walk(body.data, "data");
}

const PROVIDER_QUERIES = [
  `{contracts(first:100){items{id provider{id} portfolio{id allocations{id amountPence} priorities{id} office{id}} fundingLines{stream{id years{amountPence} y:year(year:"2023-24"){amountPence} parent{id} children{id}}} reviewWindow plannedStartDate potentialValuePence reviewStartDate reviewEndDate mainPriority{id} otherPriorities{id}}}}`,
  `{returns(first:100){items{id contract{provider{id}} acceptedBy{email name} revisions{submittedBy{email} reviewedBy{email}}}}}`,
  `{a:contracts(officeId:1,first:100){items{provider{id}}} b:contracts(officeId:2,first:100){items{provider{id}}} c:contracts(officeId:3,first:100){items{provider{id}}}}`,
  `query($p:Int){contracts(providerId:$p,first:100){items{provider{id}}}}`,
  `{providers(first:100){items{id name}}}`,
  `fragment R on PerformanceReturn{id contract{provider{id}} acceptedBy{...U}} fragment U on User{email provider{id}} {returns(first:100){items{...R}}}`,
  `{me{id email provider{id}}}`,
];

describe("providers through every path", () => {
  for (const [who, email] of [["pb", "provider-b@demo.example"], ["pa", "provider-a@demo.example"]] as const) {
    it(`${who}: nested paths, aliases, fragments, variables leak nothing foreign`, async () => {
      const own = who === "pb" ? ids.providerB : ids.providerA;
      const otherP = who === "pb" ? ids.providerA : ids.providerB;
      for (const q of PROVIDER_QUERIES) {
        const res = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t[who]}` }, body: JSON.stringify({ query: q, variables: { p: otherP } }) });
        providerSafe(await res.text(), email, own);
      }
    });
  }

  it("by-id lookups of foreign ids are NOT_FOUND / refused, and foreign-id mutations change nothing", async () => {
    const probes: [string, Record<string, unknown>][] = [
      ["query($id:Int!){contract(id:$id){id}}", { id: ids.wContractOther }],
      ["query($id:Int!){contract(id:$id){id}}", { id: ids.dContract }],
      ["query($id:Int!){performanceReturn(id:$id){id}}", { id: ids.wReturnsOther[0] }],
      ["query($id:Int!){returnDiff(returnId:$id,from:1,to:2){field}}", { id: ids.wReturnsOther[0] }],
      ["query($id:Int!){contractScorecard(contractId:$id){rows{cells{numerator}}}}", { id: ids.wContractOther }],
      ["query($id:Int!){returns(contractId:$id){items{id}}}", { id: ids.wContractOther }],
      ["query($id:Int!){provider(id:$id){id}}", { id: ids.providerA }],
      ["mutation($id:Int!){saveReturnDraft(input:{contractId:$id,periodId:4}){id}}", { id: ids.wContractOther }],
      ["mutation($id:Int!){submitReturn(input:{returnId:$id,version:1,idempotencyKey:\"attack-key-1\"}){id}}", { id: ids.wReturnsOther[0] }],
      ["{moneySummary(officeId:1,year:\"2023-24\"){totalPence}}", {}],
      ["{allocations(officeId:1){amountPence}}", {}],
      ["{fundingStreams(officeId:1){years{amountPence}}}", {}],
      ["{reprocurementPipeline(officeId:1){id reviewWindow}}", {}],
      ["{benchmarks(officeId:1){indicators{code}}}", {}],
      ["{scorecards(officeId:1){rows{cells{numerator}}}}", {}],
      ["{boardAttention(periodId:4){offTarget}}", {}],
      ["{users{email}}", {}],
      ["{strategicPlans{id}}", {}],
      ["{frozenQuarters{money{totalPence}}}", {}],
      ["{quarterChanges(periodId:4){reason}}", {}],
      ["{decisions{id}}", {}],
    ];
    for (const [q, v] of probes) {
      const r = await gql(server.url, t.pb, q, v);
      const text = JSON.stringify(r);
      noInternals(text);
      expect((r.errors?.length ?? 0) > 0 || /"items":\[\]/.test(text), `${q} answered ${text.slice(0, 300)}`).toBe(true);
      expect(text).not.toMatch(/"(totalPence|amountPence|numerator|offTarget|email|reviewWindow)":/);
    }
  });
});

describe("offices never see each other", () => {
  it("Dorset's officer: foreign ids in queries and in mutations' inputs (whose results would lead into Wiltshire) are refused", async () => {
    const probes: [string, Record<string, unknown>][] = [
      ["query($id:Int!){contract(id:$id){id}}", { id: ids.wContractOther }],
      ["query($id:Int!){performanceReturn(id:$id){id}}", { id: ids.wReturnsOther[0] }],
      ["{moneySummary(officeId:1,year:\"2023-24\"){totalPence}}", {}],
      ["{scorecards(officeId:1){rows{cells{numerator}}}}", {}],
      ["{benchmarks(officeId:1){own:indicators{code}}}", {}],
      ["{users(officeId:1){email}}", {}],
      ["{riskHeatMap(officeId:1){total}}", {}],
      ["query($id:Int!){scorecardProvenance(indicatorId:1,periodId:$id){contractReference submittedBy}}", { id: 4 }],
      ["query($id:Int!){boardAttention(periodId:$id){offTarget}}", { id: 4 }],
      ["query($id:Int!){returnCompleteness(periodId:$id){due}}", { id: 4 }],
      ["query($id:Int!){quarterChanges(periodId:$id){reason}}", { id: 14 }],
      ["mutation{createAllocation(input:{streamId:3,portfolioId:4,kind:PORTFOLIO,amountPence:1,year:\"2019-20\",label:\"xx\"}){stream{years{amountPence}}}}", {}],
      ["mutation{createPortfolio(input:{name:\"Attack portfolio\",priorityIds:[2,3]}){priorities{title}}}", {}],
      ["mutation{createFundingStream(input:{name:\"Attack stream\",source:OTHER,parentId:3}){parent{years{amountPence}}}}", {}],
      ["mutation{createIndicator(input:{code:\"ATTACK_IND\",name:\"Attack\",direction:HIGHER_IS_BETTER,unit:COUNT,numeratorMeasureIds:[1]}){numeratorMeasures{code}}}", {}],
      ["mutation{createRisk(input:{title:\"Attack risk\",ownerName:\"Someone\",impact:1,likelihood:1,portfolioId:1}){portfolio{name}}}", {}],
      ["mutation{submitBrief(input:{title:\"Attack brief\",summary:\"A long enough summary for a brief\",drivers:[COMPLIANCE],portfolioId:1}){portfolio{name}}}", {}],
      ["mutation($r:Int!){recordDecision(input:{title:\"Attack decision\",rationale:\"A rationale that is long enough\",kind:AWARD,decidedOn:\"2020-01-01\",evidenceReturnIds:[$r]}){evidence{values{value}}}}", { r: ids.wReturnsOther[0] }],
      ["mutation($c:Int!){recordDecision(input:{title:\"Attack decision\",rationale:\"A rationale that is long enough\",kind:AWARD,decidedOn:\"2020-01-01\",evidenceReturnIds:[],contractId:$c}){contract{title}}}", { c: ids.wContractOther }],
      ["mutation{createKeyPerformanceQuestion(input:{priorityId:2,question:\"What about Wiltshire?\",indicatorIds:[1]}){indicators{code}}}", {}],
      ["mutation{createPlanPriority(input:{planId:1,title:\"Attack priority\"}){plan{title}}}", {}],
      ["mutation{openReportingPeriod(quarter:\"2030-31 Q1\",officeId:1){id}}", {}],
      ["mutation{setTarget(input:{indicatorId:1,contractId:1,year:\"2023-24\",value:5}){id}}", {}],
      ["mutation($c:Int!){setContractKpis(contractId:$c,indicatorIds:[],version:1){id}}", { c: ids.wContractOther }],
      ["mutation($c:Int!){setReportingSchedule(id:$c,schedule:YEARLY,version:1){id}}", { c: ids.wContractOther }],
      ["mutation{setOpenDataSettings(version:1,input:{officeId:1,publish:false}){publish}}", {}],
    ];
    for (const [q, v] of probes) {
      const r = await gql(server.url, t.dor, q, v);
      const text = JSON.stringify(r);
      noInternals(text);
      expect(r.errors?.length, `${q} answered ${text.slice(0, 300)}`).toBeGreaterThan(0);
      expect(r.data ? Object.values(r.data).every((x) => x == null) : true, text.slice(0, 300)).toBe(true);
    }
  });
});

describe("analysts read only accepted returns and published decisions, and never write", () => {
  it("no drafts/submitted through any path, no unpublished decision, every write refused", async () => {
    const reads = [
      "{returns(first:100){items{state}}}",
      "{scorecards(includeSubmitted:true){rows{cells{provisional}}}}",
      "{scorecardProvenance(indicatorId:1,periodId:4,includeSubmitted:true){state}}",
      "{decisions{published evidence{state}}}",
      "{contracts(first:100){items{id}}}",
    ];
    for (const q of reads) {
      const r = await gql(server.url, t.an, q);
      const text = JSON.stringify(r);
      noInternals(text);
      expect(text).not.toMatch(/"(DRAFT|SUBMITTED|RETURNED)"|"provisional":true|"published":false/);
    }
    for (const id of ids.wSubmitted.slice(0, 10)) {
      const r = await gql(server.url, t.an, "query($id:Int!){performanceReturn(id:$id){state}}", { id });
      expect(r.data?.performanceReturn ?? null).toBeNull();
    }
    const writes = [
      "mutation{createRisk(input:{title:\"Analyst risk\",ownerName:\"Analyst\",impact:1,likelihood:1}){id}}",
      "mutation{createProvider(input:{name:\"Analyst Co\",type:PRIVATE}){id}}",
      "mutation{updateProvider(id:7,version:1,input:{name:\"Victim Support\",type:VOLUNTARY_COMMUNITY}){id}}",
      "mutation{openReportingPeriod(quarter:\"2031-32 Q1\"){id}}",
      "mutation{setOpenDataSettings(version:1,input:{publish:false}){publish}}",
      "mutation{submitBrief(input:{title:\"Analyst brief\",summary:\"A long enough summary for a brief\",drivers:[COMPLIANCE]}){id}}",
    ];
    for (const q of writes) {
      const r = await gql(server.url, t.an, q);
      expect(r.errors?.[0]?.extensions?.code, q).toBe("FORBIDDEN");
    }
  });
});

describe("a published decision that cites a submitted return", () => {
  it("the analyst sees the decision but not the submitted return through decision.evidence", async () => {
    const sub = await gql(server.url, t.off, "{returns(state:SUBMITTED,first:5){items{id contract{id}}}}");
    const ret = sub.data.returns.items[0];
    const d = await gql(server.url, t.off, "mutation($r:Int!,$c:Int!){recordDecision(input:{title:\"Extend the service\",rationale:\"Based on the latest submitted return\",kind:EXTEND,decidedOn:\"2024-05-01\",evidenceReturnIds:[$r],contractId:$c}){id version}}", { r: ret.id, c: ret.contract.id });
    if (d.errors) return; // refused to cite it at all: nothing to leak
    const co = await signIn(server.url, "commissioner@wiltshire.demo.example");
    const p = await gql(server.url, co, "mutation($id:Int!,$v:Int!){publishDecision(id:$id,version:$v){id}}", { id: d.data.recordDecision.id, v: d.data.recordDecision.version });
    expect(p.errors, JSON.stringify(p)).toBeUndefined();
    const a = await gql(server.url, t.an, "{decisions{id evidence{id state values{value} revisions{values{value}}} contract{id}}}");
    const mine = a.data.decisions.find((x: { id: number }) => x.id === d.data.recordDecision.id);
    expect(mine, "analyst cannot see the published decision").toBeTruthy();
    expect(JSON.stringify(mine.evidence)).not.toMatch(/SUBMITTED|DRAFT|RETURNED/);
    expect(mine.evidence.map((e: { id: number }) => e.id)).not.toContain(ret.id);
    const pub = await (await fetch(`${server.url}/open/wiltshire/transparency.json`)).text();
    expect(pub).not.toMatch(/"state":"SUBMITTED"/);
  });
});

describe("the provider register", () => {
  it("an office without a contract with a provider cannot edit it; neither can providers nor analysts", async () => {
    // provider B holds contracts in Wiltshire only
    const before = await gql(server.url, t.admin, "query($id:Int!){provider(id:$id){id name type version charityNumber companyNumber}}", { id: ids.providerB });
    const p = before.data.provider;
    for (const who of ["dor", "dur", "pb", "pa", "an"]) {
      const r = await gql(server.url, t[who], "mutation($id:Int!,$v:Int!,$n:String!,$ty:ProviderType!){updateProvider(id:$id,version:$v,input:{name:$n,type:$ty,charityNumber:\"999999\"}){id name}}", { id: p.id, v: p.version, n: `${p.name} (hijacked by ${who})`, ty: p.type });
      expect(r.errors?.[0]?.extensions?.code, `${who}: ${JSON.stringify(r)}`).toMatch(/FORBIDDEN|NOT_FOUND/);
    }
    const after = await gql(server.url, t.admin, "query($id:Int!){provider(id:$id){name version charityNumber}}", { id: ids.providerB });
    expect(after.data.provider).toEqual({ name: p.name, version: p.version, charityNumber: p.charityNumber });
  });
});

describe("WebSocket subscriptions and replays", () => {
  it("a provider and an analyst get no foreign or unaccepted events, live or replayed", async () => {
    const Q = "subscription($s:Int){returnChanged(officeId:1,since:$s){seq state returnId performanceReturn{id state contract{provider{id}} acceptedBy{email}}}}";
    const C = "subscription($s:Int){contractChanged(officeId:1,since:$s){seq contract{id provider{id} potentialValuePence reviewWindow fundingLines{stream{years{amountPence}}}}}}";
    const pb = await rawSocket(server.url, t.pb);
    const an = await rawSocket(server.url, t.an);
    const dor = await rawSocket(server.url, t.dor);
    for (const s of [pb, an, dor]) {
      s.send({ id: "r", type: "subscribe", payload: { query: Q, variables: { s: 0 } } });
      s.send({ id: "c", type: "subscribe", payload: { query: C, variables: { s: 0 } } });
    }
    await new Promise((r) => setTimeout(r, 800));
    // an officer sends back another provider's submitted return, and edits another provider's contract
    const sub = await gql(server.url, t.admin, "{returns(officeId:1,state:SUBMITTED,first:100){items{id version contract{provider{id}}}}}");
    const victim = sub.data.returns.items.find((i: { contract: { provider: { id: number } } }) => i.contract.provider.id !== ids.providerB);
    const sb = await gql(server.url, t.off, "mutation($id:Int!,$v:Int!){sendBackReturn(id:$id,version:$v,reason:\"Please check the figures\"){id state}}", { id: victim.id, v: victim.version });
    expect(sb.errors, JSON.stringify(sb)).toBeUndefined();
    const c = await gql(server.url, t.off, "query($id:Int!){contract(id:$id){version title}}", { id: ids.wContractOther });
    await gql(server.url, t.off, "mutation($id:Int!,$v:Int!,$t:String!){updateContract(id:$id,version:$v,input:{title:$t}){id}}", { id: ids.wContractOther, v: c.data.contract.version, t: `${c.data.contract.title} (edited)` });
    await new Promise((r) => setTimeout(r, 2000));
    // a reconnect replays from 0
    const pb2 = await rawSocket(server.url, t.pb);
    pb2.send({ id: "r", type: "subscribe", payload: { query: Q, variables: { s: 0 } } });
    pb2.send({ id: "c", type: "subscribe", payload: { query: C, variables: { s: 0 } } });
    await new Promise((r) => setTimeout(r, 1500));
    const seen = (s: typeof pb) => s.messages.filter((m) => m.type === "next" && m.payload?.data).map((m) => m.payload);
    for (const s of [pb, pb2]) {
      const text = JSON.stringify(seen(s));
      noInternals(text);
      for (const p of seen(s)) {
        const ev = p.data?.returnChanged ?? p.data?.contractChanged;
        expect(ev?.returnId === victim.id || ev?.contract?.id === ids.wContractOther, `provider B got ${JSON.stringify(p)}`).toBe(false);
      }
      expect(text).not.toMatch(/"amountPence"|"reviewWindow":"|@/);
    }
    for (const p of seen(an)) {
      const ev = p.data?.returnChanged;
      if (ev) expect(ev.state, `analyst got ${JSON.stringify(p)}`).toBe("ACCEPTED");
    }
    expect(seen(dor), "Dorset's officer got Wiltshire events").toEqual([]);
    for (const s of [pb, an, dor, pb2]) s.socket.close();
  });
});
