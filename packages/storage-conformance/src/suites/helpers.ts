/** Checks and builders the suites share (not part of the package's API). */
import { isHomevisitError } from "@homevisit/core";
import {
  type AuditEntryInput,
  type EntityInput,
  type EntityRecord,
  prepareRecord,
  type Storage,
  type StoredEntityName,
  type TenantKeys,
} from "@homevisit/core/storage";
import { expect } from "vitest";
import { baseStudentId, fixtureTenants, makeStudent, schoolOf } from "../fixtures.js";

export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (!isHomevisitError(caught)) throw new Error(`Expected HomevisitError ${code}, got ${String(caught)}`);
  expect(caught.code).toBe(code);
}

export function seededInputs(entity: StoredEntityName): EntityInput<StoredEntityName>[] {
  if (entity === "cities") return [...fixtureTenants.cities];
  if (entity === "counties") return [...fixtureTenants.counties];
  if (entity === "schools") return [...fixtureTenants.schools];
  if (entity === "students")
    return fixtureTenants.schools.map((s, i) => makeStudent(i, { id: baseStudentId(i), schoolId: s.id }));
  return [];
}

export function tenantOfSchool(schoolId: string): TenantKeys {
  const school = fixtureTenants.schools.find((s) => s.id === schoolId);
  if (!school) throw new Error(`unknown fixture school ${schoolId}`);
  return { cityId: school.cityId, countyId: school.countyId, schoolId: school.id };
}

/** The tenant keys a fixture record must end up with. */
export function expectedTenant(entity: StoredEntityName, input: EntityInput<StoredEntityName>): TenantKeys {
  const source = prepareRecord(entity, input as never).tenant;
  if ("keys" in source) return source.keys;
  if (source.parent === "schools") return tenantOfSchool(source.id);
  if (source.parent === "students") {
    const index = fixtureTenants.schools.findIndex((_, i) => baseStudentId(i) === source.id);
    return tenantOfSchool(schoolOf(index).id);
  }
  throw new Error(`no fixture tenant for ${entity}`);
}

export const sortIds = (ids: string[]) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export async function all<N extends StoredEntityName>(storage: Storage, entity: N) {
  const out: { record: EntityRecord<N>; tenant: TenantKeys }[] = [];
  let cursor: string | undefined;
  do {
    const page = await (storage[entity] as unknown as import("@homevisit/core/storage").Collection<N>).list({
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export function at(i: number): string {
  return `2026-10-08T09:${String(i % 60).padStart(2, "0")}:00+08:00`;
}

export function auditEntry(chainId: string, i: number): AuditEntryInput {
  return {
    chainId,
    at: at(i),
    actorId: `t${i % 3}`,
    action: "student.update",
    entity: "students",
    entityId: `s${i}`,
    schoolId: chainId,
    result: "ok",
    changes: [{ field: "name", before: "hmac:aa", after: "hmac:bb" }],
  };
}
