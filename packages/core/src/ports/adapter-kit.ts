import { HomevisitError } from "../shared/errors/homevisit-error.js";
import {
  entityIndexNames,
  type IndexValue,
  type StoredEntityName,
  storedEntities,
  type TenantKeys,
} from "./entities.js";
import type { ListWhere } from "./storage.js";

export { PreparedRecord, prepareRecord, type RecordInput } from "./prepared-record.js";

/**
 * Helpers every adapter shares, so that validation, tenant inheritance and filter checks are
 * decided once in core and adapters only translate to their store.
 */

/**
 * The `not_found` error for an entity.
 *
 * @example
 * ```ts
 * throw notFoundError("students"); // HomevisitError { code: "not_found", status: 404 }
 * ```
 */
export function notFoundError(entity: StoredEntityName): HomevisitError {
  return new HomevisitError("not_found", { params: { entity: storedEntities[entity].name } });
}

/**
 * The `conflict` error for an id that exists.
 *
 * @example
 * ```ts
 * throw duplicateError("students"); // HomevisitError { code: "conflict", path: ["id"] }
 * ```
 */
export function duplicateError(entity: StoredEntityName): HomevisitError {
  return new HomevisitError("conflict", { params: { entity: storedEntities[entity].name }, path: ["id"] });
}

/**
 * The `version_conflict` error for a stale write.
 *
 * @example
 * ```ts
 * throw staleError(3, 4); // HomevisitError { code: "version_conflict", status: 412 }
 * ```
 */
export function staleError(expected: number, actual: number): HomevisitError {
  return new HomevisitError("version_conflict", { params: { expected, actual }, path: ["version"] });
}

/**
 * Throws `storage_tenant_change` when an update would move a record to another tenant.
 *
 * @example
 * ```ts
 * assertSameTenant(stored.tenant, { cityId: "c", countyId: "k", schoolId: "other" }); // throws
 * ```
 */
export function assertSameTenant(before: TenantKeys, after: TenantKeys): void {
  for (const field of ["cityId", "countyId", "schoolId"] as const) {
    if (before[field] !== after[field]) throw new HomevisitError("storage_tenant_change", { params: { field } });
  }
}

/** A filter normalised to columns: each to the list of values it accepts. */
export type NormalisedWhere = {
  tenant: Partial<Record<keyof TenantKeys, string>>;
  ids?: readonly string[];
  indexes: Record<string, readonly IndexValue[]>;
};

/**
 * Checks a list filter's fields against the entity's indexes and normalises it. Unknown
 * fields throw `storage_unknown_filter`, so a typo never silently returns everything.
 *
 * @example
 * ```ts
 * normaliseWhere("students", { schoolId: "sch-1", grade: [7, 8] });
 * // { tenant: { schoolId: "sch-1" }, ids: undefined, indexes: { grade: [7, 8] } }
 * ```
 */
export function normaliseWhere<N extends StoredEntityName>(entity: N, where: ListWhere<N> = {}): NormalisedWhere {
  const allowed = new Set(entityIndexNames(entity));
  const out: NormalisedWhere = { tenant: {}, indexes: {} };
  for (const [field, value] of Object.entries(where as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (field === "cityId" || field === "countyId" || field === "schoolId") {
      out.tenant[field] = String(value);
    } else if (field === "ids") {
      out.ids = value as readonly string[];
    } else if (allowed.has(field)) {
      out.indexes[field] = Array.isArray(value) ? (value as IndexValue[]) : [value as IndexValue];
    } else {
      throw new HomevisitError("storage_unknown_filter", {
        params: { entity: storedEntities[entity].name, field },
        path: ["where", field],
      });
    }
  }
  return out;
}

/**
 * Whether a stored row matches a normalised filter, for stores that filter in JavaScript.
 *
 * @example
 * ```ts
 * matchesWhere(normaliseWhere("students", { grade: 7 }), tenant, "s1", { grade: 7 }); // true
 * ```
 */
export function matchesWhere(
  where: NormalisedWhere,
  tenant: TenantKeys,
  id: string,
  indexes: Record<string, IndexValue>,
): boolean {
  for (const [field, value] of Object.entries(where.tenant)) {
    if (tenant[field as keyof TenantKeys] !== value) return false;
  }
  if (where.ids && !where.ids.includes(id)) return false;
  for (const [field, values] of Object.entries(where.indexes)) {
    if (!values.includes(indexes[field] ?? null)) return false;
  }
  return true;
}
