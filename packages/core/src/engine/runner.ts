import * as z from "zod";
import type { BlobStore } from "../ports/blob-store.js";
import type { Clock } from "../ports/clock.js";
import { type StoredEntityName, storedEntities } from "../ports/entities.js";
import { type EngineEventTopic, engineEventSchemas } from "../ports/events.js";
import type { IdGenerator } from "../ports/ids.js";
import type { JsonValue, Storage, StorageTx } from "../ports/storage.js";
import { canonicalJson } from "../shared/canonical-json.js";
import { hmacSha256Hex } from "../shared/crypto/hmac.js";
import { sha256Hex } from "../shared/crypto/sha256.js";
import { shanghaiDate } from "../shared/dates.js";
import type { EntityName } from "../shared/errors/entity-names.js";
import { HomevisitError, isHomevisitError } from "../shared/errors/homevisit-error.js";
import { parseInput } from "../shared/errors/parse.js";
import { shortTextSchema } from "../shared/primitives.js";
import { auditChanges } from "./audit-changes.js";
import type { AuditServices } from "./audit-services.js";
import { type AuditTrail, auditTrail } from "./audit-trail.js";
import type { EngineConfig } from "./config.js";
import type { PluginRegistry } from "./plugins.js";
import { type Actor, parseActor } from "./policy/actor.js";
import { authorize, isPolicyAction, type PolicyEntry, policyMatrix } from "./policy/policy.js";
import { actorChain, chainOf } from "./targets.js";
import { type HomevisitLogger, safeLogger, type Telemetry } from "./telemetry.js";
import type { AnyUseCase, ChangeSet, Staged, UseCaseContext, UseCaseOptions, UseCaseTarget } from "./use-case.js";
import { isVisible } from "./visibility.js";

/**
 * Fields a caller never sets: the engine derives them from the actor, the target and the
 * clock. Sending one is refused by name (mass assignment, RELIABILITY.md promise 3) unless the
 * use case's input declares it.
 */
export const serverOwnedFields = [
  "id",
  "cityId",
  "countyId",
  "schoolId",
  "version",
  "createdBy",
  "createdAt",
  "updatedBy",
  "updatedAt",
  "flaggedBy",
  "flaggedAt",
  "recordedBy",
  "recordedAt",
  "revokedBy",
  "withdrawnBy",
  "actorId",
  "status",
] as const;

/** What the runner needs from the engine. */
export interface RunnerDeps {
  storage: Storage;
  blobs: BlobStore;
  clock: Clock;
  newId: IdGenerator;
  config: EngineConfig;
  plugins: PluginRegistry;
  /** The audit chain's keys and anchor; default: the keys of `config`, no anchor. */
  audit?: AuditServices;
  /** The host's logger (codes and names only). */
  logger?: HomevisitLogger;
  /** Spans and metrics (OpenTelemetry when present). */
  telemetry?: Telemetry;
}

const purposeSchema = shortTextSchema.min(1);
const idempotencyKeySchema = z.string().min(1).max(255);

export { auditActionName } from "./audit-trail.js";

class Denied {
  constructor(
    readonly reason: string,
    readonly entity: string,
    readonly entityId: string | undefined,
    /** The caller may see the target (its read action reaches it): 403 rather than 404. */
    readonly visible = false,
  ) {}
}

function rejectServerOwned(schema: z.ZodType, input: unknown): void {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  for (const field of serverOwnedFields) {
    if (Object.hasOwn(input, field) && !Object.hasOwn(shape, field)) {
      throw new HomevisitError("server_owned_field", { params: { field }, path: [field] });
    }
  }
}

/**
 * Runs one use case call: validate the actor, the options and the input; open one transaction;
 * resolve the target; authorize (a denial of a record the caller may not see answers like a
 * missing record, one they may see answers `forbidden`; either is audited in a transaction of
 * its own, since the call's is rolled back); require a purpose where the matrix
 * says so; replay or reserve the idempotency key; run; write the audit row and the outbox
 * events; commit; then run the after-commit steps.
 *
 * @example
 * ```ts
 * await runUseCase(deps, "students.read", studentUseCases.read, actor, { studentId: "s-1" }, { purpose: "家访准备" });
 * ```
 */
export async function runUseCase(
  deps: RunnerDeps,
  name: string,
  useCase: AnyUseCase,
  rawActor: unknown,
  rawInput: unknown,
  options: UseCaseOptions = {},
): Promise<unknown> {
  return (await execute(deps, { name, useCase, rawActor, rawInput, options, form: "value" })).value;
}

