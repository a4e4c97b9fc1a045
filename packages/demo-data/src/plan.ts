import type { Grade, SchoolKind, Setting } from "@homevisit/core";
import { flat } from "./flat.js";
import { type CountyGeography, settingOf, type TownGeography, type TownType, townGeography } from "./geography.js";
import type { Rng } from "./rng.js";

/**
 * The cheap first pass: which schools a county has, of what kind, where and how big. Expanding a
 * plan into classes, teachers and students is the expensive second pass (`school.ts`), done one
 * school at a time so the province can stream.
 */

/** A school before its people exist. */
export interface SchoolPlan {
  id: string;
  name: string;
  kind: SchoolKind;
  setting: Setting;
  county: CountyGeography;
  town: TownGeography;
  /** All towns of the county, for students who live elsewhere in it. */
  towns: readonly TownGeography[];
  /** Target number of students; the expanded school is close to it. */
  size: number;
  /** Set when the school takes students at more than its first grade. */
  entryGrades?: Grade[];
}

// How a county's schools divide among kinds: rural counties run more nine-year schools.
const kindWeights: Record<Setting, readonly (readonly [SchoolKind, number])[]> = {
  urban: [
    ["kindergarten", 0.44],
    ["primary", 0.31],
    ["junior", 0.13],
    ["senior", 0.06],
    ["nine_year", 0.05],
    ["twelve_year", 0.01],
  ],
  town: [
    ["kindergarten", 0.42],
    ["primary", 0.28],
    ["junior", 0.11],
    ["senior", 0.05],
    ["nine_year", 0.14],
  ],
  rural: [
    ["kindergarten", 0.4],
    ["primary", 0.23],
    ["junior", 0.08],
    ["senior", 0.04],
    ["nine_year", 0.25],
  ],
};

// Students per school by kind and setting, [min, max].
const sizeRanges: Record<SchoolKind, Record<Setting, readonly [number, number]>> = {
  kindergarten: { urban: [150, 330], town: [110, 260], rural: [50, 160] },
  primary: { urban: [800, 1800], town: [300, 1000], rural: [120, 450] },
  junior: { urban: [900, 1500], town: [500, 1200], rural: [300, 700] },
  senior: { urban: [1500, 3000], town: [1000, 2400], rural: [900, 1800] },
  nine_year: { urban: [800, 1500], town: [300, 900], rural: [150, 550] },
  twelve_year: { urban: [1500, 2800], town: [1200, 2200], rural: [900, 1500] },
};

// Where each kind stands: senior schools in the county seat, nine-year schools in the hills.
const townWeights: Record<SchoolKind, Record<TownType, number>> = {
  kindergarten: { street: 4, town: 2, township: 1 },
  primary: { street: 4, town: 2, township: 1 },
  junior: { street: 3, town: 2, township: 0.3 },
  senior: { street: 8, town: 1, township: 0 },
  nine_year: { street: 0.2, town: 1, township: 2 },
  twelve_year: { street: 1, town: 0, township: 0 },
};

const ordinals = ["", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十"];

function ordinal(n: number): string {
  return ordinals[n] ?? `第${n + 1}`;
}

function schoolName(county: CountyGeography, town: string, kind: SchoolKind, nth: number): string {
  const place = `${county.name}${town}`;
  switch (kind) {
    case "kindergarten":
      return `${place}${nth === 0 ? "中心" : ordinal(nth)}幼儿园`;
    case "primary":
      return `${place}${nth === 0 ? "中心" : ordinal(nth)}小学`;
    case "junior":
      return `${place}${ordinal(nth)}初级中学`;
    case "senior":
      return `${county.shortName}${ordinal(nth)}中学`;
    case "nine_year":
      return `${place}${ordinal(nth)}九年一贯制学校`;
    case "twelve_year":
      return `${county.shortName}${ordinal(nth)}外国语实验学校`;
  }
}

function gradeCode(grade: Grade): string {
  return grade <= 0 ? `k${grade + 3}` : `g${grade}`;
}

/** The id of the class of a cohort (`index`) in a grade and school year (`…-y2026-g7-3`). */
export function classIdOf(schoolId: string, schoolYear: number, grade: Grade, index: number): string {
  return flat(`${schoolId}-y${schoolYear}-${gradeCode(grade)}-${index}`);
}

/** The towns of a county with their villages. */
export function countyTowns(county: CountyGeography): TownGeography[] {
  return county.towns.map((t) => townGeography(county, t));
}

/** What {@link planSchool} needs to know. */
export interface SchoolPlanInput {
  id: string;
  county: CountyGeography;
  towns: readonly TownGeography[];
  town: TownGeography;
  kind: SchoolKind;
  /** How many schools of this kind the town (or county) already has: picks the name. */
  nth: number;
  /** Students wanted; drawn from the kind's realistic range when absent. */
  size?: number;
}

/** Plans one school: its name, setting, size and entry grades. */
export function planSchool(input: SchoolPlanInput, rng: Rng): SchoolPlan {
  const { id, county, towns, town, kind, nth } = input;
  const setting = settingOf(county, town.name);
  const [min, max] = sizeRanges[kind][setting];
  const size = input.size ?? rng.int(min, max);
  const plan: SchoolPlan = {
    id,
    name: schoolName(county, town.name, kind, nth),
    kind,
    setting,
    county,
    town,
    towns,
    size,
  };
  // Hill nine-year schools often also take grade 7 from the village primaries around them.
  if (kind === "nine_year" && setting !== "urban" && rng.chance(0.4)) plan.entryGrades = [1, 7];
  if (kind === "twelve_year") plan.entryGrades = [1, 7, 10];
  return plan;
}

/** A town for a school of a kind, weighted by where such schools stand. */
export function pickTownFor(kind: SchoolKind, towns: readonly TownGeography[], rng: Rng): TownGeography {
  const weights = townWeights[kind];
  const candidates = towns.map((t) => [t, weights[t.type]] as const).filter(([, w]) => w > 0);
  return rng.weighted(candidates.length > 0 ? candidates : towns.map((t) => [t, 1] as const));
}

/**
 * Plans the schools of a county until their students reach `targetStudents`.
 *
 * @param rng - a generator forked for this county: the plan depends on nothing else.
 */
export function planCounty(county: CountyGeography, targetStudents: number, rng: Rng): SchoolPlan[] {
  const towns = countyTowns(county);
  const plans: SchoolPlan[] = [];
  const counters = new Map<string, number>();
  let total = 0;
  while (total < targetStudents) {
    const kind = rng.weighted(kindWeights[county.setting]);
    const town = pickTownFor(kind, towns, rng);
    // Senior and twelve-year schools are named after the county, the others after their town.
    const key = kind === "senior" || kind === "twelve_year" ? kind : `${kind}/${town.name}`;
    const nth = counters.get(key) ?? 0;
    counters.set(key, nth + 1);
    const id = `${county.id}-s${String(plans.length + 1).padStart(3, "0")}`;
    const plan = planSchool({ id, county, towns, town, kind, nth }, rng);
    plans.push(plan);
    total += plan.size;
  }
  return plans;
}
