import type * as z from "zod";
import type { CategoryFlag } from "../domain/categories.js";
import type { AuditAnchor } from "../ports/audit-anchor.js";
import { signAuditHead } from "../ports/audit-chain.js";
import type { BlobStore } from "../ports/blob-store.js";
import { type Clock, systemClock } from "../ports/clock.js";
import type { EngineEventTopic, EventHandler } from "../ports/events.js";
import { type IdGenerator, timeOrderedIds } from "../ports/ids.js";
import type { Notifier } from "../ports/notifier.js";
import type { Storage } from "../ports/storage.js";
import type { TimetableSource } from "../ports/timetable.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { auditUseCases } from "./areas/audit/use-cases.js";
import { consentUseCases } from "./areas/consent/use-cases.js";
import { dataRightsUseCases } from "./areas/data-rights/use-cases.js";
import { formUseCases } from "./areas/forms/use-cases.js";
import {
  appointmentUseCases,
  appointmentUseCasesFor,
  conductUseCases,
  feedbackUseCases,
  planUseCases,
  recordUseCases,
  safetyUseCases,
  supportUseCases,
} from "./areas/index.js";
import { meUseCases } from "./areas/me/use-cases.js";
import { organisationUseCases } from "./areas/organisation/use-cases.js";
import { reportUseCases } from "./areas/reports/use-cases.js";
import { rosterUseCases } from "./areas/roster/use-cases.js";
import { studentUseCases, studentUseCasesFor } from "./areas/students/use-cases.js";
import { auditKeyringOf } from "./audit-services.js";
import { type EngineConfig, type EngineConfigInput, parseEngineConfig } from "./config.js";
import type { AnyContract } from "./contract.js";
import { createEventBus, type EventBus } from "./event-bus.js";
import { type EngineCategoryKey, type HomevisitPlugin, type PluginRegistry, pluginRegistry } from "./plugins.js";
import type { actorSchema } from "./policy/actor.js";
import { isPolicyAction, policyMatrix } from "./policy/policy.js";
import { runUseCase, runUseCaseJson, type UseCaseJsonResult } from "./runner.js";
import {
  createTelemetry,
  type HomevisitLogger,
  safeLogger,
  type Telemetry,
  type TelemetryOption,
} from "./telemetry.js";
import type { AnyUseCase, BoundUseCase, UseCaseInfo, UseCaseOptions } from "./use-case.js";

/**
 * The use cases of the engine by area. An area is a plain object of use cases; its key and the
 * method key make the stable name (`students.flagCategory`). To add an area, write its object
 * in its own file and add one line here.
 */
export const engineAreas = {
  roster: rosterUseCases,
  organisation: organisationUseCases,
  students: studentUseCases,
  consent: consentUseCases,
  dataRights: dataRightsUseCases,
  audit: auditUseCases,
  plans: planUseCases(),
  appointments: appointmentUseCases,
  safety: safetyUseCases,
  records: recordUseCases,
  conduct: conductUseCases,
  support: supportUseCases,
  feedback: feedbackUseCases,
  reports: reportUseCases,
  me: meUseCases,
  forms: formUseCases,
} as const;

/** The use case areas of an engine, by name. */
export type Areas = typeof engineAreas;

/** The use cases of an area, bound to an engine. */
export type BoundArea<A extends Record<string, AnyUseCase>> = { readonly [K in keyof A]: BoundUseCase<A[K]> };

/** What `createEngine` takes; `Ps` keeps the plugins' literal types (their category keys). */
export interface EngineOptions<Ps extends readonly HomevisitPlugin[] = readonly HomevisitPlugin[]> {
  storage: Storage;
  blobs: BlobStore;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: {@link timeOrderedIds}, UUIDs of version 7 in creation order. */
  ids?: IdGenerator;
  /** The host's notifications; called from event delivery only. */
  notifier?: Notifier;
  /** The host's timetable, for planning use cases. */
  timetable?: TimetableSource;
  config: EngineConfigInput;
  plugins?: Ps;
  /**
   * Where signed heads of the audit chains are kept outside the database (a file on another
   * volume, the host's log, another database): published every `config.audit.anchorEvery`
   * rows and by `engine.anchorAudit`; `audit.verify` checks against the latest.
   */
  auditAnchor?: AuditAnchor;
  /** The host's logger (pino, console …): codes, names, counts and durations only. */
  logger?: Partial<HomevisitLogger>;
  /**
   * OpenTelemetry spans and metrics around use cases and storage transactions: on by default
   * when `@opentelemetry/api` is installed (a no-op otherwise), `false` to turn off.
   */
  telemetry?: TelemetryOption;
}

