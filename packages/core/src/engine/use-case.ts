import type * as z from "zod";
import type { BlobStore } from "../ports/blob-store.js";
import type { EngineEvents, EngineEventTopic } from "../ports/events.js";
import type { IdGenerator } from "../ports/ids.js";
import type { Storage, StorageReports, StorageTx } from "../ports/storage.js";
import type { ErrorCode } from "../shared/errors/catalog.js";
import type { LocalizedText } from "../shared/i18n.js";
import type { AuditServices } from "./audit-services.js";
import type { EngineConfig } from "./config.js";
import type { HttpHint, TargetKind, UseCaseContract } from "./contract.js";
import type { PluginRegistry } from "./plugins.js";
import type { Actor, actorSchema } from "./policy/actor.js";
import type { Action, PolicyTarget } from "./policy/policy.js";
import type { HomevisitLogger } from "./telemetry.js";

/**
 * What a use case acts on, as its `resolveTarget` finds it: the tenant keys and the actor's
 * relations for the policy, the entity named in audit rows, and whatever the use case loaded
 * (the stored student, the flag …) so `run` need not read it again.
 */
export interface UseCaseTarget<D = unknown> {
  /** Tenant keys and relations: what `authorize` decides on. */
  policy: PolicyTarget;
  /** The entity kind for audit rows and `not_found` messages (`students`, `categoryFlags` …). */
  entity: string;
  /** The id of the record acted on, when there is one. */
  entityId?: string;
  /** What `resolveTarget` loaded, handed to `run`. */
  data: D;
}

/** The field changes of one audited write, before sensitivity handling. */
export interface ChangeSet {
  /** A stored entity name: its schema tells which fields are sensitive. */
  entity: string;
  before: Readonly<Record<string, unknown>> | undefined;
  after: Readonly<Record<string, unknown>> | undefined;
}

/** What `run` gets: the transaction, the actor, the target and the engine's services. */
export interface UseCaseContext<D = unknown> {
  /** The one transaction of this call: every read and write goes through it. */
  readonly tx: StorageTx;
  readonly actor: Actor;
  readonly target: UseCaseTarget<D>;
  /** The clock's instant at the start of the call. */
  readonly now: string;
  /** Today in China Standard Time (`YYYY-MM-DD`). */
  readonly today: string;
  readonly config: EngineConfig;
  /** A fresh id for a record this call creates. */
  readonly newId: IdGenerator;
  /** The purpose the actor stated, when one was given. */
  readonly purpose: string | undefined;
  readonly blobs: BlobStore;
  readonly plugins: PluginRegistry;
  /** Records changed fields for the audit row (sensitive values become keyed HMACs). */
  recordChange(change: ChangeSet): void;
  /** Adds codes and counts to the audit row's details (never personal data). */
  auditDetail(key: string, value: string | number | boolean | null): void;
  /** Queues a domain event; it is written to the outbox in this transaction, before commit. */
  emit<T extends EngineEventTopic>(topic: T, payload: EngineEvents[T]): void;
  /** Runs after a successful commit (blob deletions: blob stores are not transactional). */
  afterCommit(fn: (storage: Storage) => Promise<void>): void;
  /** A keyed HMAC (hex) under the audit key, for tombstones and pseudonymous references. */
  hmac(value: string): string;
  /** What the use case's `stage` prepared before the transaction opened (`undefined` without one). */
  readonly staged?: unknown;
}

/** What `stage` may use: services outside any transaction. */
export interface StageContext {
  readonly blobs: BlobStore;
  readonly config: EngineConfig;
  readonly newId: IdGenerator;
}

/** Work done before a call's transaction, and how to take it back when the call does not commit. */
export interface Staged {
  /** Handed to `run` as `ctx.staged`. */
  readonly value: unknown;
  /** Undoes the work (best effort: what it leaves must be harmless unreferenced). */
  discard(): Promise<void>;
}

/**
 * What `finish` may use after the call's transaction committed: the storage itself (each read
 * its own short transaction, so long work such as verifying an audit chain a page at a time
 * does not hold one), the audit keys and anchor, the actor and the call's instant.
 */
export interface FinishServices {
  readonly storage: Storage;
  readonly audit: AuditServices;
  readonly actor: Actor;
  readonly now: string;
  readonly newId: IdGenerator;
  readonly logger: HomevisitLogger;
}

/** The services `resolveTarget` may use. */
export interface ResolveContext {
  readonly tx: StorageTx;
  readonly actor: Actor;
  readonly today: string;
  readonly config: EngineConfig;
}

/**
 * How a use case does its work: it finds its target (the tenant keys and the actor's relations
 * for the policy), runs inside the call's transaction, and for aggregate reads completes its
 * output from the database's reports. Written apart from its {@link UseCaseContract}, which is
 * all that REST, OpenAPI and the client read.
 */