/**
 * A use case's result as JSON text, for adapters that send it on (the REST handler):
 * `text` is exactly `JSON.stringify` of what {@link runUseCase} returns, and `value` is the
 * result for reading a few fields (a version, a cursor). `value` may be the use case's own
 * output, not a detached copy: read it, do not keep or change it.
 */
export interface UseCaseJsonResult {
  text: string;
  value: unknown;
}

/**
 * Runs a use case as {@link runUseCase} does, and answers its result as JSON text: the text
 * the runner makes anyway, without the copy a caller of `runUseCase` gets parsed from it.
 *
 * @example
 * ```ts
 * const { text, value } = await runUseCaseJson(deps, "students.archive", studentUseCases.archive, actor, { studentId: "s-1" }, { purpose: "家访准备" });
 * new Response(text, { headers: { "Content-Type": "application/json" } });
 * ```
 */
export function runUseCaseJson(
  deps: RunnerDeps,
  name: string,
  useCase: AnyUseCase,
  rawActor: unknown,
  rawInput: unknown,
  options: UseCaseOptions = {},
): Promise<UseCaseJsonResult> {
  return execute(deps, { name, useCase, rawActor, rawInput, options, form: "json" });
}

/**
 * What the caller gets: `value`, a plain JSON value parsed from the text (detached from
 * anything the engine keeps, and the same value an idempotent replay returns); or `json`, the
 * text itself with the output unparsed beside it.
 */
type ResultForm = "value" | "json";

/** One call as its caller made it: nothing checked yet. */
interface CallRequest {
  name: string;
  useCase: AnyUseCase;
  rawActor: unknown;
  rawInput: unknown;
  options: UseCaseOptions;
  form: ResultForm;
}

/**
 * {@link executeCall} inside a `homevisit.use_case` span, with a call counter, a duration and a
 * log line: the use case name, its action and the outcome code only — never an id or a value.
 */
async function execute(deps: RunnerDeps, request: CallRequest): Promise<UseCaseJsonResult> {
  const telemetry = deps.telemetry;
  const log = deps.logger ?? quiet;
  if (telemetry === undefined && deps.logger === undefined) return executeCall(deps, request);
  const { name, useCase } = request;
  const attributes = { "homevisit.use_case": name, "homevisit.action": String(useCase.action) };
  const started = performance.now();
  const run = (span?: { set(key: string, value: string | number | boolean): void }) =>
    executeCall(deps, request).then(
      (value) => {
        finish("ok", 200, span);
        return value;
      },
      (error: unknown) => {
        const known = isHomevisitError(error);
        finish(known ? error.code : "internal_error", known ? error.status : 500, span);
        if (!known || error.status >= 500) {
          // The class and code only: a driver's message may quote stored values.
          log.error(
            {
              event: "use_case_failed",
              useCase: name,
              code: known ? error.code : "internal_error",
              errorName: error instanceof Error ? error.name : typeof error,
              causeCode: causeCode(error),
            },
            "homevisit use case failed",
          );
        }
        throw error;
      },
    );
  const finish = (
    outcome: string,
    status: number,
    span?: { set(key: string, value: string | number | boolean): void },
  ) => {
    const ms = performance.now() - started;
    span?.set("homevisit.outcome", outcome);
    const metric = { ...attributes, "homevisit.outcome": outcome };
    telemetry?.count("homevisit.use_case.calls", metric);
    telemetry?.duration("homevisit.use_case.duration", ms, metric);
    if (status < 500)
      log.debug({ event: "use_case", useCase: name, outcome, ms: Math.round(ms * 10) / 10 }, "homevisit use case");
  };
  return telemetry ? telemetry.span("homevisit.use_case", attributes, run) : run();
}

const quiet = safeLogger(undefined);

/** A driver's error code kept as a cause (`SQLITE_FULL`, `53100`): a code, never a message. */
function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}

/** What a call has proved before its transaction opens: the actor, the options and the input. */
interface PreparedCall {
  name: string;
  useCase: AnyUseCase;
  actor: Actor;
  entry: PolicyEntry;
  purpose: string | undefined;
  idempotencyKey: string | undefined;
  input: unknown;
  now: string;
  today: string;
  form: ResultForm;
  hmac: (value: string) => string;
}

