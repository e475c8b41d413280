import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  plainRecords,
  quotedRecords,
} from "../../server/modules/returns/return-csv.service.js";

/*
 * The CSV upload reads quote-free files with a one-pass reader and everything else with csv-parse. Both must give
 * the same records and row numbers for every file the fast reader accepts, and it must refuse (null) the files
 * where csv-parse would read line breaks differently.
 */

const cell = fc.stringMatching(/^[ \tA-Za-z0-9_.+\-\u00a0é#;]{0,8}$/);
const line = fc
  .array(cell, { minLength: 1, maxLength: 5 })
  .map((cells) => cells.join(","));
const file = (breaks: fc.Arbitrary<string>) =>
  fc
    .tuple(
      fc.boolean(),
      fc.array(fc.tuple(line, breaks), { minLength: 0, maxLength: 30 }),
      fc.boolean(),
    )
    .map(([bom, lines, trailing]) => {
      let text = bom ? "\uFEFF" : "";
      lines.forEach(
        ([l, b], i) =>
          (text += l + (i < lines.length - 1 || trailing ? b : "")),
      );
      return text;
    });

describe("the quote-free CSV reader", () => {
  it("reads \\n files as csv-parse does", () => {
    fc.assert(
      fc.property(file(fc.constant("\n")), (text) => {
        expect(plainRecords(text)).toEqual(quotedRecords(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("reads \\r\\n files as csv-parse does", () => {
    fc.assert(
      fc.property(file(fc.constant("\r\n")), (text) => {
        expect(plainRecords(text)).toEqual(quotedRecords(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves mixed line breaks, lone \\r and quotes to csv-parse", () => {
    fc.assert(
      fc.property(file(fc.constantFrom("\n", "\r\n", "\r")), (text) => {
        const fast = plainRecords(text);
        if (fast !== null) expect(fast).toEqual(quotedRecords(text));
      }),
      { numRuns: 2000 },
    );
    expect(plainRecords("a,b\nc,d\r\ne,f")).toBeNull();
    expect(plainRecords("a,b\r\nc,d\ne,f")).toBeNull();
    expect(plainRecords("a,b\rc,d")).toBeNull();
    expect(plainRecords('a,"b"\nc,d')).toBeNull();
    expect(plainRecords("a , b \n\n , \n c,d")).toEqual([
      { cells: ["a", "b"], row: 1 },
      { cells: ["c", "d"], row: 4 },
    ]);
  });
});
