import { expect, it } from "vitest";
import { fixtureTenants, makers, makeStudent } from "../fixtures.js";
import type { ConformanceHarness } from "../harness.js";
import { expectCode, expectedTenant } from "./helpers.js";

/**
 * The `tenant isolation` suite. Tenant keys: lists never cross tenants, children inherit their parent's keys, updates never move a row.
 */
export function tenantIsolationSuite(h: () => ConformanceHarness): void {
  it("never returns another tenant's rows", async () => {
    const { storage } = h();
    const students = Array.from({ length: 24 }, (_, i) => makeStudent(i));
    await storage.students.createMany(students);
    for (const school of fixtureTenants.schools) {
      const page = await storage.students.list({ where: { schoolId: school.id }, limit: 1000 });
      expect(page.items.length).toBeGreaterThan(0);
      for (const item of page.items) {
        expect(item.tenant.schoolId).toBe(school.id);
        expect(item.record.schoolId).toBe(school.id);
      }
    }
    const county = await storage.students.list({ where: { countyId: "k-1" }, limit: 1000 });
    expect(new Set(county.items.map((i) => i.tenant.schoolId))).toEqual(new Set(["sch-1", "sch-2"]));
    const city2 = await storage.students.list({ where: { cityId: "city-2" }, limit: 1000 });
    expect(new Set(city2.items.map((i) => i.tenant.schoolId))).toEqual(new Set(["sch-4"]));
    expect(await storage.students.count({ cityId: "city-1" })).toBe(
      students.filter((s) => s.schoolId !== "sch-4").length + 3,
    );
    // Filters combine with AND: a school of another county gives nothing.
    expect((await storage.students.list({ where: { countyId: "k-1", schoolId: "sch-3" } })).items).toEqual([]);
  });

  it("children inherit their parent's tenant keys, stored in the row", async () => {
    const { storage, raw } = h();
    const flag = makers.categoryFlags(3);
    const stored = await storage.categoryFlags.create(flag);
    expect(stored.tenant).toEqual(expectedTenant("categoryFlags", flag));
    expect((await raw.record("categoryFlags", stored.record.id))?.tenant).toEqual(stored.tenant);
    const flags = await storage.categoryFlags.list({ where: { schoolId: stored.tenant.schoolId ?? "" } });
    expect(flags.items.map((f) => f.record.id)).toEqual([stored.record.id]);
    expect((await storage.categoryFlags.list({ where: { schoolId: "sch-9" } })).items).toEqual([]);
  });

  it("refuses to move a record to another tenant by update", async () => {
    const { storage, raw } = h();
    const created = await storage.students.create(makeStudent(1));
    const moved = makeStudent(1, { schoolId: "sch-3" });
    await expectCode(
      storage.students.update(created.record.id, moved, { expectedVersion: 1 }),
      "storage_tenant_change",
    );
    expect((await raw.record("students", created.record.id))?.tenant.schoolId).toBe(created.tenant.schoolId);
  });
}
