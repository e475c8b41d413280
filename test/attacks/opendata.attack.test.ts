/* Guarantee 1, new features: open data shows accepted returns only and published decisions only; benchmarks respect sharing; no e-mail anywhere public. */
import { beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/server-process.js";
import { boot, gql, noInternals, signIn } from "./support.js";

let server: ServerProcess;
let admin: string;
beforeAll(async () => {
  server = await boot();
  admin = await signIn(server.url, "admin@demo.example");
});

const FILES = ["", "/ocds.json", "/360giving.json", "/360giving.csv", "/transparency.json"];

describe("open data", () => {
  it("no observation comes from a return that is not accepted, and no unpublished decision or e-mail is public", async () => {
    const offices = (await gql(server.url, admin, "{offices{id code}}")).data.offices as { id: number; code: string }[];
    for (const office of offices) {
      const pending = await gql(server.url, admin, "query($o:Int!){returns(officeId:$o,first:100){items{state correctionOpenedAt revisionCount contract{reference} period{year quarter} values{measure{code}}}}}", { o: office.id });
      const ocdsRes = await fetch(`${server.url}/open/${office.code}/ocds.json`);
      if (ocdsRes.status !== 200) continue;
      const ocds = await ocdsRes.json();
      const latest = new Map<string, any>();
      for (const r of ocds.releases) latest.set(r.ocid, r);
      for (const ret of pending.data.returns.items) {
        if (ret.state === "ACCEPTED" || ret.correctionOpenedAt) continue;
        const rel = [...latest.values()].find((r) => r.ocid.endsWith(`-${ret.contract.reference}`));
        if (!rel) continue;
        const obsIds = (rel.contracts ?? []).flatMap((c: any) => (c.implementation?.metrics ?? []).flatMap((m: any) => m.observations.map((o: any) => o.id)));
        const suffix = `-${ret.period.year}-Q${ret.period.quarter}`;
        const leaked = obsIds.filter((id: string) => id.endsWith(suffix));
        expect(leaked, `${office.code} ${ret.contract.reference} ${ret.state} ${suffix} is public`).toEqual([]);
      }
      const unpublished = ((await gql(server.url, admin, "query($o:Int!){decisions(officeId:$o){title rationale published}}", { o: office.id })).data?.decisions ?? []).filter((d: any) => !d.published);
      const users = ((await gql(server.url, admin, "query($o:Int!){users(officeId:$o){email name}}", { o: office.id })).data?.users ?? []) as { email: string; name: string }[];
      for (const f of FILES) {
        const res = await fetch(`${server.url}/open/${office.code}${f}`);
        const text = await res.text();
        if (res.status !== 200) continue;
        noInternals(text);
        expect(text, `${office.code}${f} has an e-mail`).not.toMatch(/[A-Za-z0-9._-]+@[A-Za-z0-9-]+\.demo\.example/);
        for (const d of unpublished) expect(text.includes(d.rationale), `${office.code}${f} shows unpublished decision ${d.title}`).toBe(false);
        for (const u of users) expect(text.includes(u.email), `${office.code}${f} shows ${u.email}`).toBe(false);
      }
    }
  });

  it("an office that stops publishing and sharing disappears from the public files and from others' benchmarks", async () => {
    const s = await gql(server.url, admin, "{openDataSettings(officeId:3){version}}");
    const r = await gql(server.url, admin, "mutation($v:Int!){setOpenDataSettings(version:$v,input:{officeId:3,publish:false,shareBenchmarks:false}){publish shareBenchmarks}}", { v: s.data.openDataSettings.version });
    expect(r.errors, JSON.stringify(r)).toBeUndefined();
    for (const f of FILES) expect((await fetch(`${server.url}/open/durham${f}`)).status, `/open/durham${f}`).toBe(404);
    const wilts = await signIn(server.url, "officer@wiltshire.demo.example");
    const b = await gql(server.url, wilts, "{benchmarks{peers indicators{quarters{others{officeId officeName}}}}}");
    expect(JSON.stringify(b)).not.toMatch(/Durham/);
    const durham = await signIn(server.url, "officer@durham.demo.example");
    const d = await gql(server.url, durham, "{benchmarks{sharing peers indicators{quarters{median others{officeName}}}}}");
    expect(JSON.stringify(d.data?.benchmarks?.indicators ?? []), "a non-sharing office sees others").not.toMatch(/officeName/);
    const p = await signIn(server.url, "provider-a@demo.example");
    expect((await gql(server.url, p, "{benchmarks{peers}}")).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