export interface UseCaseImplementation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, D = unknown> {
  /** Finds the target and the actor's relations to it; `undefined` answers `not_found`. */
  resolveTarget(ctx: ResolveContext, input: z.output<I>): Promise<UseCaseTarget<D> | undefined>;
  /**
   * Writes that must precede the transaction and cannot join it (photo bytes: a blob store is
   * not transactional, and an embedded one shares the storage's connection), so that a record
   * never commits pointing at bytes not yet stored. Runs once the actor is authorized for the
   * target (checked before, and again inside the call's transaction), so a denied
   * caller writes nothing; it may only write what is harmless unreferenced, since the call can
   * still fail. The runner discards it when the call does not commit.
   */
  stage?(ctx: StageContext, input: z.output<I>): Promise<Staged>;
  /** Does the work inside the transaction, after authorization. */
  run(ctx: UseCaseContext<D>, input: z.output<I>): Promise<z.output<O>>;
  /**
   * For aggregate reads only: completes `run`'s output after the transaction has committed,
   * with the database's reports (GROUP BY in SQL). Reports open their own read transaction,
   * which must not nest inside the call's (SQLite and the memory adapter serialise them).
   * `plugins` is the engine's registry (report sections); `services` the storage and the audit
   * keys, for work that must not hold the call's transaction (verifying a chain).
   */
  finish?(
    reports: StorageReports,
    output: z.output<O>,
    input: z.output<I>,
    plugins: PluginRegistry,
    services: FinishServices,
  ): Promise<z.output<O>>;
}

/**
 * One use case: its contract (the matrix action it performs, its input and output schemas and
 * route) and its implementation. `action` must be a key of `policyMatrix`: the compiler refuses
 * anything else, so a use case without a matrix entry cannot exist.
 */
export interface UseCaseDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, D = unknown>
  extends UseCaseContract<I, O>,
    UseCaseImplementation<I, O, D> {}

/** Any use case definition. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds use cases of every shape.
export type AnyUseCase = UseCaseDefinition<any, any, any>;

/**
 * Declares a use case. The identity function, typed so that `run` sees the parsed input and
 * what `resolveTarget` loaded, and so that `action` is checked against the policy matrix.
 *
 * @example
 * ```ts
 * const readStudent = defineUseCase({
 *   action: "students.read",
 *   entity: "students",
 *   description: { "zh-CN": "查看学生完整信息", en: "Read a student's full record" },
 *   input: z.strictObject({ studentId: idSchema }),
 *   output: studentSchema,
 *   targetKind: "record",
 *   http: { method: "GET", path: "/students/{studentId}" },
 *   resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
 *   run: async (ctx) => ctx.target.data.record,
 * });
 * ```
 */
export function defineUseCase<I extends z.ZodType, O extends z.ZodType, D>(
  definition: UseCaseDefinition<I, O, D>,
): UseCaseDefinition<I, O, D> {
  return definition;
}

/**
 * Joins an implementation to its contract: the result is the use case the engine binds. Types
 * flow from the contract, so `run` sees the parsed input and must answer the declared output.
 *
 * @example
 * ```ts
 * const readStudent = implementUseCase(studentContracts.read, {
 *   resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
 *   run: async (ctx) => ctx.target.data.record,
 * });
 * ```
 */
export function implementUseCase<I extends z.ZodType, O extends z.ZodType, D>(
  contract: UseCaseContract<I, O>,
  implementation: UseCaseImplementation<I, O, D>,
): UseCaseDefinition<I, O, D> {
  return { ...contract, ...implementation };
}

/** Options of every use case call. */
export interface UseCaseOptions {
  /** Why the actor needs a full view; required where the matrix says so. Audited. */
  purpose?: string;
  /** Makes a create safe to retry: a replay returns the first result. Scoped per actor. */
  idempotencyKey?: string;
}

/** A use case bound to an engine: `(actor, input, options?) => Promise<output>`. */
export type BoundUseCase<U extends AnyUseCase> = (
  actor: z.input<typeof actorSchema>,
  input: z.input<U["input"]>,
  options?: UseCaseOptions,
) => Promise<z.output<U["output"]>>;

export type { HttpHint, TargetKind, UseCaseContract } from "./contract.js";

/** One entry of the use case registry, for the REST adapter and the OpenAPI document. */
export interface UseCaseInfo {
  /** Stable name `area.method`, e.g. `students.flagCategory`. */
  readonly name: string;
  readonly area: string;
  readonly method: string;
  readonly action: Action;
  readonly description: LocalizedText;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly http: HttpHint;
  readonly targetKind: TargetKind;
  readonly idempotent: boolean;
  readonly purposeRequired: boolean;
  readonly write: boolean;
  /** The codes the use case's own rules can answer (see {@link UseCaseContract.errors}). */
  readonly errors: readonly ErrorCode[];
  /** Rules the caller must meet, in words (see {@link UseCaseContract.preconditions}). */
  readonly preconditions: readonly LocalizedText[];
}
