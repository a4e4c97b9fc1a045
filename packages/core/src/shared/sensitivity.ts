import * as z from "zod";
import type { LocalizedText } from "./i18n.js";

/**
 * How sensitive a field is. The engine masks, audits and gates on consent by this class
 * (RELIABILITY.md promises 1, 3, 4):
 *
 * - `public` — may be shown to anyone who can see the record (a school's name).
 * - `internal` — staff of the same scope (ids, grade, visit dates).
 * - `personal` — personal information: names, phones, addresses; masked in lists.
 * - `sensitive` — sensitive personal information about a minor (PIPL art. 28): priority
 *   categories, health, family hardship, photos inside homes, free-text notes about a family.
 *   Needs a stated purpose to read and guardian consent to record for children under 14.
 */
export const sensitivityClasses = ["public", "internal", "personal", "sensitive"] as const;

/** One of {@link sensitivityClasses}. */
export type Sensitivity = (typeof sensitivityClasses)[number];

/** The words for each sensitivity class. */
export const sensitivityClassLabels: Readonly<Record<Sensitivity, LocalizedText>> = {
  public: { "zh-CN": "公开", en: "Public" },
  internal: { "zh-CN": "校内", en: "Internal" },
  personal: { "zh-CN": "个人信息", en: "Personal" },
  sensitive: { "zh-CN": "敏感个人信息", en: "Sensitive" },
};

/** Metadata the sensitivity registry keeps for a schema. */
export interface SensitivityMeta {
  sensitivity: Sensitivity;
}

/**
 * The zod registry that carries each field's sensitivity. It is separate from zod's global
 * registry so that a host's own `.meta()` calls never collide with it.
 */
export const sensitivityRegistry = z.registry<SensitivityMeta>();

/**
 * Marks a schema with a sensitivity class and returns it.
 *
 * @example
 * ```ts
 * const phone = withSensitivity(z.string(), "personal");
 * sensitivityOf(phone); // "personal"
 * ```
 */
export function withSensitivity<T extends z.ZodType>(schema: T, sensitivity: Sensitivity): T {
  (schema as z.ZodType).register(sensitivityRegistry, { sensitivity });
  return schema;
}

/**
 * The sensitivity class of a schema, looking through optional, nullable, default, catch,
 * readonly and array wrappers and both sides of pipes; `internal` when nothing was declared
 * (the least that is not public).
 *
 * @example
 * ```ts
 * sensitivityOf(withSensitivity(z.string(), "sensitive").optional()); // "sensitive"
 * sensitivityOf(z.string()); // "internal"
 * ```
 */
export function sensitivityOf(schema: z.ZodType): Sensitivity {
  return declaredSensitivity(schema, 0) ?? "internal";
}

function declaredSensitivity(schema: z.ZodType, depth: number): Sensitivity | undefined {
  if (depth >= 16) return undefined;
  const meta = sensitivityRegistry.get(schema);
  if (meta) return meta.sensitivity;
  // A pipe (`a.pipe(b)`, `.transform()`) holds the value on both sides: a mark on either counts,
  // the stricter one wins, so refining a sensitive schema never makes it look internal.
  if (schema instanceof z.ZodPipe) {
    const sides = [schema.in, schema.out].flatMap((side) => declaredSensitivity(side as z.ZodType, depth + 1) ?? []);
    return sides.sort(compareSensitivity).at(-1);
  }
  const inner = unwrap(schema);
  return inner === undefined ? undefined : declaredSensitivity(inner, depth + 1);
}

function unwrap(schema: z.ZodType): z.ZodType | undefined {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodCatch ||
    schema instanceof z.ZodNonOptional ||
    schema instanceof z.ZodReadonly
  ) {
    return schema.unwrap() as z.ZodType;
  }
  if (schema instanceof z.ZodArray) return schema.element as z.ZodType;
  return undefined;
}

/**
 * The sensitivity of every top-level field of an object schema, for masking and for the
 * audit log's "changed fields" list.
 *
 * @example
 * ```ts
 * const s = z.object({ id: z.string(), phone: withSensitivity(z.string(), "personal") });
 * fieldSensitivities(s); // { id: "internal", phone: "personal" }
 * ```
 */
export function fieldSensitivities(schema: z.ZodObject): Record<string, Sensitivity> {
  const out: Record<string, Sensitivity> = {};
  for (const [key, field] of Object.entries(schema.shape)) out[key] = sensitivityOf(field as z.ZodType);
  return out;
}

/**
 * Orders two classes: negative when `a` is less sensitive than `b`.
 *
 * @example
 * ```ts
 * compareSensitivity("personal", "sensitive") < 0; // true
 * ```
 */
export function compareSensitivity(a: Sensitivity, b: Sensitivity): number {
  return sensitivityClasses.indexOf(a) - sensitivityClasses.indexOf(b);
}