/**
 * Checks what a call brings, each value once: the action, the actor (an actor already parsed by
 * `parseActor` is taken as it is; anything else is parsed here), the options and the input.
 */
function prepareCall(deps: RunnerDeps, request: CallRequest): PreparedCall {
  const { name, useCase, rawActor, rawInput, options, form } = request;
  if (!isPolicyAction(useCase.action)) {
    throw new HomevisitError("use_case_unknown_action", { params: { name, action: String(useCase.action) } });
  }
  const actor: Actor = parseActor(rawActor);
  const purpose =
    options.purpose === undefined ? undefined : parseInput(purposeSchema, options.purpose, { path: ["purpose"] });
  const idempotencyKey =
    options.idempotencyKey === undefined
      ? undefined
      : parseInput(idempotencyKeySchema, options.idempotencyKey, { path: ["idempotencyKey"] });
  rejectServerOwned(useCase.input, rawInput);
  const input = parseInput(useCase.input, rawInput);
  const now = new Date(Date.parse(deps.clock.now())).toISOString();
  return {
    name,
    useCase,
    actor,
    entry: policyMatrix[useCase.action],
    purpose,
    idempotencyKey,
    input,
    now,
    today: shanghaiDate(now),
    form,
    hmac: (value: string) => hmacSha256Hex(deps.config.audit.hmacKey, value),
  };
}

/** What the transaction leaves for after it: the target it resolved and the steps to run. */
interface CallState {
  /** The target as resolved, authorized or not (a denial's audit row reads it). */
  resolvedTarget: UseCaseTarget | undefined;
  /** The target once authorized (a refused write's audit row reads it). */
  authorized: UseCaseTarget | undefined;
  afterCommit: ((storage: Storage) => Promise<void>)[];
  /** What the use case's `stage` wrote before the transaction (photo bytes). */
  staged: Staged | undefined;
  /** Whether `run` returned: the staged work is referenced once the transaction commits. */
  ran: boolean;
}

/** Takes back staged work the committed state does not reference (best effort: it is harmless). */
async function discardStaged(state: CallState): Promise<void> {
  await state.staged?.discard().catch(() => undefined);
}

/**
 * Resolves the call's target and lets the actor at it: authorized for the action, with a purpose
 * where the matrix wants one. A refusal throws ({@link Denied}, or `purpose_required` once the
 * target is authorized); `state` keeps what the refusal's audit row reads.
 */
async function admit(deps: RunnerDeps, call: PreparedCall, state: CallState, tx: StorageTx): Promise<UseCaseTarget> {
  const { actor, useCase, today, input } = call;
  const target = await useCase.resolveTarget({ tx, actor, today, config: deps.config }, input);
  state.resolvedTarget = target;
  if (target === undefined) throw new Denied("not_found", useCase.entity, undefined);
  const decision = authorize(actor, useCase.action, target.policy);
  if (!decision.allowed) {
    throw new Denied(decision.reason, target.entity, target.entityId, isVisible(actor, target.entity, target.policy));
  }
  state.authorized = target;
  if (call.entry.purposeRequired && call.purpose === undefined) {
    throw new HomevisitError("purpose_required", { path: ["purpose"] });
  }
  return target;
}

/**
 * The call's one transaction: resolve the target, authorize, require a purpose, replay or
 * reserve the idempotency key, run, and write the audit row and the outbox events.
 */
