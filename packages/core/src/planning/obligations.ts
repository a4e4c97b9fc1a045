import * as z from "zod";
import {
  type CategoryKey,
  flagEnd,
  newStudentStatus,
  priorityCategories,
  priorityCategoryLabels,
  type StoredCategoryFlag,
} from "../domain/categories.js";
import { addDays, daysBetween } from "../shared/dates.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { parseInput } from "../shared/errors/parse.js";
import { formatText, type LocalizedText, localizeAll } from "../shared/i18n.js";
import { type School, schoolYearOf, schoolYearStart, type Teacher } from "../domain/organisation.js";
import { idSchema, isoDateSchema } from "../shared/primitives.js";
import type { Student } from "../domain/student.js";
import { springFestivalWindow } from "./calendar/solar-terms.js";
import { childMap } from "./maps.js";
import { cmpDate, hasPlainIds, sortedById } from "./order.js";
import {
  anchorDate,
  type CampaignRule,
  type CustomObligationRule,
  defaultObligationRules,
  type ObligationRules,
  obligationRulesSchema,
} from "./rules.js";
import type {
  DateWindow,
  Mentorship,
  Obligation,
  PreferredWindow,
  TeacherObligation,
  Term,
  VisitKind,
} from "../domain/planning.js";

/**
 * From rules to obligations: what must happen for each student and each teacher in a term.
 *
 * How obligations merge: one in-home visit can satisfy several rules. For each student, the
 * in-home requirements of the term (universal, new student, priority, crisis) are first found
 * one by one. Then, most urgent rule first (crisis > new student > priority > universal), each
 * requirement joins an existing group when its window contains the group's whole window (the
 * group due first, if several), else it starts a group. A merge thus never narrows the window
 * of the more urgent rule: the merged window is the window of its most urgent member, and any
 * visit in it satisfies every member. Each group is one {@link Obligation}: `ruleIds` lists
 * every rule it satisfies (most urgent first), `ruleId`, `kind` and `category` are the most
 * urgent rule's, `why` joins every rule's sentence, `urgency` is the highest. So a new student
 * who is also a priority student from the first day gets one obligation, due within the
 * new-student weeks; a crisis mid-term absorbs the term's priority visit; a crisis in the
 * last days, whose 7 days run past the term, stays apart from the term's visits. Mentor contacts are
 * never merged: they are other-channel and recurring.
 */

/** A visit that already took place, as far as obligations care: who, when, in the home or not. */
export const pastVisitSchema = z.strictObject({
  studentId: idSchema,
  date: isoDateSchema,
  /** Whether it was an in-home visit (进家入户); only those satisfy in-home obligations. */
  inHome: z.boolean(),
});
/** A past visit. */
export type PastVisit = z.infer<typeof pastVisitSchema>;

/** The student fields the obligations read. */
export type ObligationStudent = Pick<Student, "id" | "enrolments"> &
  Partial<Pick<Student, "address" | "livingSituation" | "guardians">>;

/** Input of {@link deriveObligations}. */
export interface DeriveObligationsInput {
  term: Term;
  school: Pick<School, "id" | "kind" | "entryGrades" | "setting">;
  students: readonly ObligationStudent[];
  /** Category flags of the students (others' are ignored): the seven's and plugins'. */
  flags?: readonly StoredCategoryFlag[];
  /**
   * Names of categories beyond the seven (a plugin's), for the reason sentences of custom
   * rules; a category without one is shown by its key.
   */
  categoryLabels?: Readonly<Record<string, LocalizedText>>;
  /** Mentor appointments: a mentor contact starts no earlier than the mentor's appointment. */
  mentorships?: readonly Mentorship[];
  /** The rules in force at the school; {@link defaultObligationRules} by default. */
  rules?: ObligationRules;
  /** Plan as known on this day: flags that begin after it are ignored. Default: all flags. */
  date?: string;
  /** Visits already made: an in-home obligation with an in-home visit in its window is dropped. */
  previousVisits?: readonly PastVisit[];
  /**
   * The first day after the previous term. Crises flagged from then on, in the vacation before
   * this term, belong to this term (their visit is due as flagged, possibly before the term
   * starts). Default: the term's first day, so a vacation crisis is nobody's until it is given.
   */
  vacationStart?: string;
}

const precedence: Record<string, number> = {
  family_crisis: 0,
  new_student: 1,
  priority_per_term: 2,
  universal_yearly: 3,
};
/** A custom rule stands right after the built-in rule of its kind. */
const customPrecedence: Record<VisitKind, number> = {
  crisis: 0.5,
  new_student: 1.5,
  priority: 2.5,
  universal: 3.5,
  mentor_contact: 9,
};

function precedenceOf(part: Part): number {
  return precedence[part.ruleId] ?? customPrecedence[part.kind];
}

const r13Why: LocalizedText = {
  "zh-CN": "留守儿童，宜在父母返乡时（春节、农忙）入户家访",
  en: "Left-behind child: visit when the parents are home (Spring Festival, farming seasons)",
};

const urgencyOf: Record<VisitKind, number> = {
  crisis: 100,
  new_student: 60,
  priority: 40,
  mentor_contact: 20,
  universal: 10,
};

