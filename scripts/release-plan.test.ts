import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The release configuration is code too: a peer-dependency range on core once made changesets
// plan a 1.0.0 of every package for a minor change. This asks the real `changeset status` for
// the plan of the pending changesets plus a probe "core: minor" and checks what a release would do.
const root = fileURLToPath(new URL("..", import.meta.url));

interface Release {
  name: string;
  type: "none" | "patch" | "minor" | "major";
  newVersion?: string;
}

function releasePlan(): Release[] {
  const probe = join(root, ".changeset", `release-plan-probe-${process.pid}.md`);
  const out = mkdtempSync(join(tmpdir(), "homevisit-release-plan-"));
  writeFileSync(probe, '---\n"@homevisit/core": minor\n---\n\nProbe written by scripts/release-plan.test.ts.\n');
  try {
    execFileSync(
      process.execPath,
      [join(root, "node_modules/@changesets/cli/bin.js"), "status", "--output", join(out, "plan.json")],
      {
        cwd: root,
        stdio: "pipe",
      },
    );
    return (JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as { releases: Release[] }).releases;
  } finally {
    rmSync(probe, { force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

describe("release plan", () => {
  it("releases every published package together, with no accidental major bump", () => {
    const published = releasePlan().filter((r) => r.name.startsWith("@homevisit/"));
    expect(published.map((r) => r.name)).toContain("@homevisit/rest");
    expect(published.filter((r) => r.type === "major")).toEqual([]);
    // One `fixed` group: a minor change to core moves the whole family to the same version.
    expect(new Set(published.map((r) => r.newVersion)).size).toBe(1);
    expect(published.every((r) => r.type === "minor")).toBe(true);
  });
});
