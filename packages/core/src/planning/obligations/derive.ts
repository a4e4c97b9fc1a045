import type { CategoryKey, StoredCategoryFlag } from "../../domain/categories.js";
import { newStudentStatus, priorityCategories } from "../../domain/categories.js";
import { schoolYearOf, schoolYearStart } from "../../domain/organisation.js";
import type { DateWindow, Mentorship, Obligation, PreferredWindow, Term } from "../../domain/planning.js";
import { addDays } from "../../shared/dates.js";
import { parseInput } from "../../shared/errors/parse.js";
import { formatText, type LocalizedText, localizeAll } from "../../shared/i18n.js";
import { hasPlainIds, sortedById } from "../order.js";
import {
  type CustomObligationRule,
  defaultObligationRules,
  type ObligationRules,
  obligationRulesSchema,
} from "../rules.js";
import { customRuleParts } from "./custom.js";
import { checkTerm, groupByStudent, KeyedMemo, mayBeNew, memo, sortRun } from "./helpers.js";
import { cadenceText, earliestMentorship, mentorContactRrule } from "./mentor.js";
import { type JoinedWhys, mergeParts, satisfied, toObligation } from "./merge.js";
import {
  type DeriveObligationsInput,
  type ObligationStudent,
  type Part,
  type PastVisit,
  priorityWhyOfN,
  priorityWhyOne,
  r13Why,
  urgencyOf,
} from "./model.js";
import {
  activeCategories,
  campaignWindows,
  categoryList,
  clipPreferred,
  envelope,
  intersect,
  joinTexts,
  noCategoryKeys,
  noFlags,
  noPreferred,
  notNew,
  noVisits,
  type Presence,
  parentsHomeWindows,
  parentsMayBeAway,
  presence,
  splitWindow,
} from "./windows.js";

/**
 * The obligations of a school's students in a term, from the rules in force (R2, R3, R5, R13):
 *
 * - `universal_yearly` — every enrolled student: an in-home visit in the school year, asked in
 *   each term until a past in-home visit since 1 September shows it done;
 * - `new_student` — within `weeks` (6) of the first day at the school: the window runs to that
 *   day plus 7 × weeks;
 * - `priority_per_term` — a student in a priority category during the term:
 *   `inHomeVisitsPerTerm` (1) in-home visits, the days the category is active split evenly;
 * - `family_crisis` — each crisis flag beginning in the term (or from `vacationStart`, in the
 *   vacation before it): an in-home visit from the flag's day to `days` (7) later, even past
 *   the term's end;
 * - R13 — for a `left_behind_or_single_parent` student of a school whose setting is in
 *   `rural.settings` (rural and town by default), unless the record shows no parent away: the
 *   Spring Festival and farming-season windows become preferred windows of the priority visit
 *   (or its window, with `placement: "required"`); in the autumn term, the priority window
 *   reaches through the following Spring Festival window in the winter vacation;
 * - campaign periods of the term and of the rules are preferred windows of every non-crisis
 *   in-home obligation;
 * - `mentor_contact` — a priority student: a recurring other-channel contact while a category
 *   is active, as a bounded floating RRULE, from the mentor's appointment if later;
 * - custom rules (`rules.custom`, {@link CustomObligationRule}) — each enabled rule whose
 *   settings, grades and categories (the seven or a plugin's) fit the student: in-home visits
 *   per term (the days a category is active split evenly), one per school year, or one within
 *   days of each flag; the obligation carries the rule's id, the student's first active
 *   category of the rule, and a reason that starts with the rule's name. They merge with the
 *   built-in ones, each right after the built-in rule of its kind.
 *
 * In-home requirements merge as described in this module's comment. Windows stay inside the
 * student's enrolment at the school. The same input gives the same obligations, ids and order
 * (by student id, window start, id). Throws `obligations_term_inverted` for a term that ends
 * before it starts and `validation_failed` for rules that fail {@link obligationRulesSchema}.
 *
 * @example
 * ```ts
 * const term = { id: "2026-2027-1", schoolYear: 2026, index: 1, start: "2026-09-01", end: "2027-01-22", campaigns: [] };
 * const obligations = deriveObligations({ term, school, students: [newStudentInGrade7] });
 * // [{ id: "new_student:s1:2026-09-01", ruleId: "new_student", ruleIds: ["new_student", "universal_yearly"],
 * //    kind: "new_student", channel: "in_home", window: { from: "2026-09-01", to: "2026-10-13" }, urgency: 60,
 * //    why: { "zh-CN": "新生，须在入学后6周内（2026-10-13前）完成入户家访；…",
 * //           en: "New student: an in-home visit within 6 weeks of enrolment (by 2026-10-13); …" }, … }]
 * ```
 */
