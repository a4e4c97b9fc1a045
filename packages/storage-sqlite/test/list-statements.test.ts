import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeStudent, seedTenants } from "@homevisit/storage-conformance";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { afterAll, describe, expect, it, vi } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "hv-list-statements-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// On SQLite a list page carries its size in the SQL text, not as a bound parameter: a bound
// LIMIT made each run of the small indexed look-ups a request makes several times dearer
// (bench/rest/inprocess.ts with STMT_TIMING=1 shows each statement's cost).
describe("sqlite list statements", () => {
  it("write the page size as an integer literal and keep one statement per page size", async () => {
    const storage = sqliteStorage({ filename: join(dir, "list.db") });
    try {
      await storage.migrations.migrate();
      await seedTenants(storage);
      await storage.students.createMany(Array.from({ length: 5 }, (_, i) => makeStudent(i)));
      const prepared = vi.spyOn(storage.database, "prepare");

      const first = await storage.students.list({ where: { schoolId: "sch-1" }, limit: 2 });
      const second = await storage.students.list({
        where: { schoolId: "sch-1" },
        limit: 2,
        ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
      });
      const all = await storage.students.list({ where: { schoolId: "sch-1" }, limit: 10 });

      expect(first.items.map((s) => s.record.id)).toEqual(all.items.slice(0, 2).map((s) => s.record.id));
      expect(second.items.map((s) => s.record.id)).toEqual(all.items.slice(2, 4).map((s) => s.record.id));
      // A list selects what a record is read back from: its JSON, version and tenant keys.
      const select = 'select "version", "city_id", "county_id", "school_id", "data" from';
      const lists = prepared.mock.calls.map(([text]) => text).filter((text) => text.startsWith(select));
      // A page of 2 asks for 3 rows (one more tells whether a next page exists).
      expect(lists).toEqual([
        `${select} "hv_students" where "school_id" = ? order by "id" limit 3`,
        `${select} "hv_students" where "school_id" = ? and "id" > ? order by "id" limit 3`,
        `${select} "hv_students" where "school_id" = ? order by "id" limit 11`,
      ]);
      // Prepared once: the same page again reuses the cached statement.
      await storage.students.list({ where: { schoolId: "sch-1" }, limit: 2 });
      expect(prepared.mock.calls.filter(([text]) => text.startsWith(select))).toHaveLength(3);
      // Sizes out of bounds are refused before any SQL is written.
      await expect(storage.students.list({ where: { schoolId: "sch-1" }, limit: 2.5 })).rejects.toMatchObject({
        code: "storage_page_size",
      });
    } finally {
      await storage.close();
    }
  });
});