/** A category flag whose category is one of an engine's keys (`C`). */
export type CategoryFlagOf<C extends string> = Omit<CategoryFlag, "category"> & { category: C };

/** The students area's use cases, as `engineAreas` holds them. */
export type StudentUseCases = Areas["students"];
type StudentInput<K extends keyof StudentUseCases> = z.input<StudentUseCases[K]["input"]>;
type StudentOutput<K extends keyof StudentUseCases> = z.output<StudentUseCases[K]["output"]>;
type ActorInput = z.input<typeof actorSchema>;

/**
 * The students use cases that carry a category, typed with an engine's category keys `C`: the
 * seven and its plugins' keys, so a plugin's key needs no cast and a typo does not compile.
 * Methods (not function properties), so that any engine is still an `Engine` (`C = string`).
 */
export interface StudentCategoryUseCases<C extends string> {
  flagCategory(
    actor: ActorInput,
    input: Omit<StudentInput<"flagCategory">, "category"> & { category: C },
    options?: UseCaseOptions,
  ): Promise<{ flag: CategoryFlagOf<C>; version: number }>;
  unflagCategory(
    actor: ActorInput,
    input: StudentInput<"unflagCategory">,
    options?: UseCaseOptions,
  ): Promise<{ flag: CategoryFlagOf<C>; version: number }>;
  read(
    actor: ActorInput,
    input: StudentInput<"read">,
    options?: UseCaseOptions,
  ): Promise<Omit<StudentOutput<"read">, "categories"> & { categories: CategoryFlagOf<C>[] }>;
  archive(
    actor: ActorInput,
    input: StudentInput<"archive">,
    options?: UseCaseOptions,
  ): Promise<Omit<StudentOutput<"archive">, "flags"> & { flags: CategoryFlagOf<C>[] }>;
}

/** The students area of an engine whose category keys are `C`. */
export type BoundStudentsArea<C extends string> = Omit<BoundArea<StudentUseCases>, keyof StudentCategoryUseCases<C>> &
  StudentCategoryUseCases<C>;

/**
 * An engine: use cases by area, the event bus, the registry of use cases and the plugins. `C`
 * is the category keys it accepts (`createEngine` infers the seven and its plugins' keys);
 * plain `Engine` is any engine.
 */
export type Engine<C extends string = string> = {
  readonly [A in keyof Areas]: A extends "students" ? BoundStudentsArea<C> : BoundArea<Areas[A]>;
} & {
  readonly events: EventBus;
  /** Every use case with its action, schemas and route hint, for REST and OpenAPI. */
  readonly useCases: readonly UseCaseInfo[];
  readonly plugins: PluginRegistry;
  readonly config: EngineConfig;
  readonly timetable: TimetableSource | undefined;
  /**
   * Runs the use case `name` (`area.method`, as `engine.useCases` names it) and answers its
   * result as JSON text, for adapters that send results on: `text` is exactly what
   * `JSON.stringify` of the bound call's result gives, made once, and `value` is the result for
   * reading a few fields (read it, do not keep or change it). The REST handler uses it. An
   * unknown name answers `use_case_unknown`. An actor made by `parseActor` (or
   * `safeParseActor`) is taken as it is; any other value is checked with `actorSchema` first.
   *
   * @example
   * ```ts
   * const { text } = await engine.callJson("students.archive", actor, { studentId: "s-1" }, { purpose: "家访准备" });
   * return new Response(text, { headers: { "Content-Type": "application/json" } });
   * ```
   */
  readonly callJson: (
    name: string,
    actor: unknown,
    input: unknown,
    options?: UseCaseOptions,
  ) => Promise<UseCaseJsonResult>;
  /**
   * Publishes the signed heads of these chains (school, county or city ids) to the engine's
   * audit anchor now — for a host's nightly job, besides the automatic anchoring every
   * `config.audit.anchorEvery` rows. Answers the heads published; none without an anchor.
   *
   * @example
   * ```ts
   * setInterval(() => engine.anchorAudit(schoolIds), 60 * 60 * 1000);
   * ```
   */
  readonly anchorAudit: (chainIds: readonly string[]) => Promise<SignedAuditHeadOf[]>;
};

