import type { LocalizedText } from "../../shared/i18n.js";
import type { Actor, Role } from "./actor.js";

/**
 * How far a role reaches for an action (RELIABILITY.md promise 1):
 * - `assigned` — students the actor visits (lead or companion in the plan or an appointment);
 * - `class` — students of classes the actor leads as class teacher;
 * - `mentee` — students the actor mentors (德育导师);
 * - `self` — the actor's own records (their appointments, safety reports, handbook);
 * - `school` — everything of the actor's school;
 * - `county` / `city` — aggregates of the actor's county or city: never a child's record.
 */
export type Reach = "assigned" | "class" | "mentee" | "self" | "school" | "county" | "city";

/** Each reach in words, for documents generated from the matrix (the OpenAPI document). */
export const reachLabels: Readonly<Record<Reach, LocalizedText>> = {
  assigned: { "zh-CN": "本人家访（主访或陪访）的学生", en: "students they visit (lead or companion)" },
  class: { "zh-CN": "本人任班主任的班级的学生", en: "students of classes they lead as class teacher" },
  mentee: { "zh-CN": "本人担任德育导师的学生", en: "their mentees" },
  self: { "zh-CN": "本人自己的记录", en: "their own records" },
  school: { "zh-CN": "本校全部", en: "everything of their school" },
  county: { "zh-CN": "本县区的汇总数据", en: "aggregates of their county" },
  city: { "zh-CN": "本市的汇总数据", en: "aggregates of their city" },
};

/** Each role in words, for documents generated from the matrix. */
export const roleLabels: Readonly<Record<Role, LocalizedText>> = {
  teacher: { "zh-CN": "教师", en: "teacher" },
  class_teacher: { "zh-CN": "班主任", en: "class teacher" },
  mentor: { "zh-CN": "德育导师", en: "mentor" },
  principal: { "zh-CN": "校长", en: "principal" },
  school_admin: { "zh-CN": "学校管理员", en: "school admin" },
  county_bureau: { "zh-CN": "县区教育局", en: "county bureau" },
  city_bureau: { "zh-CN": "市教育局", en: "city bureau" },
};

/** What an action returns or touches: a child's record, or aggregates only. */
export type AccessKind = "record" | "aggregate";

/** One row of the matrix: who may do an action and how far they reach. */
export interface PolicyEntry {
  /** Roles allowed and their reaches; a role not listed is denied. */
  readonly roles: Readonly<Partial<Record<Role, readonly Reach[]>>>;
  readonly access: AccessKind;
  /** Whether a stated purpose is required (full views of personal data). */
  readonly purposeRequired: boolean;
  /** Audit every call (sensitive reads) or only writes. */
  readonly audit: "always" | "writes";
  readonly write: boolean;
  readonly description: LocalizedText;
}

const staffReach = {
  teacher: ["assigned", "mentee", "self"],
  class_teacher: ["assigned", "class", "mentee", "self"],
  mentor: ["assigned", "mentee", "self"],
  principal: ["school", "self"],
  school_admin: ["school", "self"],
} as const satisfies Partial<Record<Role, readonly Reach[]>>;

const leaders = { principal: ["school"], school_admin: ["school"] } as const;
const aggregates = {
  principal: ["school"],
  school_admin: ["school"],
  county_bureau: ["county"],
  city_bureau: ["city"],
} as const;

function entry(
  roles: PolicyEntry["roles"],
  options: { access?: AccessKind; write?: boolean; purpose?: boolean; audit?: "always" | "writes" },
  description: LocalizedText,
): PolicyEntry {
  return {
    roles,
    access: options.access ?? "record",
    write: options.write ?? false,
    purposeRequired: options.purpose ?? false,
    audit: options.audit ?? "writes",
    description,
  };
}

/**
 * The authorization matrix: role × action × reach, deny by default. Every engine use case
 * names one action here; an action without an entry cannot be authorised, so a use case
 * cannot exist without one. Bureau roles appear only on aggregate actions.
 */
