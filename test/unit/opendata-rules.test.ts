import { describe, expect, it } from "vitest";
import { orgIdentifiers } from "../../server/modules/opendata/ocds.js";
import { mergePatch } from "../../server/modules/opendata/standards.js";

describe("JSON Merge Patch (RFC 7386), as used to apply the OCDS metrics extension", () => {
  // The examples of RFC 7386, appendix A.
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)("%j patched with %j is %j", (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result);
  });

  it("does not change the schema it patches", () => {
    const target = { definitions: { Contract: { properties: { id: {} } } } };
    mergePatch(target, { definitions: { Contract: { properties: { agreedMetrics: {} } } } });
    expect(target).toEqual({ definitions: { Contract: { properties: { id: {} } } } });
  });
});

describe("org-id identifiers for providers", () => {
  it("uses the charity number first, then the company number, trimmed", () => {
    expect(orgIdentifiers({ charityNumber: " 298028 ", companyNumber: "02158280" })).toEqual([
      { scheme: "GB-CHC", id: "298028" },
      { scheme: "GB-COH", id: "02158280" },
    ]);
    expect(orgIdentifiers({ charityNumber: null, companyNumber: "02158280" })).toEqual([{ scheme: "GB-COH", id: "02158280" }]);
    expect(orgIdentifiers({ charityNumber: null, companyNumber: null })).toEqual([]);
  });
});
