import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// The pragmas sqliteStorage sets on its connection. temp_store: 2 is MEMORY, 1 is FILE.
describe("sqliteStorage options", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hv-options-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tempStore = (storage: ReturnType<typeof sqliteStorage>) =>
    storage.database.pragma("temp_store", { simple: true });

  it("keeps savepoint sub-journals and sorts in memory by default, in a file when asked", async () => {
    const byDefault = sqliteStorage({ filename: join(dir, "a.db") });
    const onDisk = sqliteStorage({ filename: join(dir, "b.db"), tempStore: "file" });
    try {
      expect(tempStore(byDefault)).toBe(2);
      expect(tempStore(onDisk)).toBe(1);
    } finally {
      await byDefault.close();
      await onDisk.close();
    }
  });

  it("sizes the page cache in MiB", async () => {
    const storage = sqliteStorage({ filename: join(dir, "c.db"), cacheSizeMb: 8 });
    try {
      expect(storage.database.pragma("cache_size", { simple: true })).toBe(-8 * 1024);
    } finally {
      await storage.close();
    }
  });
});