async function runInTransaction(
  deps: RunnerDeps,
  call: PreparedCall,
  trail: AuditTrail,
  state: CallState,
  tx: StorageTx,
): Promise<UseCaseJsonResult> {
  const { actor, useCase, entry, purpose, idempotencyKey, input, now, today } = call;
  const target = await admit(deps, call, state, tx);
  if (idempotencyKey !== undefined) {
    const requestHash = sha256Hex(canonicalJson({ useCase: call.name, input }));
    const begun = await tx.idempotency.begin({ actorId: actor.id, key: idempotencyKey, requestHash, now });
    if (begun.status === "completed") return { text: JSON.stringify(begun.response), value: begun.response };
    if (begun.status === "mismatch") throw new HomevisitError("idempotency_key_reused", { path: ["idempotencyKey"] });
    if (begun.status === "in_flight") throw new HomevisitError("idempotency_in_flight", { path: ["idempotencyKey"] });
  }
  const changes: ChangeSet[] = [];
  const details: Record<string, string | number | boolean | null> = {};
  const events: { topic: EngineEventTopic; payload: Record<string, unknown> }[] = [];
  const ctx: UseCaseContext = {
    tx,
    actor,
    target,
    now,
    today,
    config: deps.config,
    newId: deps.newId,
    purpose,
    blobs: deps.blobs,
    plugins: deps.plugins,
    recordChange: (change) => changes.push(change),
    auditDetail: (key, value) => {
      details[key] = value;
    },
    emit: (topic, payload) => events.push({ topic, payload: payload as Record<string, unknown> }),
    afterCommit: (fn) => state.afterCommit.push(fn),
    hmac: call.hmac,
    staged: state.staged?.value,
  };
  const output = await useCase.run(ctx, input);
  state.ran = true;
  const text = output === undefined ? "null" : JSON.stringify(output);
  // Round-trip through JSON: the caller, the idempotency record and a replay see the same
  // value. An adapter that asked for the text reads the output as it is (no idempotency
  // record to match then).
  const response: JsonValue =
    call.form === "value" || idempotencyKey !== undefined ? (JSON.parse(text) as JsonValue) : (output ?? null);
  if (entry.write || entry.audit === "always") {
    await trail.append(tx, {
      chainId: chainOf(target.policy),
      entity: target.entity,
      ...(target.entityId === undefined ? {} : { entityId: target.entityId }),
      ...(target.policy.schoolId === undefined ? {} : { schoolId: target.policy.schoolId }),
      ...(purpose === undefined ? {} : { purpose }),
      result: "ok",
      changes: changes.flatMap((c) => auditChanges(c, call.hmac)).slice(0, 200),
      ...(Object.keys(details).length === 0 ? {} : { details }),
    });
  }
  for (const event of events) {
    const payload = engineEventSchemas[event.topic].parse(event.payload) as Record<string, JsonValue>;
    await tx.outbox.append({
      id: deps.newId(),
      topic: event.topic,
      ...(target.policy.schoolId === undefined ? {} : { schoolId: target.policy.schoolId }),
      at: now,
      payload,
    });
  }
  // `text` is `response` serialised (response was parsed from it): the store keeps it as it is.
  if (idempotencyKey !== undefined) {
    await tx.idempotency.complete({ actorId: actor.id, key: idempotencyKey, response, responseJson: text });
  }
  return { text, value: response };
}

/**
 * The error a denial answers, after its audit row. The call's transaction rolled back; the
 * denial is recorded in a transaction of its own. A record outside the actor's tenant and a
 * missing one leave the same row (promise 10): no entity id, the reason `not_found`, and a keyed
 * HMAC of the ids asked for, which only the key holder can match — so reading the log tells a
 * principal nothing about whether another school's id exists. Denials inside the tenant keep the
 * record's id.
 */
async function deny(
  deps: RunnerDeps,
  call: PreparedCall,
  trail: AuditTrail,
  state: CallState,
  denied: Denied,
): Promise<HomevisitError> {
  const { actor, purpose, useCase } = call;
  const target = state.resolvedTarget;
  const hidden = denied.reason === "not_found" || target === undefined || !sameTenant(actor, target.policy);
  const ref = hidden ? referenceOf(call.input, call.hmac) : undefined;
  const schoolId = actor.schoolId === undefined ? {} : { schoolId: actor.schoolId };
  const stated = purpose === undefined ? {} : { purpose };
  await deps.storage.transaction((tx) =>
    trail.append(
      tx,
      hidden
        ? {
            chainId: actorChain(actor),
            entity: useCase.entity,
            ...schoolId,
            ...stated,
            result: "denied",
            details: { reason: "not_found", ...(ref === undefined ? {} : { ref }) },
          }
        : {
            chainId: actorChain(actor),
            entity: denied.entity,
            ...(denied.entityId === undefined ? {} : { entityId: denied.entityId }),
            ...schoolId,
            ...stated,
            result: "denied",
            details: { reason: denied.reason },
          },
    ),
  );
  await trail.anchorCommitted();
  return useCase.targetKind === "record" && !denied.visible
    ? new HomevisitError("not_found", { params: { entity: entityLabel(useCase.entity) } })
    : new HomevisitError("forbidden");
}

