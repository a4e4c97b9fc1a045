/**
 * # The storage port
 *
 * Everything homevisit keeps goes through this interface: organisation, rosters, category
 * flags, appointments, idempotency records, the outbox of events, the audit chain and the
 * migrations that shape the tables. The engine runs each use case as
 *
 * ```ts
 * await storage.transaction(async (tx) => {
 *   const current = await tx.students.get(id);            // reads
 *   await tx.students.update(id, next, { expectedVersion }); // a versioned write
 *   await tx.audit.append(entry);                          // the audit row, same transaction
 *   await tx.outbox.append(event);                         // the event, same transaction
 * });
 * ```
 *
 * ## Writing an adapter
 *
 * 1. Implement {@link Storage}: `transaction(fn)` gives `fn` a {@link StorageTx} whose
 *    repositories act inside one database transaction. Wrap the rest of the port around it
 *    with {@link implicitTransactions} (each call on `storage.students` … its own transaction).
 * 2. Keep one table (or map) per entity of {@link storedEntities}: the record as JSON text, its
 *    `version`, its tenant keys (`cityId`, `countyId`, `schoolId`) and one column per index of
 *    the entity definition. Pass every `create`, `createMany` and `update` input through
 *    {@link prepareRecord}: it validates a plain object with the definition's schema and takes
 *    a {@link PreparedRecord} core already parsed as it is (never parse one again). Store the
 *    schema's output; never add or drop fields.
 * 3. Chain the audit rows with {@link chainAuditEntry} (passing the caller's key) and verify
 *    with {@link verifyAuditLog}: never hash differently. Keep the head's `keyId` and `mac`.
 *    When the place after the head is taken, append after the highest stored `seq` (see
 *    {@link AuditStore.append}); never let a forged row make an append fail.
 * 4. Run `@homevisit/storage-conformance` against the adapter, with a {@link RawReadBack} hook
 *    (exposed as the store's `raw`) that reads what was really stored. Opt out of a suite only with a written reason.
 * 5. Translate every driver error. A caller sees only `HomevisitError` codes: `not_found`,
 *    `conflict`, `version_conflict`, `storage_busy`, `storage_full`, `storage_constraint`,
 *    `storage_unavailable`, `storage_read_only`, `storage_corrupt`, `storage_failure`,
 *    `storage_schema_too_new` … never a driver's `SQLITE_FULL`, `SQLITE_BUSY` or `23505`.
 *
 * ## Guarantees
 *
 * An adapter MUST:
 * - run everything inside `transaction(fn)` atomically: when `fn` throws or rejects, no write
 *   of it is visible, ever; when it resolves, all of them are, durably (an acknowledged commit
 *   survives a crash of the process);
 * - serialise conflicting writers so that no update is lost: `update` and `delete` with an
 *   `expectedVersion` that is not the stored version throw `version_conflict` and change
 *   nothing; every successful update adds exactly 1 to `version` (new records start at 1);
 * - scope by tenant: a list filtered by `schoolId` (or `countyId`, `cityId`) never returns a
 *   row of another tenant; a child's tenant keys are inherited from its parent row and never
 *   change afterwards (`storage_tenant_change`);
 * - throw `conflict` when creating an id that exists, `not_found` when the parent row (a
 *   student's school, a flag's student) does not exist or the record to update is missing;
 * - return list pages in ascending `id` order, at most `limit` rows (default 100, at most
 *   1000), with an opaque `nextCursor` exactly when more rows may follow; paging through a
 *   list returns every matching row once;
 * - keep idempotency records per `(actorId, key)`; keep outbox events until acknowledged and
 *   hand an unacknowledged event out again once its lease has passed (at-least-once);
 * - append audit rows only through the chain, one chain per `chainId`, with the head updated in
 *   the same transaction; concurrent appends to one chain MUST NOT fork it;
 * - compute reports in the database where there is one (GROUP BY over indexed columns);
 * - refuse to run against a schema newer than it knows (`storage_schema_too_new`).
 *
 * An adapter MUST NOT:
 * - delete rows as a side effect of an import or a migration (departed students are marked,
 *   not removed; migrations never drop data);
 * - let a driver error, a driver type (Buffer, bigint, Date) or a stack trace reach a caller;
 * - read the clock: time comes in as arguments (`now`, `at`), so tests and replays are exact;
 * - make domain decisions: what counts as departed, covered or valid is decided in core.
 *
 * @packageDocumentation
 */

