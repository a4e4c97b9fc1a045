import * as z from "zod";
import { workflowEvents } from "../domain/workflow-events.js";
import { idSchema } from "../shared/primitives.js";
import type { OutboxEvent } from "./storage.js";

/**
 * Domain events. Each topic has a payload schema of ids, codes and counts only — never a name,
 * a phone number, an address or a category about a child — because events leave the engine for
 * the host's SMS, DingTalk or WeChat notifications. Areas declare their topics with
 * {@link defineEvents} in their own file and `engineEventSchemas` joins them, like the error
 * catalog.
 */

/**
 * Declares a group of event topics with their payload schemas.
 *
 * @example
 * ```ts
 * const visitEvents = defineEvents({
 *   "visit.completed": z.strictObject({ visitId: idSchema, studentId: idSchema, teacherId: idSchema }),
 * });
 * ```
 */
export function defineEvents<const T extends Record<string, z.ZodType<Record<string, unknown>>>>(events: T): T {
  return events;
}

const counts = z.strictObject({ classes: z.int(), teachers: z.int(), students: z.int() });
const organisationCounts = z.strictObject({ cities: z.int(), counties: z.int(), schools: z.int(), classes: z.int() });

/** Events of the foundation areas: roster, students, consent, data rights. */
export const foundationEvents = defineEvents({
  "roster.imported": z.strictObject({
    schoolId: idSchema,
    added: counts,
    updated: counts,
    departed: z.strictObject({ teachers: z.int(), students: z.int() }),
  }),
  /** The actor's tenant and how many rows of each kind were added and updated. */
  "organisation.synced": z.strictObject({
    cityId: idSchema,
    countyId: idSchema.optional(),
    schoolId: idSchema.optional(),
    added: organisationCounts,
    updated: organisationCounts,
  }),
  "mentorship.assigned": z.strictObject({ mentorshipId: idSchema, studentId: idSchema, mentorId: idSchema }),
  "mentorship.ended": z.strictObject({ mentorshipId: idSchema, studentId: idSchema, mentorId: idSchema }),
  /** The category itself is left out: it is sensitive; subscribers read it through the engine. */
  "category.flagged": z.strictObject({ studentId: idSchema, flagId: idSchema }),
  "category.unflagged": z.strictObject({ studentId: idSchema, flagId: idSchema }),
  "consent.recorded": z.strictObject({ studentId: idSchema, consentId: idSchema }),
  "consent.withdrawn": z.strictObject({ studentId: idSchema, consentId: idSchema, purgeAfter: z.iso.date() }),
  /** The student's id is gone with the data: the tombstone is what remains. */
  "student.erased": z.strictObject({ tombstoneId: idSchema, reason: z.enum(["request", "retention"]) }),
  "consent.purged": z.strictObject({ tombstoneId: idSchema, consentId: idSchema }),
  /**
   * The audit chain found rows it did not write after its head and went on as a new segment
   * (`resumedAfter`): someone with database access wrote into the log. The school's work goes
   * on; `audit.verify` reports the break from now on.
   */
  "audit.chain_restarted": z.strictObject({ chainId: idSchema, seq: z.int(), resumedAfter: z.int() }),
});

/**
 * Every event topic of the engine and its payload schema. The visit-workflow areas add their
 * groups here with one spread line each.
 */
export const engineEventSchemas = {
  ...foundationEvents,
  ...workflowEvents,
} as const;

/** The payload of each topic. */
export type EngineEvents = { [T in keyof typeof engineEventSchemas]: z.infer<(typeof engineEventSchemas)[T]> };

/** An event topic. */
export type EngineEventTopic = keyof EngineEvents & string;

/** An event as subscribers receive it: the outbox row, typed by topic. */
export type EngineEvent<T extends EngineEventTopic = EngineEventTopic> = {
  [K in T]: Omit<OutboxEvent, "topic" | "payload"> & { topic: K; payload: EngineEvents[K] };
}[T];

/** A subscriber. Throwing leaves the event in the outbox for another attempt. */
export type EventHandler<T extends EngineEventTopic = EngineEventTopic> = (
  event: EngineEvent<T>,
  delivery: { attempts: number },
) => void | Promise<void>;

/**
 * Whether a string is a known topic.
 *
 * @example
 * ```ts
 * isEngineEventTopic("category.flagged"); // true
 * isEngineEventTopic("student.name_changed"); // false
 * ```
 */
export function isEngineEventTopic(topic: string): topic is EngineEventTopic {
  return Object.hasOwn(engineEventSchemas, topic);
}
