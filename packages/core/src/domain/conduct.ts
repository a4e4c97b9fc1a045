import * as z from "zod";
import type { ErrorIssue, ErrorPath } from "../shared/errors/homevisit-error.js";
import { addCatalogIssue, issuesFromZod } from "../shared/errors/parse.js";
import { quotedLabel, withLabel, withOptionLabels } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import { idSchema, instantSchema, noteSchema } from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";

/**
 * The six prohibitions (六个不得) of R10, in the guidance's order. A visiting teacher attests
 * each one after every visit; a declared exception becomes a {@link ConductReport} for the
 * school, which feeds the teacher's ethics record (师德档案, R16).
 */
export const conductRuleIds = [
  "no_money_or_gifts",
  "no_meals_or_reimbursement",
  "no_transport_from_family",
  "no_private_requests",
  "no_entertainment",
  "no_paid_tutoring",
] as const;

/** One of the six conduct rules. */
export type ConductRuleId = (typeof conductRuleIds)[number];

/** A conduct rule as data, for checklists and reports. */
export interface ConductRule {
  readonly id: ConductRuleId;
  /** Position in the guidance's list, 1–6. */
  readonly order: number;
  /** The rule as the guidance words it, and its translation. */
  readonly text: LocalizedText;
  /** A short label for compact lists and reports. */
  readonly label: LocalizedText;
  /** The sentence a teacher confirms in the attestation checklist. */
  readonly attestation: LocalizedText;
}

/**
 * The six conduct rules with their texts in zh-CN (the guidance's words) and en, in order.
 *
 * @example
 * ```ts
 * conductRules[0];
 * // { id: "no_money_or_gifts", order: 1, text: { "zh-CN": "不得接受家长馈赠的钱物", en: "…" }, … }
 * conductRules.map((r) => r.id).length; // 6
 * ```
 */
export const conductRules: readonly ConductRule[] = [
  {
    id: "no_money_or_gifts",
    order: 1,
    text: { "zh-CN": "不得接受家长馈赠的钱物", en: "Do not accept money or gifts from the family" },
    label: { "zh-CN": "不收钱物", en: "No money or gifts" },
    attestation: {
      "zh-CN": "本次家访未接受家长馈赠的钱物",
      en: "I accepted no money or gifts from the family on this visit",
    },
  },
  {
    id: "no_meals_or_reimbursement",
    order: 2,
    text: {
      "zh-CN": "不得接受家长的吃请和报销开支",
      en: "Do not accept meals from the family or have expenses reimbursed by them",
    },
    label: { "zh-CN": "不吃请不报销", en: "No meals or reimbursement" },
    attestation: {
      "zh-CN": "本次家访未接受家长吃请，未让家长报销任何开支",
      en: "I accepted no meal from the family and had no expense reimbursed by them",
    },
  },
  {
    id: "no_transport_from_family",
    order: 3,
    text: {
      "zh-CN": "不得要求家长安排车辆接送",
      en: "Do not ask the family to provide transport",
    },
    label: { "zh-CN": "不要求车辆接送", en: "No transport from the family" },
    attestation: {
      "zh-CN": "本次家访未要求家长安排车辆接送",
      en: "I did not ask the family to drive me or arrange transport",
    },
  },
  {
    id: "no_private_requests",
    order: 4,
    text: {
      "zh-CN": "不得借家访名义向家长提出任何私人要求",
      en: "Do not make any private request of the family in the name of the visit",
    },
    label: { "zh-CN": "不提私人要求", en: "No private requests" },
    attestation: {
      "zh-CN": "本次家访未借家访名义向家长提出任何私人要求",
      en: "I made no private request of the family in the name of the visit",
    },
  },
  {
    id: "no_entertainment",
    order: 5,
    text: {
      "zh-CN": "不得参与家长组织的任何娱乐消费活动",
      en: "Do not join any entertainment or leisure spending the family organises",
    },
    label: { "zh-CN": "不参与娱乐消费", en: "No entertainment" },
    attestation: {
      "zh-CN": "本次家访未参与家长组织的任何娱乐消费活动",
      en: "I joined no entertainment or leisure activity the family organised",
    },
  },
  {
    id: "no_paid_tutoring",
    order: 6,
    text: {
      "zh-CN": "不得以家访名义进行有偿家教",
      en: "Do not give paid tutoring in the name of the visit",
    },
    label: { "zh-CN": "不搞有偿家教", en: "No paid tutoring" },
    attestation: {
      "zh-CN": "本次家访未以家访名义进行有偿家教",
      en: "I gave no paid tutoring in the name of the visit",
    },
  },
];

/** One of the six conduct rules, with each rule's short label as its words. */
export const conductRuleIdSchema = withOptionLabels(
  z.enum(conductRuleIds),
  Object.fromEntries(conductRules.map((rule) => [rule.id, rule.label])) as Record<ConductRuleId, LocalizedText>,
);