/** One in-home requirement before merging. */
interface Part {
  /** A built-in rule's id or a custom rule's. */
  ruleId: string;
  kind: VisitKind;
  category: CategoryKey | undefined;
  window: DateWindow;
  /** The window a past visit must fall in to satisfy this requirement (may reach outside the term). */
  satisfiedWithin: DateWindow;
  preferred: PreferredWindow[];
  why: LocalizedText;
}

const priorityWhyOne: LocalizedText = {
  "zh-CN": "重点学生（{labels}），本学期须至少完成1次入户家访（{to}前）",
  en: "Priority student ({labels}): at least one in-home visit this term (by {to})",
};
const priorityWhyOfN: LocalizedText = {
  "zh-CN": "重点学生（{labels}），本学期第{i}/{n}次入户家访（{from}至{to}）",
  en: "Priority student ({labels}): in-home visit {i} of {n} this term ({from} to {to})",
};

function intersect(a: DateWindow, b: DateWindow): DateWindow | undefined {
  const from = a.from > b.from ? a.from : b.from;
  const to = a.to < b.to ? a.to : b.to;
  return from <= to ? { from, to } : undefined;
}

function joinTexts(texts: readonly LocalizedText[], zh: string, en: string): LocalizedText {
  return { "zh-CN": texts.map((t) => t["zh-CN"]).join(zh), en: texts.map((t) => t.en).join(en) };
}

function categoryList(
  categories: readonly CategoryKey[],
  extra: Readonly<Record<string, LocalizedText>> = {},
): LocalizedText {
  return joinTexts(
    categories.map(
      (c) => (priorityCategoryLabels as Record<string, LocalizedText>)[c] ?? extra[c] ?? { "zh-CN": c, en: c },
    ),
    "、",
    ", ",
  );
}

/** Where {@link presence} leaves the student's last day at the school (may be after the span). */
interface Presence {
  lastDay: string;
}

/**
 * The envelope of a student's enrolments at the school that overlap a span, cut to the span;
 * the envelope's last day goes to `out` (one holder per call of the planner, not an object
 * per student).
 */
function presence(
  student: ObligationStudent,
  schoolId: string,
  span: DateWindow,
  out: Presence,
): DateWindow | undefined {
  let from: string | undefined;
  let lastDay: string | undefined;
  for (const e of student.enrolments) {
    if (e.schoolId !== schoolId) continue;
    const end = e.to ?? "9999-12-31";
    if (e.from > span.to || end < span.from) continue;
    if (from === undefined || e.from < from) from = e.from;
    if (lastDay === undefined || end > lastDay) lastDay = end;
  }
  if (from === undefined || lastDay === undefined) return undefined;
  const windowFrom = from > span.from ? from : span.from;
  const windowTo = lastDay < span.to ? lastDay : span.to;
  if (windowFrom > windowTo) return undefined;
  out.lastDay = lastDay;
  return { from: windowFrom, to: windowTo };
}

const noPreferred: readonly PreferredWindow[] = [];
const noFlags: readonly StoredCategoryFlag[] = [];
const noVisits: readonly PastVisit[] = [];
const noCategoryKeys: readonly CategoryKey[] = [];
const notNew = { isNew: false } as const;

const noCategories: ReadonlyMap<CategoryKey, DateWindow> = new Map();

/** Per category, the envelope of the days it is active inside a window, in the order `wanted` lists them. */
function activeCategories<C extends CategoryKey>(
  flags: readonly StoredCategoryFlag[],
  window: DateWindow,
  wanted: readonly C[],
): ReadonlyMap<C, DateWindow> {
  // Most students have no flag: one shared empty answer rather than a map each.
  if (flags.length === 0) return noCategories as ReadonlyMap<C, DateWindow>;
  const spans = new Map<C, DateWindow>();
  for (const category of wanted) {
    for (const flag of flags) {
      if (flag.category !== category) continue;
      const active = intersect({ from: flag.validFrom, to: flagEnd(flag) ?? "9999-12-31" }, window);
      if (!active) continue;
      const current = spans.get(category);
      spans.set(
        category,
        current
          ? {
              from: current.from < active.from ? current.from : active.from,
              to: current.to > active.to ? current.to : active.to,
            }
          : active,
      );
    }
  }
  return spans;
}

/** The first start and the last end of non-empty windows (dates compare as text). */
function envelope(windows: Iterable<DateWindow>): DateWindow {
  let from: string | undefined;
  let to: string | undefined;
  for (const w of windows) {
    if (from === undefined || w.from < from) from = w.from;
    if (to === undefined || w.to > to) to = w.to;
  }
  return { from: from as string, to: to as string };
}

function parentsMayBeAway(student: ObligationStudent): boolean {
  // Without the record we cannot rule it out; the flag itself says left-behind or single parent.
  if (!student.livingSituation) return true;
  return student.livingSituation.parentsAway !== "none" || (student.guardians ?? []).some((g) => g.worksAway);
}