/** A signed chain head, as `engine.anchorAudit` publishes it. */
export type SignedAuditHeadOf = ReturnType<typeof signAuditHead>;

/**
 * The registry of use cases of some areas: name, action, schemas, route hint. Throws
 * `use_case_unknown_action` for a use case whose action is not in the policy matrix (the
 * compiler already refuses it in typed code; this guards plain JavaScript).
 *
 * @example
 * ```ts
 * useCaseRegistry(engineAreas).find((u) => u.name === "students.flagCategory");
 * // { name: "students.flagCategory", area: "students", method: "flagCategory", action: "categories.flag",
 * //   http: { method: "POST", path: "/students/{studentId}/categories" }, idempotent: true, … }
 * ```
 */
export function useCaseRegistry(areas: Readonly<Record<string, Readonly<Record<string, AnyContract>>>>): UseCaseInfo[] {
  const out: UseCaseInfo[] = [];
  for (const [area, useCases] of Object.entries(areas)) {
    for (const [method, useCase] of Object.entries(useCases)) {
      const name = `${area}.${method}`;
      if (!isPolicyAction(useCase.action)) {
        throw new HomevisitError("use_case_unknown_action", { params: { name, action: String(useCase.action) } });
      }
      const entry = policyMatrix[useCase.action];
      out.push({
        name,
        area,
        method,
        action: useCase.action,
        description: useCase.description,
        input: useCase.input as z.ZodType,
        output: useCase.output as z.ZodType,
        http: useCase.http,
        targetKind: useCase.targetKind,
        idempotent: useCase.idempotent === true,
        purposeRequired: entry.purposeRequired,
        write: entry.write,
        errors: useCase.errors ?? [],
        preconditions: useCase.preconditions ?? [],
      });
    }
  }
  return out;
}

/**
 * The storage with its transactions inside `homevisit.storage.transaction` spans (read-only or
 * not, and the outcome code); everything else is the storage itself.
 */
function observedStorage(storage: Storage, telemetry: Telemetry): Storage {
  const observed = Object.create(storage) as Storage & { transaction: Storage["transaction"] };
  observed.transaction = (fn, transactionOptions) => {
    const attributes = { "homevisit.storage.read_only": transactionOptions?.readOnly === true };
    const started = performance.now();
    return telemetry.span("homevisit.storage.transaction", attributes, async (span) => {
      let outcome = "ok";
      try {
        return await storage.transaction(fn, transactionOptions);
      } catch (error) {
        outcome =
          (error as { code?: unknown } | null)?.code === undefined
            ? "error"
            : String((error as { code: unknown }).code);
        throw error;
      } finally {
        span.set("homevisit.outcome", outcome);
        telemetry.duration("homevisit.storage.transaction.duration", performance.now() - started, {
          ...attributes,
          "homevisit.outcome": outcome,
        });
      }
    });
  };
  return observed;
}

/**
 * Creates the engine: the use cases of every area, each taking the host's actor first, running
 * in one storage transaction with the policy, the audit row and the outbox events.
 * Validates the configuration (`engine_config_invalid`) and the plugins (`plugin_conflict`,
 * `plugin_invalid`). The engine's type carries its category keys: the seven and the plugins'
 * (pass plugins made with `definePlugin`, or `as const`, to keep their literal keys).
 *
 * @example
 * ```ts
 * const engine = createEngine({
 *   storage: memoryStorage(),
 *   blobs: memoryBlobStore(),
 *   config: { audit: { hmacKey: process.env.HOMEVISIT_AUDIT_KEY } },
 * });
 * const page = await engine.students.list(actor, {});
 * // { items: [{ id: "stu-0001", name: "李同学1", guardians: [{ phone: "138****0001", … }], … }] }
 *
 * const rural = createEngine({ storage, blobs, config, plugins: [ruralExtras] });
 * await rural.students.flagCategory(actor, { studentId: "stu-0001", category: "boarding_left_behind", evidence: "住校" });
 * // rural.students.flagCategory(actor, { …, category: "boarding_left_behnd" }) does not compile
 * ```
 */