import * as z from "zod";
import type { RosterInput, RosterUpsertOptions, RosterUpsertResult } from "../domain/roster.js";
import { addCatalogIssue } from "../shared/errors/parse.js";
import { withOptionLabels } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import { idSchema, instantSchema, isoDateSchema, termIdSchema } from "../shared/primitives.js";
import type {
  AuditChainKey,
  AuditEntryInput,
  AuditHead,
  AuditRecord,
  AuditVerification,
  AuditVerifyOptions,
} from "./audit-chain.js";
import {
  type EntityIndexName,
  type EntityRecord,
  type IndexValue,
  type StoredEntityName,
  storedEntityNames,
  type TenantKeys,
} from "./entities.js";
import type { PreparedRecord, RecordInput } from "./prepared-record.js";

/** A record as stored: the schema's output, its version and its tenant keys. */
export interface Stored<T> {
  readonly record: T;
  /** 1 when created; +1 on every update. */
  readonly version: number;
  readonly tenant: TenantKeys;
}

/** Filters of a list: tenant keys, ids, and the entity's indexed columns. */
export type ListWhere<N extends StoredEntityName> = {
  cityId?: string;
  countyId?: string;
  schoolId?: string;
  /** Only these ids. */
  ids?: readonly string[];
} & {
  /** Equal to a value, or to any of a list of values; `null` matches no value. */
  [K in EntityIndexName<N>]?: IndexValue | readonly IndexValue[];
};

/** A list query. */
export interface ListQuery<N extends StoredEntityName> {
  where?: ListWhere<N>;
  /** The page size: default 100, at most 1000. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of a list. */
export interface Page<T> {
  items: Stored<T>[];
  /** Present when another page may follow. */
  nextCursor?: string;
}

/** The version a write expects to replace (optimistic concurrency). */
export interface ExpectedVersion {
  expectedVersion: number;
}

/** The repository of one entity. */
export interface Collection<N extends StoredEntityName> {
  /** The record with this id, or `undefined`. */
  get(id: string): Promise<Stored<EntityRecord<N>> | undefined>;
  /** The records with these ids that exist, in the order asked. */
  getMany(ids: readonly string[]): Promise<Stored<EntityRecord<N>>[]>;
  /**
   * Stores a new record at version 1; `conflict` when the id exists. A plain object is
   * validated with the entity's schema; a {@link PreparedRecord} core made is stored as it is.
   */
  create(input: RecordInput<N>): Promise<Stored<EntityRecord<N>>>;
  /** {@link create} for many records at once (batched by the adapter). */
  createMany(inputs: readonly RecordInput<N>[]): Promise<Stored<EntityRecord<N>>[]>;
  /**
   * Replaces the record (validated like {@link create}'s input); `version_conflict` when the
   * stored version is not `expectedVersion`.
   */
  update(id: string, input: RecordInput<N>, options: ExpectedVersion): Promise<Stored<EntityRecord<N>>>;
  /** Removes the record (for purges); `version_conflict` when stale, `not_found` when absent. */
  delete(id: string, options: ExpectedVersion): Promise<void>;
  /** A page of records matching the filters, in id order. */
  list(query?: ListQuery<N>): Promise<Page<EntityRecord<N>>>;
  /** How many records match the filters. */
  count(where?: ListWhere<N>): Promise<number>;
}

/** A value that JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

/** The request fingerprint and response an idempotency record keeps. */
export const idempotencyBeginSchema = z.strictObject({
  actorId: idSchema,
  key: z.string().min(1).max(255),
  /** A hash of the request body, to tell a replay from a reuse of the key with another body. */
  requestHash: z.string().min(1).max(128),
  now: instantSchema,
});
/** What {@link IdempotencyStore.begin} takes. */
export type IdempotencyBegin = z.infer<typeof idempotencyBeginSchema>;

/** The answer of {@link IdempotencyStore.begin}. */
export type IdempotencyState =
  /** The key is new: it is now recorded as in flight; do the work, then `complete`. */
  | { status: "started" }
  /** Another request with this key is still running (answer 409). */
  | { status: "in_flight" }
  /** The key was used with another body (answer 422). */
  | { status: "mismatch" }
  /** Done before: replay this response. */
  | { status: "completed"; response: JsonValue };

/** Idempotency records, scoped per actor (RELIABILITY.md promise 6). */
export interface IdempotencyStore {
  /** Records the key as in flight unless it exists; tells what to do. */
  begin(input: IdempotencyBegin): Promise<IdempotencyState>;
  /**
   * Stores the response of a started key: `responseJson` as it is when given (the caller's
   * `JSON.stringify(response)`, so the value is serialised once), else `response` serialised.
   */
  complete(input: { actorId: string; key: string; response: JsonValue; responseJson?: string }): Promise<void>;
  /** Forgets an in-flight key whose work failed, so the client may retry. */
  release(input: { actorId: string; key: string }): Promise<void>;
  /** Removes records created before an instant; returns how many. */
  purge(input: { before: string }): Promise<number>;
}

/** An event to deliver to the host after commit (visit.completed, safety.overdue …). */
export const outboxEventSchema = z.strictObject({
  id: idSchema,
  /** Dotted event name, e.g. `visit.completed`. */
  topic: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9_.-]+$/),
  /** The tenant the event concerns, for routing and sharding. */
  schoolId: idSchema.optional(),
  at: instantSchema,
  /** Ids and codes; never more personal data than the host needs. */
  payload: z.record(z.string(), jsonValueSchema),
});
/** An outbox event. */
export type OutboxEvent = z.infer<typeof outboxEventSchema>;
/** An outbox event as a caller writes it. */
export type OutboxEventInput = z.input<typeof outboxEventSchema>;