/**
 * The rule with an id.
 *
 * @example
 * ```ts
 * conductRule("no_paid_tutoring").text["zh-CN"]; // "不得以家访名义进行有偿家教"
 * ```
 */
export function conductRule(id: ConductRuleId): ConductRule {
  // The list covers every id by construction; the fallback only satisfies the index type.
  return conductRules.find((r) => r.id === id) ?? (conductRules[0] as ConductRule);
}

/**
 * The teacher's answer for one rule. `kept: true` attests the rule was kept; `kept: false`
 * declares an exception and needs `exceptionNote` saying what happened. Either way
 * `offeredAndDeclined` records what the family offered and the teacher turned down (a red
 * envelope, a meal, a lift): it is not a breach, and the school learns from it (R17).
 */
export const conductAttestationItemSchema = z
  .strictObject({
    kept: withLabel(z.boolean(), { "zh-CN": "是否做到", en: "Kept" }),
    exceptionNote: withLabel(withSensitivity(noteSchema.optional(), "sensitive"), {
      "zh-CN": "例外情况说明",
      en: "Exception note",
    }),
    offeredAndDeclined: withLabel(withSensitivity(noteSchema.optional(), "sensitive"), {
      "zh-CN": "家长提供但已婉拒的",
      en: "Offered and declined",
    }),
  })
  .superRefine((item, ctx) => {
    if (!item.kept && (item.exceptionNote?.trim() ?? "") === "")
      addCatalogIssue(ctx, "conduct_exception_note_required", {}, ["exceptionNote"]);
    // A stale note left after switching back to "kept" would read as a half-declared breach.
    if (item.kept && item.exceptionNote !== undefined)
      addCatalogIssue(ctx, "conduct_exception_note_unexpected", {}, ["exceptionNote"]);
  });
/** The answer for one rule. */
export type ConductAttestationItem = z.infer<typeof conductAttestationItemSchema>;

/** Each rule's answer, labelled with the rule's short label (each its own schema: labels are per field). */
const item = (id: ConductRuleId) => withLabel(conductAttestationItemSchema.optional(), conductRule(id).label);

/** How messages name the time the whole list was confirmed. */
export const conductAttestedAtLabel: LocalizedText = {
  "zh-CN": "六个不得确认时间",
  en: "Time of the conduct attestation",
};

/**
 * The conduct attestation of one visit, as a draft may hold it: each rule answered or not yet.
 * Use {@link completeConductAttestationSchema} (or {@link isConductAttestationComplete}) to
 * require all six, as submission does.
 */
export const conductAttestationSchema = z.strictObject({
  items: withLabel(
    z.strictObject({
      no_money_or_gifts: item("no_money_or_gifts"),
      no_meals_or_reimbursement: item("no_meals_or_reimbursement"),
      no_transport_from_family: item("no_transport_from_family"),
      no_private_requests: item("no_private_requests"),
      no_entertainment: item("no_entertainment"),
      no_paid_tutoring: item("no_paid_tutoring"),
    }),
    { "zh-CN": "六个不得", en: "The six prohibitions" },
  ),
  /** When the teacher confirmed the whole list. */
  attestedAt: withLabel(instantSchema.optional(), conductAttestedAtLabel),
});
/** The conduct attestation of one visit. */
export type ConductAttestation = z.infer<typeof conductAttestationSchema>;

/**
 * A complete attestation: all six rules answered and the list confirmed (`attestedAt`). Each
 * unanswered rule is reported as `conduct_attestation_incomplete` at `["items", ruleId]`, so a
 * form can mark the very line that is missing.
 *
 * @example
 * ```ts
 * completeConductAttestationSchema.safeParse({ items: {} }).success; // false
 * ```
 */
export const completeConductAttestationSchema = conductAttestationSchema.superRefine((attestation, ctx) => {
  for (const rule of conductRules) {
    if (attestation.items[rule.id] === undefined)
      addCatalogIssue(ctx, "conduct_attestation_incomplete", { rule: rule.label, order: rule.order }, [
        "items",
        rule.id,
      ]);
  }
  if (attestation.attestedAt === undefined)
    addCatalogIssue(ctx, "visit_field_required", { field: quotedLabel(conductAttestedAtLabel) }, ["attestedAt"]);
});

/**
 * Every problem that keeps an attestation from being complete, with paths relative to the
 * attestation (pass `prefix` to place them in a larger record). Malformed input is reported
 * too, never thrown.
 *
 * @example
 * ```ts
 * conductAttestationProblems({ items: { no_money_or_gifts: { kept: true } } }).map((p) => p.path.join("."));
 * // ["items.no_meals_or_reimbursement", "items.no_transport_from_family", "items.no_private_requests",
 * //  "items.no_entertainment", "items.no_paid_tutoring", "attestedAt"]
 * ```
 */