export const policyMatrix = {
  "roster.import": entry(leaders, { write: true }, { "zh-CN": "导入或同步花名册", en: "Import or sync the roster" }),
  "students.list": entry(staffReach, {}, { "zh-CN": "查看学生列表（脱敏）", en: "List students (masked)" }),
  "students.read": entry(
    staffReach,
    { purpose: true, audit: "always" },
    { "zh-CN": "查看学生完整信息", en: "Read a student's full record" },
  ),
  "categories.flag": entry(
    { class_teacher: ["class"], mentor: ["mentee"], principal: ["school"], school_admin: ["school"] },
    { write: true },
    { "zh-CN": "标记或撤销重点类别", en: "Flag or unflag a priority category" },
  ),
  "archive.read": entry(
    staffReach,
    { purpose: true, audit: "always" },
    { "zh-CN": "查看学生家访档案", en: "Read a student's visit archive" },
  ),
  "plans.generate": entry(leaders, { write: true }, { "zh-CN": "生成学期家访计划", en: "Generate a term plan" }),
  "plans.commit": entry(leaders, { write: true }, { "zh-CN": "确认学期家访计划", en: "Commit a term plan" }),
  "plans.reassign": entry(leaders, { write: true }, { "zh-CN": "调整教师任务", en: "Reassign a caseload" }),
  "plans.read": entry(
    { ...staffReach, principal: ["school"], school_admin: ["school"] },
    {},
    { "zh-CN": "查看家访计划", en: "Read the plan" },
  ),
  "appointments.transition": entry(
    { teacher: ["assigned", "self"], class_teacher: ["assigned", "self"], mentor: ["assigned", "self"], ...leaders },
    { write: true },
    { "zh-CN": "更新预约状态", en: "Move an appointment on" },
  ),
  // A visit outside the plan, for a student the teacher already visits, leads as class teacher or mentors.
  "appointments.create": entry(
    {
      teacher: ["assigned", "mentee"],
      class_teacher: ["assigned", "class", "mentee"],
      mentor: ["assigned", "mentee"],
      ...leaders,
    },
    { write: true },
    { "zh-CN": "安排计划外的家访预约", en: "Arrange a visit outside the plan" },
  ),
  "safety.report": entry(
    { teacher: ["self"], class_teacher: ["self"], mentor: ["self"], principal: ["self"], school_admin: ["self"] },
    { write: true },
    { "zh-CN": "提交家访安全报告或返程报平安", en: "File a safety report or check in" },
  ),
  "safety.overdue": entry(leaders, {}, { "zh-CN": "查看逾期未报平安的家访", en: "List overdue check-ins" }),
  "records.write": entry(
    {
      teacher: ["assigned"],
      class_teacher: ["assigned", "class"],
      mentor: ["assigned", "mentee"],
      principal: ["school"],
    },
    { write: true },
    { "zh-CN": "填写、提交或修改家访记录", en: "Draft, submit or amend a visit record" },
  ),
  "records.read": entry(
    staffReach,
    { purpose: true, audit: "always" },
    { "zh-CN": "查看家访记录", en: "Read a visit record" },
  ),
  "conduct.reports": entry(
    leaders,
    { audit: "always" },
    { "zh-CN": "查看违反“六个不得”的报告", en: "Read conduct reports" },
  ),
  "support.write": entry(
    { mentor: ["mentee"], class_teacher: ["class"], ...leaders },
    { write: true },
    { "zh-CN": "维护帮扶计划与跟进事项", en: "Maintain support plans and follow-ups" },
  ),
  "feedback.write": entry(
    { teacher: ["assigned"], class_teacher: ["assigned", "class"], mentor: ["assigned", "mentee"], ...leaders },
    { write: true },
    { "zh-CN": "登记家长意见与整改", en: "Record parents' feedback and fixes" },
  ),
  "appointments.read": entry(
    {
      teacher: ["assigned", "self"],
      class_teacher: ["assigned", "class", "self"],
      mentor: ["assigned", "mentee", "self"],
      ...leaders,
    },
    {},
    { "zh-CN": "查看家访预约（脱敏）与日历", en: "List appointments (masked) and the calendar feed" },
  ),
  "safety.zero_report": entry(leaders, { write: true }, { "zh-CN": "提交安全零报告", en: "File a safety zero report" }),
  "conduct.resolve": entry(
    leaders,
    { write: true },
    { "zh-CN": "处理违反“六个不得”的报告", en: "Review a conduct report" },
  ),
  "support.read": entry(
    { mentor: ["mentee"], class_teacher: ["class"], ...leaders },
    { purpose: true, audit: "always" },
    { "zh-CN": "查看帮扶计划", en: "Read a support plan" },
  ),
  "feedback.read": entry(leaders, {}, { "zh-CN": "查看家长意见汇总", en: "List parents' feedback" }),
  "consent.write": entry(
    { class_teacher: ["class"], ...leaders },
    { write: true },
    { "zh-CN": "登记或撤回监护人同意", en: "Record or withdraw guardian consent" },
  ),
  "consent.read": entry(staffReach, {}, { "zh-CN": "查看监护人同意情况", en: "See guardian consent status" }),
  "mentorships.write": entry(
    leaders,
    { write: true },
    { "zh-CN": "指定或结束德育导师", en: "Appoint or end a mentor" },
  ),
  // School admins sync their own school and classes (a host's platform admin acts as one per
  // school); bureaus their county or city. Organisation rows hold no child's data.
  "organisation.sync": entry(
    { city_bureau: ["city"], county_bureau: ["county"], school_admin: ["school"] },
    { write: true, access: "aggregate" },
    { "zh-CN": "同步市、县区、学校与班级", en: "Sync the city, counties, schools and classes" },
  ),
  "data.export": entry(
    leaders,
    { purpose: true, audit: "always" },
    { "zh-CN": "导出学生全部数据", en: "Export all data of a student" },
  ),
  "data.erase": entry(
    leaders,
    { write: true, purpose: true },
    { "zh-CN": "按申请删除或到期清除", en: "Erase on request or purge" },
  ),
  "audit.read": entry(
    { school_admin: ["school"], principal: ["school"] },
    { audit: "always" },
    { "zh-CN": "查询和校验审计日志", en: "Query and verify the audit log" },
  ),
  // Who the caller is as the host resolved them, and their school's terms.
  "me.read": entry(
    {
      teacher: ["self"],
      class_teacher: ["self"],
      mentor: ["self"],
      principal: ["self"],
      school_admin: ["self"],
      county_bureau: ["self"],
      city_bureau: ["self"],
    },
    // About the caller and their school's calendar: no child's record.
    { access: "aggregate" },
    { "zh-CN": "查看本人身份与本校学期", en: "Read who I am and my school's terms" },
  ),
  "safety.read": entry(
    {
      teacher: ["self"],
      class_teacher: ["self"],
      mentor: ["self"],
      principal: ["school", "self"],
      school_admin: ["school", "self"],
    },
    {},
    { "zh-CN": "查看安全报告、报平安与零报告", en: "List safety reports, check-ins and zero reports" },
  ),
  // Names of classes and teachers (staff, not children) for pickers and tables.
  "organisation.read": entry(
    {
      teacher: ["school"],
      class_teacher: ["school"],
      mentor: ["school"],
      principal: ["school"],
      school_admin: ["school"],
      county_bureau: ["county"],
      city_bureau: ["city"],
    },
    { access: "aggregate" },
    { "zh-CN": "查看学校、班级与教师名录", en: "Read schools, classes and teachers" },
  ),
  // Form templates hold questions, not answers: designers are a school's leaders for the
  // school, a bureau for its county or city (the use cases keep each role to its level).
  "forms.design": entry(
    { school_admin: ["school"], principal: ["school"], county_bureau: ["county"], city_bureau: ["city"] },
    { write: true, access: "aggregate" },
    { "zh-CN": "设计、发布或停用家访表单", en: "Design, publish or retire visit forms" },
  ),
  // Staff read the forms that apply to them (teachers the published ones only).
  "forms.read": entry(
    {
      teacher: ["school"],
      class_teacher: ["school"],
      mentor: ["school"],
      principal: ["school"],
      school_admin: ["school"],
      county_bureau: ["county"],
      city_bureau: ["city"],
    },
    { access: "aggregate" },
    { "zh-CN": "查看家访表单", en: "Read visit forms" },
  ),
  "reports.coverage": entry(
    aggregates,
    // Logged like sensitive reads: who looked at which school's figures, and how grouped.
    { access: "aggregate", audit: "always" },
    { "zh-CN": "查看覆盖率统计（小组脱敏）", en: "Coverage statistics (small groups suppressed)" },
  ),
} as const satisfies Record<string, PolicyEntry>;