export function deriveObligations(input: DeriveObligationsInput): Obligation[] {
  const scope = schoolScope(input);
  const { out } = scope;
  const plainIds = hasPlainIds(input.students);
  const students = sortedById(input.students, plainIds);
  // The result is ordered by student, window start and id. Students are taken in id order, so
  // each run of students whose ids compare equal (usually one) is sorted on its own as it
  // closes, rather than the whole list at the end.
  let runStart = 0;
  let runId: string | undefined;
  for (const student of students) {
    // Different plain ids never compare equal: the collator is asked only about other ids.
    if (runId !== undefined && student.id !== runId && (plainIds || student.id.localeCompare(runId) !== 0)) {
      sortRun(out, runStart);
      runStart = out.length;
    }
    runId = student.id;
    studentObligations(scope, student);
  }
  sortRun(out, runStart);
  return out;
}

/** What every student of the school shares: the rules, windows, sentences and lookups. */
interface SchoolScope {
  input: DeriveObligationsInput;
  term: Term;
  school: DeriveObligationsInput["school"];
  rules: ObligationRules;
  termWindow: DateWindow;
  campaigns: PreferredWindow[];
  ruralApplies: boolean;
  homeWindows: PreferredWindow[];
  out: Obligation[];
  flagsOf: Map<string, StoredCategoryFlag[]>;
  visitsByStudent: Map<string, PastVisit[]>;
  mentorshipsOf: Map<string, Mentorship[]>;
  /** The last day parents are home in the winter vacation (R13): the same for every student. */
  homeVacationEnd: string | undefined;
  universalWhy: (to: string) => LocalizedText;
  newStudentWhy: (to: string) => LocalizedText;
  priorityWhys: KeyedMemo<LocalizedText>;
  /** The seven in the guidance's order, as far as the priority rule names them. */
  priorityOrder: CategoryKey[];
  customRules: CustomObligationRule[];
  categoryLabels: Readonly<Record<string, LocalizedText>>;
  cadence: LocalizedText;
  yearStart: string;
  yearStartOf: (date: string) => string;
  labelsOf: (key: string) => LocalizedText;
  contactRrules: KeyedMemo<string>;
  contactWhys: KeyedMemo<LocalizedText>;
  joinedWhys: JoinedWhys;
  /** One holder per call for the student's last day at the school (see `presence`). */
  present: Presence;
  /** The channel of mentor contacts: `any` (a talk, a call) unless the rule says in-home. */
  contactChannel: "in_home" | "any";
}