/** The day in a term on which a yearly `MM-DD` falls, trying the term's first and next year. */
function resolveMonthDay(monthDay: string, term: Term, notBefore: string): string | undefined {
  const first = Number(term.start.slice(0, 4));
  for (const year of [first, first + 1]) {
    const candidate = `${year}-${monthDay}`;
    // 29 February of a common year is not a day.
    if (!isoDateSchema.safeParse(candidate).success) continue;
    if (candidate >= notBefore) return candidate;
  }
  return undefined;
}

function campaignWindows(term: Term, rules: readonly CampaignRule[]): PreferredWindow[] {
  const termWindow = { from: term.start, to: term.end };
  const out: PreferredWindow[] = [];
  const add = (window: DateWindow, name: string | undefined): void => {
    const inTerm = intersect(window, termWindow);
    if (!inTerm) return;
    const where = name ? { "zh-CN": `（${name}）`, en: ` (${name})` } : { "zh-CN": "", en: "" };
    out.push({
      ...inTerm,
      reason: {
        "zh-CN": `集中性家访期${where["zh-CN"]}：${inTerm.from}至${inTerm.to}`,
        en: `Campaign period${where.en}: ${inTerm.from} to ${inTerm.to}`,
      },
    });
  };
  for (const c of term.campaigns) add(c, c.name);
  for (const c of rules) {
    if (c.termIndex !== term.index) continue;
    const from = resolveMonthDay(c.from, term, addDays(term.start, -31));
    if (from === undefined) continue;
    const to = resolveMonthDay(c.to, term, from);
    if (to !== undefined) add({ from, to }, c.name);
  }
  return out;
}

/** Windows when parents who work away are home (R13), with their reasons. */
function parentsHomeWindows(term: Term, rules: ObligationRules): PreferredWindow[] {
  const out: PreferredWindow[] = [];
  const firstYear = Number(term.start.slice(0, 4));
  const lastYear = Number(term.end.slice(0, 4)) + 1;
  for (let year = firstYear; year <= lastYear; year++) {
    if (rules.rural.springFestival.enabled) {
      const w = springFestivalWindow(year, rules.rural.springFestival);
      out.push({
        ...w,
        reason: {
          "zh-CN": `春节前后父母返乡：${w.from}至${w.to}`,
          en: `Parents home for the Spring Festival: ${w.from} to ${w.to}`,
        },
      });
    }
    for (const season of rules.rural.farmingSeasons) {
      const w = { from: anchorDate(year, season.from), to: anchorDate(year, season.to) };
      out.push({
        ...w,
        reason: {
          "zh-CN": `农忙时节父母返乡（${season.label["zh-CN"]}）：${w.from}至${w.to}`,
          en: `Parents home for the farming season (${season.label.en}): ${w.from} to ${w.to}`,
        },
      });
    }
  }
  return out.sort((a, b) => cmpDate(a.from, b.from) || cmpDate(a.to, b.to));
}

function clipPreferred(preferred: readonly PreferredWindow[], window: DateWindow): PreferredWindow[] {
  const out: PreferredWindow[] = [];
  for (const p of preferred) {
    const from = p.from > window.from ? p.from : window.from;
    const to = p.to < window.to ? p.to : window.to;
    if (from > to) continue;
    // The lists are a few windows long: a scan is cheaper than a set of composed keys.
    if (out.some((o) => o.from === from && o.to === to && o.reason.en === p.reason.en)) continue;
    out.push({ from, to, reason: p.reason });
  }
  // A few windows: an insertion sort (stable, as the sort was) needs no sort buffer.
  for (let i = 1; i < out.length; i++) {
    const item = out[i] as PreferredWindow;
    let j = i - 1;
    while (
      j >= 0 &&
      (cmpDate((out[j] as PreferredWindow).from, item.from) || cmpDate((out[j] as PreferredWindow).to, item.to)) > 0
    ) {
      out[j + 1] = out[j] as PreferredWindow;
      j--;
    }
    out[j + 1] = item;
  }
  return out;
}

/** Splits a window into `n` consecutive, disjoint windows of near-equal length. */
function splitWindow(window: DateWindow, n: number): DateWindow[] {
  if (n === 1 && window.from <= window.to) return [{ from: window.from, to: window.to }];
  const days = daysBetween(window.from, window.to) + 1;
  const count = Math.min(n, days);
  const out: DateWindow[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * days) / count);
    const end = Math.floor(((i + 1) * days) / count) - 1;
    out.push({ from: addDays(window.from, start), to: addDays(window.from, end) });
  }
  return out;
}

function cadenceText(cadence: string): LocalizedText {
  const freq = /(?:^|;)FREQ=(\w+)/.exec(cadence)?.[1] ?? "MONTHLY";
  const interval = Number(/(?:^|;)INTERVAL=(\d+)/.exec(cadence)?.[1] ?? "1");
  const units: Record<string, [string, string, string]> = {
    DAILY: ["天", "daily", "days"],
    WEEKLY: ["周", "weekly", "weeks"],
    MONTHLY: ["月", "monthly", "months"],
    YEARLY: ["年", "yearly", "years"],
  };
  const [zh, once, plural] = units[freq] ?? ["月", "monthly", "months"];
  if (interval <= 1) return { "zh-CN": `每${zh}`, en: once };
  return { "zh-CN": `每${interval}${zh === "月" ? "个月" : zh}`, en: `every ${interval} ${plural}` };
}

