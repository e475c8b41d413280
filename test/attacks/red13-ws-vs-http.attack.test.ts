/*
 * red13: the same documents over HTTP (compiled executor) and over WebSocket. WebSocket takes subscriptions only, so
 * a query or mutation sent there (alone, or picked by operationName from a document that also holds a subscription)
 * is refused with a code and never run. A live event's return, selected through nested named and inline fragments,
 * aliases and __typename, is exactly what HTTP answers for the same selection on the same return, for an officer
 * and for a provider, and a provider's event carries no money and no staff e-mail. Bad variables get the same codes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crash, type ServerProcess } from "../support/server-process.js";
import { boot, noInternals, post, rawSocket, signIn } from "./support.js";

let server: ServerProcess;
const t: Record<string, string> = {};
beforeAll(async () => {
  server = await boot();
  for (const [k, e] of Object.entries({ off: "officer@wiltshire.demo.example", pb: "provider-b@demo.example" })) t[k] = await signIn(server.url, e);
}, 120_000);
afterAll(async () => server && (await crash(server)));

const http = async (who: string, query: string, variables: unknown = {}, extra: Record<string, unknown> = {}) => JSON.parse((await post(server.url, JSON.stringify({ query, variables, ...extra }), { authorization: `Bearer ${t[who]}` })).text);

const U = "fragment U on User{__typename id email name role provider{id}}";
const C = 'fragment C on Contract{__typename id reference potentialValuePence f:fundingPence(year:"2023-24") g:fundingPence(year:"2024-25") fundingLines{amountPence stream{__typename id name}} portfolio{__typename allocations{amountPence} priorities{id}} provider{__typename id name} reviewWindow reprocurementDue}';
const R = "fragment R on PerformanceReturn{__typename id state spendPence achievements acceptedBy{...U} contract{...C ... on Contract{...C id}} comments{author{...U}} revisions{submittedBy{...U} reviewedBy{...U}}}";
const SEL = "...R ... on PerformanceReturn{x:__typename}";

describe("WebSocket refuses queries and mutations, whatever the document", () => {
  it("a query, a mutation, and an operationName picking either beside a subscription: FORBIDDEN, nothing run", async () => {
    const before = (await http("off", "{providers(first:100){totalCount}}")).data.providers.totalCount;
    const s = await rawSocket(server.url, t.pb);
    const docs: [string, string, string?][] = [
      ["q1", '{moneySummary(year:"2023-24"){__typename}}'],
      ["q2", "query A{me{email}} subscription B{notificationsChanged{unreadCount}}", "A"],
      ["q3", 'mutation M{createProvider(input:{name:"WS Co",type:PRIVATE}){id}} subscription B{notificationsChanged{unreadCount}}', "M"],
      ["q4", 'mutation{createProvider(input:{name:"WS Co 2",type:PRIVATE}){id}}'],
    ];
    for (const [id, query, operationName] of docs) s.send({ id, type: "subscribe", payload: { query, operationName } });
    for (const [id] of docs) {
      const m = await s.next((x) => x.id === id);
      expect(m.type, id).toBe("error");
      expect(m.payload[0].extensions.code, id).toBe("FORBIDDEN");
      expect(JSON.stringify(m)).not.toMatch(/@|amountPence|"data"/);
    }
    s.socket.terminate();
    expect((await http("off", "{providers(first:100){totalCount}}")).data.providers.totalCount).toBe(before);
  });

  it("bad variables: the same codes over WebSocket as over HTTP", async () => {
    const s = await rawSocket(server.url, t.off);
    const cases: [string, Record<string, unknown>][] = [
      ["subscription($o:Int!){returnChanged(officeId:$o){seq}}", { o: "x" }],
      ["subscription($o:Int!){returnChanged(officeId:$o){seq}}", {}],
      ["subscription($o:Int!){returnChanged(officeId:$o){seq}}", { o: null }],
      // A defaulted variable given an explicit null, reaching a non-null argument: bad input, BAD_USER_INPUT.
      ["subscription($o:Int=1){returnChanged(officeId:$o){seq}}", { o: null }],
    ];
    let i = 0;
    for (const [query, variables] of cases) {
      const id = `v${i++}`;
      s.send({ id, type: "subscribe", payload: { query, variables } });
      const m = await s.next((x) => x.id === id && x.type !== "complete");
      const wsErrors = m.type === "error" ? m.payload : m.payload.errors;
      noInternals(JSON.stringify(m));
      expect(wsErrors[0].extensions.code, `${query} ${JSON.stringify(variables)}`).toBe("BAD_USER_INPUT");
      const h = await http("off", query.replace("subscription", "query").replace("returnChanged(officeId:$o){seq}", "contract(id:$o){id}"), variables);
      expect(h.errors[0].extensions.code, `HTTP ${query}`).toBe("BAD_USER_INPUT");
    }
    s.socket.terminate();
  });
});

describe("a live event's return is what HTTP answers for the same selection", () => {
  it("a provider creates a return: the officer's and the provider's events equal HTTP's answers, field for field", async () => {
    const returns = (await http("pb", "{returns(first:100){items{period{id state} contract{id}}}}")).data.returns.items as { period: { id: number; state: string }; contract: { id: number } }[];
    const open = returns.find((x) => x.period.state === "OPEN")!.period.id;
    const contracts = (await http("pb", "{contracts(officeId:1,first:100){items{id}}}")).data.contracts.items as { id: number }[];
    const fresh = contracts.find((c) => !returns.some((x) => x.period.id === open && x.contract.id === c.id));
    expect(fresh, "provider-b has a Wiltshire contract with no return in the open quarter (demo data)").toBeTruthy();
    const sockets = { off: await rawSocket(server.url, t.off), pb: await rawSocket(server.url, t.pb) };
    for (const s of Object.values(sockets)) s.send({ id: "s", type: "subscribe", payload: { query: `${U}${C}${R} subscription($o:Int!,$yes:Boolean=true){returnChanged(officeId:$o){seq returnId performanceReturn @include(if:$yes){${SEL}}}}`, variables: { o: 1 } } });
    await new Promise((r) => setTimeout(r, 500));
    const created = await http("pb", "mutation($in:SaveReturnInput!){saveReturnDraft(input:$in){id}}", { in: { contractId: fresh!.id, periodId: open, achievements: "red13" } });
    expect(created.errors, JSON.stringify(created)).toBeUndefined();
    const id = created.data.saveReturnDraft.id as number;
    for (const who of ["off", "pb"] as const) {
      const s = sockets[who];
      const ev = await s.next((m) => m.id === "s" && (m.type !== "next" || m.payload.data?.returnChanged?.returnId === id), 10_000);
      s.socket.terminate();
      expect(ev.type, JSON.stringify(ev).slice(0, 300)).toBe("next");
      const wsText = JSON.stringify(ev.payload);
      noInternals(wsText);
      const viaHttp = await http(who, `${U}${C}${R} query($id:Int!){performanceReturn(id:$id){${SEL}}}`, { id });
      expect(viaHttp.errors).toBeUndefined();
      expect(ev.payload.data.returnChanged.performanceReturn).toEqual(viaHttp.data.performanceReturn);
      if (who === "pb") {
        for (const e of wsText.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/g) ?? []) expect(e).toBe("provider-b@demo.example");
        const pr = ev.payload.data.returnChanged.performanceReturn;
        expect(pr.contract.f).toBeNull();
        expect(pr.contract.potentialValuePence).toBeNull();
        expect(pr.contract.portfolio.allocations).toEqual([]);
      } else {
        // The officer's view carries the office's money, so the comparison above compared something.
        expect(viaHttp.data.performanceReturn.contract.portfolio.allocations.length + viaHttp.data.performanceReturn.contract.fundingLines.length).toBeGreaterThan(0);
      }
    }
  });
});
