import { HomevisitError, parseInput } from "@homevisit/core";
import {
  type Collection,
  type CoverageEnrolmentFact,
  type CoverageFlagFact,
  type CoverageVisitFact,
  computeCoverage,
  coverageQuerySchema,
  enrolmentFacts,
  flagFact,
  implicitTransactions,
  type Migrations,
  type RawReadBack,
  type Storage,
  type StorageTx,
  type StoredEntityName,
  storedEntityNames,
  upsertRoster,
  visitFact,
} from "@homevisit/core/storage";
import { memoryAudit } from "./memory-audit.js";
import { memoryCollection } from "./memory-collections.js";
import { memoryIdempotency } from "./memory-idempotency.js";
import { memoryOutbox } from "./memory-outbox.js";
import { memoryRawReadBack } from "./memory-raw.js";
import { type Journal, journalOf, type MemoryState, memorySchemaVersion, tableOf } from "./memory-state.js";

/** What {@link memoryStorage} returns: the port, plus raw read-back for the conformance suite. */
export interface MemoryStorage extends Storage {
  /** Reads (and for tamper tests, changes) what the store holds, bypassing the port. */
  readonly raw: RawReadBack;
}

function makeTx(state: MemoryState, journal: Journal): StorageTx {
  return {
    ...(Object.fromEntries(storedEntityNames.map((n) => [n, memoryCollection(state, journal, n)])) as {
      [N in StoredEntityName]: Collection<N>;
    }),
    idempotency: memoryIdempotency(state, journal),
    outbox: memoryOutbox(state, journal),
    audit: memoryAudit(state, journal),
  };
}

/** Migrations of a store with nothing to migrate: a version number and its checks. */
function memoryMigrations(state: MemoryState): Migrations {
  return {
    latest: memorySchemaVersion,
    async current() {
      return state.schemaVersion;
    },
    async pending() {
      return state.schemaVersion < memorySchemaVersion ? [{ version: 1, name: "memory" }] : [];
    },
    async migrate(options = {}) {
      if (state.schemaVersion > memorySchemaVersion) {
        throw new HomevisitError("storage_schema_too_new", {
          params: { found: state.schemaVersion, supported: memorySchemaVersion },
        });
      }
      const to = Math.min(options.to ?? memorySchemaVersion, memorySchemaVersion);
      if (state.schemaVersion >= to) return [];
      state.schemaVersion = to;
      return [to];
    },
    sql() {
      return "-- The memory store has no SQL schema.\n";
    },
  };
}

/**
 * Creates an empty in-memory store. Nothing survives the process; use it for tests, demos and
 * browser builds. `migrations.migrate()` is a formality kept for symmetry with the SQL stores.
 *
 * @example
 * ```ts
 * const storage = memoryStorage();
 * await storage.migrations.migrate();
 * await storage.transaction(async (tx) => {
 *   await tx.cities.create({ id: "lishui", name: "丽水市" });
 * });
 * (await storage.cities.get("lishui"))?.version; // 1
 * ```
 */
export function memoryStorage(): MemoryStorage {
  const state: MemoryState = {
    tables: new Map(storedEntityNames.map((n) => [n, new Map()])),
    audit: new Map(),
    heads: new Map(),
    outbox: new Map(),
    outboxSeq: 0,
    idempotency: new Map(),
    schemaVersion: 0,
  };
  let closed = false;
  // Transactions run one at a time: the chain of their promises is the lock.
  let lock: Promise<unknown> = Promise.resolve();

  async function transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    if (closed) throw new HomevisitError("storage_closed");
    const run = async () => {
      const steps: (() => void)[] = [];
      try {
        return await fn(makeTx(state, journalOf(steps)));
      } catch (error) {
        for (let i = steps.length - 1; i >= 0; i--) steps[i]?.();
        throw error;
      }
    };
    const result = lock.then(run, run);
    lock = result.catch(() => undefined);
    return result;
  }

  return {
    ...implicitTransactions(transaction),
    transaction,
    raw: memoryRawReadBack(state),
    migrations: memoryMigrations(state),
    roster: {
      upsert: (input, options) => transaction((tx) => upsertRoster(tx, input, options)),
    },
    reports: {
      async coverage(input) {
        const query = parseInput(coverageQuerySchema, input);
        return transaction(async () => {
          const enrolments: CoverageEnrolmentFact[] = [];
          for (const row of tableOf(state, "students").values()) {
            enrolments.push(...enrolmentFacts(JSON.parse(row.data), row.tenant));
          }
          const flags: CoverageFlagFact[] = [...tableOf(state, "categoryFlags").values()].map((row) =>
            flagFact(JSON.parse(row.data)),
          );
          const visits: CoverageVisitFact[] = [];
          for (const row of tableOf(state, "visitRecords").values()) {
            const fact = visitFact(JSON.parse(row.data), row.tenant);
            if (fact) visits.push(fact);
          }
          return computeCoverage(query, { enrolments, flags, visits });
        });
      },
    },
    async close() {
      closed = true;
    },
  };
}
