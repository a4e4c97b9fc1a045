import type { CategoryKey, StoredCategoryFlag } from "../../domain/categories.js";
import { schoolYearStart } from "../../domain/organisation.js";
import type { DateWindow, PreferredWindow, Term, VisitKind } from "../../domain/planning.js";
import { addDays } from "../../shared/dates.js";
import type { LocalizedText } from "../../shared/i18n.js";
import type { CustomObligationRule } from "../rules.js";
import type { ObligationStudent, Part } from "./model.js";
import { activeCategories, categoryList, clipPreferred, intersect, splitWindow } from "./windows.js";

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
export function customRuleParts(rule: CustomObligationRule, scope: CustomRuleScope): Part[] {
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