/**
 * The floating RRULE of a mentor contact: DTSTART at midnight of the first day, UNTIL at the
 * end of the last, no TZID (STACK.md: a TZID makes expansion depend on the host's zone).
 *
 * @example
 * ```ts
 * mentorContactRrule("FREQ=MONTHLY", { from: "2026-09-01", to: "2027-01-22" });
 * // "DTSTART:20260901T000000\nRRULE:FREQ=MONTHLY;UNTIL=20270122T235959"
 * ```
 */
export function mentorContactRrule(cadence: string, window: DateWindow): string {
  const compact = (d: string): string => d.replaceAll("-", "");
  return `DTSTART:${compact(window.from)}T000000\nRRULE:${cadence};UNTIL=${compact(window.to)}T235959`;
}

function satisfied(part: Part, visits: readonly PastVisit[]): boolean {
  return visits.some((v) => v.inHome && v.date >= part.satisfiedWithin.from && v.date <= part.satisfiedWithin.to);
}

/** Merges parts into groups that one visit satisfies (see the module comment). */
function mergeParts(parts: readonly Part[]): Part[][] {
  if (parts.length === 0) return [];
  if (parts.length === 1) return [[parts[0] as Part]];
  // A student has a handful of parts: an insertion sort (stable, like the engine's) costs no copy.
  const sorted = [...parts];
  for (let i = 1; i < sorted.length; i++) {
    const part = sorted[i] as Part;
    let j = i - 1;
    while (j >= 0 && compareParts(sorted[j] as Part, part) > 0) {
      sorted[j + 1] = sorted[j] as Part;
      j--;
    }
    sorted[j + 1] = part;
  }
  const groups: { window: DateWindow; parts: Part[] }[] = [];
  for (const part of sorted) {
    // Join the group due first whose whole window this part accepts: never narrow a more urgent
    // rule. Ties go to the earlier start, then the earlier group (a stable sort's first).
    let group: { window: DateWindow; parts: Part[] } | undefined;
    for (const g of groups) {
      if (!(part.window.from <= g.window.from && g.window.to <= part.window.to)) continue;
      if (
        !group ||
        g.window.to < group.window.to ||
        (g.window.to === group.window.to && g.window.from < group.window.from)
      ) {
        group = g;
      }
    }
    if (group) group.parts.push(part);
    else groups.push({ window: part.window, parts: [part] });
  }
  return groups.map((g) => g.parts);
}

function compareParts(a: Part, b: Part): number {
  return (
    precedenceOf(a) - precedenceOf(b) || cmpDate(a.window.from, b.window.from) || cmpDate(a.window.to, b.window.to)
  );
}

/**
 * The joined sentences of merged parts, by the parts' sentence objects in turn: students of a
 * school share those objects (filled once per template and dates), so their joins repeat.
 */
interface JoinedWhys {
  next: Map<LocalizedText, JoinedWhys>;
  joined?: LocalizedText;
}

function joinedWhy(parts: readonly Part[], cache: JoinedWhys): LocalizedText {
  let node = cache;
  for (const p of parts) {
    let next = node.next.get(p.why);
    if (next === undefined) {
      next = { next: new Map() };
      node.next.set(p.why, next);
    }
    node = next;
  }
  if (node.joined === undefined) {
    node.joined = joinTexts(
      parts.map((p) => p.why),
      "；",
      "; ",
    );
  }
  return node.joined;
}

function toObligation(
  parts: readonly Part[],
  student: ObligationStudent,
  schoolId: string,
  rules: ObligationRules,
  whys: JoinedWhys,
): Obligation {
  const primary = parts[0];
  if (!primary) throw new HomevisitError("internal_error");
  // One pass over the parts (usually one or two) instead of a map, set, find and spread each.
  let window = primary.window;
  // Sized by its literal: an empty array's first push reserves room for many more.
  const ruleIds: string[] = [primary.ruleId];
  let category = primary.category;
  let hasCrisis = false;
  let urgency = Number.NEGATIVE_INFINITY;
  for (const p of parts) {
    window = intersect(window, p.window) ?? window;
    if (!ruleIds.includes(p.ruleId)) ruleIds.push(p.ruleId);
    if (category === undefined) category = p.category;
    if (p.kind === "crisis") hasCrisis = true;
    if (urgencyOf[p.kind] > urgency) urgency = urgencyOf[p.kind];
  }
  const why = parts.length === 1 ? primary.why : joinedWhy(parts, whys);
  const id = `${primary.ruleId}:${student.id}:${window.from}`;
  const preferred = hasCrisis
    ? []
    : clipPreferred(parts.length === 1 ? primary.preferred : parts.flatMap((p) => p.preferred), window);
  const needsCompanion =
    (rules.companion.remoteHomes && student.address?.remote === true) || (rules.companion.crisis && hasCrisis);
  // A fresh object each, its texts shared: entries share no objects a caller might edit.
  const ownWhy = { "zh-CN": why["zh-CN"], en: why.en };
  // One literal per shape, `category` last as before: a field added afterwards costs the
  // object a second store for its fields.
  return category === undefined
    ? {
        id,
        ruleId: primary.ruleId,
        ruleIds,
        schoolId,
        studentId: student.id,
        kind: primary.kind,
        channel: "in_home",
        window,
        preferred,
        needsCompanion,
        urgency,
        why: ownWhy,
      }
    : {
        id,
        ruleId: primary.ruleId,
        ruleIds,
        schoolId,
        studentId: student.id,
        kind: primary.kind,
        channel: "in_home",
        window,
        preferred,
        needsCompanion,
        urgency,
        why: ownWhy,
        category,
      };
}