/** An event handed out for delivery. */
export interface ClaimedOutboxEvent {
  event: OutboxEvent;
  /** Append order. */
  seq: number;
  /** How many times it was handed out, this time included. */
  attempts: number;
}

/** The outbox: events appended in the writing transaction, delivered at least once. */
export interface OutboxStore {
  /** Appends an event; `conflict` when its id exists. */
  append(event: OutboxEventInput): Promise<void>;
  /**
   * Hands out up to `limit` unacknowledged events whose lease is free or expired, oldest first,
   * leasing them to `consumer` until `now + leaseSeconds`.
   */
  claim(input: { consumer: string; now: string; leaseSeconds: number; limit: number }): Promise<ClaimedOutboxEvent[]>;
  /** Marks events delivered; they are never handed out again. Returns how many were pending. */
  ack(ids: readonly string[]): Promise<number>;
  /** How many events are not yet acknowledged. */
  pending(): Promise<number>;
}

/** Options of {@link AuditStore.append}. */
export interface AuditAppendOptions {
  /** The chain key: the row is written keyed (v2) and the head signed. The engine always passes one. */
  key?: AuditChainKey;
}

/** The audit log: append-only, one hash chain per tenant. */
export interface AuditStore {
  /**
   * Validates, chains ({@link chainAuditEntry}, with `options.key`) and appends an entry;
   * returns the stored row. MUST NOT fail because a row it did not write occupies the place
   * after the head: it then writes after the highest stored `seq`, linked to its own head, as a
   * new segment (`chainAuditEntry(head, entry, { key, seq })`), so a forged row is reported by
   * verification and never takes the tenant offline.
   */
  append(entry: AuditEntryInput, options?: AuditAppendOptions): Promise<AuditRecord>;
  /** Rows of a chain in `seq` order, from `fromSeq` (default 1), at most `limit` (default 1000), as stored. */
  read(chainId: string, options?: { fromSeq?: number; limit?: number }): Promise<AuditRecord[]>;
  /** The chain's head (with its MAC when keyed); count 0 for an unknown chain. */
  head(chainId: string): Promise<AuditHead>;
  /**
   * Verifies the whole chain against its head ({@link verifyAuditLog} over this store's own
   * `read` and `head`): every break as data, never a throw for what the rows hold.
   */
  verify(chainId: string, options?: AuditVerifyOptions): Promise<AuditVerification>;
}

/** The repositories available inside a transaction. */
export type StorageRepositories = {
  readonly [N in StoredEntityName]: Collection<N>;
} & {
  readonly idempotency: IdempotencyStore;
  readonly outbox: OutboxStore;
  readonly audit: AuditStore;
};

/** A transaction: the repositories, all acting in one database transaction. */
export type StorageTx = StorageRepositories;

/** Options of {@link Storage.transaction}. */
export interface TransactionOptions {
  /** A read-only transaction: adapters may run it concurrently with others. */
  readOnly?: boolean;
}

/** One schema migration. */
export interface MigrationInfo {
  version: number;
  name: string;
}

/** Schema migrations: versioned, transactional, re-runnable, never dropping data. */
export interface Migrations {
  /** The newest version this library knows. */
  readonly latest: number;
  /** The version the database is at (0 when empty). */
  current(): Promise<number>;
  /** Migrations not yet applied, oldest first. */
  pending(): Promise<MigrationInfo[]>;
  /**
   * Applies pending migrations, each in its own transaction, up to `to` (default latest);
   * returns the versions applied. `storage_schema_too_new` when the database is ahead.
   */
  migrate(options?: { to?: number }): Promise<number[]>;
  /** The SQL the migrations run, for review by school IT before running them. */
  sql(options?: { from?: number; to?: number }): string;
}

