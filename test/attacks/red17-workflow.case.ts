import { ADMIN, ANALYST, COMM, DORSET, OFFICER, PA, PB, type TestServer } from "./red17-kit.js";
import type { Attack } from "./red17-attack-case.js";

const NUL = "a\u0000b";
const LONE = "a\ud800b";
const MAXI = 2147483647;

export async function workflowAttacks(_s: TestServer): Promise<Attack[]> {
  const A: Attack[] = [];
  const acc = `mutation($id:Int!,$v:Int!){ acceptReturn(id:$id, version:$v){ id state } }`;
  const sb = `mutation($id:Int!,$v:Int!,$r:String!,$mc:[MeasureCommentInput!]!){ sendBackReturn(id:$id, version:$v, reason:$r, measureComments:$mc){ id state } }`;
  const ro = `mutation($id:Int!,$v:Int!,$r:String!){ reopenReturn(id:$id, version:$v, reason:$r){ id state } }`;
  for (const [id, v] of [[-1, 1], [0, 1], [MAXI, 1], [15, -1], [15, MAXI], [25, 1], [10, 1], [5, 1]] as const)
    A.push({ name: `acceptReturn id=${id} v=${v}`, as: OFFICER, query: acc, vars: { id, v }, refuse: true });
  A.push({ name: "acceptReturn analyst", as: ANALYST, query: acc, vars: { id: 15, v: 1 }, refuse: "FORBIDDEN" });
  A.push({ name: "acceptReturn provider", as: PA, query: acc, vars: { id: 15, v: 1 }, refuse: "FORBIDDEN" });
  A.push({ name: "acceptReturn dorset officer on wiltshire", as: DORSET, query: acc, vars: { id: 15, v: 1 }, refuse: true });
  // sendBack: bad comment lists
  const sbCases: [string, Record<string, unknown>][] = [
    ["empty reason", { id: 30, v: 1, r: "", mc: [] }],
    ["NUL reason", { id: 30, v: 1, r: NUL, mc: [] }],
    ["lone surrogate reason", { id: 30, v: 1, r: LONE, mc: [] }],
    ["whitespace reason", { id: 30, v: 1, r: "   \n\t", mc: [] }],
    ["comment on measure -1", { id: 30, v: 1, r: "why", mc: [{ measureId: -1, comment: "x" }] }],
    ["comment on measure MAXI", { id: 30, v: 1, r: "why", mc: [{ measureId: MAXI, comment: "x" }] }],
    ["comment on measure 0", { id: 30, v: 1, r: "why", mc: [{ measureId: 0, comment: "x" }] }],
    ["comment NUL", { id: 30, v: 1, r: "why", mc: [{ measureId: 1, comment: NUL }] }],
    ["comment empty", { id: 30, v: 1, r: "why", mc: [{ measureId: 1, comment: "" }] }],
    ["comment null", { id: 30, v: 1, r: "why", mc: [{ measureId: 1, comment: null }] }],
    ["duplicate measure comments", { id: 30, v: 1, r: "why", mc: [{ measureId: 1, comment: "a" }, { measureId: 1, comment: "b" }] }],
    ["second item bad", { id: 30, v: 1, r: "why", mc: [{ measureId: 1, comment: "a" }, { measureId: 999999, comment: "b" }] }],
    ["500 comments", { id: 30, v: 1, r: "why", mc: Array.from({ length: 500 }, () => ({ measureId: 1, comment: "c" })) }],
    ["send back a draft", { id: 25, v: 1, r: "why", mc: [] }],
    ["send back accepted", { id: 5, v: 1, r: "why", mc: [] }],
    ["send back returned", { id: 10, v: 1, r: "why", mc: [] }],
    ["stale version", { id: 30, v: 7, r: "why", mc: [] }],
    ["id -1", { id: -1, v: 1, r: "why", mc: [] }],
    ["comment for other office's measure", { id: 30, v: 1, r: "why", mc: [{ measureId: 40, comment: "x" }] }],
  ];
  for (const [n, vars] of sbCases) A.push({ name: `sendBackReturn ${n}`, as: OFFICER, query: sb, vars, refuse: true });
  A.push({ name: "sendBackReturn reason 60KB (may succeed)", as: OFFICER, query: sb, vars: { id: 59, v: 1, r: "x".repeat(60_000), mc: [] } });
  for (const [n, vars] of [
    ["reopen submitted", { id: 40, v: 1, r: "x" }], ["reopen draft", { id: 25, v: 1, r: "x" }], ["reopen empty reason", { id: 5, v: 1, r: "" }],
    ["reopen NUL reason", { id: 5, v: 1, r: NUL }], ["reopen stale", { id: 5, v: 0, r: "x" }], ["reopen id MAXI", { id: MAXI, v: 1, r: "x" }],
    ["reopen negative version", { id: 20, v: -5, r: "x" }],
  ] as const) A.push({ name: `reopenReturn ${n}`, as: OFFICER, query: ro, vars, refuse: true });
  A.push({ name: "reopenReturn as provider", as: PA, query: ro, vars: { id: 5, v: 1, r: "x" }, refuse: true });

  const close = `mutation($id:Int!,$v:Int!){ closeReportingPeriod(id:$id, version:$v){ id state } }`;
  const freeze = `mutation($id:Int!,$v:Int!){ freezePeriod(id:$id, version:$v){ frozenAt period { id } } }`;
  for (const [n, vars] of [["closed", { id: 4, v: 1 }], ["frozen", { id: 14, v: 2 }], ["stale", { id: 5, v: 9 }], ["-1", { id: -1, v: 1 }], ["MAXI", { id: MAXI, v: MAXI }], ["dorset's", { id: 6, v: 1 }]] as const)
    A.push({ name: `closeReportingPeriod ${n}`, as: OFFICER, query: close, vars, refuse: true });
  for (const [n, vars] of [["open", { id: 5, v: 1 }], ["frozen again", { id: 14, v: 2 }], ["stale closed", { id: 4, v: 5 }], ["0", { id: 0, v: 0 }], ["MAXI", { id: MAXI, v: 1 }]] as const)
    A.push({ name: `freezePeriod ${n}`, as: OFFICER, query: freeze, vars, refuse: true });
  A.push({ name: "freezePeriod provider", as: PA, query: freeze, vars: { id: 4, v: 1 }, refuse: "FORBIDDEN" });

  const pub = `mutation($id:Int!,$v:Int!){ publishDecision(id:$id, version:$v){ id published } }`;
  for (const [n, vars] of [["published", { id: 2, v: 1 }], ["stale", { id: 4, v: 2 }], ["-1", { id: -1, v: 1 }], ["MAXI", { id: MAXI, v: 1 }]] as const)
    A.push({ name: `publishDecision ${n}`, as: OFFICER, query: pub, vars, refuse: true });
  A.push({ name: "publishDecision analyst", as: ANALYST, query: pub, vars: { id: 4, v: 1 }, refuse: true });

  const score = `mutation($id:Int!,$v:Int!,$s:BriefScoresInput!){ scoreBrief(id:$id, version:$v, scores:$s){ id state } }`;
  const ok = { businessNeedScore: 2, deliverabilityScore: 2, driversScore: 2 };
  for (const [n, sc] of [["-1", { ...ok, driversScore: -1 }], ["4", { ...ok, businessNeedScore: 4 }], ["MAXI", { ...ok, deliverabilityScore: MAXI }], ["-MAXI-1", { ...ok, driversScore: -2147483648 }], ["two bad", { ...ok, driversScore: 9, businessNeedScore: -9 }], ["null", { ...ok, driversScore: null }]] as const)
    A.push({ name: `scoreBrief score ${n}`, as: OFFICER, query: score, vars: { id: 7, v: 1, s: sc }, refuse: true });
  for (const [n, vars] of [["approved brief", { id: 1, v: 1, s: ok }], ["declined brief", { id: 6, v: 1, s: ok }], ["stale", { id: 7, v: 3, s: ok }], ["MAXI", { id: MAXI, v: 1, s: ok }]] as const)
    A.push({ name: `scoreBrief ${n}`, as: OFFICER, query: score, vars, refuse: true });

  const decline = `mutation($id:Int!,$v:Int!,$r:String!){ declineBrief(id:$id, version:$v, reason:$r){ id state } }`;
  for (const [n, vars] of [["empty reason", { id: 5, v: 1, r: "" }], ["NUL", { id: 5, v: 1, r: NUL }], ["surrogate", { id: 5, v: 1, r: "\udfff" }], ["approved", { id: 1, v: 1, r: "x" }], ["declined", { id: 6, v: 1, r: "x" }], ["submitted (unscored)", { id: 7, v: 1, r: "x" }], ["stale", { id: 5, v: 0, r: "x" }]] as const)
    A.push({ name: `declineBrief ${n}`, as: OFFICER, query: decline, vars, refuse: true });

  const approve = `mutation($id:Int!,$v:Int!,$c:BriefContractInput!){ approveBrief(id:$id, version:$v, contract:$c){ id state } }`;
  const c = { mechanism: "GRANT", providerId: 20, reference: "RED17-AP-1", startDate: "2024-04-01" };
  for (const [n, cc] of [
    ["provider -1", { ...c, providerId: -1 }], ["provider MAXI", { ...c, providerId: MAXI }], ["empty reference", { ...c, reference: "" }],
    ["NUL reference", { ...c, reference: NUL }], ["duplicate reference", { ...c, reference: "WSW-VV-01" }], ["bad date", { ...c, startDate: "2024-02-30" }],
    ["date garbage", { ...c, startDate: "yesterday" }], ["date year 0", { ...c, startDate: "0000-01-01" }], ["date 5 digit year", { ...c, startDate: "+10000-01-01" }],
    ["date with time", { ...c, startDate: "2024-04-01T25:00:00Z" }], ["portfolio when brief has one", { ...c, portfolioId: 1 }], ["portfolio other office", { ...c, portfolioId: 4 }],
    ["portfolio MAXI", { ...c, portfolioId: MAXI }], ["reference 10k", { ...c, reference: "R".repeat(10_000) }], ["null startDate", { ...c, startDate: null, reference: "RED17-AP-NULL", providerId: -5 }],
  ] as const) A.push({ name: `approveBrief ${n}`, as: OFFICER, query: approve, vars: { id: 5, v: 1, c: cc }, refuse: true });
  A.push({ name: "approveBrief unscored", as: OFFICER, query: approve, vars: { id: 7, v: 1, c }, refuse: true });
  A.push({ name: "approveBrief approved", as: OFFICER, query: approve, vars: { id: 1, v: 1, c }, refuse: true });

  const office = `mutation($i:CreateOfficeInput!){ createOffice(input:$i){ id code } }`;
  for (const [n, i] of [["dup code", { code: "dorset", name: "X", commissionerTitle: "PCC" }], ["dup code upper", { code: "DORSET", name: "X2", commissionerTitle: "PCC" }],
    ["empty code", { code: "", name: "X", commissionerTitle: "PCC" }], ["empty name", { code: "red17a", name: "", commissionerTitle: "PCC" }],
    ["code with slash", { code: "a/b", name: "X", commissionerTitle: "PCC" }], ["code spaces", { code: "a b", name: "X", commissionerTitle: "PCC" }],
    ["code 5000", { code: "c".repeat(5000), name: "X", commissionerTitle: "PCC" }], ["NUL name", { code: "red17b", name: NUL, commissionerTitle: "PCC" }],
    ["NUL key", { code: "red17c", name: "X", commissionerTitle: "PCC", ["k\u0000"]: 1 }], ["null title", { code: "red17d", name: "X", commissionerTitle: null }]] as const)
    A.push({ name: `createOffice ${n}`, as: ADMIN, query: office, vars: { i }, refuse: true });
  A.push({ name: "createOffice as commissioner", as: COMM, query: office, vars: { i: { code: "red17e", name: "X", commissionerTitle: "PCC" } }, refuse: "FORBIDDEN" });

  const del = `mutation($id:Int!){ deleteAttachment(id:$id){ id } }`;
  for (const id of [-1, 0, MAXI]) A.push({ name: `deleteAttachment ${id}`, as: OFFICER, query: del, vars: { id }, refuse: "NOT_FOUND" });
  const clr = `mutation($id:Int!,$v:Int!,$n:String){ clearFigureFlag(id:$id, version:$v, note:$n){ id } }`;
  for (const [n, vars] of [["-1", { id: -1, v: 1 }], ["MAXI", { id: MAXI, v: 1, n: "x" }], ["NUL note", { id: 1, v: 1, n: NUL }]] as const)
    A.push({ name: `clearFigureFlag ${n}`, as: OFFICER, query: clr, vars, refuse: true });
  const mark = `mutation($ids:[Int!]!){ markNotificationsRead(notificationIds:$ids) }`;
  for (const [n, ids] of [["-1", [-1]], ["0", [0]], ["MAXI", [MAXI]], ["5000 ids", Array.from({ length: 5000 }, (_, i) => i + 1)], ["null item", [null]], ["min int", [-2147483648]]] as const)
    A.push({ name: `markNotificationsRead ${n}`, as: PB, query: mark, vars: { ids }, refuse: true });
  A.push({ name: "markNotificationsRead 2^31", as: PB, query: mark, vars: { ids: [2147483648] }, refuse: "BAD_USER_INPUT" });
  A.push({ name: "markNotificationsRead float", as: PB, query: mark, vars: { ids: [1.5] }, refuse: "BAD_USER_INPUT" });
  return A;
}
