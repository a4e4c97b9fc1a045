import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generateSchool, renderDemoReport } from "@homevisit/demo-data";
import { describe, expect, it } from "vitest";

describe("renderDemoReport", () => {
  const data = generateSchool({ seed: 1 });
  const text = renderDemoReport(data, "2026-10-15");

  it("prints the school, its counts, the categories, new students and three plans", () => {
    expect(text).toContain(data.schools[0]?.name ?? "?");
    expect(text).toContain(`学生 / Students: ${data.students.length}`);
    expect(text).toContain("留守儿童或单亲家庭学生");
    expect(text).toContain("新生 / New students");
    expect(text.match(/^ {2}\d\. /gm)).toHaveLength(3);
    expect(text).toContain("触发原因 / Triggers");
  });

  it("masks phones and stops addresses at the village", () => {
    expect(text).not.toMatch(/1[3-9]\d{9}/);
    expect(text).toMatch(/1\d{2}\*{4}\d{4}/);
    for (const s of data.students) {
      if (s.address.detail) expect(text).not.toContain(`${s.address.village}${s.address.detail}`);
    }
    expect(text).not.toMatch(/\d+幢\d+单元/);
  });

  it("runs as the demo command and exits 0", { timeout: 120_000 }, () => {
    const cwd = fileURLToPath(new URL("..", import.meta.url));
    const out = execFileSync("npx", ["tsx", "src/cli.ts", "1", "2026-10-15"], { cwd, encoding: "utf8" });
    expect(out).toBe(`${text}\n`);
  });
});
