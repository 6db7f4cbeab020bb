import { describe, expect, it } from "vitest";
import { parseQuery, stringifyQuery } from "./index";

describe("stringifyQuery", () => {
  it("encodes keys and values per RFC 3986", () => {
    expect(stringifyQuery({ q: "tea & cake", "a b": "(x)" })).toBe("q=tea%20%26%20cake&a%20b=%28x%29");
  });

  it("writes arrays in the requested format", () => {
    expect(stringifyQuery({ t: ["a", "b"] })).toBe("t=a&t=b");
    expect(stringifyQuery({ t: ["a", "b"] }, { arrayFormat: "brackets" })).toBe("t%5B%5D=a&t%5B%5D=b");
    expect(stringifyQuery({ t: ["a", "b"] }, { arrayFormat: "comma" })).toBe("t=a,b");
  });

  it("writes every space as + in form format", () => {
    expect(stringifyQuery({ q: "new york city" }, { format: "form" })).toBe("q=new+york+city");
  });

  it("nests objects, sorts and prefixes on request", () => {
    expect(stringifyQuery({ page: { size: 20, n: 2 }, a: null }, { sort: true, addQueryPrefix: true })).toBe(
      "?a&page%5Bn%5D=2&page%5Bsize%5D=20",
    );
  });
});

describe("parseQuery", () => {
  it("reads repeated keys, brackets and bare keys", () => {
    expect(parseQuery("?t=a&t=b&flag&page[size]=20&x[]=1")).toEqual({
      t: ["a", "b"],
      flag: null,
      page: { size: "20" },
      x: ["1"],
    });
  });

  it("decodes + and percent escapes", () => {
    expect(parseQuery("q=new+york%20city&bad=%zz")).toEqual({ q: "new york city", bad: "%zz" });
  });

  it("round-trips form encoding", () => {
    const obj = { q: "a b c", tags: ["x y"] };
    expect(parseQuery(stringifyQuery(obj, { format: "form" }))).toEqual({ q: "a b c", tags: "x y" });
  });
});