export function createEngine<const Ps extends readonly HomevisitPlugin[] = []>(
  options: EngineOptions<Ps>,
): Engine<EngineCategoryKey<Ps>> {
  const config = parseEngineConfig(options.config);
  const plugins = pluginRegistry(options.plugins ?? []);
  const clock = options.clock ?? systemClock;
  const telemetry = createTelemetry(options.telemetry);
  const logger = safeLogger(options.logger);
  const keys = auditKeyringOf(config);
  const deps = {
    storage: observedStorage(options.storage, telemetry),
    blobs: options.blobs,
    clock,
    newId: options.ids ?? timeOrderedIds(),
    config,
    plugins,
    audit: { keys, ...(options.auditAnchor === undefined ? {} : { anchor: options.auditAnchor }) },
    logger,
    telemetry,
  };
  const events = createEventBus(options.storage, clock, options.notifier);
  for (const plugin of plugins.list) {
    for (const [topic, handler] of Object.entries(plugin.events ?? {})) {
      if (handler) events.subscribe(topic as EngineEventTopic, handler as EventHandler);
    }
  }
  const bound: Record<string, Record<string, unknown>> = {};
  // The plans and appointments areas are bound to this engine's timetable port; the students
  // area accepts exactly the categories of this engine's plugins.
  const areas = {
    ...engineAreas,
    plans: planUseCases({ timetable: options.timetable }),
    appointments: appointmentUseCasesFor({ timetable: options.timetable }),
    students: studentUseCasesFor(plugins),
  };
  const useCases = useCaseRegistry(areas);
  for (const [area, areaUseCases] of Object.entries(areas)) {
    bound[area] = Object.fromEntries(
      Object.entries(areaUseCases as Record<string, AnyUseCase>).map(([method, useCase]) => [
        method,
        (actor: unknown, input: unknown, callOptions?: Parameters<BoundUseCase<AnyUseCase>>[2]) =>
          runUseCase(deps, `${area}.${method}`, useCase, actor, input, callOptions),
      ]),
    );
  }
  const byName = new Map<string, AnyUseCase>();
  for (const [area, areaUseCases] of Object.entries(areas)) {
    for (const [method, useCase] of Object.entries(areaUseCases as Record<string, AnyUseCase>)) {
      byName.set(`${area}.${method}`, useCase);
    }
  }
  const callJson: Engine["callJson"] = (name, actor, input, callOptions) => {
    const useCase = byName.get(name);
    if (useCase === undefined) {
      return Promise.reject(new HomevisitError("use_case_unknown", { params: { name: String(name).slice(0, 100) } }));
    }
    return runUseCaseJson(deps, name, useCase, actor, input, callOptions);
  };
  const anchorAudit: Engine["anchorAudit"] = async (chainIds) => {
    const anchor = options.auditAnchor;
    const key = keys[0];
    if (anchor === undefined || key === undefined) return [];
    const at = new Date(Date.parse(clock.now())).toISOString();
    const published = [];
    for (const chainId of chainIds) {
      const head = await options.storage.audit.head(chainId);
      const signed = signAuditHead(head, key, at);
      await anchor.publish(signed);
      published.push(signed);
    }
    return published;
  };
  return {
    callJson,
    anchorAudit,
    ...(bound as unknown as {
      [A in keyof Areas]: A extends "students" ? BoundStudentsArea<EngineCategoryKey<Ps>> : BoundArea<Areas[A]>;
    }),
    events,
    useCases,
    plugins,
    config,
    timetable: options.timetable,
  };
}
