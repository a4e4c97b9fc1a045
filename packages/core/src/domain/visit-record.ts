import * as z from "zod";
import { compiledSchema } from "../shared/compiled.js";
import type { ErrorCode } from "../shared/errors/catalog.js";
import { addCatalogIssue, type CatalogParams, type ParseResult, safeParseInput } from "../shared/errors/parse.js";
import { quotedLabel, withLabel, withOptionLabels, withOwnLabel } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import { idSchema, instantSchema, isoDateSchema, shortTextSchema, termIdSchema } from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import {
  type ConductReport,
  conductAttestationSchema,
  conductAttestedAtLabel,
  conductReportsFrom,
  conductRules,
} from "./conduct.js";
import { type VisitKind, visitKindSchema } from "./planning.js";
import { guardianRelationSchema } from "./student.js";
import {
  familySituationSectionSchema,
  healthyGrowthSectionSchema,
  parentOpinionsSectionSchema,
  prioritySupportSectionSchema,
  schoolFeedbackSectionSchema,
  schoolPolicySectionSchema,
  teacherReflectionSectionSchema,
  type VisitSectionKey,
  visitSectionKeys,
  visitSectionLabels,
} from "./visit-sections.js";

/**
 * The visit record (家访记录): what a teacher fills in, usually on a phone, after a visit. It is
 * the handbook's page (家访工作手册) and the student's diary entry (生情日记, R9): the channel, who
 * was present, when, one section per task of R4, the four outreach goals carried (R8), follow-up
 * actions, photos, the conduct attestation (R10) and the school's custom fields.
 *
 * Drafts ({@link visitRecordDraftSchema}) accept almost anything half-filled, so a teacher can
 * save on a bus; submission ({@link visitRecordSubmissionSchema}) asks for what the guidance
 * requires, and {@link validateVisitRecordForSubmission} lists every gap with its path.
 */

/** How the contact happened (R5, R12). Only `in_home` is a home visit proper (进家入户). */
export const visitChannels = ["in_home", "alternative_venue", "phone", "video", "at_school"] as const;
/** The label of each channel. */
export const visitChannelLabels: Readonly<Record<VisitChannel, LocalizedText>> = {
  in_home: { "zh-CN": "入户家访", en: "Home visit" },
  alternative_venue: { "zh-CN": "约定场所面谈", en: "Meeting at another venue" },
  phone: { "zh-CN": "电话家访", en: "Phone call" },
  video: { "zh-CN": "视频家访", en: "Video call" },
  at_school: { "zh-CN": "来校面谈", en: "Meeting at school" },
};
/** How the contact happened. */
export const visitChannelSchema = withOptionLabels(
  withLabel(z.enum(visitChannels), { "zh-CN": "家访方式", en: "Channel" }),
  visitChannelLabels,
);
/** How the contact happened. */
export type VisitChannel = (typeof visitChannels)[number];

/** Channels where teacher and family meet in person. */
export const faceToFaceChannels: readonly VisitChannel[] = ["in_home", "alternative_venue", "at_school"];

/** The four outreach goals (四进家庭) of R8, in the guidance's order. */
export const outreachGoals = ["care", "policy", "guidance", "support"] as const;
/** The label of each outreach goal, and what it brings to the family. */
export const outreachGoalLabels: Readonly<
  Record<(typeof outreachGoals)[number], { label: LocalizedText; aim: LocalizedText }>
> = {
  care: {
    label: { "zh-CN": "教育关爱进家庭", en: "Care reaches the family" },
    aim: { "zh-CN": "融洽教师与家长的关系", en: "A warmer relation between teacher and parents" },
  },
  policy: {
    label: { "zh-CN": "教育政策进家庭", en: "Education policy reaches the family" },
    aim: { "zh-CN": "促进家长树立科学的教育观念", en: "Parents take up a sound view of education" },
  },
  guidance: {
    label: { "zh-CN": "教育指导进家庭", en: "Parenting guidance reaches the family" },
    aim: { "zh-CN": "优化亲子关系", en: "A better parent-child relationship" },
  },
  support: {
    label: { "zh-CN": "教育帮扶进家庭", en: "Support reaches the family" },
    aim: { "zh-CN": "促进学生健康成长", en: "The student grows up healthy" },
  },
};
/** One of the four outreach goals. */
export const outreachGoalSchema = withOptionLabels(
  z.enum(outreachGoals),
  Object.fromEntries(outreachGoals.map((goal) => [goal, outreachGoalLabels[goal].label])) as Record<
    (typeof outreachGoals)[number],
    LocalizedText
  >,
);
/** One of the four outreach goals. */
export type OutreachGoal = z.infer<typeof outreachGoalSchema>;

