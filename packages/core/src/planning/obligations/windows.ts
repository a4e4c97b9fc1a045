import { type CategoryKey, flagEnd, priorityCategoryLabels, type StoredCategoryFlag } from "../../domain/categories.js";
import type { DateWindow, PreferredWindow, Term } from "../../domain/planning.js";
import { addDays, daysBetween } from "../../shared/dates.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { isoDateSchema } from "../../shared/primitives.js";
import { springFestivalWindow } from "../calendar/solar-terms.js";
import { cmpDate } from "../order.js";
import { anchorDate, type CampaignRule, type ObligationRules } from "../rules.js";
import type { ObligationStudent, PastVisit } from "./model.js";

/** Windows of the obligations: presence at the school, active categories, campaigns, R13 windows. */

export function intersect(a: DateWindow, b: DateWindow): DateWindow | undefined {
  const from = a.from > b.from ? a.from : b.from;
  const to = a.to < b.to ? a.to : b.to;
  return from <= to ? { from, to } : undefined;
}

export function joinTexts(texts: readonly LocalizedText[], zh: string, en: string): LocalizedText {
  return { "zh-CN": texts.map((t) => t["zh-CN"]).join(zh), en: texts.map((t) => t.en).join(en) };
}

export function categoryList(
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
export interface Presence {
  lastDay: string;
}

/**
 * The envelope of a student's enrolments at the school that overlap a span, cut to the span;
 * the envelope's last day goes to `out` (one holder per call of the planner, not an object
 * per student).
 */
export function presence(
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

export const noPreferred: readonly PreferredWindow[] = [];
export const noFlags: readonly StoredCategoryFlag[] = [];
export const noVisits: readonly PastVisit[] = [];
export const noCategoryKeys: readonly CategoryKey[] = [];
export const notNew = { isNew: false } as const;

const noCategories: ReadonlyMap<CategoryKey, DateWindow> = new Map();

/** Per category, the envelope of the days it is active inside a window, in the order `wanted` lists them. */
export function activeCategories<C extends CategoryKey>(
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
export function envelope(windows: Iterable<DateWindow>): DateWindow {
  let from: string | undefined;
  let to: string | undefined;
  for (const w of windows) {
    if (from === undefined || w.from < from) from = w.from;
    if (to === undefined || w.to > to) to = w.to;
  }
  return { from: from as string, to: to as string };
}

export function parentsMayBeAway(student: ObligationStudent): boolean {
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

export function campaignWindows(term: Term, rules: readonly CampaignRule[]): PreferredWindow[] {
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
export function parentsHomeWindows(term: Term, rules: ObligationRules): PreferredWindow[] {
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

export function clipPreferred(preferred: readonly PreferredWindow[], window: DateWindow): PreferredWindow[] {
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
export function splitWindow(window: DateWindow, n: number): DateWindow[] {
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
