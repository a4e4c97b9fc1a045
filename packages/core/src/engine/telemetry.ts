/**
 * Logs, traces and metrics for the vendor who runs homevisit (issue 14, item 8), with nothing
 * personal in them: every field and attribute is a use case name, a route template, an error
 * code, a status, a count or a duration — never an id, a name, a phone number, an address, a
 * purpose text or a message that could quote input.
 *
 * - **Logger**: the `{ debug, info, warn, error }` shape that pino and `console` share, called
 *   as `logger.info(fields, message)`.
 * - **OpenTelemetry**: through `@opentelemetry/api` 1.x, an optional peer dependency loaded
 *   lazily the first time it is needed; when it is absent (a browser bundle, a test) every
 *   span and metric is a no-op. Without an SDK registered by the host, the API itself is a
 *   no-op too.
 */

/** Fields of one log line: codes, names, counts and durations only. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** A log method as pino and `console` both take it: fields first, then the message. */
export type LogMethod = (fields: LogFields, message?: string) => void;

/** A host's logger: pino, console, or anything with these four methods. */
export interface HomevisitLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

/** Span and metric attributes: never personal data. */
export type TelemetryAttributes = Record<string, string | number | boolean>;

/** The part of an OpenTelemetry span used here. */
export interface OtelSpan {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number }): unknown;
  end(): void;
}
/** The part of `@opentelemetry/api` used here. */
export interface OtelApiLike {
  trace: {
    getTracer(
      name: string,
      version?: string,
    ): {
      startActiveSpan<T>(
        name: string,
        options: { attributes?: TelemetryAttributes; kind?: number },
        fn: (span: OtelSpan) => T,
      ): T;
    };
  };
  metrics: {
    getMeter(
      name: string,
      version?: string,
    ): {
      createCounter(
        name: string,
        options?: { description?: string; unit?: string },
      ): {
        add(value: number, attributes?: TelemetryAttributes): void;
      };
      createHistogram(
        name: string,
        options?: { description?: string; unit?: string },
      ): {
        record(value: number, attributes?: TelemetryAttributes): void;
      };
    };
  };
}

/**
 * How an engine or a REST handler reports: `true` or absent (the default) loads
 * `@opentelemetry/api` when it is installed; `false` turns telemetry off; `{ api }` uses the
 * API object given (tests, hosts that bundle it themselves).
 */
export type TelemetryOption = boolean | { api: OtelApiLike };

/** A span in progress: attributes learned on the way (the outcome code). */
export interface SpanHandle {
  set(key: string, value: string | number | boolean): void;
}

/** What the engine and the REST handler call. */
export interface Telemetry {
  /** Runs `fn` inside a span (when OpenTelemetry is present); marks it failed when `fn` throws. */
  span<T>(name: string, attributes: TelemetryAttributes, fn: (span: SpanHandle) => Promise<T>): Promise<T>;
  /** Adds to a counter. */
  count(name: string, attributes: TelemetryAttributes): void;
  /** Records a duration in milliseconds. */
  duration(name: string, ms: number, attributes: TelemetryAttributes): void;
}

const instrumentation = "@homevisit/core";
/** OpenTelemetry's `SpanStatusCode.ERROR` and `SpanKind.SERVER`/`INTERNAL`. */
const statusError = 2;

let shared: Promise<OtelApiLike | undefined> | undefined;

/** Loads `@opentelemetry/api` once, if it is installed; `undefined` when it is not. */
function loadOtelApi(): Promise<OtelApiLike | undefined> {
  // A specifier in a variable: bundlers leave the import alone instead of failing to resolve
  // an optional package, and a build without it never includes it.
  const specifier = "@opentelemetry/api";
  shared ??= import(/* @vite-ignore */ specifier).then(
    (m: { trace?: unknown; default?: { trace?: unknown } }) =>
      (m.trace ? m : m.default?.trace ? m.default : undefined) as OtelApiLike | undefined,
    () => undefined,
  );
  return shared;
}

const noop: Telemetry = {
  span: (_name, _attributes, fn) => fn({ set() {} }),
  count() {},
  duration() {},
};

/**
 * Telemetry over OpenTelemetry's API, or a no-op. Spans are made with `startActiveSpan`, so
 * storage spans nest in use case spans and those in the host's request span.
 *
 * @example
 * ```ts
 * const telemetry = createTelemetry(); // loads @opentelemetry/api when installed
 * await telemetry.span("homevisit.use_case", { "homevisit.use_case": "students.read" }, async (span) => {
 *   span.set("homevisit.outcome", "ok");
 * });
 * ```
 */
export function createTelemetry(option: TelemetryOption = true): Telemetry {
  if (option === false) return noop;
  let api: OtelApiLike | undefined = typeof option === "object" ? option.api : undefined;
  let loading = api === undefined;
  const ready: Promise<unknown> = loading
    ? loadOtelApi().then((a) => {
        api = a;
      })
    : Promise.resolve();
  const counters = new Map<string, { add(value: number, attributes?: TelemetryAttributes): void }>();
  const histograms = new Map<string, { record(value: number, attributes?: TelemetryAttributes): void }>();
  const meter = () => api?.metrics.getMeter(instrumentation);
  return {
    async span(name, attributes, fn) {
      if (loading) {
        await ready;
        loading = false;
      }
      if (!api) return fn({ set() {} });
      const tracer = api.trace.getTracer(instrumentation);
      return tracer.startActiveSpan(name, { attributes }, async (span) => {
        const handle: SpanHandle = { set: (k, v) => void span.setAttribute(k, v) };
        try {
          return await fn(handle);
        } catch (error) {
          span.setStatus({ code: statusError });
          throw error;
        } finally {
          span.end();
        }
      });
    },
    count(name, attributes) {
      const m = meter();
      if (!m) return;
      let counter = counters.get(name);
      if (!counter) {
        counter = m.createCounter(name);
        counters.set(name, counter);
      }
      counter.add(1, attributes);
    },
    duration(name, ms, attributes) {
      const m = meter();
      if (!m) return;
      let histogram = histograms.get(name);
      if (!histogram) {
        histogram = m.createHistogram(name, { unit: "ms" });
        histograms.set(name, histogram);
      }
      histogram.record(ms, attributes);
    },
  };
}

const silent: LogMethod = () => undefined;

/**
 * A logger that never throws (a failing logger must not turn an answer into a crash) and that
 * is silent where the host gave none.
 *
 * @example
 * ```ts
 * const log = safeLogger(pino()); // or console, or undefined
 * log.warn({ event: "audit_chain_break", chain: "school" }, "audit chain break");
 * ```
 */
export function safeLogger(logger: Partial<HomevisitLogger> | undefined): HomevisitLogger {
  const wrap = (method: LogMethod | undefined): LogMethod => {
    if (typeof method !== "function") return silent;
    return (fields, message) => {
      try {
        method.call(logger, fields, message);
      } catch {
        // A logger that throws is ignored.
      }
    };
  };
  return {
    debug: wrap(logger?.debug),
    info: wrap(logger?.info),
    warn: wrap(logger?.warn),
    error: wrap(logger?.error),
  };
}