/** An action of the matrix. */
export type Action = keyof typeof policyMatrix;

/**
 * What the engine knows about the target of an action: its tenant keys and the actor's
 * relations to it. The engine fills it from storage; the policy itself does no I/O.
 */
export interface PolicyTarget {
  cityId: string;
  countyId?: string;
  schoolId?: string;
  /** The actor visits this student (lead or companion). */
  assigned?: boolean;
  /** The actor is class teacher of the student's class. */
  classTeacher?: boolean;
  /** The actor mentors the student. */
  mentor?: boolean;
  /** The record belongs to the actor (their appointment, their safety report). */
  own?: boolean;
}

/** The policy's answer. */
export type PolicyDecision =
  | { allowed: true; reach: Reach; entry: PolicyEntry }
  | { allowed: false; reason: "no_entry" | "role_not_allowed" | "out_of_scope" };

function reaches(reach: Reach, actor: Actor, target: PolicyTarget): boolean {
  switch (reach) {
    case "assigned":
      return target.assigned === true && target.schoolId === actor.schoolId;
    case "class":
      return target.classTeacher === true && target.schoolId === actor.schoolId;
    case "mentee":
      return target.mentor === true && target.schoolId === actor.schoolId;
    case "self":
      return target.own === true;
    case "school":
      return actor.schoolId !== undefined && target.schoolId === actor.schoolId;
    case "county":
      return actor.countyId !== undefined && target.countyId === actor.countyId;
    case "city":
      return target.cityId === actor.cityId;
  }
}

