// Issue 14 item 8 and RELIABILITY.md's privacy test: the engine and the REST handler report
// through a host logger ({ debug, info, warn, error }, the shape pino and console share) and
// OpenTelemetry (spans and metrics, here through an API object that records them), and the
// privacy markers written through the API — a phone number and an address — appear 0 times in
// any log line, span name, span attribute or metric attribute. Ids of children do not appear
// either: attributes are use case names, route templates, codes, statuses and durations.
import {
  createEngine,
  createTelemetry,
  fixedClock,
  type HomevisitLogger,
  type OtelApiLike,
  sequentialIds,
} from "@homevisit/core";
import { createRestHandler } from "@homevisit/rest";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { describe, expect, it } from "vitest";
import { actors, markerDetail, markerPhone, seedWorld } from "../../core/test/engine-suite.js";

/** An OpenTelemetry API that records every span and metric point. */
function recordingOtel() {
  const spans: { name: string; attributes: Record<string, unknown>; status?: number; ended: boolean }[] = [];
  const points: { metric: string; value: number; attributes: Record<string, unknown> }[] = [];
  const api: OtelApiLike = {
    trace: {
      getTracer: () => ({
        startActiveSpan(name, options, fn) {
          const span = { name, attributes: { ...(options.attributes ?? {}) }, ended: false } as (typeof spans)[number];
          spans.push(span);
          return fn({
            setAttribute(key, value) {
              span.attributes[key] = value;
            },
            setStatus(status) {
              span.status = status.code;
            },
            end() {
              span.ended = true;
            },
          });
        },
      }),
    },
    metrics: {
      getMeter: () => ({
        createCounter: (metric) => ({
          add: (value, attributes) => points.push({ metric, value, attributes: { ...attributes } }),
        }),
        createHistogram: (metric) => ({
          record: (value, attributes) => points.push({ metric, value, attributes: { ...attributes } }),
        }),
      }),
    },
  };
  return { api, spans, points };
}

function recordingLogger() {
  const lines: { level: string; fields: unknown; message?: string }[] = [];
  const at =
    (level: string) =>
    (fields: unknown, message?: string): void => {
      lines.push({ level, fields, ...(message === undefined ? {} : { message }) });
    };
  const logger: HomevisitLogger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger, lines };
}

const hostActors: Record<string, unknown> = {
  "tok-principal": actors.principal,
  "tok-admin": actors.school_admin,
  "tok-teacher": actors.teacher,
};

describe("logs, spans and metrics carry nothing personal (item 8, privacy markers)", () => {
  it("0 occurrences of the markers in log lines, span names, span attributes and metric attributes", async () => {
    const storage = memoryStorage();
    await seedWorld(storage);
    const otel = recordingOtel();
    const { logger, lines } = recordingLogger();
    const engine = createEngine({
      storage,
      blobs: memoryBlobStore(),
      clock: fixedClock("2026-10-08T09:00:00+08:00"),
      ids: sequentialIds("id"),
      config: { audit: { hmacKey: "telemetry-test-key-0001" } },
      logger,
      telemetry: { api: otel.api },
    });
    const handler = createRestHandler(engine, {
      getActor: (request) => hostActors[(request.headers.get("authorization") ?? "").replace("Bearer ", "")] ?? null,
      logger,
      telemetry: { api: otel.api },
    });
    const send = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      handler(
        new Request(`http://campus.test${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { "Content-Type": "application/json" }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    const purpose = { "Homevisit-Purpose": encodeURIComponent("家访准备") };
    // Written through the API: a student whose guardian's phone and home address are markers.
    const imported = await send("tok-admin", "POST", "/roster", {
      asOf: "2026-09-01",
      students: [
        {
          id: "s-marker",
          schoolId: "sch-1",
          name: "标记同学",
          dateOfBirth: "2014-03-01",
          enrolments: [{ schoolId: "sch-1", classId: "c-1", grade: 7, from: "2026-09-01", startReason: "entry" }],
          guardians: [
            {
              id: "g-marker",
              name: "王芳",
              relation: "mother",
              phone: markerPhone,
              primary: true,
              livesWithStudent: true,
            },
          ],
          address: { county: "莲都区", town: "碧湖镇", village: "沙溪村", detail: markerDetail },
          livingSituation: { livesWith: "both_parents" },
        },
      ],
    });
    expect(imported.status).toBe(200);
    expect((await send("tok-principal", "GET", "/students/s-marker", undefined, purpose)).status).toBe(200);
    expect((await send("tok-principal", "GET", "/students/s-own", undefined, purpose)).status).toBe(200);
    // Refusals that carry the markers in the request: a bad body, a foreign id, a missing one.
    expect(
      (
        await send("tok-principal", "POST", "/students/s-own/categories", {
          category: markerPhone,
          evidence: markerDetail,
        })
      ).status,
    ).toBe(422);
    expect((await send("tok-teacher", "GET", "/students/s-other", undefined, purpose)).status).toBe(404);
    expect((await send("tok-teacher", "GET", `/students/${markerPhone}`, undefined, purpose)).status).toBe(404);
    expect((await send("tok-principal", "POST", "/audit/verify", {})).status).toBe(200);

    expect(otel.spans.map((s) => s.name)).toEqual(
      expect.arrayContaining(["homevisit.rest.request", "homevisit.use_case", "homevisit.storage.transaction"]),
    );
    expect(otel.spans.every((s) => s.ended)).toBe(true);
    const restSpan = otel.spans.find(
      (s) => s.name === "homevisit.rest.request" && s.attributes["http.route"] === "/students/{studentId}",
    );
    expect(restSpan?.attributes).toMatchObject({ "http.request.method": "GET", "http.response.status_code": 200 });
    expect(otel.points.some((p) => p.metric === "homevisit.use_case.calls")).toBe(true);
    expect(otel.points.some((p) => p.metric === "homevisit.rest.duration")).toBe(true);
    expect(lines.some((l) => l.level === "debug")).toBe(true);

    const emitted = JSON.stringify({ lines, spans: otel.spans, points: otel.points });
    for (const forbidden of [
      markerPhone,
      markerDetail,
      "s-marker",
      "s-own",
      "s-other",
      "标记同学",
      "王芳",
      "家访准备",
    ]) {
      expect(emitted.split(forbidden).length - 1, forbidden).toBe(0);
    }
  });

  it("is a no-op when off, and harmless by default", async () => {
    const off = createTelemetry(false);
    expect(await off.span("x", {}, async () => 42)).toBe(42);
    // Whether or not @opentelemetry/api is installed (without an SDK the API records nothing),
    // the default telemetry runs the work and never fails it.
    const absent = createTelemetry();
    expect(
      await absent.span("x", { a: 1 }, async (span) => {
        span.set("b", 2);
        return "ran";
      }),
    ).toBe("ran");
    absent.count("c", {});
    absent.duration("d", 1, {});
  });
});
