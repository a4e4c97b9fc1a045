import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { policyMatrix, policyMatrixMarkdown, policyMatrixMarkers, roles, withPolicyMatrix } from "../src/index.js";

const guide = new URL("../../../docs/guides/authorization.md", import.meta.url);

describe("the authorization guide's matrix", () => {
  it("is exactly what policyMatrix yields (run `pnpm generate:docs` when this fails)", () => {
    const doc = readFileSync(guide, "utf8");
    expect(doc).toContain(policyMatrixMarkers.start);
    expect(withPolicyMatrix(doc)).toBe(doc);
  });

  it("has one row per action and one column per role, each cell from the entry", () => {
    const lines = policyMatrixMarkdown().split("\n");
    expect(lines).toHaveLength(Object.keys(policyMatrix).length + 2);
    const cells = (line: string) =>
      line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim());
    expect(cells(lines[0] as string)).toEqual(["action", ...roles, "purpose", "audit"]);
    const consent = lines.find((l) => l.startsWith("| `consent.write`")) as string;
    expect(cells(consent).slice(1)).toEqual(["—", "class", "—", "school", "school", "—", "—", "no", "writes"]);
    const read = lines.find((l) => l.startsWith("| `students.read`")) as string;
    expect(cells(read).at(-2)).toBe("yes");
  });

  it("notices a hand edit: a changed cell no longer matches", () => {
    const doc = readFileSync(guide, "utf8");
    const edited = doc.replace(
      "| `consent.write` — Record or withdraw guardian consent                  | —  ",
      "| `consent.write` — Record or withdraw guardian consent                  | assigned",
    );
    expect(edited).not.toBe(doc);
    expect(withPolicyMatrix(edited)).not.toBe(edited);
    expect(() => withPolicyMatrix("# no markers")).toThrow(TypeError);
  });
});