function schoolScope(input: DeriveObligationsInput): SchoolScope {
  const { term, school } = input;
  checkTerm(term);
  const rules = input.rules
    ? parseInput(obligationRulesSchema, input.rules, { path: ["rules"] })
    : defaultObligationRules;
  const allFlags = (input.flags ?? []).filter((f) => input.date === undefined || f.validFrom <= input.date);
  const ruralApplies = rules.rural.enabled && rules.rural.settings.includes(school.setting);
  const homeWindows = ruralApplies ? parentsHomeWindows(term, rules) : [];
  const vacationLimit = addDays(term.end, 45);
  return {
    input,
    term,
    school,
    rules,
    termWindow: { from: term.start, to: term.end },
    campaigns: campaignWindows(term, rules.campaigns.windows),
    ruralApplies,
    homeWindows,
    out: [],
    // Per student, in input order: filtering the whole lists for every student was quadratic.
    flagsOf: groupByStudent(allFlags),
    visitsByStudent: groupByStudent(input.previousVisits ?? []),
    mentorshipsOf: groupByStudent(input.mentorships ?? []),
    homeVacationEnd: homeWindows
      .filter((w) => w.from <= vacationLimit && w.to > term.end && w.from >= term.start)
      .map((w) => w.to)
      .sort()
      .at(-1),
    // The sentences repeat across students with the same dates: fill each template once.
    universalWhy: memo((to: string) =>
      localizeAll(
        {
          "zh-CN": "全员普访：本学年须至少完成1次入户家访（{to}前）",
          en: "Universal round: at least one in-home visit this school year (by {to})",
        },
        { to },
      ),
    ),
    newStudentWhy: memo((to: string) =>
      localizeAll(
        {
          "zh-CN": "新生，须在入学后{weeks}周内（{to}前）完成入户家访",
          en: "New student: an in-home visit within {weeks} weeks of enrolment (by {to})",
        },
        { weeks: rules.newStudent.weeks, to },
      ),
    ),
    priorityWhys: new KeyedMemo<LocalizedText>(),
    priorityOrder: priorityCategories.filter((c) => rules.priority.categories.includes(c)),
    customRules: (rules.custom ?? []).filter(
      (r) => r.enabled !== false && (r.settings === undefined || r.settings.includes(school.setting)),
    ),
    categoryLabels: input.categoryLabels ?? {},
    // Per school, not per student: the cadence, the school year's start and the lists of
    // categories' names are the same for every student, and the rule texts and sentences of
    // mentor contacts repeat with their dates (strings are immutable, so sharing them is safe).
    cadence: cadenceText(rules.mentorContact.cadence),
    yearStart: schoolYearStart(term.schoolYear),
    yearStartOf: memo((date: string) => schoolYearStart(schoolYearOf(date))),
    labelsOf: memo((key: string) => categoryList(key.split("\u0000") as CategoryKey[])),
    contactRrules: new KeyedMemo<string>(),
    contactWhys: new KeyedMemo<LocalizedText>(),
    joinedWhys: { next: new Map() },
    present: { lastDay: "" },
    contactChannel: rules.mentorContact.inHome === true ? "in_home" : "any",
  };
}

/** The student's categories active in the term, their names and the envelope of their days. */
interface Activity {
  categories: readonly CategoryKey[];
  labels: LocalizedText | undefined;
  span: DateWindow | undefined;
}

/** Adds one student's obligations to `scope.out`. */
function studentObligations(scope: SchoolScope, student: ObligationStudent): void {
  const { term, school, rules, present, out } = scope;
  const span = presence(student, school.id, scope.termWindow, present);
  if (!span) return;
  // Shared empty lists and answers below: most students have no flag, visit or news.
  const flags = scope.flagsOf.get(student.id) ?? noFlags;
  const visitsOf = scope.visitsByStudent.get(student.id) ?? noVisits;
  const active = activeCategories(flags, span, scope.priorityOrder);
  const leftBehind = active.get("left_behind_or_single_parent");
  const r13 = scope.ruralApplies && leftBehind && parentsMayBeAway(student) ? scope.homeWindows : noPreferred;
  // The winter vacation's Spring Festival belongs to the autumn term: parents come home then,
  // so the term's universal and priority visits may fall in it.
  let reach = span;
  if (r13.length > 0 && term.index === 1 && span.to === term.end && leftBehind?.to === term.end) {
    const vacationEnd = scope.homeVacationEnd;
    if (vacationEnd !== undefined) {
      reach = { from: span.from, to: vacationEnd < present.lastDay ? vacationEnd : present.lastDay };
    }
  }

  // Begun with the universal part as a literal: an empty list's first push reserves room for
  // many parts, and most students have this one only.
  const parts: Part[] = rules.universal.enabled
    ? [
        {
          ruleId: "universal_yearly",
          kind: "universal",
          category: undefined,
          window: reach,
          satisfiedWithin: { from: scope.yearStart, to: reach.to },
          preferred: scope.campaigns,
          why: scope.universalWhy(reach.to),
        },
      ]
    : [];
  newStudentPart(scope, student, span, parts);

  // The student's active categories, their names and envelope: shared by the priority visit
  // and the mentor contact.
  const categories = active.size > 0 ? [...active.keys()] : noCategoryKeys;
  const activity: Activity = {
    categories,
    labels: categories.length > 0 ? scope.labelsOf(categories.join("\u0000")) : undefined,
    span: categories.length > 0 ? envelope(active.values()) : undefined,
  };
  priorityParts(scope, activity, span, reach, r13, parts);
  if (rules.crisis.enabled && flags.length > 0) crisisParts(scope, flags, span, parts);
  const claimFrom =
    span.from === term.start && (scope.input.vacationStart ?? term.start) < term.start
      ? (scope.input.vacationStart ?? term.start)
      : span.from;
  for (const rule of scope.customRules) {
    parts.push(
      ...customRuleParts(rule, {
        student,
        schoolId: school.id,
        term,
        span,
        lastDay: present.lastDay,
        flags,
        campaigns: scope.campaigns,
        categoryLabels: scope.categoryLabels,
        claimFrom,
      }),
    );
  }

  const open = visitsOf.length === 0 ? parts : parts.filter((p) => !satisfied(p, visitsOf));
  // One part is its own group: no merge to do.
  if (open.length === 1) out.push(toObligation(open, student, school.id, rules, scope.joinedWhys));
  else for (const group of mergeParts(open)) out.push(toObligation(group, student, school.id, rules, scope.joinedWhys));

  if (rules.mentorContact.enabled) mentorContact(scope, student, activity);
}

