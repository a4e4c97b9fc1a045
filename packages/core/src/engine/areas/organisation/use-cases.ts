import type * as z from "zod";
import type { City, County, School, SchoolClass } from "../../../domain/organisation.js";
import type { StorageTx } from "../../../ports/storage.js";
import { canonicalJson } from "../../../shared/canonical-json.js";
import { type ErrorPath, HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { Actor } from "../../policy/actor.js";
import type { PolicyTarget } from "../../policy/policy.js";
import { implementUseCase, type UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { type OrganisationCounts, organisationContracts, type organisationSyncInputSchema } from "./contract.js";

type Kind = "cities" | "counties" | "schools" | "classes";
const words: Record<Kind, string> = { cities: "city", counties: "county", schools: "school", classes: "class" };

/** The level an actor syncs at: the widest of its organisation.sync roles. */
function actorLevel(actor: Actor): "city" | "county" | "school" {
  if (actor.roles.includes("city_bureau")) return "city";
  if (actor.roles.includes("county_bureau")) return "county";
  return "school";
}

function outOfScope(kind: Kind, path: ErrorPath): HomevisitError {
  return new HomevisitError("organisation_out_of_scope", { params: { entity: words[kind] }, path });
}

/**
 * Checks every row against the actor's reach before anything is read, so a refusal says nothing
 * about what exists: a city bureau syncs its city and everything in it; a county bureau its own
 * county row, its schools and their classes; a school admin its own school row and classes.
 */
function checkReach(actor: Actor, input: z.output<typeof organisationSyncInputSchema>): void {
  const level = actorLevel(actor);
  if (input.city !== undefined && (level !== "city" || input.city.id !== actor.cityId)) {
    throw outOfScope("cities", ["city"]);
  }
  input.counties.forEach((c, i) => {
    const ok = c.cityId === actor.cityId && (level === "city" || (level === "county" && c.id === actor.countyId));
    if (!ok) throw outOfScope("counties", ["counties", i]);
  });
  input.schools.forEach((s, i) => {
    const ok =
      s.cityId === actor.cityId &&
      (level === "city" ||
        (level === "county" && s.countyId === actor.countyId) ||
        (level === "school" && s.countyId === actor.countyId && s.id === actor.schoolId));
    if (!ok) throw outOfScope("schools", ["schools", i]);
  });
  // A class's county and city follow from its school, checked once the schools are known.
  input.classes.forEach((c, i) => {
    if (level === "school" && c.schoolId !== actor.schoolId) throw outOfScope("classes", ["classes", i]);
  });
}

function checkDuplicates(input: z.output<typeof organisationSyncInputSchema>): void {
  for (const kind of ["counties", "schools", "classes"] as const) {
    const seen = new Set<string>();
    input[kind].forEach((row, i) => {
      if (seen.has(row.id)) {
        throw new HomevisitError("organisation_duplicate_id", { params: { id: row.id }, path: [kind, i, "id"] });
      }
      seen.add(row.id);
    });
  }
}

interface SyncState {
  ctx: UseCaseContext;
  added: OrganisationCounts;
  updated: OrganisationCounts;
  unchanged: OrganisationCounts;
}

/**
 * Adds a row or replaces it when it changed; the row's parent keys must not change (tenant keys
 * never move, and a school moving county would take its students' records with it).
 */
async function upsert<K extends Kind>(
  state: SyncState,
  kind: K,
  row: K extends "cities" ? City : K extends "counties" ? County : K extends "schools" ? School : SchoolClass,
  parentKeys: readonly string[],
  path: ErrorPath,
): Promise<void> {
  const { tx } = state.ctx;
  const repo = tx[kind] as unknown as StorageTx["cities"];
  const stored = await repo.get(row.id);
  if (!stored) {
    const created = await repo.create(row as City);
    state.ctx.recordChange({ entity: kind, before: undefined, after: created.record });
    state.added[kind]++;
    return;
  }
  const before = stored.record as Record<string, unknown>;
  for (const key of parentKeys) {
    if (before[key] !== (row as Record<string, unknown>)[key]) {
      const parent = key === "cityId" ? "city" : key === "countyId" ? "county" : "school";
      throw new HomevisitError("organisation_parent_change", {
        params: { entity: words[kind], parent },
        path: [...path, key],
      });
    }
  }
  // The input was parsed with the stored schema, defaults included: equal JSON means unchanged.
  if (canonicalJson(before) === canonicalJson(row)) {
    state.unchanged[kind]++;
    return;
  }
  const saved = await repo.update(row.id, row as City, { expectedVersion: stored.version });
  state.ctx.recordChange({ entity: kind, before: stored.record, after: saved.record });
  state.updated[kind]++;
}

const zero = (): OrganisationCounts => ({ cities: 0, counties: 0, schools: 0, classes: 0 });

/**
 * The organisation area: the host keeps the hierarchy of R1 (city → counties → schools →
 * classes) in its own systems and syncs it here. Who may sync what follows the matrix entry
 * `organisation.sync`: the city bureau its whole city, a county bureau its county, a school admin
 * (also what a host's platform admin acts as, school by school) its school and classes.
 */
export const organisationUseCases = {
  read: implementUseCase(organisationContracts.read, {
    async resolveTarget(ctx) {
      const { actor } = ctx;
      const level = actorLevel(actor);
      const policy: PolicyTarget = {
        cityId: actor.cityId,
        ...(level !== "city" && actor.countyId !== undefined ? { countyId: actor.countyId } : {}),
        ...(level === "school" && actor.schoolId !== undefined ? { schoolId: actor.schoolId } : {}),
      };
      return { policy, entity: "organisation", data: level };
    },
    async run(ctx) {
      const { actor, tx } = ctx;
      const level = ctx.target.data;
      if (level === "school") {
        const schoolId = actor.schoolId;
        const school = schoolId === undefined ? undefined : await tx.schools.get(schoolId);
        if (schoolId === undefined || school === undefined)
          return { counties: [], schools: [], classes: [], teachers: [] };
        const [classes, teachers] = await Promise.all([
          loadAll((cursor) => tx.classes.list({ where: { schoolId }, cursor, limit: 1000 })),
          loadAll((cursor) => tx.teachers.list({ where: { schoolId }, cursor, limit: 1000 })),
        ]);
        return {
          counties: [],
          schools: [school.record],
          classes: classes.map((c) => c.record),
          teachers: teachers.map(({ record: t }) => ({
            id: t.id,
            schoolId: t.schoolId,
            name: t.name,
            roles: [...t.roles],
            classIds: [...t.classIds],
            ...(t.leftOn === undefined ? {} : { leftOn: t.leftOn }),
          })),
        };
      }
      const where = level === "city" ? { cityId: actor.cityId } : { countyId: actor.countyId ?? "" };
      const [counties, schools] = await Promise.all([
        loadAll((cursor) => tx.counties.list({ where, cursor, limit: 1000 })),
        loadAll((cursor) => tx.schools.list({ where, cursor, limit: 1000 })),
      ]);
      return {
        counties: counties.map((c) => c.record),
        schools: schools.map((s) => s.record),
        classes: [],
        teachers: [],
      };
    },
  }),

  sync: implementUseCase(organisationContracts.sync, {
    async resolveTarget(ctx) {
      // The actor's own tenant, as the host vouches for it: a school admin may create the very
      // school row it belongs to, so the target cannot require that row to exist.
      const { actor } = ctx;
      const level = actorLevel(actor);
      const policy: PolicyTarget = {
        cityId: actor.cityId,
        ...(level !== "city" && actor.countyId !== undefined ? { countyId: actor.countyId } : {}),
        ...(level === "school" && actor.schoolId !== undefined ? { schoolId: actor.schoolId } : {}),
      };
      const entity = level === "city" ? "cities" : level === "county" ? "counties" : "schools";
      const entityId = policy.schoolId ?? policy.countyId ?? policy.cityId;
      return { policy, entity, entityId, data: undefined };
    },
    async run(ctx, input) {
      checkReach(ctx.actor, input);
      checkDuplicates(input);
      const { tx } = ctx;
      const state: SyncState = { ctx, added: zero(), updated: zero(), unchanged: zero() };
      const parentMissing = (entity: Kind, parent: Kind, path: ErrorPath) =>
        new HomevisitError("organisation_parent_missing", {
          params: { entity: words[entity], parent: words[parent] },
          path,
        });

      if (input.city !== undefined) await upsert(state, "cities", input.city, [], ["city"]);

      const batchCounties = new Map(input.counties.map((c) => [c.id, c]));
      for (const [i, county] of input.counties.entries()) {
        if (input.city?.id !== county.cityId && !(await tx.cities.get(county.cityId))) {
          throw parentMissing("counties", "cities", ["counties", i, "cityId"]);
        }
        await upsert(state, "counties", county, ["cityId"], ["counties", i]);
      }

      const batchSchools = new Map(input.schools.map((s) => [s.id, s]));
      for (const [i, school] of input.schools.entries()) {
        const county = batchCounties.get(school.countyId) ?? (await tx.counties.get(school.countyId))?.record;
        if (!county || county.cityId !== school.cityId) {
          throw parentMissing("schools", "counties", ["schools", i, "countyId"]);
        }
        await upsert(state, "schools", school, ["cityId", "countyId"], ["schools", i]);
      }

      const level = actorLevel(ctx.actor);
      for (const [i, schoolClass] of input.classes.entries()) {
        const school = batchSchools.get(schoolClass.schoolId) ?? (await tx.schools.get(schoolClass.schoolId))?.record;
        // A school out of reach answers like a missing one: the actor learns nothing about it.
        const inReach =
          school !== undefined &&
          school.cityId === ctx.actor.cityId &&
          (level === "city" || (level === "county" && school.countyId === ctx.actor.countyId) || level === "school");
        if (!school || !inReach) throw parentMissing("classes", "schools", ["classes", i, "schoolId"]);
        await upsert(state, "classes", schoolClass, ["schoolId"], ["classes", i]);
      }

      for (const key of ["added", "updated"] as const) {
        for (const kind of ["cities", "counties", "schools", "classes"] as const) {
          ctx.auditDetail(`${key}.${kind}`, state[key][kind]);
        }
      }
      const changed = Object.values(state.added).some((n) => n > 0) || Object.values(state.updated).some((n) => n > 0);
      if (changed) {
        const tenant = ctx.target.policy;
        ctx.emit("organisation.synced", {
          cityId: tenant.cityId,
          ...(tenant.countyId === undefined ? {} : { countyId: tenant.countyId }),
          ...(tenant.schoolId === undefined ? {} : { schoolId: tenant.schoolId }),
          added: state.added,
          updated: state.updated,
        });
      }
      return { added: state.added, updated: state.updated, unchanged: state.unchanged };
    },
  }),
};
