import type { DateWindow, Obligation } from "../../domain/planning.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { cmpDate } from "../order.js";
import type { ObligationRules } from "../rules.js";
import { type ObligationStudent, type Part, type PastVisit, precedenceOf, urgencyOf } from "./model.js";
import { clipPreferred, intersect, joinTexts } from "./windows.js";

/** One visit for several rules: merging a student's in-home requirements into obligations. */

export function satisfied(part: Part, visits: readonly PastVisit[]): boolean {
  return visits.some((v) => v.inHome && v.date >= part.satisfiedWithin.from && v.date <= part.satisfiedWithin.to);
}

/** Merges parts into groups that one visit satisfies (see the module comment). */
export function mergeParts(parts: readonly Part[]): Part[][] {
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
export interface JoinedWhys {
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

export function toObligation(
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
