import * as z from "zod";
import { addCatalogIssue } from "../shared/errors/parse.js";
import { idSchema, instantSchema, isoDateSchema, shortTextSchema } from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import { mentorshipSchema } from "./planning.js";

/**
 * The records the engine keeps beside the domain ones: guardian consents, mentorships and the
 * tombstones that erasures leave. Kept free of storage imports, because the storage port's
 * entity list imports these schemas.
 */

/**
 * A guardian's consent to recording sensitive personal information about a child (PIPL art. 31):
 * priority categories, notes about the family, photos inside the home. One record per grant;
 * withdrawal keeps the record (who consented and when stays provable) and schedules a purge.
 */
export const consentSchema = z
  .strictObject({
    id: idSchema,
    schoolId: idSchema,
    studentId: idSchema,
    /** The guardian who consented (an id from the student's guardians). */
    guardianId: idSchema,
    status: z.enum(["granted", "withdrawn"]),
    /** The day the guardian consented. */
    grantedOn: isoDateSchema,
    /** How consent was given: "signed form 2026-09 at parents' meeting". Personal. */
    evidence: withSensitivity(shortTextSchema.min(1).optional(), "personal"),
    recordedBy: idSchema,
    recordedAt: instantSchema,
    /**
     * The order in which the student's consents were recorded: 1 + the highest before it. It
     * decides which consent is the latest when two share `recordedAt` (a coarse or fixed clock,
     * two servers in one millisecond). Absent on consents recorded before it existed.
     */
    sequence: z.int().min(1).max(1_000_000).optional(),
    withdrawnOn: isoDateSchema.optional(),
    withdrawnBy: idSchema.optional(),
    /** The first day the data this consent covered may be purged. */
    purgeAfter: isoDateSchema.optional(),
    /** When that purge ran. */
    purgedAt: instantSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.status === "withdrawn" && c.withdrawnOn === undefined)
      ctx.addIssue({ code: "invalid_type", expected: "string", path: ["withdrawnOn"], input: undefined });
    if (c.withdrawnOn !== undefined && c.withdrawnOn < c.grantedOn)
      addCatalogIssue(ctx, "date_range_inverted", {}, ["withdrawnOn"]);
  });
/** A guardian consent. */
export type Consent = z.infer<typeof consentSchema>;

/** A stored mentorship (德育导师): the planning schema with an id, the school and an end. */
export const storedMentorshipSchema = z
  .strictObject({
    ...mentorshipSchema.shape,
    id: idSchema,
    schoolId: idSchema,
    /** The last day of the mentorship, when it ended. */
    until: isoDateSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.until !== undefined && m.until < m.since) addCatalogIssue(ctx, "date_range_inverted", {}, ["until"]);
  });
/** A stored mentorship. */
export type StoredMentorship = z.infer<typeof storedMentorshipSchema>;

/** Why data was erased. */
export const erasureReasons = ["request", "retention", "consent_withdrawn"] as const;

/**
 * What an erasure leaves: no name, no id in clear (the subject is a keyed HMAC of the student's
 * id, so a re-import of the same student can be recognised and refused), only counts, the
 * reason and who ran it.
 */
export const tombstoneSchema = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  /** What was erased: a whole student, or the sensitive data a withdrawn consent covered. */
  scope: z.enum(["student", "sensitive_data"]),
  /** HMAC-SHA256 of the student's id under the audit key. */
  subjectHash: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.enum(erasureReasons),
  erasedAt: instantSchema,
  erasedBy: idSchema,
  /** Rows removed, by entity; for `termPlans`, the plans the student was taken out of (they stay). */
  removed: z.record(z.string().max(64), z.int().min(0)),
  /** Blobs still to delete (blob stores are not transactional: a later purge retries them). */
  pendingBlobIds: z.array(idSchema).max(1000).default([]),
});
/** A tombstone. */
export type Tombstone = z.infer<typeof tombstoneSchema>;
