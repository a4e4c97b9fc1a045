import * as z from "zod";
import { bureauRoles, teacherRoles } from "../../domain/organisation.js";
import { parseInput } from "../../shared/errors/parse.js";
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

declare const parsedActorBrand: unique symbol;

/**
 * An actor that `actorSchema` has already accepted, frozen so that it cannot change after the
 * check. The runner takes it as it is; any other value is parsed first. An adapter that checks
 * the host's actor at its boundary (the REST handler answers 401 for an invalid one) gets it from
 * {@link parseActor} or {@link safeParseActor}, and the actor is then parsed once per request.
 */
export type ParsedActor = Actor & { readonly [parsedActorBrand]: true };

/** The mark a parsed actor carries (a registered symbol: the ESM and CJS builds share it). */
const parsedActorMark = Symbol.for("homevisit.parsedActor");

function brand(actor: Actor): ParsedActor {
  Object.freeze(actor.roles);
  Object.defineProperty(actor, parsedActorMark, { value: true, enumerable: false });
  return Object.freeze(actor) as ParsedActor;
}

/**
 * Whether a value is an actor {@link parseActor} produced (frozen, so still what was checked).
 *
 * @example
 * ```ts
 * isParsedActor(parseActor(candidate)); // true
 * isParsedActor({ id: "t-1", roles: ["teacher"], cityId: "c", countyId: "k", schoolId: "s" }); // false: a plain object
 * ```
 */
export function isParsedActor(value: unknown): value is ParsedActor {
  return (
    value !== null &&
    typeof value === "object" &&
    Object.isFrozen(value) &&
    (value as Record<symbol, unknown>)[parsedActorMark] === true
  );
}

/**
 * Checks an actor once and answers it as a {@link ParsedActor}; a value that already is one is
 * answered as it is. An invalid actor throws `validation_failed` with paths under `actor`.
 *
 * @example
 * ```ts
 * const actor = parseActor({ id: "t-0042", roles: ["teacher"], cityId: "lishui", countyId: "liandu", schoolId: "s-01" });
 * await engine.callJson("students.list", actor, {}); // the runner does not check it again
 * ```
 */
export function parseActor(candidate: unknown): ParsedActor {
  if (isParsedActor(candidate)) return candidate;
  return brand(parseInput(actorSchema, candidate, { path: ["actor"] }));
}

/**
 * {@link parseActor} without the error: `undefined` for anything that is not a valid actor
 * (for an adapter that answers 401 rather than 400).
 *
 * @example
 * ```ts
 * const actor = safeParseActor(await getActor(request));
 * if (actor === undefined) return new Response(null, { status: 401 });
 * ```
 */
export function safeParseActor(candidate: unknown): ParsedActor | undefined {
  if (isParsedActor(candidate)) return candidate;
  const parsed = actorSchema.safeParse(candidate);
  return parsed.success ? brand(parsed.data) : undefined;
}