/** The levels a coverage report groups by. */
export const coverageGroupings = ["school", "grade", "class", "category", "teacher", "channel"] as const;
/** The words for each coverage grouping. */
export const coverageGroupingLabels: Readonly<Record<(typeof coverageGroupings)[number], LocalizedText>> = {
  school: { "zh-CN": "学校", en: "School" },
  grade: { "zh-CN": "年级", en: "Grade" },
  class: { "zh-CN": "班级", en: "Class" },
  category: { "zh-CN": "重点类别", en: "Category" },
  teacher: { "zh-CN": "教师", en: "Teacher" },
  channel: { "zh-CN": "家访方式", en: "Channel" },
};
/** A coverage grouping, with its words. */
export const coverageGroupingSchema = withOptionLabels(z.enum(coverageGroupings), coverageGroupingLabels);
/** A coverage grouping. */
export type CoverageGrouping = (typeof coverageGroupings)[number];

/** A coverage report query (R2: every enrolled student is visited). */
export const coverageQuerySchema = z
  .strictObject({
    scope: z.union([
      z.strictObject({ cityId: idSchema }),
      z.strictObject({ countyId: idSchema }),
      z.strictObject({ schoolId: idSchema }),
    ]),
    /** The period, both ends included. */
    from: isoDateSchema,
    to: isoDateSchema,
    /** The term the period is, for labelling. */
    termId: termIdSchema.optional(),
    groupBy: coverageGroupingSchema,
  })
  .superRefine((q, ctx) => {
    if (q.to < q.from) addCatalogIssue(ctx, "date_range_inverted", {}, ["to"]);
  });
/** A coverage report query. */
export type CoverageQuery = z.infer<typeof coverageQuerySchema>;

/** One row of a coverage report. */
export interface CoverageRow {
  /** The group's key: a school, class or teacher id, a grade number as text, a category, a channel. */
  key: string;
  /**
   * Distinct students enrolled in the group during the period (the denominator); `null` for
   * teacher and channel groupings, where students are not divided among groups.
   */
  enrolled: number | null;
  /** Distinct enrolled students with a completed in-home visit in the period. */
  visited: number;
  /** Completed visits (any channel) in the period. */
  visits: number;
}

/** Reports computed by the database. */
export interface StorageReports {
  /** Coverage by school, grade, class, category, teacher or channel, ordered by key. */
  coverage(query: CoverageQuery): Promise<CoverageRow[]>;
}

/** Bulk roster import. */
export interface RosterStore {
  /**
   * Imports a school's roster in one transaction: adds new rows, updates changed ones, leaves
   * unchanged ones alone and marks students and teachers absent from it as departed.
   */
  upsert(input: RosterInput, options?: RosterUpsertOptions): Promise<RosterUpsertResult>;
}

/** The storage port. */
export interface Storage extends StorageRepositories {
  /**
   * Runs `fn` in one transaction: all its writes commit together when it resolves, none
   * when it throws. The adapter retries busy databases; it never returns `SQLITE_BUSY`.
   */
  transaction<T>(fn: (tx: StorageTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  readonly reports: StorageReports;
  readonly roster: RosterStore;
  readonly migrations: Migrations;
  /** Releases connections; later calls throw `storage_closed`. */
  close(): Promise<void>;
}

/**
 * The repositories of a storage with each call run in its own transaction, for adapters to
 * spread into their {@link Storage}.
 *
 * @example
 * ```ts
 * const storage: Storage = {
 *   ...implicitTransactions((fn) => transaction(fn)),
 *   transaction, reports, roster, migrations, close,
 * };
 * await storage.students.get("s1"); // runs transaction((tx) => tx.students.get("s1"))
 * ```
 */
export function implicitTransactions(
  transaction: <T>(fn: (tx: StorageTx) => Promise<T>, options?: TransactionOptions) => Promise<T>,
): StorageRepositories {
  const readOnly = new Set(["get", "getMany", "list", "count", "read", "head", "verify", "pending"]);
  const repository = (name: string) =>
    new Proxy(
      {},
      {
        get(_target, method) {
          if (typeof method !== "string") return undefined;
          return (...args: unknown[]) =>
            transaction(
              (tx) => {
                const repo = (tx as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[
                  name
                ];
                const fn = repo?.[method];
                if (!repo || !fn) throw new TypeError(`No storage method ${name}.${method}`);
                return fn.apply(repo, args);
              },
              { readOnly: readOnly.has(method) && name !== "outbox" },
            );
        },
      },
    );
  const names = [...storedEntityNames, "idempotency", "outbox", "audit"];
  return Object.fromEntries(names.map((n) => [n, repository(n)])) as unknown as StorageRepositories;
}
