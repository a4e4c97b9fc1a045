import {
  type EntityInput,
  entityIndexes,
  prepareRecord,
  storedEntities,
  storedEntityNames,
} from "@homevisit/core/storage";
import { describe, expect, it } from "vitest";
import { change, invalid, makers } from "../fixtures.js";
import type { ConformanceHarness } from "../harness.js";
import { expectCode, expectedTenant, seededInputs, sortIds } from "./helpers.js";

/**
 * The `entities` suite. Every entity: create, refuse, update, delete, page and filter, checked against the raw rows.
 */
export function entitiesSuite(h: () => ConformanceHarness): void {
  for (const entity of storedEntityNames) {
    const maker = makers[entity] as ((i: number) => EntityInput<"students">) | undefined;
    if (!maker) {
      describe(entity, () => {
        it.skip(`needs a fixture maker in @homevisit/storage-conformance (fixtures.ts) for ${entity}`, () => {});
      });
      continue;
    }
    describe(entity, () => {
      const repo = () => h().storage[entity] as unknown as import("@homevisit/core/storage").Collection<"students">;
      const make = maker;

      it("creates at version 1 and stores the schema output with its tenant keys and indexes", async () => {
        const input = make(1);
        const stored = await repo().create(input);
        const expected = prepareRecord(entity, input as never);
        expect(stored.version).toBe(1);
        expect(stored.record).toEqual(expected.record);
        expect(stored.tenant).toEqual(expectedTenant(entity, input));
        const raw = await h().raw.record(entity, expected.id);
        expect(raw?.data).toEqual(JSON.parse(JSON.stringify(expected.record)));
        expect(raw?.version).toBe(1);
        expect(raw?.tenant).toEqual(expectedTenant(entity, input));
        expect(raw?.indexes).toEqual(entityIndexes(entity, expected.record as never));
        expect(await repo().get(expected.id)).toEqual(stored);
      });

      it("refuses a duplicate id, an invalid record and a missing parent", async () => {
        const before = await h().raw.count(entity);
        await repo().create(make(2));
        await expectCode(repo().create(make(2)), "conflict");
        await expectCode(repo().create(invalid(entity, make(3)) as never), "validation_failed");
        expect(await h().raw.count(entity)).toBe(before + 1);
        const orphan = { ...(make(4) as Record<string, unknown>) };
        const source = prepareRecord(entity, make(4) as never).tenant;
        if (!("parent" in source)) return; // cities, counties and schools carry their own tenant keys
        if (source.parent === "schools") orphan.schoolId = "sch-missing";
        else if (source.parent === "students") orphan.studentId = "stu-missing";
        await expectCode(repo().create(orphan as never), "not_found");
        expect(await h().raw.count(entity)).toBe(before + 1);
      });

      it("updates with the expected version, refuses stale and missing ones, deletes", async () => {
        const input = make(5);
        const created = await repo().create(input);
        const changed = change(entity, input as never) as EntityInput<"students">;
        const id = created.record.id;
        const updated = await repo().update(id, changed, { expectedVersion: 1 });
        expect(updated.version).toBe(2);
        expect(updated.record).toEqual(prepareRecord(entity, changed as never).record);
        expect((await h().raw.record(entity, id))?.data).toEqual(JSON.parse(JSON.stringify(updated.record)));
        await expectCode(repo().update(id, input, { expectedVersion: 1 }), "version_conflict");
        expect((await h().raw.record(entity, id))?.version).toBe(2);
        await expectCode(
          repo().update("no-such-id", { ...input, id: "no-such-id" } as never, { expectedVersion: 1 }),
          "not_found",
        );
        await expectCode(repo().delete(id, { expectedVersion: 1 }), "version_conflict");
        await repo().delete(id, { expectedVersion: 2 });
        expect(await repo().get(id)).toBeUndefined();
        expect(await h().raw.record(entity, id)).toBeUndefined();
        await expectCode(repo().delete(id, { expectedVersion: 2 }), "not_found");
      });

      it("pages through every row once, in id order, with bounded pages", async () => {
        const inputs = Array.from({ length: 23 }, (_, i) => make(100 + i));
        const created = await repo().createMany(inputs);
        expect(created.map((c) => c.version)).toEqual(inputs.map(() => 1));
        const expected = sortIds([
          ...seededInputs(entity).map((r) => (r as { id: string }).id),
          ...created.map((c) => c.record.id),
        ]);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await repo().list({ limit: 5, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(5);
          seen.push(...page.items.map((i) => i.record.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined && pages < 100);
        expect(seen).toEqual(expected);
        expect(await repo().count()).toBe(expected.length);
        await expectCode(repo().list({ limit: 5000 }), "storage_page_size");
        await expectCode(repo().list({ cursor: "bogus" }), "storage_invalid_cursor");
        await expectCode(repo().list({ where: { nonsense: 1 } as never }), "storage_unknown_filter");
        const some = [created[3]?.record.id ?? "", "missing", created[0]?.record.id ?? ""];
        expect((await repo().getMany(some)).map((s) => s.record.id)).toEqual([some[0], some[2]]);
        expect((await repo().list({ where: { ids: some } })).items.map((s) => s.record.id)).toEqual(
          sortIds([some[0] ?? "", some[2] ?? ""]),
        );
      });

      it("filters by each indexed column, by value and by list of values", async () => {
        const inputs = Array.from({ length: 12 }, (_, i) => make(200 + i));
        await repo().createMany(inputs);
        const all = [...seededInputs(entity), ...inputs].map((r) => prepareRecord(entity, r as never));
        const names = Object.keys(storedEntities[entity].indexes);
        for (const name of names) {
          const values = [...new Set(all.map((p) => p.indexes[name] ?? null))];
          for (const wanted of [values.slice(0, 1), values.slice(0, 2)]) {
            const filter = wanted.length === 1 ? wanted[0] : wanted;
            const expected = sortIds(all.filter((p) => wanted.includes(p.indexes[name] ?? null)).map((p) => p.id));
            const page = await repo().list({ where: { [name]: filter } as never, limit: 1000 });
            expect(
              page.items.map((i) => i.record.id),
              `${entity}.${name} = ${JSON.stringify(filter)}`,
            ).toEqual(expected);
            expect(await repo().count({ [name]: filter } as never)).toBe(expected.length);
          }
        }
      });
    });
  }
}