/** Who was present besides the visiting teacher and the companions. */
export const attendeesSchema = z.strictObject({
  student: withLabel(z.boolean(), { "zh-CN": "学生本人在场", en: "Student present" }),
  /** The guardians present, by relation; `guardianId` links to the roster when known. */
  guardians: withLabel(
    z
      .array(
        z.strictObject({
          relation: guardianRelationSchema,
          guardianId: idSchema.optional(),
        }),
      )
      .max(10)
      .default([]),
    { "zh-CN": "在场的家长（监护人）", en: "Guardians present" },
  ),
  /** Other teachers present (a subject teacher who joined, say). */
  teacherIds: withLabel(z.array(idSchema).max(10).default([]), {
    "zh-CN": "在场的其他教师",
    en: "Other teachers present",
  }),
  /** Anyone else, in a few words (村干部, a neighbour): personal. */
  others: withLabel(withSensitivity(shortTextSchema.optional(), "personal"), {
    "zh-CN": "其他在场人员",
    en: "Others present",
  }),
});
/** Who was present. */
export type Attendees = z.infer<typeof attendeesSchema>;

/** The states of a follow-up action. */
export const followUpStatuses = ["open", "done", "cancelled"] as const;
/** The words for each state of a follow-up action. */
export const followUpStatusLabels: Readonly<Record<(typeof followUpStatuses)[number], LocalizedText>> = {
  open: { "zh-CN": "待跟进", en: "Open" },
  done: { "zh-CN": "已完成", en: "Done" },
  cancelled: { "zh-CN": "已取消", en: "Cancelled" },
};
/** The state of a follow-up action, with its words. */
export const followUpStatusSchema = withOptionLabels(z.enum(followUpStatuses), followUpStatusLabels);

/** A follow-up action agreed at the visit (R2 全程跟踪, R17). */
export const followUpActionSchema = z.strictObject({
  id: idSchema,
  action: withLabel(withSensitivity(z.string().trim().min(1).max(500), "sensitive"), {
    "zh-CN": "跟进事项",
    en: "Follow-up action",
  }),
  /** The teacher or staff member responsible. */
  ownerId: withOwnLabel(idSchema, { "zh-CN": "负责人", en: "Owner" }),
  dueOn: withOwnLabel(isoDateSchema, { "zh-CN": "完成期限", en: "Due date" }),
  status: withLabel(followUpStatusSchema.default("open"), {
    "zh-CN": "跟进状态",
    en: "Status",
  }),
  doneOn: withLabel(isoDateSchema.optional(), { "zh-CN": "完成日期", en: "Date done" }),
});
/** A follow-up action. */
export type FollowUpAction = z.infer<typeof followUpActionSchema>;

/**
 * A photo of the visit, by reference to the blob store (bytes never travel in a record).
 * Photos inside homes are sensitive; uploads are stripped of EXIF before storage.
 */
export const visitPhotoSchema = withSensitivity(
  z.strictObject({
    blobId: idSchema,
    caption: withLabel(z.string().trim().max(200).optional(), { "zh-CN": "照片说明", en: "Caption" }),
    takenAt: withLabel(instantSchema.optional(), { "zh-CN": "拍摄时间", en: "Time taken" }),
  }),
  "sensitive",
);
/** A photo reference. */
export type VisitPhoto = z.infer<typeof visitPhotoSchema>;

const reservedValueKeys = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The values of the school's custom fields and the template version they were written with.
 * The custom-fields module validates the values against that version; here only the
 * reference shape is checked.
 */
export const customFieldValuesRefSchema = z.strictObject({
  templateId: idSchema,
  templateVersion: z.int().min(1).max(1_000_000),
  values: withLabel(
    z.record(
      z
        .string()
        .min(1)
        .max(64)
        .superRefine((key, ctx) => {
          if (reservedValueKeys.has(key)) addCatalogIssue(ctx, "reserved_key", { key });
        }),
      z.unknown(),
    ),
    { "zh-CN": "填写内容", en: "Answers" },
  ),
});
/** A reference to custom-field values. */
export type CustomFieldValuesRef = z.infer<typeof customFieldValuesRefSchema>;