/** What {@link customRuleParts} needs to know about one student in the term. */
interface CustomRuleScope {
  student: ObligationStudent;
  schoolId: string;
  term: Term;
  /** The student's days at the school in the term. */
  span: DateWindow;
  /** The student's last day at the school (may be after the term). */
  lastDay: string;
  flags: readonly StoredCategoryFlag[];
  campaigns: readonly PreferredWindow[];
  categoryLabels: Readonly<Record<string, LocalizedText>>;
  /** The first day a flag may begin to count for this term (the vacation before it included). */
  claimFrom: string;
}

/** The grades a student is enrolled in at the school during a window. */
function gradesIn(student: ObligationStudent, schoolId: string, window: DateWindow): Set<number> {
  const grades = new Set<number>();
  for (const e of student.enrolments) {
    if (e.schoolId === schoolId && e.from <= window.to && (e.to ?? "9999-12-31") >= window.from) grades.add(e.grade);
  }
  return grades;
}

/**
 * The in-home requirements one custom rule makes for one student in the term: none when the
 * student is outside the rule's grades or has none of its categories active; otherwise per
 * term, per school year or per flag, as its frequency says. The reason sentence starts with
 * the rule's name and, for a rule with categories, the student's active ones.
 */
function customRuleParts(rule: CustomObligationRule, scope: CustomRuleScope): Part[] {
  const { span, term } = scope;
  if (rule.grades !== undefined) {
    const grades = gradesIn(scope.student, scope.schoolId, span);
    if (!rule.grades.some((g) => grades.has(g))) return [];
  }
  const kind: VisitKind = rule.kind ?? (rule.categories === undefined ? "universal" : "priority");
  const label = rule.label;
  const named = (categories: readonly CategoryKey[]): LocalizedText => {
    if (categories.length === 0) return label;
    const list = categoryList(categories, scope.categoryLabels);
    return { "zh-CN": `${label["zh-CN"]}（${list["zh-CN"]}）`, en: `${label.en} (${list.en})` };
  };

  if (rule.frequency.per === "flag") {
    const wanted = rule.categories ?? [];
    const days = rule.frequency.withinDays;
    const starts = scope.flags
      .filter((f) => wanted.includes(f.category) && f.validFrom >= scope.claimFrom && f.validFrom <= span.to)
      .sort(
        (a, b) => a.validFrom.localeCompare(b.validFrom) || wanted.indexOf(a.category) - wanted.indexOf(b.category),
      );
    const out: Part[] = [];
    const seen = new Set<string>();
    for (const flag of starts) {
      const day = flag.validFrom;
      if (seen.has(day)) continue;
      seen.add(day);
      const due = addDays(day, days);
      const window = intersect({ from: day, to: due }, { from: day, to: scope.lastDay });
      if (!window) continue;
      const name = named([flag.category]);
      out.push({
        ruleId: rule.id,
        kind,
        category: flag.category,
        window,
        satisfiedWithin: { from: day, to: due },
        preferred: kind === "crisis" ? [] : [...scope.campaigns],
        why: {
          "zh-CN": `${name["zh-CN"]}：${day}登记，须在${days}天内（${due}前）完成入户家访`,
          en: `${name.en}: flagged on ${day}, an in-home visit within ${days} days (by ${due})`,
        },
      });
    }
    return out;
  }

  let window = span;
  let categories: CategoryKey[] = [];
  if (rule.categories !== undefined) {
    const active = activeCategories(scope.flags, span, rule.categories);
    if (active.size === 0) return [];
    categories = [...active.keys()];
    const spans = [...active.values()];
    window = {
      from: spans.map((w) => w.from).sort()[0] ?? span.from,
      to:
        spans
          .map((w) => w.to)
          .sort()
          .at(-1) ?? span.to,
    };
  }
  const name = named(categories);
  const category = categories[0];
  if (rule.frequency.per === "school_year") {
    return [
      {
        ruleId: rule.id,
        kind,
        category,
        window,
        satisfiedWithin: { from: schoolYearStart(term.schoolYear), to: window.to },
        preferred: [...scope.campaigns],
        why: {
          "zh-CN": `${name["zh-CN"]}：本学年须至少完成1次入户家访（${window.to}前）`,
          en: `${name.en}: at least one in-home visit this school year (by ${window.to})`,
        },
      },
    ];
  }
  return splitWindow(window, rule.frequency.visits).map(
    (own, i, all): Part => ({
      ruleId: rule.id,
      kind,
      category,
      window: own,
      satisfiedWithin: own,
      preferred: clipPreferred(scope.campaigns, own),
      why:
        all.length === 1
          ? {
              "zh-CN": `${name["zh-CN"]}：本学期须至少完成1次入户家访（${own.to}前）`,
              en: `${name.en}: at least one in-home visit this term (by ${own.to})`,
            }
          : {
              "zh-CN": `${name["zh-CN"]}：本学期第${i + 1}/${all.length}次入户家访（${own.from}至${own.to}）`,
              en: `${name.en}: in-home visit ${i + 1} of ${all.length} this term (${own.from} to ${own.to})`,
            },
    }),
  );
}