/** A new student's visit within `weeks` of the first day at the school. */
function newStudentPart(scope: SchoolScope, student: ObligationStudent, span: DateWindow, parts: Part[]): void {
  const { rules, school } = scope;
  if (!rules.newStudent.enabled) return;
  const status = mayBeNew(student, school.id, span.from, scope.yearStartOf(span.from))
    ? newStudentStatus(student, school, span.from)
    : notNew;
  if (!status.isNew) return;
  const deadline = addDays(status.since, 7 * rules.newStudent.weeks);
  const window = intersect({ from: status.since, to: deadline }, span);
  if (!window) return;
  parts.push({
    ruleId: "new_student",
    kind: "new_student",
    category: undefined,
    window,
    satisfiedWithin: { from: status.since, to: deadline },
    preferred: scope.campaigns,
    why: scope.newStudentWhy(deadline),
  });
}

/** A priority student's in-home visits of the term, with the R13 windows when parents are home. */
function priorityParts(
  scope: SchoolScope,
  activity: Activity,
  span: DateWindow,
  reach: DateWindow,
  r13: readonly PreferredWindow[],
  parts: Part[],
): void {
  const { rules, campaigns } = scope;
  const { labels, categories } = activity;
  if (!rules.priority.enabled || labels === undefined || activity.span === undefined) return;
  const { from, to } = activity.span;
  const priorityWindow: DateWindow = { from, to: to === span.to ? reach.to : to };
  const n = rules.priority.inHomeVisitsPerTerm;
  const all = splitWindow(priorityWindow, n);
  for (let i = 0; i < all.length; i++) {
    let own = all[i] as DateWindow;
    const homeInReach = r13.length === 0 ? noPreferred : clipPreferred(r13, own);
    const firstHome = homeInReach[0];
    const required = rules.rural.placement === "required" && firstHome !== undefined;
    if (required) own = { from: firstHome.from, to: firstHome.to };
    const template = all.length === 1 ? priorityWhyOne : priorityWhyOfN;
    // Students of one school share categories and windows: fill each sentence once.
    // The visit's rank, count and home windows as one number (a window has < 2^19 days).
    const shape = i * 2 ** 20 + all.length * 2 + (homeInReach.length > 0 ? 1 : 0);
    let why = scope.priorityWhys.get(labels.en, own.from, own.to, shape);
    if (why === undefined) {
      const params = { from: own.from, to: own.to, i: i + 1, n: all.length };
      why = {
        "zh-CN": formatText(template, { ...params, labels: labels["zh-CN"] }, "zh-CN"),
        en: formatText(template, { ...params, labels: labels.en }, "en"),
      };
      if (homeInReach.length > 0) why = joinTexts([why, r13Why], "；", "; ");
      scope.priorityWhys.set(labels.en, own.from, own.to, shape, why);
    }
    parts.push({
      ruleId: "priority_per_term",
      kind: "priority",
      category: categories[0],
      window: own,
      satisfiedWithin: own,
      // Clipped again only when the window moved to the first home window. Parts are
      // read only: without home windows the campaigns' list is shared, as for the others.
      preferred: required
        ? [...clipPreferred(r13, own), ...campaigns]
        : homeInReach.length === 0
          ? campaigns
          : [...homeInReach, ...campaigns],
      why,
    });
  }
}

