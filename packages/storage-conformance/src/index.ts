/**
 * `@homevisit/storage-conformance`: the one suite every homevisit storage adapter runs, the
 * in-memory one included. Call {@link runStorageConformance} from a vitest test file with a
 * factory that makes a fresh, empty store and a raw read-back hook that shows what the store
 * really holds. Each named suite lives in its own file under `suites/`; this runner only lists
 * them.
 *
 * @packageDocumentation
 */
import { afterEach, beforeEach, describe, it } from "vitest";
import { seedTenants } from "./fixtures.js";
import type { ConformanceHarness, ConformanceOptions, ConformanceSuite } from "./harness.js";
import { auditSuite } from "./suites/audit.js";
import { blobsSuite } from "./suites/blobs.js";
import { entitiesSuite } from "./suites/entities.js";
import { idempotencySuite } from "./suites/idempotency.js";
import { migrationSqlSuite } from "./suites/migration-sql.js";
import { migrationsSuite } from "./suites/migrations.js";
import { optimisticConcurrencySuite } from "./suites/optimistic-concurrency.js";
import { outboxSuite } from "./suites/outbox.js";
import { reportsSuite } from "./suites/reports.js";
import { rosterSuite } from "./suites/roster.js";
import { tenantIsolationSuite } from "./suites/tenant-isolation.js";
import { transactionsSuite } from "./suites/transactions.js";

export * from "./fixtures.js";
export * from "./harness.js";

/** A suite body: registers its tests against the harness of the test running. */
type SuiteBody = (h: () => ConformanceHarness, options: ConformanceOptions) => void;

/** The suites that run against a seeded store, in the order they are registered. */
const storageSuites: Record<Exclude<ConformanceSuite, "blobs">, SuiteBody> = {
  entities: entitiesSuite,
  "tenant isolation": tenantIsolationSuite,
  transactions: transactionsSuite,
  "optimistic concurrency": optimisticConcurrencySuite,
  idempotency: idempotencySuite,
  outbox: outboxSuite,
  audit: auditSuite,
  roster: rosterSuite,
  migrations: migrationsSuite,
  "migration sql": migrationSqlSuite,
  reports: reportsSuite,
};

/**
 * Registers the conformance suites for an adapter as vitest `describe` blocks. Each test gets
 * a fresh store from `factory`, migrates it and seeds the fixture tenants.
 *
 * @example
 * ```ts
 * // packages/storage-memory/test/conformance.test.ts
 * import { runStorageConformance } from "@homevisit/storage-conformance";
 * import { memoryStorage } from "@homevisit/storage-memory";
 *
 * runStorageConformance("memory", async () => {
 *   const storage = memoryStorage();
 *   return { storage, raw: storage.raw, cleanup: () => storage.close() };
 * }, { skip: { migrations: "nothing to migrate in memory" } });
 * ```
 */
export function runStorageConformance(
  adapter: string,
  factory: () => Promise<ConformanceHarness>,
  options: ConformanceOptions = {},
): void {
  const skip = options.skip ?? {};
  for (const [name, body] of Object.entries(storageSuites) as [ConformanceSuite, SuiteBody][]) {
    const reason = skip[name];
    if (reason !== undefined) {
      describe(`${adapter} storage: ${name}`, () => {
        it.skip(`opted out: ${reason}`, () => {});
      });
      continue;
    }
    describe(`${adapter} storage: ${name}`, () => {
      let harness: ConformanceHarness | undefined;
      beforeEach(async () => {
        harness = await factory();
        await harness.storage.migrations.migrate();
        await seedTenants(harness.storage);
      });
      afterEach(async () => {
        await harness?.cleanup();
        harness = undefined;
      });
      body(() => {
        if (!harness) throw new Error("no harness");
        return harness;
      }, options);
    });
  }
  blobsSuite(adapter, options);
}