/**
 * False when the student cannot be new at the school on `date`: a new student's stay began in
 * this school year, so some enrolment there starts between 1 September and `date`. Most
 * students fail this at once, which spares {@link newStudentStatus} its walk through their
 * earlier enrolments (a nine-year pupil has many).
 */
function mayBeNew(student: ObligationStudent, schoolId: string, date: string, yearStart: string): boolean {
  for (const e of student.enrolments) {
    if (e.schoolId === schoolId && e.from >= yearStart && e.from <= date) return true;
  }
  return false;
}

/**
 * The mentorship in force first among those appointed by `to`: the first of them sorted by
 * appointment day and mentor id, found by a scan instead of a filtered, sorted copy.
 */
function earliestMentorship(list: readonly Mentorship[] | undefined, to: string): Mentorship | undefined {
  let best: Mentorship | undefined;
  for (const m of list ?? []) {
    if (m.since > to) continue;
    // Strictly before only: on a tie the earlier in the list stays first, as a stable sort keeps it.
    if (
      !best ||
      cmpDate(m.since, best.since) < 0 ||
      (m.since === best.since && m.mentorId.localeCompare(best.mentorId) < 0)
    ) {
      best = m;
    }
  }
  return best;
}

function groupByStudent<T extends { studentId: string }>(items: readonly T[]): Map<string, T[]> {
  const byStudent = new Map<string, T[]>();
  for (const item of items) {
    const list = byStudent.get(item.studentId);
    if (list) list.push(item);
    else byStudent.set(item.studentId, [item]);
  }
  return byStudent;
}

/**
 * Values remembered by four keys in turn, through nested maps: no key text is built per
 * lookup (the planner looks up sentences per student). For the duration of one call.
 */
class KeyedMemo<T> {
  private readonly root = new Map<string, Map<string, Map<string, Map<number, T>>>>();

  get(a: string, b: string, c: string, d: number): T | undefined {
    return this.root.get(a)?.get(b)?.get(c)?.get(d);
  }

  set(a: string, b: string, c: string, d: number, value: T): void {
    childMap(childMap(childMap(this.root, a), b), c).set(d, value);
  }
}

/** A one-argument function remembered per argument, for the duration of one call. */
function memo<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}

