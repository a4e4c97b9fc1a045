// Connection handling: the host's pool is borrowed, never ended; a closed storage and an
// unreachable server answer with storage error codes; driver errors are translated.
import { isHomevisitError } from "@homevisit/core";
import { fixtureTenants } from "@homevisit/storage-conformance";
import { postgresStorage, quoteSchema, translatePgError } from "@homevisit/storage-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, testBackend } from "./harness.js";

// PGlite's cold start (tens of seconds on a busy machine) belongs to set-up, not to a test.
beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isHomevisitError(error) ? error.code : `not a HomevisitError: ${String(error)}`;
};

describe("postgres connections", () => {
  it("borrows the host's pool and leaves it open on close; later calls throw storage_closed", async () => {
    const { storage, backend, cleanup } = await freshStore();
    await storage.migrations.migrate();
    await storage.cities.create(fixtureTenants.cities[0]);
    await storage.close();
    expect(await codeOf(storage.cities.get("city-1"))).toBe("storage_closed");
    // The host's pool still answers.
    expect(await backend.exec("SELECT 41 + 1 AS n")).toEqual([{ n: 42 }]);
    await cleanup();
  });

  it("keeps homevisit's schema off the host's connections", async () => {
    const { storage, backend, cleanup } = await freshStore();
    try {
      await storage.migrations.migrate();
      await storage.raw.count("students");
      const rows = await backend.exec("SHOW search_path");
      expect(JSON.stringify(rows)).not.toContain("hv_test_");
    } finally {
      await cleanup();
    }
  });

  it("answers storage_unavailable when the server cannot be reached", async () => {
    const storage = postgresStorage({ connectionString: "postgres://nobody@127.0.0.1:1/nothing" });
    expect(await codeOf(storage.cities.get("city-1"))).toBe("storage_unavailable");
    await storage.close();
  });

  it("translates driver errors and leaves the caller's own errors alone", () => {
    const pgError = (code: string, extra: object = {}) => Object.assign(new Error("driver says"), { code, ...extra });
    const code = (e: unknown) => (isHomevisitError(e) ? e.code : "unchanged");
    expect(code(translatePgError(pgError("23505", { table: "hv_students" })))).toBe("conflict");
    expect(code(translatePgError(pgError("23505", { table: "hv_audit" })))).toBe("storage_busy");
    expect(code(translatePgError(pgError("40001")))).toBe("storage_busy");
    expect(code(translatePgError(pgError("40P01")))).toBe("storage_busy");
    expect(code(translatePgError(pgError("ECONNREFUSED")))).toBe("storage_unavailable");
    expect(code(translatePgError(pgError("57P01")))).toBe("storage_unavailable");
    expect(code(translatePgError(pgError("22P02")))).toBe("validation_failed");
    expect(code(translatePgError(pgError("42601")))).toBe("storage_failure");
    expect(code(translatePgError(pgError("53100")))).toBe("storage_full");
    expect(code(translatePgError(pgError("53200")))).toBe("storage_unavailable");
    expect(code(translatePgError(pgError("23503")))).toBe("storage_constraint");
    expect(code(translatePgError(pgError("25006")))).toBe("storage_read_only");
    expect(code(translatePgError(pgError("XX001")))).toBe("storage_corrupt");
    expect(code(translatePgError(new Error("Connection terminated unexpectedly")))).toBe("storage_unavailable");
    const own = new Error("boom");
    expect(translatePgError(own)).toBe(own);
    // No driver text reaches the message.
    const translated = translatePgError(pgError("42601"));
    expect(isHomevisitError(translated) && translated.message).not.toContain("driver says");
  });

  it("accepts only plain schema names", () => {
    expect(quoteSchema("homevisit_2")).toBe('"homevisit_2"');
    for (const bad of ['x"; DROP TABLE y; --', "Upper", "", "a-b", "x".repeat(64)]) {
      expect(() => quoteSchema(bad)).toThrow();
      expect(() => postgresStorage({ connectionString: "postgres://x@y/z", schema: bad })).toThrow();
    }
  });
});