/** A visit within `days` of each crisis flag of the term (or of the vacation before it). */
function crisisParts(scope: SchoolScope, flags: readonly StoredCategoryFlag[], span: DateWindow, parts: Part[]): void {
  const { term, rules, present } = scope;
  const vacationStart = scope.input.vacationStart ?? term.start;
  const claimFrom = span.from === term.start && vacationStart < term.start ? vacationStart : span.from;
  const crises = flags
    .filter((f) => f.category === "family_crisis" && f.validFrom >= claimFrom && f.validFrom <= span.to)
    .map((f) => f.validFrom);
  for (const day of [...new Set(crises)].sort()) {
    const due = addDays(day, rules.crisis.days);
    const window = intersect({ from: day, to: due }, { from: day, to: present.lastDay });
    if (!window) continue;
    parts.push({
      ruleId: "family_crisis",
      kind: "crisis",
      category: "family_crisis",
      window,
      satisfiedWithin: { from: day, to: due },
      preferred: [],
      why: localizeAll(
        {
          "zh-CN": "家庭突发重大变故（{day}登记），须在{days}天内（{to}前）完成入户家访",
          en: "Family crisis flagged on {day}: an in-home visit within {days} days (by {to})",
        },
        { day, days: rules.crisis.days, to: due },
      ),
    });
  }
}

/** A priority student's recurring mentor contact while a category is active. */
function mentorContact(scope: SchoolScope, student: ObligationStudent, activity: Activity): void {
  const { labels, categories } = activity;
  if (labels === undefined || activity.span === undefined) return;
  const { from, to } = activity.span;
  const mentorship = earliestMentorship(scope.mentorshipsOf.get(student.id), to);
  const start = mentorship && mentorship.since > from ? mentorship.since : from;
  const window = { from: start, to };
  const appointed = mentorship ? 1 : 0;
  let why = scope.contactWhys.get(labels.en, start, to, appointed);
  if (why === undefined) {
    const noMentor: LocalizedText = mentorship
      ? { "zh-CN": "", en: "" }
      : { "zh-CN": "（尚未指定德育导师）", en: " (no mentor appointed yet)" };
    const cadence = scope.cadence;
    why = {
      "zh-CN": `重点学生（${labels["zh-CN"]}），德育导师须${cadence["zh-CN"]}联系一次（${start}至${to}）${noMentor["zh-CN"]}`,
      en: `Priority student (${labels.en}): the mentor keeps in contact ${cadence.en} (${start} to ${to})${noMentor.en}`,
    };
    scope.contactWhys.set(labels.en, start, to, appointed, why);
  }
  let contactRrule = scope.contactRrules.get(start, to, "", 0);
  if (contactRrule === undefined) {
    contactRrule = mentorContactRrule(scope.rules.mentorContact.cadence, window);
    scope.contactRrules.set(start, to, "", 0, contactRrule);
  }
  scope.out.push({
    id: `mentor_contact:${student.id}:${start}`,
    ruleId: "mentor_contact",
    ruleIds: ["mentor_contact"],
    schoolId: scope.school.id,
    studentId: student.id,
    kind: "mentor_contact",
    channel: scope.contactChannel,
    category: categories[0],
    window,
    preferred: [],
    rrule: contactRrule,
    needsCompanion: false,
    urgency: urgencyOf.mentor_contact,
    // A fresh object each, its texts shared: entries share no objects a caller might edit.
    why: { "zh-CN": why["zh-CN"], en: why.en },
  });
}