/** A refused write (consent, stale version) is worth a row: who tried what, and why not. */
async function auditRefusal(deps: RunnerDeps, call: PreparedCall, trail: AuditTrail, state: CallState, error: unknown) {
  const target = state.authorized;
  if (!isHomevisitError(error) || target === undefined || !(call.entry.write || call.entry.audit === "always")) return;
  await deps.storage.transaction((tx) =>
    trail.append(tx, {
      chainId: chainOf(target.policy),
      entity: target.entity,
      ...(target.entityId === undefined ? {} : { entityId: target.entityId }),
      ...(target.policy.schoolId === undefined ? {} : { schoolId: target.policy.schoolId }),
      ...(call.purpose === undefined ? {} : { purpose: call.purpose }),
      result: "error",
      details: { code: error.code },
    }),
  );
  await trail.anchorCommitted();
}

/** Answers a call that failed: staged work taken back, then the denial or the refusal audited. */
async function refuse(deps: RunnerDeps, call: PreparedCall, trail: AuditTrail, state: CallState, error: unknown) {
  await discardStaged(state);
  if (error instanceof Denied) return deny(deps, call, trail, state, error);
  await auditRefusal(deps, call, trail, state, error);
  return error;
}

/**
 * The call's `stage` step, once the actor is let at the target: a denied caller writes no bytes
 * and takes no id. The check reads through the storage's own repositories (each read its own
 * short transaction) and is made again inside the call's transaction, which alone decides.
 */
async function stage(deps: RunnerDeps, call: PreparedCall, trail: AuditTrail, state: CallState): Promise<void> {
  const useCase = call.useCase;
  if (useCase.stage === undefined) return;
  try {
    await admit(deps, call, state, deps.storage);
  } catch (error) {
    throw await refuse(deps, call, trail, state, error);
  }
  state.resolvedTarget = undefined;
  state.authorized = undefined;
  // Bytes a record will name are stored before the transaction that names them (see `stage`).
  state.staged = await useCase.stage({ blobs: deps.blobs, config: deps.config, newId: deps.newId }, call.input);
}

async function executeCall(deps: RunnerDeps, request: CallRequest): Promise<UseCaseJsonResult> {
  const call = prepareCall(deps, request);
  const { useCase, form } = call;
  const trail = auditTrail(deps, call);
  const state: CallState = {
    resolvedTarget: undefined,
    authorized: undefined,
    afterCommit: [],
    staged: undefined,
    ran: false,
  };
  await stage(deps, call, trail, state);
  let result: UseCaseJsonResult;
  try {
    result = await deps.storage.transaction((tx) => runInTransaction(deps, call, trail, state, tx));
  } catch (error) {
    throw await refuse(deps, call, trail, state, error);
  }
  await trail.anchorCommitted();
  // An idempotent replay returned the first call's result: nothing references this call's work.
  if (!state.ran) await discardStaged(state);
  for (const fn of state.afterCommit) await fn(deps.storage);
  if (useCase.finish) {
    const finished = await useCase.finish(deps.storage.reports, result.value, call.input, deps.plugins, {
      storage: deps.storage,
      audit: trail.services,
      actor: call.actor,
      now: call.now,
      newId: deps.newId,
      logger: deps.logger ?? quiet,
    });
    const text = JSON.stringify(finished);
    result = { text, value: form === "value" ? JSON.parse(text) : finished };
  }
  return result;
}

/**
 * Whether a denied record is of the actor's own school: only there may a denial row name it.
 * Outside it — another school, or any child's record for a bureau, which sees aggregates only —
 * a denial must look like a missing record everywhere (promise 10).
 */
function sameTenant(actor: Actor, target: { schoolId?: string }): boolean {
  return actor.schoolId !== undefined && target.schoolId === actor.schoolId;
}

/**
 * A keyed HMAC of the ids an input names (its top-level `…Id` and `…Ids` fields), for a denial
 * row that must not show them: the same for a missing id and another tenant's.
 */
function referenceOf(input: unknown, hmac: (value: string) => string): string | undefined {
  if (input === null || typeof input !== "object") return undefined;
  const ids = Object.entries(input as Record<string, unknown>)
    .filter(([key, value]) => /Ids?$/.test(key) && (typeof value === "string" || Array.isArray(value)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return ids.length === 0 ? undefined : `hmac:${hmac(canonicalJson(Object.fromEntries(ids)))}`;
}

/**
 * The name `not_found` messages use, from the stored entity's own name (its Chinese comes from the
 * same table): one word for missing and out-of-scope alike; `record` for what is not stored.
 */
function entityLabel(entity: string): EntityName {
  return Object.hasOwn(storedEntities, entity) ? storedEntities[entity as StoredEntityName].name : "record";
}