function checkTerm(term: Pick<Term, "start" | "end">): void {
  if (term.end < term.start) throw new HomevisitError("obligations_term_inverted", { path: ["term", "end"] });
}

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
  const { term, school } = input;
  checkTerm(term);
  const rules = input.rules
    ? parseInput(obligationRulesSchema, input.rules, { path: ["rules"] })
    : defaultObligationRules;
  const visits = input.previousVisits ?? [];
  const allFlags = (input.flags ?? []).filter((f) => input.date === undefined || f.validFrom <= input.date);
  const termWindow = { from: term.start, to: term.end };
  const campaigns = campaignWindows(term, rules.campaigns.windows);
  const ruralApplies = rules.rural.enabled && rules.rural.settings.includes(school.setting);
  const homeWindows = ruralApplies ? parentsHomeWindows(term, rules) : [];
  const out: Obligation[] = [];
  // Per student, in input order: filtering the whole lists for every student was quadratic.
  const flagsOf = groupByStudent(allFlags);
  const visitsByStudent = groupByStudent(visits);
  const mentorshipsOf = groupByStudent(input.mentorships ?? []);
  const vacationLimit = addDays(term.end, 45);
  // The last day parents are home in the winter vacation (R13): the same for every student.
  const homeVacationEnd = homeWindows
    .filter((w) => w.from <= vacationLimit && w.to > term.end && w.from >= term.start)
    .map((w) => w.to)
    .sort()
    .at(-1);
  // The sentences repeat across students with the same dates: fill each template once.
  const universalWhy = memo((to: string) =>
    localizeAll(
      {
        "zh-CN": "全员普访：本学年须至少完成1次入户家访（{to}前）",
        en: "Universal round: at least one in-home visit this school year (by {to})",
      },
      { to },
    ),
  );
  const newStudentWhy = memo((to: string) =>
    localizeAll(
      {
        "zh-CN": "新生，须在入学后{weeks}周内（{to}前）完成入户家访",
        en: "New student: an in-home visit within {weeks} weeks of enrolment (by {to})",
      },
      { weeks: rules.newStudent.weeks, to },
    ),
  );

  const priorityWhys = new KeyedMemo<LocalizedText>();
  // The seven in the guidance's order, as far as the priority rule names them.
  const priorityOrder = priorityCategories.filter((c) => rules.priority.categories.includes(c));
  const customRules = (rules.custom ?? []).filter(
    (r) => r.enabled !== false && (r.settings === undefined || r.settings.includes(school.setting)),
  );
  const categoryLabels = input.categoryLabels ?? {};
  // Per school, not per student: the cadence, the school year's start and the lists of
  // categories' names are the same for every student, and the rule texts and sentences of
  // mentor contacts repeat with their dates (strings are immutable, so sharing them is safe).
  const cadence = cadenceText(rules.mentorContact.cadence);
  const yearStart = schoolYearStart(term.schoolYear);
  const yearStartOf = memo((date: string) => schoolYearStart(schoolYearOf(date)));
  const labelsOf = memo((key: string) => categoryList(key.split("\u0000") as CategoryKey[]));
  const contactRrules = new KeyedMemo<string>();
  const contactWhys = new KeyedMemo<LocalizedText>();
  const joinedWhys: JoinedWhys = { next: new Map() };

  const present: Presence = { lastDay: "" };
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
    const span = presence(student, school.id, termWindow, present);
    if (!span) continue;
    // Shared empty lists and answers below: most students have no flag, visit or news.
    const flags = flagsOf.get(student.id) ?? noFlags;
    const visitsOf = visitsByStudent.get(student.id) ?? noVisits;
    const active = activeCategories(flags, span, priorityOrder);
    const leftBehind = active.get("left_behind_or_single_parent");
    const r13 = ruralApplies && leftBehind && parentsMayBeAway(student) ? homeWindows : noPreferred;
    // The winter vacation's Spring Festival belongs to the autumn term: parents come home then,
    // so the term's universal and priority visits may fall in it.
    let reach = span;
    if (r13.length > 0 && term.index === 1 && span.to === term.end && leftBehind?.to === term.end) {
      const vacationEnd = homeVacationEnd;
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
            satisfiedWithin: { from: yearStart, to: reach.to },
            preferred: campaigns,
            why: universalWhy(reach.to),
          },
        ]
      : [];

    if (rules.newStudent.enabled) {
      const status = mayBeNew(student, school.id, span.from, yearStartOf(span.from))
        ? newStudentStatus(student, school, span.from)
        : notNew;
      if (status.isNew) {
        const deadline = addDays(status.since, 7 * rules.newStudent.weeks);
        const window = intersect({ from: status.since, to: deadline }, span);
        if (window) {
          parts.push({
            ruleId: "new_student",
            kind: "new_student",
            category: undefined,
            window,
            satisfiedWithin: { from: status.since, to: deadline },
            preferred: campaigns,
            why: newStudentWhy(deadline),
          });
        }
      }
    }

    // The student's active categories, their names and envelope: shared by the priority visit
    // and the mentor contact.
    const categories = active.size > 0 ? [...active.keys()] : noCategoryKeys;
    const labels = categories.length > 0 ? labelsOf(categories.join("\u0000")) : undefined;
    const activeSpan = categories.length > 0 ? envelope(active.values()) : undefined;

    if (rules.priority.enabled && labels !== undefined && activeSpan !== undefined) {
      const { from, to } = activeSpan;
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
        let why = priorityWhys.get(labels.en, own.from, own.to, shape);
        if (why === undefined) {
          const params = { from: own.from, to: own.to, i: i + 1, n: all.length };
          why = {
            "zh-CN": formatText(template, { ...params, labels: labels["zh-CN"] }, "zh-CN"),
            en: formatText(template, { ...params, labels: labels.en }, "en"),
          };
          if (homeInReach.length > 0) why = joinTexts([why, r13Why], "；", "; ");
          priorityWhys.set(labels.en, own.from, own.to, shape, why);
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

    if (rules.crisis.enabled && flags.length > 0) {
      const vacationStart = input.vacationStart ?? term.start;
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

    for (const rule of customRules) {
      parts.push(
        ...customRuleParts(rule, {
          student,
          schoolId: school.id,
          term,
          span,
          lastDay: present.lastDay,
          flags,
          campaigns,
          categoryLabels,
          claimFrom:
            span.from === term.start && (input.vacationStart ?? term.start) < term.start
              ? (input.vacationStart ?? term.start)
              : span.from,
        }),
      );
    }

    const open = visitsOf.length === 0 ? parts : parts.filter((p) => !satisfied(p, visitsOf));
    // One part is its own group: no merge to do.
    if (open.length === 1) out.push(toObligation(open, student, school.id, rules, joinedWhys));
    else for (const group of mergeParts(open)) out.push(toObligation(group, student, school.id, rules, joinedWhys));

    if (rules.mentorContact.enabled && labels !== undefined && activeSpan !== undefined) {
      const { from, to } = activeSpan;
      const mentorship = earliestMentorship(mentorshipsOf.get(student.id), to);
      const start = mentorship && mentorship.since > from ? mentorship.since : from;
      const window = { from: start, to };
      const appointed = mentorship ? 1 : 0;
      let why = contactWhys.get(labels.en, start, to, appointed);
      if (why === undefined) {
        const noMentor: LocalizedText = mentorship
          ? { "zh-CN": "", en: "" }
          : { "zh-CN": "（尚未指定德育导师）", en: " (no mentor appointed yet)" };
        why = {
          "zh-CN": `重点学生（${labels["zh-CN"]}），德育导师须${cadence["zh-CN"]}联系一次（${start}至${to}）${noMentor["zh-CN"]}`,
          en: `Priority student (${labels.en}): the mentor keeps in contact ${cadence.en} (${start} to ${to})${noMentor.en}`,
        };
        contactWhys.set(labels.en, start, to, appointed, why);
      }
      let contactRrule = contactRrules.get(start, to, "", 0);
      if (contactRrule === undefined) {
        contactRrule = mentorContactRrule(rules.mentorContact.cadence, window);
        contactRrules.set(start, to, "", 0, contactRrule);
      }
      out.push({
        id: `mentor_contact:${student.id}:${start}`,
        ruleId: "mentor_contact",
        ruleIds: ["mentor_contact"],
        schoolId: school.id,
        studentId: student.id,
        kind: "mentor_contact",
        channel: "any",
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
  }

  sortRun(out, runStart);
  return out;
}

/**
 * Sorts `out[from…]`, one run of students whose ids compare equal, by window start and id, in
 * place. A run is a student's few obligations: an insertion sort (stable, like the engine's
 * sort, so the order is the same) needs no copy of the run and no sort buffer.
 */
function sortRun(out: Obligation[], from: number): void {
  for (let i = from + 1; i < out.length; i++) {
    const item = out[i] as Obligation;
    let j = i - 1;
    while (j >= from && compareInRun(out[j] as Obligation, item) > 0) {
      out[j + 1] = out[j] as Obligation;
      j--;
    }
    out[j + 1] = item;
  }
}

function compareInRun(a: Obligation, b: Obligation): number {
  return (
    (a.studentId === b.studentId ? 0 : a.studentId.localeCompare(b.studentId)) ||
    cmpDate(a.window.from, b.window.from) ||
    (a.id === b.id ? 0 : a.id.localeCompare(b.id))
  );
}

/** Input of {@link deriveTeacherObligations}. */
export interface DeriveTeacherObligationsInput {
  term: Pick<Term, "id" | "start" | "end">;
  school: Pick<School, "id">;
  teachers: readonly Pick<Teacher, "id" | "schoolId" | "roles" | "joinedOn" | "leftOn">[];
  /** The rules in force at the school; {@link defaultObligationRules} by default. */
  rules?: ObligationRules;
}

/**
 * What each teacher of a school must carry in a term (R2, R6): at least
 * `teacher.minimumVisitsPerTerm` (1) visits, or the highest `minimumByRole` of the teacher's
 * carrying roles. The principal gets `principal_minimum` (the principal is first responsible
 * and leads by example), everyone else `teacher_minimum`. Teachers of other schools, teachers
 * not at the school during the term (joined after it or left before it), staff with no
 * carrying role (a pure `school_admin` by default) and minimums of 0 give nothing. Ordered
 * by teacher id.
 *
 * @example
 * ```ts
 * deriveTeacherObligations({ term, school, teachers: [principal] });
 * // [{ ruleId: "principal_minimum", schoolId: "sch1", teacherId: "t-principal", minimumVisits: 1,
 * //    why: { "zh-CN": "校长是家访第一责任人，须带头家访：本学期（2026-2027-1）至少家访1次", en: "…" } }]
 * ```
 */
export function deriveTeacherObligations(input: DeriveTeacherObligationsInput): TeacherObligation[] {
  checkTerm(input.term);
  const rules = input.rules
    ? parseInput(obligationRulesSchema, input.rules, { path: ["rules"] })
    : defaultObligationRules;
  const { carryingRoles, minimumByRole, minimumVisitsPerTerm } = rules.teacher;
  const out: TeacherObligation[] = [];
  const teachers = [...input.teachers].sort((a, b) => a.id.localeCompare(b.id));
  for (const teacher of teachers) {
    if (teacher.schoolId !== input.school.id) continue;
    if (teacher.joinedOn !== undefined && teacher.joinedOn > input.term.end) continue;
    if (teacher.leftOn !== undefined && teacher.leftOn < input.term.start) continue;
    const roles = teacher.roles.filter((r) => carryingRoles.includes(r));
    if (roles.length === 0) continue;
    const minimumVisits = Math.max(...roles.map((r) => minimumByRole[r] ?? minimumVisitsPerTerm));
    if (minimumVisits <= 0) continue;
    const principal = roles.includes("principal");
    out.push({
      ruleId: principal ? "principal_minimum" : "teacher_minimum",
      schoolId: input.school.id,
      teacherId: teacher.id,
      minimumVisits,
      why: localizeAll(
        principal
          ? {
              "zh-CN": "校长是家访第一责任人，须带头家访：本学期（{term}）至少家访{n}次",
              en: "The principal is first responsible and leads by example: at least {n} visit(s) this term ({term})",
            }
          : {
              "zh-CN": "全员参与：每位教师本学期（{term}）至少家访{n}次",
              en: "Everyone takes part: at least {n} visit(s) this term ({term})",
            },
        { term: input.term.id, n: minimumVisits },
      ),
    });
  }
  return out;
}
