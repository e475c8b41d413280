/* Shared helpers for the red-team attack tests: a real server (harness), real database, real HTTP. */
import { startTestServer, type TestServer } from "../api/harness.js";

export type Server = TestServer;
export const start = () => startTestServer();

export interface Gql {
  data?: any;
  errors?: { message: string; extensions?: { code?: string; problems?: { field: string; rule: string; message: string }[] } }[];
  status: number;
}

export async function gql(t: TestServer, as: string, query: string, variables?: Record<string, unknown>): Promise<Gql> {
  return (await t.http(as, query, variables)) as unknown as Gql;
}

export function rules(r: Gql): string[] {
  return (r.errors ?? []).flatMap((e) => (e.extensions?.problems ?? []).map((p) => p.rule));
}
export function code(r: Gql): string | undefined {
  return r.errors?.[0]?.extensions?.code;
}

export const WILTS = "officer@wiltshire.demo.example";
export const WILTS_COMM = "commissioner@wiltshire.demo.example";
export const DORSET = "officer@dorset.demo.example";
export const DURHAM = "officer@durham.demo.example";
export const PROVIDER_A = "provider-a@demo.example";

export const CREATE = `mutation($i:ContractInput!){createContract(input:$i){id version status provider{id} portfolio{id} fundingLines{year amountPence status stream{id}}}}`;
export const UPDATE = `mutation($id:Int!,$v:Int!,$i:ContractInput!){updateContract(id:$id,version:$v,input:$i){id version status provider{id} portfolio{id} fundingLines{year amountPence status stream{id}}}}`;

export async function idByName(t: TestServer, as: string, q: string, path: (d: any) => any[], name: string, key = "name"): Promise<number> {
  const r = await gql(t, as, q);
  const item = path(r.data).find((x: any) => x[key] === name);
  if (!item) throw new Error(`no ${name} in ${JSON.stringify(r).slice(0, 500)}`);
  return item.id;
}
