// RELIABILITY.md promise 10 ("another scope's id and a missing id are indistinguishable in
// status, body, headers and every audit row the caller can read; every reference inside an
// input is resolved in the caller's scope"), generated from the contracts: every input field of
// every use case that holds a reference (a name ending in `Id` or `Ids`, found by walking
// `engineContracts`' input schemas) is sent once with an id of another school and once with an
// id that does not exist, by each school role, with the other fields filled from the schema.
// The two answers — error code, status, message in both locales, the stored outcome — and the
// audit rows the call left on the caller's chain must be the same.
import {
  createEngine,
  type Engine,
  engineContracts,
  fixedClock,
  isHomevisitError,
  sequentialIds,
} from "@homevisit/core";
import type { AuditRecord } from "@homevisit/core/storage";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type * as z from "zod";
import { actors, seedWorld } from "./engine-suite.js";

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  in?: z.ZodType;
  format?: string;
  minimum?: number;
  checks?: unknown[];
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Paths (top-level and one level down) of fields that hold references, with whether they are lists. */
function referenceFields(schema: z.ZodType): { path: string[]; list: boolean }[] {
  const out: { path: string[]; list: boolean }[] = [];
  const walk = (s: z.ZodType, path: string[], depth: number) => {
    const def = defOf(s);
    if (def.innerType) return walk(def.innerType, path, depth);
    if (def.type === "pipe" && def.in) return walk(def.in, path, depth);
    if (def.type !== "object" || !def.shape || depth > 2) return;
    for (const [key, field] of Object.entries(def.shape)) {
      if (/Ids$/.test(key)) out.push({ path: [...path, key], list: true });
      else if (/Id$/.test(key)) out.push({ path: [...path, key], list: false });
      else walk(field, [...path, key], depth + 1);
    }
  };
  walk(schema, [], 0);
  return out;
}

/** A plausible value for a schema: required fields only, the simplest valid-looking values. */
function sample(schema: z.ZodType, key = ""): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
      return undefined;
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
    case "catch":
      return def.innerType ? sample(def.innerType, key) : undefined;
    case "pipe":
      return def.in ? sample(def.in, key) : undefined;
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, field] of Object.entries(def.shape ?? {})) {
        const v = sample(field, k);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    case "array":
      return [];
    case "enum":
      return Object.values(def.entries ?? {})[0];
    case "literal":
      return def.values?.[0];
    case "union":
      return def.options?.[0] ? sample(def.options[0], key) : undefined;
    case "boolean":
      return false;
    case "number":
    case "int":
      return 1;
    case "string":
      if (/date|On$|From$|To$|^from$|^to$|since|until/i.test(key)) return "2026-10-09";
      if (/At$/.test(key)) return "2026-10-09T09:00:00+08:00";
      if (/term/i.test(key)) return "2026-2027-1";
      return "测试";
    default:
      return undefined;
  }
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(target);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = next !== null && typeof next === "object" ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
  return copy;
}

/** Ids of another school's records (sch-2), by the entity a field name points to. */
const foreignIds: Record<string, string> = {
  student: "s-other",
  appointment: "apt-2",
  mentor: "t-other",
  teacher: "t-other",
  companion: "t-other",
  class: "c-2",
  school: "sch-2",
};
/** The same kinds of record in the caller's own school (sch-1), for the other reference fields. */
const ownIds: Record<string, string> = {
  student: "s-own",
  appointment: "apt-1",
  mentor: "t-mentor",
  teacher: "t-teacher",
  companion: "t-class",
  class: "c-1",
  school: "sch-1",
};
const idFor = (table: Record<string, string>, field: string, fallback: string) => {
  const stem = field.replace(/Ids?$/, "").toLowerCase();
  return Object.entries(table).find(([k]) => stem.endsWith(k))?.[1] ?? fallback;
};
const foreignFor = (field: string) => idFor(foreignIds, field, "s-other");

/**
 * Valid bodies for use cases whose required fields the schema sampler cannot fill validly, so
 * that their calls get as far as resolving the reference under test.
 */
const validBases: Record<string, Record<string, unknown>> = {
  "safety.fileReport": {
    studentIds: ["s-own"],
    destination: { county: "莲都区", town: "碧湖镇", village: "沙溪村" },
    plannedStart: "2026-10-08T10:00:00+08:00",
    expectedDurationMinutes: 60,
    transportMode: "e_bike",
    noUnlicensedVehicle: true,
    reachablePhone: "13800000000",
  },
};

async function outcome(call: () => Promise<unknown>) {
  try {
    await call();
    return { ok: true as const };
  } catch (error) {
    if (!isHomevisitError(error)) return { thrown: String(error) };
    return { code: error.code, status: error.status, zh: error.toJSON(), en: error.toJSON("en") };
  }
}

type Outcome = Awaited<ReturnType<typeof outcome>>;

/** The seeded world in memory and an engine over it, with `config` beside the audit key. */
async function seededEngine(config: Record<string, unknown> = {}) {
  const storage = memoryStorage();
  await seedWorld(storage);
  const engine = createEngine({
    storage,
    blobs: memoryBlobStore(),
    clock: fixedClock("2026-10-08T09:00:00+08:00"),
    ids: sequentialIds("gen"),
    config: { audit: { hmacKey: "test-audit-key-0123456789" }, ...config },
  });
  return { engine, storage };
}

