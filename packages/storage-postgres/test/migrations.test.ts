// Migrations on PostgreSQL: from every earlier version to the latest with the data already
// stored left exactly as it was, re-runs that do nothing, the reviewable SQL script giving
// the same schema, and an older library refusing a newer schema.
import { isHomevisitError } from "@homevisit/core";
import type { StoredEntityName } from "@homevisit/core/storage";
import { makers, makeStudent, seedTenants } from "@homevisit/storage-conformance";
import { type PgPool, postgresStorage } from "@homevisit/storage-postgres";
import { entityTables } from "@homevisit/storage-sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSchemaName, freshStore, type TestBackend, testBackend } from "./harness.js";

// PGlite's cold start (tens of seconds on a busy machine) belongs to set-up, not to a test.
beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isHomevisitError(error) ? error.code : String(error)).toBe(code);
}

/** Row count and checksum of every table of a schema, over the columns each table has now. */
async function snapshot(b: TestBackend, schema: string, columnsOf?: Map<string, string[]>) {
  const tables = await b.exec(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1",
    [schema],
  );
  const out = new Map<string, { count: number; checksum: string; columns: string[] }>();
  for (const { name } of tables as { name: string }[]) {
    if (name === "hv_schema") continue;
    const columns =
      columnsOf?.get(name) ??
      (
        (await b.exec(
          "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
          [schema, name],
        )) as { c: string }[]
      ).map((r) => r.c);
    const row = `ROW(${columns.map((c) => `t."${c}"`).join(", ")})::text`;
    const [result] = await b.exec(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(${row}, E'\\n' ORDER BY ${row})), '') AS sum FROM "${schema}"."${name}" t`,
    );
    out.set(name, { count: Number(result?.n), checksum: String(result?.sum), columns });
  }
  return out;
}

async function tableExists(b: TestBackend, schema: string, table: string): Promise<boolean> {
  const [row] = await b.exec("SELECT to_regclass($1) IS NOT NULL AS ok", [`"${schema}"."${table}"`]);
  return row?.ok === true;
}

describe("postgres migrations", () => {
  const latest = postgresStorage({ pool: { connect: async () => never(), end: async () => {} } }).migrations.latest;

  for (let from = 0; from < latest; from++) {
    it(`upgrades a populated database from version ${from} without changing a stored row, and re-runs as a no-op`, async () => {
      const { storage, schema, backend, cleanup } = await freshStore();
      try {
        expect(await storage.migrations.migrate({ to: from })).toEqual(Array.from({ length: from }, (_, i) => i + 1));
        expect(await storage.migrations.current()).toBe(from);
        if (from > 0) {
          await seedTenants(storage);
          // Every entity whose table exists at this version gets a few rows.
          for (const entity of Object.keys(makers) as StoredEntityName[]) {
            const spec = entityTables[entity];
            if (!spec || ["cities", "counties", "schools"].includes(entity)) continue;
            if (!(await tableExists(backend, schema, spec.table))) continue;
            const make = makers[entity] as (i: number) => never;
            await (storage[entity] as unknown as { createMany(r: unknown[]): Promise<unknown> }).createMany(
              Array.from({ length: 6 }, (_, i) => make(40 + i)),
            );
          }
          await storage.audit.append({
            chainId: "sch-1",
            at: "2026-10-08T09:00:00+08:00",
            actorId: "t1",
            action: "student.read",
            entity: "students",
            result: "ok",
          });
          await storage.outbox.append({ id: "evt-1", topic: "x.y", at: "2026-10-08T09:00:00+08:00", payload: {} });
        }
        const before = await snapshot(backend, schema);
        const applied = await storage.migrations.migrate();
        expect(applied).toEqual(Array.from({ length: latest - from }, (_, i) => from + i + 1));
        const columns = new Map([...before].map(([t, s]) => [t, s.columns]));
        const after = await snapshot(backend, schema, columns);
        for (const [table, s] of before) {
          expect(after.get(table), table).toEqual(s);
        }
        expect(await storage.migrations.current()).toBe(latest);
        expect(await storage.migrations.pending()).toEqual([]);
        expect(await storage.migrations.migrate()).toEqual([]);
        expect(await snapshot(backend, schema, columns)).toEqual(after);
        expect(await storage.audit.verify("sch-1")).toMatchObject({ ok: true, count: from > 0 ? 1 : 0 });
      } finally {
        await cleanup();
      }
    });
  }

  it("gives a SQL script that, run by hand, builds the same schema migrate() does", async () => {
    const b = await testBackend();
    const viaScript = freshSchemaName();
    const viaMigrate = await freshStore();
    const scripted = postgresStorage({ pool: b.pool, schema: viaScript });
    try {
      await viaMigrate.storage.migrations.migrate();
      await b.exec(scripted.migrations.sql());
      expect(await scripted.migrations.current()).toBe(scripted.migrations.latest);
      expect(await scripted.migrations.migrate()).toEqual([]);
      const shape = async (schema: string) =>
        b.exec(
          `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.collation_name FROM information_schema.columns c
           WHERE c.table_schema = $1 ORDER BY 1, 2`,
          [schema],
        );
      expect(await shape(viaScript)).toEqual(await shape(viaMigrate.schema));
      const indexes = async (schema: string) =>
        (await b.exec("SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1", [schema])).map(
          (r) => r.indexname,
        );
      expect(await indexes(viaScript)).toEqual(await indexes(viaMigrate.schema));
    } finally {
      await scripted.close();
      await b.exec(`DROP SCHEMA IF EXISTS "${viaScript}" CASCADE`);
      await viaMigrate.cleanup();
    }
  });

  it("applies each version once when several processes migrate one schema at the same time", async () => {
    const { storage, schema, backend, cleanup } = await freshStore();
    const others = [1, 2, 3].map(() => postgresStorage({ pool: backend.pool, schema }));
    try {
      const applied = await Promise.all([storage, ...others].map((s) => s.migrations.migrate()));
      const all = applied.flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: storage.migrations.latest }, (_, i) => i + 1));
      expect(await storage.migrations.current()).toBe(storage.migrations.latest);
      const [versions] = await backend.exec(`SELECT count(*)::int AS n FROM "${schema}".hv_schema`);
      expect(versions?.n).toBe(storage.migrations.latest);
    } finally {
      for (const o of others) await o.close();
      await cleanup();
    }
  });

  it('keeps record ids in byte order (COLLATE "C"), so pages follow JavaScript\'s string order on any database', async () => {
    const { storage, schema, backend, cleanup } = await freshStore();
    try {
      await storage.migrations.migrate();
      const rows = await backend.exec(
        `SELECT c.relname AS table_name, coll.collname AS collation
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_collation coll ON coll.oid = a.attcollation
         WHERE n.nspname = $1 AND a.attname = 'id' AND c.relkind = 'r' ORDER BY 1`,
        [schema],
      );
      const entityTableNames = new Set(Object.values(entityTables).map((t) => t.table));
      const ids = rows.filter((r) => entityTableNames.has(String(r.table_name)));
      expect(ids.map((r) => r.table_name).sort()).toEqual([...entityTableNames].sort());
      for (const r of ids) expect(r.collation, String(r.table_name)).toBe("C");
      // The same order as JavaScript's, whatever the database's default collation is.
      await seedTenants(storage);
      const odd = ["stu-a-b", "stu-aB", "stu-ab", "stu-A", "stu-a_b", "stu-a.b", "stu-a:b", "stu-a0"];
      await storage.students.createMany(odd.map((id, i) => ({ ...makeStudent(500 + i), id })));
      const listed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.students.list({ where: { ids: odd }, limit: 3, ...(cursor ? { cursor } : {}) });
        listed.push(...page.items.map((s) => s.record.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(listed).toEqual([...odd].sort());
    } finally {
      await cleanup();
    }
  });

  it("in check mode runs no DDL: refuses a missing or older schema, works through read-only sessions", async () => {
    const b = await testBackend();
    const schema = freshSchemaName();
    const replica = postgresStorage({ pool: readOnlySessions(b.pool), schema, schemaMode: "check" });
    const primary = postgresStorage({ pool: b.pool, schema });
    try {
      await expectCode(replica.students.count(), "storage_schema_outdated");
      await expectCode(replica.migrations.migrate(), "storage_schema_outdated");
      const [missing] = await b.exec("SELECT to_regnamespace($1) IS NULL AS missing", [`"${schema}"`]);
      expect(missing?.missing).toBe(true); // not even the schema was created
      await primary.migrations.migrate({ to: replica.migrations.latest - 1 });
      await expectCode(replica.students.count(), "storage_schema_outdated");
      await primary.migrations.migrate();
      await seedTenants(primary);
      expect(await replica.migrations.current()).toBe(replica.migrations.latest);
      expect(await replica.migrations.migrate()).toEqual([]);
      expect(await replica.students.count({ schoolId: "sch-1" })).toBe(
        await primary.students.count({ schoolId: "sch-1" }),
      );
      expect(await replica.audit.verify("sch-1")).toMatchObject({ ok: true });
    } finally {
      await replica.close();
      await primary.close();
      await b.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it("refuses, in migrate() and in every call, a schema newer than the library", async () => {
    const { storage, schema, backend, cleanup } = await freshStore();
    try {
      await storage.migrations.migrate();
      await storage.raw.setSchemaVersion(storage.migrations.latest + 1);
      await expectCode(storage.migrations.migrate(), "storage_schema_too_new");
      const older = postgresStorage({ pool: backend.pool, schema });
      await expectCode(older.students.get("stu-1"), "storage_schema_too_new");
      await expectCode(
        older.transaction(async () => "never"),
        "storage_schema_too_new",
      );
      await older.close();
    } finally {
      await cleanup();
    }
  });
});

/**
 * The pool as a read replica sees it: every transaction read-only (`default_transaction_read_only`),
 * so any DDL or write fails, as it would on a hot standby.
 */
function readOnlySessions(pool: PgPool): PgPool {
  return {
    async connect() {
      const client = await pool.connect();
      await client.query("SET default_transaction_read_only = on");
      return {
        query: (text, values) => client.query(text, values),
        release(error) {
          client.query("RESET default_transaction_read_only").then(
            () => client.release(error),
            () => client.release(true),
          );
        },
      };
    },
    end: async () => {},
  };
}

function never(): never {
  throw new Error("no connection expected");
}
