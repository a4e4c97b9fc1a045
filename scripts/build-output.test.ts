import { describe, expect, it } from "vitest";
import { toCjsSpecifiers } from "../tsup.shared.ts";

// The CommonJS build keeps one file per module, so its relative specifiers must name the
// `.cjs` twins; a missed form would load the ESM file from `require` and fail at run time.
describe("toCjsSpecifiers", () => {
  it("rewrites relative .js specifiers in require, dynamic import and from clauses", () => {
    const code = [
      'var a = require("./errors/index.js");',
      "var b = require('../shared/dates.js');",
      'const c = import("./lazy.js");',
      'export * from "./domain/student.js";',
      'import type { X } from "../x.js";',
    ].join("\n");
    expect(toCjsSpecifiers(code)).toBe(
      [
        'var a = require("./errors/index.cjs");',
        "var b = require('../shared/dates.cjs');",
        'const c = import("./lazy.cjs");',
        'export * from "./domain/student.cjs";',
        'import type { X } from "../x.cjs";',
      ].join("\n"),
    );
  });

  it("leaves packages, node: modules, other extensions and plain strings alone", () => {
    const code = [
      'var z = require("zod");',
      'var u = require("node:url");',
      'var j = require("./data.json");',
      'const text = "see ./notes.js";',
      'var s = require("zod/v4/core.js");',
    ].join("\n");
    expect(toCjsSpecifiers(code)).toBe(code);
  });
});