/** The life of a record: drafts are edited freely; a submitted record changes only by amendment. */
export const visitRecordStatuses = ["draft", "submitted", "amended"] as const;
/** The words for each state of a visit record. */
export const visitRecordStatusLabels: Readonly<Record<(typeof visitRecordStatuses)[number], LocalizedText>> = {
  draft: { "zh-CN": "草稿", en: "Draft" },
  submitted: { "zh-CN": "已提交", en: "Submitted" },
  amended: { "zh-CN": "已修订", en: "Amended" },
};
/** The state of a visit record, with its words (the engine sets it; a person never picks it). */
export const visitRecordStatusSchema = withOptionLabels(z.enum(visitRecordStatuses), visitRecordStatusLabels);

/**
 * The words forms and messages name a visit record's own fields by; a section is named by
 * {@link visitSectionLabels}, the kind, term and channel by their schemas' labels.
 *
 * @example
 * ```ts
 * visitRecordFieldLabels.arrivedAt; // { "zh-CN": "到达时间", en: "Arrival time" }
 * ```
 */
export const visitRecordFieldLabels = {
  companionIds: { "zh-CN": "同行教师", en: "Companion teachers" },
  obligationId: { "zh-CN": "对应的家访任务", en: "Visit obligation" },
  appointmentId: { "zh-CN": "家访预约", en: "Appointment" },
  venue: { "zh-CN": "约定场所", en: "Venue" },
  venueReason: { "zh-CN": "改在其他场所的原因", en: "Why another venue" },
  arrivedAt: { "zh-CN": "到达时间", en: "Arrival time" },
  departedAt: { "zh-CN": "离开时间", en: "Departure time" },
  attendees: { "zh-CN": "在场人员", en: "Who was present" },
  outreachGoals: { "zh-CN": "四进家庭", en: "Four outreach goals" },
  followUps: { "zh-CN": "后续跟进", en: "Follow-up actions" },
  photos: { "zh-CN": "照片", en: "Photos" },
  conduct: { "zh-CN": "六个不得确认", en: "Conduct attestation" },
  customFields: { "zh-CN": "学校自定义项目", en: "The school's own fields" },
  submittedAt: { "zh-CN": "提交时间", en: "Time submitted" },
  amendedAt: { "zh-CN": "更正时间", en: "Time amended" },
  amendmentReason: { "zh-CN": "更正原因", en: "Reason for the amendment" },
} as const satisfies Readonly<Record<string, LocalizedText>>;

const labels = visitRecordFieldLabels;
const sectionField = <T extends z.ZodType>(schema: T, key: VisitSectionKey) =>
  withLabel(schema.optional(), visitSectionLabels[key].label);

const visitRecordShape = {
  id: idSchema,
  schoolId: idSchema,
  studentId: idSchema,
  /** The visiting (lead) teacher. */
  teacherId: idSchema,
  companionIds: withLabel(z.array(idSchema).max(5).default([]), labels.companionIds),
  /** The obligation this visit meets; planner ids join rule, student and date, so longer than an id. */
  obligationId: withLabel(z.string().min(1).max(200).optional(), labels.obligationId),
  appointmentId: withLabel(idSchema.optional(), labels.appointmentId),
  kind: visitKindSchema,
  term: termIdSchema,
  channel: visitChannelSchema,
  /** Where an `alternative_venue` meeting took place, in a few words (村委会, 家长单位). */
  venue: withLabel(withSensitivity(shortTextSchema.optional(), "personal"), labels.venue),
  /** Why the family preferred another venue (R12). */
  venueReason: withLabel(withSensitivity(shortTextSchema.optional(), "sensitive"), labels.venueReason),
  /** Arrival, or the start of a call. */
  arrivedAt: withLabel(instantSchema.optional(), labels.arrivedAt),
  /** Departure, or the end of a call. */
  departedAt: withLabel(instantSchema.optional(), labels.departedAt),
  attendees: withLabel(attendeesSchema.optional(), labels.attendees),
  outreachGoals: withLabel(z.array(outreachGoalSchema).max(4).default([]), labels.outreachGoals),
  familySituation: sectionField(familySituationSectionSchema, "familySituation"),
  schoolFeedback: sectionField(schoolFeedbackSectionSchema, "schoolFeedback"),
  schoolPolicy: sectionField(schoolPolicySectionSchema, "schoolPolicy"),
  healthyGrowth: sectionField(healthyGrowthSectionSchema, "healthyGrowth"),
  prioritySupport: sectionField(prioritySupportSectionSchema, "prioritySupport"),
  parentOpinions: sectionField(parentOpinionsSectionSchema, "parentOpinions"),
  teacherReflection: sectionField(teacherReflectionSectionSchema, "teacherReflection"),
  followUps: withLabel(z.array(followUpActionSchema).max(30).default([]), labels.followUps),
  photos: withLabel(z.array(visitPhotoSchema).max(20).default([]), labels.photos),
  conduct: withLabel(conductAttestationSchema.optional(), labels.conduct),
  customFields: withLabel(customFieldValuesRefSchema.optional(), labels.customFields),
  status: visitRecordStatusSchema.default("draft"),
  submittedAt: withLabel(instantSchema.optional(), labels.submittedAt),
  amendedAt: withLabel(instantSchema.optional(), labels.amendedAt),
  /** Why a submitted record was amended. */
  amendmentReason: withLabel(withSensitivity(shortTextSchema.optional(), "sensitive"), labels.amendmentReason),
};

