import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isHomevisitError } from "@homevisit/core";
import { makers, makeStudent, seedTenants } from "@homevisit/storage-conformance";
import { latestSchemaVersion, sqlMigrations } from "@homevisit/storage-sql";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), "hv-migrate-"));
  dirs.push(dir);
  return join(dir, name);
};

/** Row count and a checksum of every row of every table, read straight from the file. */
function fingerprint(file: string): Record<string, { rows: number; sha: string }> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'hv_%' AND name <> 'hv_schema' ORDER BY name",
      )
      .all() as { name: string }[];
    const out: Record<string, { rows: number; sha: string }> = {};
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM ${name} ORDER BY 1, 2`).all();
      out[name] = {
        rows: rows.length,
        sha: createHash("sha256")
          .update(JSON.stringify(rows, (_k, v) => (Buffer.isBuffer(v) ? v.toString("hex") : v)))
          .digest("hex"),
      };
    }
    return out;
  } finally {
    db.close();
  }
}

async function populateV1(file: string) {
  const storage = sqliteStorage({ filename: file });
  await storage.migrations.migrate({ to: 1 });
  await seedTenants(storage);
  await storage.students.createMany(Array.from({ length: 40 }, (_, i) => makeStudent(i)));
  await storage.categoryFlags.createMany(Array.from({ length: 8 }, (_, i) => makers.categoryFlags(i)));
  await storage.visitRecords.createMany(Array.from({ length: 30 }, (_, i) => makers.visitRecords(i)));
  await storage.appointments.createMany(Array.from({ length: 10 }, (_, i) => makers.appointments(i)));
  for (let i = 0; i < 5; i++) {
    await storage.audit.append({
      chainId: "sch-1",
      at: "2026-10-08T09:00:00+08:00",
      actorId: "t1",
      action: "student.read",
      entity: "students",
      result: "ok",
    });
    await storage.outbox.append({
      id: `e${i}`,
      topic: "visit.completed",
      at: "2026-10-08T09:00:00+08:00",
      payload: { i },
    });
  }
  await storage.idempotency.begin({ actorId: "t1", key: "k1", requestHash: "h", now: "2026-10-08T09:00:00Z" });
  await storage.blobs.put({ id: "photo-1", contentType: "image/jpeg", bytes: new Uint8Array([1, 2, 3, 255]) });
  expect(await storage.migrations.current()).toBe(1);
  await storage.close();
}

describe("sqlite migrations", () => {
  it("has consecutive versions and a latest above 1", () => {
    expect(sqlMigrations.map((m) => m.version)).toEqual(sqlMigrations.map((_, i) => i + 1));
    expect(latestSchemaVersion).toBeGreaterThan(1);
  });

  for (const from of sqlMigrations.map((m) => m.version).filter((v) => v < latestSchemaVersion)) {
    it(`upgrades a populated database from version ${from}: data unchanged, foreign keys clean, re-run a no-op`, async () => {
      const file = tempFile(`from-${from}.db`);
      await populateV1(file);
      if (from > 1) {
        const s = sqliteStorage({ filename: file });
        await s.migrations.migrate({ to: from });
        await s.close();
      }
      const before = fingerprint(file);
      const storage = sqliteStorage({ filename: file });
      expect((await storage.migrations.pending()).map((m) => m.version)).toEqual(
        sqlMigrations.filter((m) => m.version > from).map((m) => m.version),
      );
      expect(await storage.migrations.migrate()).toEqual(
        sqlMigrations.filter((m) => m.version > from).map((m) => m.version),
      );
      const after = fingerprint(file);
      for (const [table, figures] of Object.entries(before)) expect(after[table], table).toEqual(figures);
      expect(storage.database.pragma("foreign_key_check")).toEqual([]);
      expect(storage.database.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(await storage.migrations.migrate()).toEqual([]);
      expect(fingerprint(file)).toEqual(after);
      expect(await storage.audit.verify("sch-1")).toMatchObject({ ok: true, count: 5 });
      expect(await storage.students.count({ schoolId: "sch-1" })).toBe(11);
      await storage.close();
    });
  }

  it("the reviewable SQL script builds the same schema as migrate()", async () => {
    const viaMigrate = tempFile("a.db");
    const viaScript = tempFile("b.db");
    const s = sqliteStorage({ filename: viaMigrate });
    await s.migrations.migrate();
    const script = s.migrations.sql();
    await s.close();
    const db = new Database(viaScript);
    db.exec(script);
    db.exec(script.replace(/INSERT INTO hv_schema/g, "INSERT OR IGNORE INTO hv_schema")); // re-runnable DDL
    db.close();
    const schema = (file: string) => {
      const d = new Database(file, { readonly: true });
      const rows = d.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").all();
      const versions = d.prepare("SELECT version FROM hv_schema ORDER BY version").all();
      d.close();
      return { rows, versions };
    };
    expect(schema(viaScript)).toEqual(schema(viaMigrate));
  });

  it("in check mode runs no DDL: refuses an empty or older schema, works read-only at the latest", async () => {
    const file = tempFile("check.db");
    const codeOf = async (attempt: () => Promise<unknown>) => {
      try {
        await attempt();
        return "ok";
      } catch (error) {
        return isHomevisitError(error) ? error.code : String(error);
      }
    };
    const tables = () => {
      const db = new Database(file, { readonly: true });
      const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      db.close();
      return names;
    };
    new Database(file).close();
    const empty = sqliteStorage({ filename: file, schemaMode: "check" });
    expect(await codeOf(() => empty.students.count())).toBe("storage_schema_outdated");
    expect(await codeOf(() => empty.migrations.migrate())).toBe("storage_schema_outdated");
    expect(await empty.migrations.current()).toBe(0);
    await empty.close();
    expect(tables()).toEqual([]); // not even hv_schema

    await populateV1(file);
    const older = sqliteStorage({ filename: file, schemaMode: "check" });
    expect(await codeOf(() => older.students.count())).toBe("storage_schema_outdated");
    expect(await codeOf(() => older.migrations.migrate())).toBe("storage_schema_outdated");
    expect(await older.migrations.current()).toBe(1);
    await older.close();

    const admin = sqliteStorage({ filename: file });
    await admin.migrations.migrate();
    await admin.close();
    // A read-only connection fails on any write, DDL included: the check-mode store needs none.
    const replica = sqliteStorage({ database: new Database(file, { readonly: true }), schemaMode: "check" });
    expect(await replica.migrations.migrate()).toEqual([]);
    expect(await replica.students.count({ schoolId: "sch-1" })).toBe(11);
    expect(await replica.audit.verify("sch-1")).toMatchObject({ ok: true, count: 5 });
    await replica.close();
  });

  it("an older library refuses a newer schema with a clear error", async () => {
    const file = tempFile("newer.db");
    const s = sqliteStorage({ filename: file });
    await s.migrations.migrate();
    s.database
      .prepare("INSERT INTO hv_schema (version, name) VALUES (?, 'from the future')")
      .run(latestSchemaVersion + 1);
    await s.close();
    const old = sqliteStorage({ filename: file });
    for (const attempt of [() => old.students.count(), () => old.migrations.migrate()]) {
      let error: unknown;
      try {
        await attempt();
      } catch (e) {
        error = e;
      }
      expect(isHomevisitError(error) && error.code).toBe("storage_schema_too_new");
      expect(isHomevisitError(error) && error.messageIn("en")).toContain(`version ${latestSchemaVersion + 1}`);
    }
    await old.close();
  });
});