/**
 * Decides whether an actor may perform an action on a target. Deny by default: an action not
 * in the matrix, a role without an entry, or a target outside every reach is refused. The
 * engine answers an out-of-scope record exactly like a missing one (404) and audits the denial.
 *
 * @example
 * ```ts
 * const teacher = { id: "t-1", roles: ["teacher"], cityId: "lishui", countyId: "liandu", schoolId: "s-01" };
 * authorize(teacher, "records.write", { cityId: "lishui", countyId: "liandu", schoolId: "s-01", assigned: true });
 * // { allowed: true, reach: "assigned", entry: … }
 * authorize(teacher, "records.write", { cityId: "lishui", countyId: "liandu", schoolId: "s-01" });
 * // { allowed: false, reason: "out_of_scope" }
 * authorize({ ...teacher, roles: ["county_bureau"] }, "students.read", { cityId: "lishui", schoolId: "s-01" });
 * // { allowed: false, reason: "role_not_allowed" }
 * ```
 */
export function authorize(actor: Actor, action: string, target: PolicyTarget): PolicyDecision {
  if (!Object.hasOwn(policyMatrix, action)) return { allowed: false, reason: "no_entry" };
  const policyEntry: PolicyEntry = policyMatrix[action as Action];
  let anyRole = false;
  for (const role of actor.roles) {
    const allowedReaches = policyEntry.roles[role];
    if (!allowedReaches) continue;
    anyRole = true;
    for (const reach of allowedReaches) {
      if (reaches(reach, actor, target)) return { allowed: true, reach, entry: policyEntry };
    }
  }
  return { allowed: false, reason: anyRole ? "out_of_scope" : "role_not_allowed" };
}

/**
 * Whether an action exists in the matrix. The engine refuses to register a use case whose
 * action fails this check.
 *
 * @example
 * ```ts
 * isPolicyAction("records.write"); // true
 * isPolicyAction("records.delete_everything"); // false
 * ```
 */
export function isPolicyAction(action: string): action is Action {
  return Object.hasOwn(policyMatrix, action);
}