type DraftShape = z.infer<z.ZodObject<typeof visitRecordShape>>;

/** A problem one of the whole-record rules finds: a catalog code, its parameters and where. */
export interface VisitRecordRuleIssue {
  code: ErrorCode;
  params: CatalogParams;
  path: string[];
}

/**
 * The rules of a whole visit record that no single field's schema can check: a companion is
 * not the visiting teacher, no outreach goal twice, and a stored status backed by its times.
 * `visitRecordDraftSchema` refuses a record with any of these problems; the engine asks this
 * function first where it built a record from fields already parsed.
 *
 * @example
 * ```ts
 * visitRecordDraftRuleIssues({ ...draft, companionIds: [draft.teacherId] });
 * // [{ code: "companion_is_visiting_teacher", params: {}, path: ["companionIds"] }]
 * ```
 */
export function visitRecordDraftRuleIssues(
  record: Pick<
    VisitRecordDraft,
    "companionIds" | "teacherId" | "outreachGoals" | "status" | "submittedAt" | "amendedAt" | "amendmentReason"
  >,
): VisitRecordRuleIssue[] {
  const issues: VisitRecordRuleIssue[] = [];
  if (record.companionIds.includes(record.teacherId))
    issues.push({ code: "companion_is_visiting_teacher", params: {}, path: ["companionIds"] });
  if (hasDuplicates(record.outreachGoals)) issues.push({ code: "conflict", params: {}, path: ["outreachGoals"] });
  // A stored record's status must be backed by its times: the archive and the ethics record
  // (R9, R16) date a visit by them.
  if (record.status !== "draft" && record.submittedAt === undefined)
    issues.push({
      code: "visit_field_required",
      params: { field: quotedLabel(labels.submittedAt) },
      path: ["submittedAt"],
    });
  if (record.status === "amended") {
    if (record.amendedAt === undefined)
      issues.push({
        code: "visit_field_required",
        params: { field: quotedLabel(labels.amendedAt) },
        path: ["amendedAt"],
      });
    if ((record.amendmentReason?.trim() ?? "") === "")
      issues.push({
        code: "visit_field_required",
        params: { field: quotedLabel(labels.amendmentReason) },
        path: ["amendmentReason"],
      });
  }
  return issues;
}

function checkDraft(record: DraftShape, ctx: z.RefinementCtx): void {
  for (const issue of visitRecordDraftRuleIssues(record)) addCatalogIssue(ctx, issue.code, issue.params, issue.path);
}

function hasDuplicates(values: readonly unknown[]): boolean {
  return new Set(values).size !== values.length;
}

/**
 * A visit record as it is saved while being written: identity, kind and channel are needed,
 * every section is optional. Unknown keys are rejected everywhere.
 *
 * @example
 * ```ts
 * visitRecordDraftSchema.parse({
 *   id: "v1", schoolId: "sch1", studentId: "s1", teacherId: "t1",
 *   kind: "universal", term: "2026-2027-1", channel: "in_home",
 * }).status; // "draft"
 * ```
 */
export const visitRecordDraftSchema = compiledSchema(z.strictObject(visitRecordShape).superRefine(checkDraft));
/** A visit record, possibly incomplete. */
export type VisitRecordDraft = z.infer<typeof visitRecordDraftSchema>;
/** A visit record as a caller writes it (defaults not yet applied). */
export type VisitRecordDraftInput = z.input<typeof visitRecordDraftSchema>;

