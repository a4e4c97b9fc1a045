import { expect, it } from "vitest";
import type { ConformanceHarness } from "../harness.js";
import { expectCode } from "./helpers.js";

/**
 * The `migrations` suite. Migrations: at the latest version, re-runnable, refusing a newer schema.
 */
export function migrationsSuite(h: () => ConformanceHarness): void {
  it("is at the latest version after migrate, and re-running is a no-op", async () => {
    const { storage } = h();
    const m = storage.migrations;
    expect(m.latest).toBeGreaterThanOrEqual(1);
    expect(await m.current()).toBe(m.latest);
    expect(await m.pending()).toEqual([]);
    expect(await m.migrate()).toEqual([]);
  });

  it("refuses a database whose schema is newer than the library", async () => {
    const { storage, raw } = h();
    await raw.setSchemaVersion(storage.migrations.latest + 1);
    await expectCode(storage.migrations.migrate(), "storage_schema_too_new");
  });
}
