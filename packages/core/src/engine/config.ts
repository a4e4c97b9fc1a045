import * as z from "zod";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { locales } from "../shared/i18n.js";

/**
 * The engine's configuration: what a host may tune. Defaults follow RELIABILITY.md: consent on
 * for children under 14, retention of three years after a student leaves, a 30-minute grace
 * before a visit without check-in counts as overdue.
 */
export const engineConfigSchema = z.strictObject({
  consent: z
    .strictObject({
      /** Whether recording sensitive data about a child under the threshold needs consent. */
      required: z.boolean().default(true),
      /** The age under which consent is needed (PIPL art. 28: 14). */
      ageThreshold: z.int().min(0).max(18).default(14),
      /** Days after a withdrawal before the data it covered is purged. */
      purgeAfterDays: z.int().min(0).max(3650).default(30),
    })
    .prefault({}),
  retention: z
    .strictObject({
      /** Days after a student's last day at the school before the student's data is purged. */
      daysAfterLeaving: z.int().min(1).max(36500).default(1095),
    })
    .prefault({}),
  audit: z.strictObject({
    /**
     * The host's secret for keyed HMACs of sensitive before/after values in the audit log.
     * At least 16 characters; keep it out of the database.
     */
    hmacKey: z.string().min(16).max(1024),
    /**
     * The keys of the audit hash chain (RELIABILITY.md promise 5): the first signs new rows and
     * heads, the others still verify the rows they signed (rotation: put the new key first, keep
     * the old ones). Keep them outside the database. Default: one key, the `hmacKey`, with a
     * fingerprint of it as id.
     */
    chainKeys: z
      .array(
        z.strictObject({
          id: z
            .string()
            .min(1)
            .max(64)
            .regex(/^[A-Za-z0-9_.:-]+$/),
          secret: z.string().min(16).max(1024),
        }),
      )
      .min(1)
      .max(32)
      .optional(),
    /** With an audit anchor: publish a chain's signed head every this many rows (default 100). */
    anchorEvery: z.int().min(1).max(1_000_000).default(100),
  }),
  roster: z
    .strictObject({
      /**
       * The id model of roster imports (RELIABILITY.md promise 10). `global` (default): ids are
       * the host's, unique across every school (mint UUIDs); an id another school holds answers
       * `conflict`. `school`: an import may create only ids that start with the school's id and
       * a hyphen (`sch-1-…`); any other id it does not already hold answers
       * `roster_id_namespace`, whether or not another school has it — the answer then never
       * depends on other schools. Use `school` wherever school staff choose ids.
       */
      ids: z.enum(["global", "school"]).default("global"),
    })
    .prefault({}),
  safety: z
    .strictObject({
      /** Minutes after a visit's expected end before a missing check-in counts as overdue. */
      checkInGraceMinutes: z.int().min(0).max(1440).default(30),
    })
    .prefault({}),
  photos: z
    .strictObject({
      /** The largest photo accepted, in bytes (default 10 MB). */
      maxBytes: z
        .int()
        .min(1024)
        .max(100 * 1024 * 1024)
        .default(10 * 1024 * 1024),
      /** The most pixels (width × height) a photo may have (default 40 megapixels). */
      maxPixels: z.int().min(1).max(500_000_000).default(40_000_000),
    })
    .prefault({}),
  /** The locale of messages the engine builds (errors carry both anyway). */
  locale: z.enum(locales).default("zh-CN"),
});
/** The engine's configuration, defaults applied. */
export type EngineConfig = z.infer<typeof engineConfigSchema>;
/** The engine's configuration as a host writes it. */
export type EngineConfigInput = z.input<typeof engineConfigSchema>;

/**
 * Validates the engine configuration and applies defaults. Throws `engine_config_invalid`
 * naming the first field at fault (the secret itself never appears in the error).
 *
 * @example
 * ```ts
 * parseEngineConfig({ audit: { hmacKey: "a-long-host-secret-0001" } }).retention.daysAfterLeaving; // 1095
 * parseEngineConfig({ audit: { hmacKey: "short" } }); // throws engine_config_invalid (audit.hmacKey)
 * ```
 */
export function parseEngineConfig(input: EngineConfigInput): EngineConfig {
  const result = engineConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const field = first ? first.path.map(String).join(".") || "(root)" : "(root)";
  throw new HomevisitError("engine_config_invalid", { params: { field }, path: first?.path.map(String) ?? [] });
}