/**
 * The sections a submitted record must fill, by channel and kind:
 * - always task 2 (`schoolFeedback`) and task 6 (`parentOpinions`, `teacherReflection`);
 * - face to face (`in_home`, `alternative_venue`, `at_school`): task 1 (`familySituation`);
 * - `priority`, `crisis` and `mentor_contact` visits: task 5 (`prioritySupport`);
 * - `new_student` visits: task 3 (`schoolPolicy`), since a new family meets the school first.
 * Tasks 3 and 4 are welcome elsewhere but not required: a phone form with seven mandatory
 * sections would be filled with filler.
 *
 * @example
 * ```ts
 * requiredSections("phone", "universal"); // ["schoolFeedback", "parentOpinions", "teacherReflection"]
 * requiredSections("in_home", "priority");
 * // ["familySituation", "schoolFeedback", "prioritySupport", "parentOpinions", "teacherReflection"]
 * ```
 */
export function requiredSections(channel: VisitChannel, kind: VisitKind): VisitSectionKey[] {
  const required = new Set<VisitSectionKey>(["schoolFeedback", "parentOpinions", "teacherReflection"]);
  if (faceToFaceChannels.includes(channel)) required.add("familySituation");
  if (kind === "priority" || kind === "crisis" || kind === "mentor_contact") required.add("prioritySupport");
  if (kind === "new_student") required.add("schoolPolicy");
  return visitSectionKeys.filter((key) => required.has(key));
}

/**
 * Whether a section says anything: at least one field set, a non-blank text or a non-empty
 * list. An empty `{}` a form created on open does not count as filled.
 *
 * @example
 * ```ts
 * isSectionFilled({ topics: [], notes: "  " }); // false
 * isSectionFilled({ topics: ["learning"] }); // true
 * ```
 */
export function isSectionFilled(section: Readonly<Record<string, unknown>> | undefined): boolean {
  if (section === undefined) return false;
  return Object.values(section).some((value) => {
    if (value === undefined || value === null) return false;
    if (typeof value === "string") return value.trim() !== "";
    if (Array.isArray(value)) return value.length > 0;
    return true;
  });
}

/**
 * Epoch milliseconds of an instant, or undefined for text that is not one. zod runs object
 * refinements even after a format check failed, so the rules below may see a malformed time.
 */
