import * as z from "zod";
import { bureauRoles, teacherRoles } from "../../domain/organisation.js";
import { idSchema } from "../../shared/primitives.js";

/** Every role an actor can hold: school staff roles and bureau roles. */
export const roles = [...teacherRoles, ...bureauRoles] as const;
/** A role. */
export const roleSchema = z.enum(roles);
/** A role. */
export type Role = z.infer<typeof roleSchema>;

/**
 * Who is acting. The host builds it from its own login (`getActor(request)` in the REST
 * adapter); homevisit never reads a user, role or school from a request's headers, query or
 * body (RELIABILITY.md promise 2). A host maps its own roles onto these (see the policy guide).
 *
 * @example
 * ```ts
 * const actor = parseInput(actorSchema, {
 *   id: "t-0042", roles: ["teacher", "class_teacher"], cityId: "lishui", countyId: "liandu", schoolId: "s-01",
 * });
 * ```
 */
export const actorSchema = z
  .strictObject({
    id: idSchema,
    roles: z.array(roleSchema).min(1).max(roles.length),
    cityId: idSchema,
    countyId: idSchema.optional(),
    schoolId: idSchema.optional(),
  })
  .superRefine((actor, ctx) => {
    const schoolRole = actor.roles.some((r) => (teacherRoles as readonly string[]).includes(r));
    if (schoolRole && actor.schoolId === undefined) {
      ctx.addIssue({ code: "invalid_type", expected: "string", path: ["schoolId"], input: undefined });
    }
    if (schoolRole && actor.countyId === undefined) {
      ctx.addIssue({ code: "invalid_type", expected: "string", path: ["countyId"], input: undefined });
    }
    if (actor.roles.includes("county_bureau") && actor.countyId === undefined) {
      ctx.addIssue({ code: "invalid_type", expected: "string", path: ["countyId"], input: undefined });
    }
  });
/** Who is acting. */
export type Actor = z.infer<typeof actorSchema>;
