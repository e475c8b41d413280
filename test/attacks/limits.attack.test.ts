/* Guarantee 3: limits before parsing on both transports, coded refusals, no INTERNAL_SERVER_ERROR or stack, no hints/introspection for providers or anonymous. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/server-process.js";
import { boot, noInternals, post, rawSocket, signIn } from "./support.js";

let server: ServerProcess;
let provider: string;
let officer: string;
beforeAll(async () => {
  server = await boot();
  provider = await signIn(server.url, "provider-b@demo.example");
  officer = await signIn(server.url, "officer@wiltshire.demo.example");
});
afterAll(async () => {});

const auth = (t: string | null): Record<string, string> => (t ? { authorization: `Bearer ${t}` } : {});

describe("HTTP: malformed operations never become INTERNAL_SERVER_ERROR", () => {
  for (const who of ["anonymous", "provider", "officer"] as const) {
    it(`unknown operationName is a coded client error, not a 500 (${who})`, async () => {
      const token = who === "anonymous" ? null : who === "provider" ? provider : officer;
      const r = await post(server.url, JSON.stringify({ query: "{ me { id } }", operationName: "X" }), auth(token));
      noInternals(r.text);
      expect(r.status).toBeLessThan(500);
    });
  }

  for (const query of ["subscription{returnChanged(officeId:1){seq}}", "subscription{contractChanged(officeId:1){seq}}", "subscription{csvImportProgress(importId:\"x\"){phase}}", "subscription{scorecardChanged(periodId:4,portfolioId:2){seq}}"]) {
    it(`a subscription sent over HTTP POST is refused with a code, not INTERNAL_SERVER_ERROR: ${query}`, async () => {
      for (const token of [provider, officer]) {
        const r = await post(server.url, JSON.stringify({ query }), auth(token));
        noInternals(r.text);
        expect(JSON.parse(r.text).errors?.[0]?.extensions?.code).toBeTruthy();
      }
    });
  }

  const bodies: [string, string][] = [
    ["batched array", JSON.stringify([{ query: "{me{id}}" }, { query: "{me{id}}" }])],
    ["query is a number", JSON.stringify({ query: 123 })],
    ["variables as string", JSON.stringify({ query: "{me{id}}", variables: "{}" })],
    ["variables as array", JSON.stringify({ query: "{me{id}}", variables: [1] })],
    ["null body", "null"],
    ["bad json", "{bad"],
    ["two anonymous operations", JSON.stringify({ query: "{me{id}} {me{id}}" })],
    ["operationName of a fragment", JSON.stringify({ query: "query A{me{...F}} fragment F on User{id}", operationName: "F" })],
    ["operationName is a number", JSON.stringify({ query: "query A{me{id}}", operationName: 5 })],
    ["operationName mismatched among two", JSON.stringify({ query: "query A{me{id}} query B{me{id}}", operationName: "C" })],
    ["persisted query hash only", JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } } })],
    ["unterminated", JSON.stringify({ query: "{ me(" })],
    ["variable of wrong type", JSON.stringify({ query: "query($id:Int!){contract(id:$id){id}}", variables: { id: "x" } })],
    ["huge int", JSON.stringify({ query: "{contract(id: 99999999999999999999){id}}" })],
    ["fragment cycle", JSON.stringify({ query: "{me{...F}} fragment F on User{...G} fragment G on User{...F}" })],
  ];
  for (const [name, body] of bodies) {
    it(`${name}: coded, < 500, no stack`, async () => {
      const r = await post(server.url, body, auth(provider));
      noInternals(r.text);
      expect(r.status).toBeLessThan(500);
    });
  }
});

describe("HTTP: size limits before parsing", () => {
  it("document bytes, tokens, directives, depth, aliases (also hidden in fragments) are QUERY_TOO_COMPLEX", async () => {
    const docs = [
      `{me{id}} #${"x".repeat(17_000)}`,
      `{me{id ${"name ".repeat(1100)}}}`,
      `{me{id ${"@include(if:true) ".repeat(60)}}}`,
      `{returns{items{...A}}} fragment A on PerformanceReturn{contract{...B}} fragment B on Contract{fundingLines{stream{...C}}} fragment C on FundingStream{children{parent{office{id}}}}`,
      `{...A} fragment A on Query{${Array.from({ length: 20 }, (_, i) => `a${i}:me{id}`).join(" ")}}`,
      `query($a:Boolean! ${Array.from({ length: 55 }, (_, i) => `@d${i}`).join(" ")}){me{id}}`,
    ];
    for (const query of docs) {
      const r = await post(server.url, JSON.stringify({ query }), auth(provider));
      noInternals(r.text);
      const body = JSON.parse(r.text);
      expect(body.errors?.[0]?.extensions?.code, r.text.slice(0, 300)).toMatch(/QUERY_TOO_COMPLEX|GRAPHQL_VALIDATION_FAILED/);
      expect(body.data ?? null).toBeNull();
    }
  });
  it("variables over 64 KB are BAD_USER_INPUT", async () => {
    const r = await post(server.url, JSON.stringify({ query: "{me{id}}", variables: { x: "a".repeat(70_000) } }), auth(provider));
    expect(JSON.parse(r.text).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });
  it("no Did-you-mean and no introspection for provider and anonymous", async () => {
    for (const t of [provider, null]) {
      for (const query of ["{contractz{id}}", "{me{emial}}", "{__schema{types{name}}}", "{__type(name:\"Contract\"){fields{name}}}", "{me{__typename ... on User{ __type: __typename }}}"]) {
        const r = await post(server.url, JSON.stringify({ query }), auth(t));
        expect(r.text).not.toMatch(/Did you mean/i);
        expect(r.text).not.toMatch(/"fields"|"types"/);
      }
    }
  });
});

describe("WebSocket: same limits and codes", () => {
  it("unknown operationName, size, tokens, depth, aliases refused with codes; socket survives", async () => {
    const ws = await rawSocket(server.url, provider);
    const payloads = [
      { query: "subscription{returnChanged(officeId:1){seq}}", operationName: "X" },
      { query: `subscription{returnChanged(officeId:1){seq}} #${"x".repeat(17_000)}` },
      { query: `subscription{returnChanged(officeId:1){seq ${"seq ".repeat(1100)}}}` },
      { query: `subscription{returnChanged(officeId:1){seq ${"@include(if:true) ".repeat(60)}}}` },
      { query: `subscription{${Array.from({ length: 20 }, (_, i) => `a${i}:returnChanged(officeId:1){seq}`).join(" ")}}` },
      { query: "subscription{returnChanged(officeId:1){performanceReturn{contract{fundingLines{stream{children{parent{office{id}}}}}}}}}" },
      { query: "{ me { id } }" },
      { query: "subscription{returnChanged(officeId:1){seqq}}" },
    ];
    let id = 0;
    for (const payload of payloads) {
      const sid = String(++id);
      ws.send({ id: sid, type: "subscribe", payload });
      const m = await ws.next((x) => x.id === sid && (x.type === "error" || x.type === "complete" || x.type === "next"), 8000);
      const text = JSON.stringify(m);
      noInternals(text);
      expect(text).not.toMatch(/Did you mean/i);
      expect(m.type, text).toBe("error");
      expect(m.payload?.[0]?.extensions?.code, text).toMatch(/GRAPHQL_VALIDATION_FAILED|QUERY_TOO_COMPLEX|BAD_USER_INPUT|GRAPHQL_PARSE_FAILED|FORBIDDEN/);
    }
    ws.socket.close();
  });
});