function timeOf(instant: string | undefined): number | undefined {
  if (instant === undefined) return undefined;
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The date of the visit: the China Standard Time date of arrival, or undefined before arrival
 * is recorded.
 *
 * @example
 * ```ts
 * visitDateOf({ arrivedAt: "2026-10-12T17:30:00Z" }); // "2026-10-13"
 * ```
 */
export function visitDateOf(record: Pick<VisitRecordDraft, "arrivedAt">): string | undefined {
  const arrived = timeOf(record.arrivedAt);
  if (arrived === undefined) return undefined;
  // The last instant JavaScript dates hold (+275760-09-13) has no China Standard Time date.
  const local = new Date(arrived + 8 * 3_600_000);
  return Number.isNaN(local.getTime()) ? undefined : local.toISOString().slice(0, 10);
}

function checkSubmission(record: DraftShape, ctx: z.RefinementCtx): void {
  checkDraft(record, ctx);
  if (record.channel === "alternative_venue") {
    if ((record.venueReason?.trim() ?? "") === "")
      addCatalogIssue(ctx, "alternative_venue_reason_required", {}, ["venueReason"]);
    if ((record.venue?.trim() ?? "") === "")
      addCatalogIssue(ctx, "visit_field_required", { field: quotedLabel(labels.venue) }, ["venue"]);
  }
  if (record.arrivedAt === undefined)
    addCatalogIssue(ctx, "visit_field_required", { field: quotedLabel(labels.arrivedAt) }, ["arrivedAt"]);
  if (record.departedAt === undefined)
    addCatalogIssue(ctx, "visit_field_required", { field: quotedLabel(labels.departedAt) }, ["departedAt"]);
  const arrived = timeOf(record.arrivedAt);
  const departed = timeOf(record.departedAt);
  if (arrived !== undefined && departed !== undefined && departed <= arrived)
    addCatalogIssue(ctx, "departure_before_arrival", {}, ["departedAt"]);
  const attendees = record.attendees;
  if (attendees === undefined || (!attendees.student && attendees.guardians.length === 0))
    addCatalogIssue(ctx, "visit_attendee_required", {}, ["attendees"]);
  if ((record.channel === "in_home" || record.channel === "alternative_venue") && record.outreachGoals.length === 0)
    addCatalogIssue(ctx, "outreach_goal_required", {}, ["outreachGoals"]);
  for (const key of requiredSections(record.channel, record.kind)) {
    if (!isSectionFilled(record[key]))
      addCatalogIssue(
        ctx,
        "visit_section_required",
        { section: quotedLabel(visitSectionLabels[key].label), task: visitSectionLabels[key].task },
        [key],
      );
  }
  for (const rule of conductRules) {
    if (record.conduct?.items[rule.id] === undefined)
      addCatalogIssue(ctx, "conduct_attestation_incomplete", { rule: rule.label, order: rule.order }, [
        "conduct",
        "items",
        rule.id,
      ]);
  }
  if (record.conduct?.attestedAt === undefined)
    addCatalogIssue(ctx, "visit_field_required", { field: quotedLabel(conductAttestedAtLabel) }, [
      "conduct",
      "attestedAt",
    ]);
  const visitDate = visitDateOf(record);
  if (visitDate !== undefined) {
    record.followUps.forEach((followUp, i) => {
      if (followUp.dueOn < visitDate) addCatalogIssue(ctx, "follow_up_due_before_visit", {}, ["followUps", i, "dueOn"]);
    });
  }
}

/**
 * A visit record ready to submit: everything of the draft, plus what the guidance asks for.
 * Arrival and departure (departure after arrival), who was present (the student or a
 * guardian), the venue and its reason for `alternative_venue` (R12), at least one outreach goal
 * for `in_home` and `alternative_venue` visits (R8: they reach into the family), the sections
 * of {@link requiredSections}, all six conduct rules answered and confirmed (R10), and
 * follow-ups not due before the visit.
 */
export const visitRecordSubmissionSchema = compiledSchema(
  z.strictObject(visitRecordShape).superRefine(checkSubmission),
);
/** A visit record that passed submission checks. */
export type VisitRecordSubmission = z.infer<typeof visitRecordSubmissionSchema>;

/**
 * Checks a record for submission and returns every problem with its path, never throwing for
 * bad input. When a field has the wrong type only those problems are listed, since the rules
 * cannot read the record; otherwise format problems, unknown keys and every rule's problem are
 * listed at once, so a teacher fixes the form in one pass.
 *
 * @example
 * ```ts
 * const result = validateVisitRecordForSubmission({
 *   id: "v1", schoolId: "sch1", studentId: "s1", teacherId: "t1",
 *   kind: "universal", term: "2026-2027-1", channel: "alternative_venue",
 *   arrivedAt: "2026-10-12T19:00:00+08:00", departedAt: "2026-10-12T18:00:00+08:00",
 * });
 * if (!result.success) result.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`);
 * // ["venueReason: alternative_venue_reason_required", "venue: visit_field_required",
 * //  "departedAt: departure_before_arrival", "attendees: visit_attendee_required", …,
 * //  "conduct.items.no_money_or_gifts: conduct_attestation_incomplete", …]
 * ```
 */
export function validateVisitRecordForSubmission(record: unknown): ParseResult<VisitRecordSubmission> {
  return safeParseInput(visitRecordSubmissionSchema, record);
}

/**
 * The conduct reports a record's declared exceptions produce (R10), addressed to its school,
 * teacher and student; none when every rule was kept or nothing is attested yet. `declaredAt`
 * is used only when the attestation carries no `attestedAt`.
 *
 * @example
 * ```ts
 * conductReportsOfVisit(record, "2026-10-12T21:00:00+08:00").map((r) => r.ruleId);
 * // ["no_meals_or_reimbursement"] when the teacher declared staying for a meal
 * ```
 */
export function conductReportsOfVisit(
  record: Pick<VisitRecordDraft, "id" | "schoolId" | "teacherId" | "studentId" | "conduct">,
  declaredAt: string,
): ConductReport[] {
  if (record.conduct === undefined) return [];
  return conductReportsFrom(record.conduct, {
    visitId: record.id,
    schoolId: record.schoolId,
    teacherId: record.teacherId,
    studentId: record.studentId,
    declaredAt,
  });
}