const schoolRoles = ["teacher", "class_teacher", "mentor", "principal", "school_admin"] as const;
const contracts = Object.entries(engineContracts).flatMap(([area, group]) =>
  Object.entries(group as Record<string, { input: z.ZodType }>).map(([method, c]) => ({
    name: `${area}.${method}`,
    area,
    method,
    input: c.input,
  })),
);
const cases = contracts.flatMap((c) => referenceFields(c.input).map((field) => ({ ...c, field })));

describe("every reference in every input is resolved in the caller's scope (promise 10)", () => {
  it("walks the contracts' reference fields", () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(cases.map((c) => `${c.name}:${c.field.path.join(".")}`)).toContain("safety.fileReport:appointmentIds");
  });

  // The named examples: one call made with another school's id and with a missing one gets the
  // same refusal, and the caller's own ids still get through.
  const examples: {
    name: string;
    config?: Record<string, unknown>;
    call: (engine: Engine, storage: ReturnType<typeof memoryStorage>) => Promise<(id: string) => Promise<Outcome>>;
    foreign: string;
    missing: string;
    refused: { code: string; status: number };
    own: (call: (id: string) => Promise<Outcome>) => Promise<void>;
  }[] = [
    {
      name: "safety.fileReport resolves appointmentIds in the teacher's school (the issue's example)",
      call: async (engine) => {
        const body = validBases["safety.fileReport"] as Record<string, unknown>;
        return (id) =>
          outcome(() => engine.safety.fileReport(actors.teacher as never, { ...body, appointmentIds: [id] } as never));
      },
      foreign: "apt-2",
      missing: "apt-missing",
      refused: { code: "not_found", status: 404 },
      own: async (file) => {
        expect(await file("apt-1")).toEqual({ ok: true });
      },
    },
    {
      name: "roster imports in the school id model answer the same for another school's id and a new one",
      config: { roster: { ids: "school" } },
      call: async (engine, storage) => {
        const own = await storage.students.get("s-own");
        const row = (id: string) => ({ ...(own?.record as object), id, guardians: [] });
        return (id) =>
          outcome(() =>
            engine.roster.importRoster(
              actors.school_admin as never,
              { asOf: "2026-09-01", students: [row(id)] } as never,
            ),
          );
      },
      foreign: "s-other",
      missing: "s-nobody",
      refused: { code: "roster_id_namespace", status: 422 },
      own: async (importing) => {
        // Ids in the school's namespace, and ids it already holds, pass the namespace rule.
        expect(await importing("sch-1-new")).not.toMatchObject({ code: "roster_id_namespace" });
        expect(await importing("s-own")).not.toMatchObject({ code: "roster_id_namespace" });
      },
    },
  ];
  for (const example of examples) {
    it(example.name, async () => {
      const { engine, storage } = await seededEngine(example.config);
      const call = await example.call(engine, storage);
      const foreign = await call(example.foreign);
      expect(foreign).toMatchObject(example.refused);
      expect(foreign).toEqual(await call(example.missing));
      await example.own(call);
    });
  }

  it("another school's id and a missing id get the same answer and leave the same audit rows", async () => {
    const { engine, storage } = await seededEngine({ consent: { required: false } });
    const differences: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), fc.constantFrom(...schoolRoles), async (c, role) => {
        const actor = actors[role];
        // The other references point at the caller's own records, so that the call gets as far
        // as resolving the one under test.
        let base = { ...((sample(c.input) ?? {}) as Record<string, unknown>), ...validBases[c.name] };
        for (const other of referenceFields(c.input)) {
          if (other.path.join(".") === c.field.path.join(".")) continue;
          const own = idFor(ownIds, other.path.at(-1) as string, "s-own");
          base = setAt(base, other.path, other.list ? [own] : own);
        }
        const leaf = c.field.path.at(-1) as string;
        const foreign = foreignFor(leaf);
        const missing = `${foreign}-missing`;
        const inputWith = (id: string) => setAt(base, c.field.path, c.field.list ? [id] : id);
        const call = (id: string) => () =>
          engine.callJson(c.name, actor, inputWith(id), {
            purpose: "家访准备",
            idempotencyKey: `k-${id}-${Math.random()}`,
          });
        const answer = async (id: string) => {
          const before = (await storage.audit.read(actor.schoolId, { limit: 100_000 })).length;
          const result = await outcome(call(id));
          const rows = (await storage.audit.read(actor.schoolId, { fromSeq: before + 1, limit: 100_000 })).map(
            // The keyed reference is an HMAC of the id asked for (which differs between the two
            // calls by construction): a caller without the key learns nothing from it.
            ({ seq: _s, prevHash: _p, hash: _h, at: _a, details, ...row }: AuditRecord) => ({
              ...row,
              details: details && { ...details, ...(typeof details.ref === "string" ? { ref: "hmac" } : {}) },
            }),
          );
          return { result, rows };
        };
        const a = await answer(foreign);
        const b = await answer(missing);
        // The ids differ, so refusals that name nothing must match exactly; an accepted call
        // must not be accepted for one and refused for the other.
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          differences.push(
            `${c.name} ${c.field.path.join(".")} as ${role}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
          );
        }
      }),
      { numRuns: Math.max(300, cases.length * 4) },
    );
    expect(differences).toEqual([]);
  });
});
