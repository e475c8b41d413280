// red18: providers(search:) — literal, bounded, and the same on SQLite and PostgreSQL.
import { expect, it } from "vitest";
import { codesOf, OFFICER, PA, post, verdict, type TestServer } from "./red18-kit.js";

/** Providers with names that a LIKE, GLOB, regex or case-folding bug would mis-match. */
export const TRICKY = [
  "red18 100% Care_Trust", "red18 100x CareXTrust", "red18 Back\\slash [Brackets] *Star* ?Q", "red18 O'Brien \"Quoted\" Ltd",
  "red18 ÉCOLE Élan", "red18 école élan", "red18 Straße Hilfe", "red18 STRASSE HILFE", "red18 İstanbul Dost", "red18 Ωmega σύλλογος",
  "red18 😀 Emoji Partners", "red18 a.b+c(d)|e^f$g", "red18 tab\there", "red18 caret^ pipe| dollar$",
];

export const SEARCHES: string[] = [
  "", " ", "  ", "red18", "RED18", "Red18", "%", "_", "%%", "__", "100%", "100% C", "e_T", "Care_", "\\", "\\\\", "\\%", "\\_", "[", "[B", "]", "*", "*Star*", "?", "?Q",
  "'", "O'B", "o'b", "\"", "'; --", ".", "a.b", "+c", "(d)", "|e", "^f", "$g", "écol", "ÉCOL", "Écol", "école", "ÉCOLE", "straße", "STRASSE", "strasse", "ß",
  "i̇stanbul", "İstanbul", "istanbul", "ΣΎΛΛΟΓΟΣ", "σύλλογος", "Ωmega", "ωmega", "😀", "\u200b", "\u202e", "\t", "\\t", "x".repeat(100), "😀".repeat(50),
  " red18", "red18 ", "Victim", "victim", "VICTIM", "support", "&",
];

export async function addTricky(s: TestServer) {
  for (const name of TRICKY) {
    const r = await post(s, OFFICER, `mutation($name: String!) { createProvider(input: { name: $name, type: VOLUNTARY_COMMUNITY }) { id name } }`, { name });
    expect(r.errors, r.text).toBeUndefined();
  }
}

export async function allNames(s: TestServer, role = OFFICER): Promise<string[]> {
  const names: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const r = await post(s, role, `query($o: Int!) { providers(first: 100, offset: $o) { hasMore items { name } } }`, { o: offset });
    expect(r.errors, r.text).toBeUndefined();
    names.push(...r.data.providers.items.map((x: any) => x.name));
    if (!r.data.providers.hasMore) return names;
  }
}

export async function search(s: TestServer, q: string, role = OFFICER): Promise<{ names?: string[]; total?: number; codes: string[]; verdict: string }> {
  const names: string[] = [];
  let total: number | undefined;
  for (let offset = 0; ; offset += 100) {
    const r = await post(s, role, `query($q: String, $o: Int!) { providers(first: 100, offset: $o, search: $q) { totalCount hasMore items { name } } }`, { q, o: offset });
    if (r.errors || verdict(r) !== "ok") return { codes: codesOf(r), verdict: verdict(r) };
    total = r.data.providers.totalCount;
    names.push(...r.data.providers.items.map((x: any) => x.name));
    if (!r.data.providers.hasMore) return { names, total, codes: [], verdict: "ok" };
  }
}

export function searchSuite(get: () => TestServer) {
  it("every search is a success or a coded refusal, and matches the name literally (no wildcards, no patterns)", async () => {
    const s = get();
    await addTricky(s);
    const names = await allNames(s);
    const bad: string[] = [];
    for (const q of SEARCHES) {
      const r = await search(s, q);
      if (r.verdict !== "ok") { bad.push(`${JSON.stringify(q)}: ${r.verdict}`); continue; }
      if (!r.names) { if (!r.codes.includes("BAD_USER_INPUT")) bad.push(`${JSON.stringify(q)}: ${r.codes}`); continue; }
      if (r.total !== r.names.length) bad.push(`${JSON.stringify(q)}: totalCount ${r.total}, ${r.names.length} rows`);
      if (q === "") { if (r.names.length !== names.length) bad.push(`"": ${r.names.length} of ${names.length}`); continue; }
      // Literal: every hit contains the text (at least ignoring case), and every exact-case container is a hit.
      const loose = (n: string) => n.toLowerCase().includes(q.toLowerCase()) || n.toUpperCase().includes(q.toUpperCase());
      for (const n of r.names) if (!loose(n)) bad.push(`${JSON.stringify(q)} matched ${JSON.stringify(n)}, which does not contain it`);
      for (const n of names) if (n.includes(q) && !r.names.includes(n)) bad.push(`${JSON.stringify(q)} missed ${JSON.stringify(n)}, which contains it`);
    }
    expect(bad).toEqual([]);
  });

  it("letters fold alike whatever their script: if \"victim\" finds \"Victim Support\", then \"école\" finds \"ÉCOLE\" and \"straße\" finds \"Straße\"", async () => {
    const s = get();
    const hits = async (q: string) => (await search(s, q)).names ?? [];
    const asciiFolds = (await hits("victim")).includes("Victim Support");
    const got = {
      ascii: asciiFolds,
      latin: (await hits("école")).includes("red18 ÉCOLE Élan"),
      sharpS: (await hits("red18 straße")).includes("red18 Straße Hilfe") && (await hits("red18 STRAßE")).includes("red18 Straße Hilfe"),
      greek: (await hits("ΣΎΛΛΟΓΟΣ")).includes("red18 Ωmega σύλλογος"),
      turkishDotted: (await hits("İstanbul")).includes("red18 İstanbul Dost"),
    };
    expect(got).toEqual({ ascii: asciiFolds, latin: asciiFolds, sharpS: asciiFolds, greek: asciiFolds, turkishDotted: true });
  });

  it("a search over 100 characters, or of text no store keeps, is BAD_USER_INPUT (HTTP and the server still answers)", async () => {
    const s = get();
    const bad: string[] = [];
    for (const q of ["x".repeat(101), "x".repeat(10_000), "x".repeat(60_000), "%".repeat(101), "a\u0000b", "\ud800", "😀".repeat(101)]) {
      const r = await search(s, q);
      if (!r.codes.includes("BAD_USER_INPUT")) bad.push(`${q.slice(0, 12)}… (${q.length}): ${r.verdict} ${r.codes} ${r.names?.length}`);
    }
    for (const q of [12, true, ["a"], { a: 1 }]) {
      const r = await post(s, OFFICER, `query($q: String) { providers(search: $q) { totalCount } }`, { q });
      if (r.status !== 400 || !codesOf(r).includes("BAD_USER_INPUT")) bad.push(`${JSON.stringify(q)}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    expect(bad).toEqual([]);
    expect((await post(s, OFFICER, "{ me { id } }")).status).toBe(200);
  });

  it("a provider user's search finds nothing it could not see without one (the register is shared; search adds nothing)", async () => {
    const s = get();
    const all = await allNames(s, PA);
    for (const q of ["", "%", "_", "a", "red18"]) {
      const r = await search(s, q, PA);
      if (r.names) for (const n of r.names) expect(all, `search ${q}`).toContain(n);
    }
  });
}

/** Each search's answer, for comparing stores. */
export async function answers(s: TestServer): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const q of SEARCHES) {
    const r = await search(s, q);
    out[JSON.stringify(q)] = r.names ? JSON.stringify([...r.names].sort()) : `refused ${r.codes.join(",")}`;
  }
  return out;
}
