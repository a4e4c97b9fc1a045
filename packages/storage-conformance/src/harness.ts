import type { BlobStore, RawReadBack, Storage } from "@homevisit/core/storage";

/** What the factory hands each test: a fresh, empty store. */
export interface ConformanceHarness {
  storage: Storage;
  raw: RawReadBack;
  cleanup(): Promise<void>;
}

/** A blob store under test and a read-back of its bytes. */
export interface BlobHarness {
  store: BlobStore;
  /** The bytes as really stored, bypassing the port. */
  raw(id: string): Promise<Uint8Array | undefined>;
  cleanup(): Promise<void>;
}

/** The named suites. */
export const conformanceSuites = [
  "entities",
  "tenant isolation",
  "transactions",
  "optimistic concurrency",
  "idempotency",
  "outbox",
  "audit",
  "roster",
  "migrations",
  "migration sql",
  "reports",
  "blobs",
] as const;
/** A suite name. */
export type ConformanceSuite = (typeof conformanceSuites)[number];

/**
 * Opt-outs of every suite but the ones kept, all for one reason: for a run that checks only a
 * part of an adapter (its second blob store, say) whose other suites run elsewhere.
 *
 * @example
 * ```ts
 * runStorageConformance("sqlite + file blobs", factory, {
 *   skip: skipAllBut(["blobs"], "run above on a file database"),
 *   blobs: fileBlobs,
 * });
 * ```
 */
export function skipAllBut(
  keep: readonly ConformanceSuite[],
  reason: string,
): Partial<Record<ConformanceSuite, string>> {
  return Object.fromEntries(conformanceSuites.filter((s) => !keep.includes(s)).map((s) => [s, reason]));
}

/** Options of {@link runStorageConformance}. */
export interface ConformanceOptions {
  /**
   * Suites this adapter opts out of, each with the reason, which is printed in the skipped
   * test's name. Opt out only of what the adapter cannot do by design.
   */
  skip?: Partial<Record<ConformanceSuite, string>>;
  /** The adapter's blob store; without it the blob suite is skipped with a note. */
  blobs?: () => Promise<BlobHarness>;
  /** Concurrency of the lost-update check (writers × rounds); default 10 × 10. */
  writers?: { count: number; rounds: number };
}