export function conductAttestationProblems(attestation: unknown, prefix: ErrorPath = []): ErrorIssue[] {
  const result = completeConductAttestationSchema.safeParse(attestation ?? { items: {} });
  return result.success ? [] : issuesFromZod(result.error.issues, prefix);
}

/**
 * Whether every one of the six rules is answered (kept, or an exception declared with a note)
 * and the list was confirmed (`attestedAt`). A record cannot be submitted otherwise.
 *
 * @example
 * ```ts
 * const items = Object.fromEntries(conductRuleIds.map((id) => [id, { kept: true }]));
 * isConductAttestationComplete({ items, attestedAt: "2026-10-12T19:40:00+08:00" }); // true
 * isConductAttestationComplete({ items: {} }); // false
 * ```
 */
export function isConductAttestationComplete(attestation: unknown): boolean {
  return completeConductAttestationSchema.safeParse(attestation).success;
}

/** The states of a conduct report: open until the school reviews it. */
export const conductReportStatuses = ["open", "reviewed"] as const;
/** The state of a conduct report, with its words. */
export const conductReportStatusSchema = withOptionLabels(z.enum(conductReportStatuses), {
  open: { "zh-CN": "待处理", en: "Open" },
  reviewed: { "zh-CN": "已复核", en: "Reviewed" },
});

/**
 * A declared exception to a conduct rule, as the school receives it. It names the rule and
 * the visit; the note is the teacher's own account and is sensitive.
 */
export const conductReportSchema = z.strictObject({
  /** Deterministic: `${visitId}:${ruleId}`, so re-deriving reports never duplicates them. */
  id: z.string().min(1).max(140),
  schoolId: idSchema,
  teacherId: idSchema,
  studentId: idSchema,
  visitId: idSchema,
  ruleId: conductRuleIdSchema,
  /** What happened, in the teacher's words. */
  note: withSensitivity(noteSchema.pipe(z.string().min(1)), "sensitive"),
  /** What else the family offered and the teacher declined, if noted. */
  offeredAndDeclined: withSensitivity(noteSchema.optional(), "sensitive"),
  /** When the teacher declared it (the attestation's time). */
  declaredAt: instantSchema,
  /** Reports start open; the school reviews and closes them. */
  status: conductReportStatusSchema,
});
/** A conduct report. */
export type ConductReport = z.infer<typeof conductReportSchema>;

/** The visit a conduct report belongs to. */
export interface ConductReportContext {
  visitId: string;
  schoolId: string;
  teacherId: string;
  studentId: string;
  /** Used when the attestation has no `attestedAt` yet. */
  declaredAt: string;
}

/**
 * Turns every declared exception of an attestation into a conduct report for the school, in
 * the rules' order. Rules kept (declined offers included) produce none.
 *
 * @example
 * ```ts
 * conductReportsFrom(
 *   { items: { no_meals_or_reimbursement: { kept: false, exceptionNote: "留下吃了午饭" } },
 *     attestedAt: "2026-10-12T19:40:00+08:00" },
 *   { visitId: "v1", schoolId: "sch1", teacherId: "t1", studentId: "s1", declaredAt: "2026-10-12T20:00:00+08:00" },
 * );
 * // [{ id: "v1:no_meals_or_reimbursement", ruleId: "no_meals_or_reimbursement", note: "留下吃了午饭",
 * //    declaredAt: "2026-10-12T19:40:00+08:00", status: "open", schoolId: "sch1", … }]
 * ```
 */
export function conductReportsFrom(attestation: ConductAttestation, context: ConductReportContext): ConductReport[] {
  const reports: ConductReport[] = [];
  for (const rule of conductRules) {
    const answer = attestation.items[rule.id];
    if (answer === undefined || answer.kept) continue;
    reports.push({
      id: `${context.visitId}:${rule.id}`,
      schoolId: context.schoolId,
      teacherId: context.teacherId,
      studentId: context.studentId,
      visitId: context.visitId,
      ruleId: rule.id,
      note: answer.exceptionNote ?? "",
      ...(answer.offeredAndDeclined === undefined ? {} : { offeredAndDeclined: answer.offeredAndDeclined }),
      declaredAt: attestation.attestedAt ?? context.declaredAt,
      status: "open",
    });
  }
  return reports;
}

/**
 * The rules under which the family offered something that the teacher declined, for the
 * school's feedback analysis (R17): common offers show where families need the rules explained.
 *
 * @example
 * ```ts
 * declinedOffers({ items: { no_money_or_gifts: { kept: true, offeredAndDeclined: "土鸡蛋一篮" } } });
 * // ["no_money_or_gifts"]
 * ```
 */
export function declinedOffers(attestation: ConductAttestation): ConductRuleId[] {
  return conductRuleIds.filter((id) => {
    const note = attestation.items[id]?.offeredAndDeclined;
    return note !== undefined && note.trim() !== "";
  });
}
