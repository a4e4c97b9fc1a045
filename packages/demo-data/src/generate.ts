import {
  type CategoryFlag,
  type City,
  type County,
  HomevisitError,
  idSchema,
  isoDateSchema,
  type Mentorship,
  parseInput,
  type School,
  type SchoolClass,
  type Student,
  schoolKindSchema,
  shortTextSchema,
  type Teacher,
} from "@homevisit/core";
import * as z from "zod";
import { type CountyGeography, lishuiCityId, lishuiCounties, zhejiangCities } from "./geography.js";
import { countyTowns, pickTownFor, planCounty, planSchool } from "./plan.js";
import { createRng, type Rng } from "./rng.js";
import { expandSchool, type SchoolBatch } from "./school.js";

/** A generated data set: plain records typed by core's schemas, ready to validate or store. */
export interface DemoDataset {
  city: City;
  counties: County[];
  schools: School[];
  /** This school year's classes, then earlier years' classes that students passed through. */
  classes: SchoolClass[];
  teachers: Teacher[];
  students: Student[];
  categoryFlags: CategoryFlag[];
  /** Mentor (德育导师) appointments of priority students. */
  mentorships: Mentorship[];
}

/** The students of the whole city at scale 1 (Lishui has about this many). */
export const cityStudents = 300_000;

/** The reference date every generator uses unless told otherwise. */
export const defaultReferenceDate = "2026-10-15";

const countyKeys = [...lishuiCounties.map((c) => c.name), ...lishuiCounties.map((c) => c.id)] as [string, ...string[]];

const seedSchema = z.union([z.int(), z.string().min(1).max(200)]);

/** Options of {@link generateCity}. */
export const cityOptionsSchema = z.strictObject({
  /** Same seed, same city. Default 1. */
  seed: seedSchema.default(1),
  /** The reference date: school year, ages and "new student" follow from it. */
  date: isoDateSchema.default(defaultReferenceDate),
  /** Multiplies the number of students (and so schools); 1 is about 300,000 students. */
  scale: z.number().positive().max(10).default(1),
});
/** Options of {@link generateCity}. */
export type CityOptions = z.input<typeof cityOptionsSchema>;

/** Options of {@link generateCounty}. */
export const countyOptionsSchema = cityOptionsSchema.extend({
  /** One of Lishui's nine counties, by name (`遂昌县`) or id (`lishui-suichang`). Default 莲都区. */
  county: z.enum(countyKeys).default("莲都区"),
});
/** Options of {@link generateCounty}. */
export type CountyOptions = z.input<typeof countyOptionsSchema>;

/** Options of {@link generateSchool}. */
export const schoolOptionsSchema = z.strictObject({
  seed: seedSchema.default(1),
  date: isoDateSchema.default(defaultReferenceDate),
  /** The county the school is in, by name or id. Default 遂昌县, a rural county. */
  county: z.enum(countyKeys).default("遂昌县"),
  /** The kind of school. Default `nine_year`. */
  kind: schoolKindSchema.default("nine_year"),
  /** About how many students. Default 720. */
  students: z.int().min(10).max(6000).default(720),
  /** The town (乡镇/街道) the school stands in; one that suits the kind when absent. */
  town: shortTextSchema.min(1).optional(),
  /** The school's id. Default `<county id>-demo`. */
  id: idSchema.optional(),
});
/** Options of {@link generateSchool}. */
export type SchoolOptions = z.input<typeof schoolOptionsSchema>;

/** Options of {@link streamProvince}. */
export const provinceOptionsSchema = z.strictObject({
  seed: seedSchema.default(1),
  date: isoDateSchema.default(defaultReferenceDate),
  /** About how many students in the whole province. Default 10,000,000. */
  students: z.int().min(1000).max(20_000_000).default(10_000_000),
});
/** Options of {@link streamProvince}. */
export type ProvinceOptions = z.input<typeof provinceOptionsSchema>;

const lishuiCity: City = { id: lishuiCityId, name: "丽水市" };

function countyRecord(geo: CountyGeography, cityId: string): County {
  return { id: geo.id, cityId, name: geo.name, setting: geo.setting };
}

function findCounty(key: string): CountyGeography {
  const geo = lishuiCounties.find((c) => c.name === key || c.id === key);
  // The options schema only lets known names and ids through.
  if (!geo) throw new HomevisitError("not_found", { params: { entity: "county" }, path: ["county"] });
  return geo;
}

function emptyDataset(city: City): DemoDataset {
  return {
    city,
    counties: [],
    schools: [],
    classes: [],
    teachers: [],
    students: [],
    categoryFlags: [],
    mentorships: [],
  };
}

// Push one by one: spreading 300,000 records into push() overflows the call stack.
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

function addBatch(dataset: DemoDataset, batch: SchoolBatch): void {
  dataset.schools.push(batch.school);
  append(dataset.classes, batch.classes);
  append(dataset.teachers, batch.teachers);
  append(dataset.students, batch.students);
  append(dataset.categoryFlags, batch.categoryFlags);
  append(dataset.mentorships, batch.mentorships);
}

function* countyBatches(
  geo: CountyGeography,
  city: City,
  targetStudents: number,
  date: string,
  root: Rng,
): Generator<SchoolBatch, void, undefined> {
  const county = countyRecord(geo, city.id);
  // Forks by id: a county and a school are the same whether generated alone or in the city.
  const plans = planCounty(geo, targetStudents, root.fork(`county/${geo.id}`));
  for (const plan of plans) yield expandSchool(plan, city, county, date, root.fork(`school/${plan.id}`));
}

/**
 * Generates one school of Lishui with its classes, teachers (one principal), students with
 * guardians, category flags and mentors. Defaults: seed 1, date 2026-10-15, a nine-year school
 * of about 720 students in 遂昌县 (rural). Invalid options throw a `HomevisitError`
 * (`validation_failed`).
 *
 * @example
 * ```ts
 * const data = generateSchool({ seed: 7 });
 * data.schools[0]?.kind; // "nine_year"
 * data.teachers.filter((t) => t.roles.includes("principal")).length; // 1
 * data.students.length; // about 720
 * generateSchool({ seed: 7 }).students[0]?.name === data.students[0]?.name; // true
 * ```
 */
export function generateSchool(options: SchoolOptions = {}): DemoDataset {
  const o = parseInput(schoolOptionsSchema, options);
  const geo = findCounty(o.county);
  const towns = countyTowns(geo);
  const root = createRng(o.seed);
  const rng = root.fork(`demo-school/${geo.id}`);
  let town = pickTownFor(o.kind, towns, rng);
  if (o.town !== undefined) {
    const named = towns.find((t) => t.name === o.town);
    if (!named) {
      throw new HomevisitError("validation_failed", {
        issues: [
          {
            path: ["town"],
            code: "unknown_town",
            message: { "zh-CN": `${geo.name}没有这个乡镇或街道`, en: `No such town in ${geo.name}` },
          },
        ],
      });
    }
    town = named;
  }
  const id = o.id ?? `${geo.id}-demo`;
  const plan = planSchool({ id, county: geo, towns, town, kind: o.kind, nth: 0, size: o.students }, rng);
  const dataset = emptyDataset(lishuiCity);
  const county = countyRecord(geo, lishuiCity.id);
  dataset.counties.push(county);
  addBatch(dataset, expandSchool(plan, lishuiCity, county, o.date, root.fork(`school/${id}`)));
  return dataset;
}

/**
 * Generates every school of one Lishui county. The county's share of the city's students
 * follows its population (莲都区 a quarter, 云和县 a twentieth); `scale` multiplies it. The same
 * seed gives exactly the schools that {@link generateCity} gives for that county.
 * Defaults: seed 1, date 2026-10-15, 莲都区, scale 1.
 *
 * @example
 * ```ts
 * const data = generateCounty({ county: "遂昌县", seed: 1 });
 * data.counties[0]?.setting; // "rural"
 * data.students.length; // about 24,000
 * data.schools.every((s) => s.countyId === "lishui-suichang"); // true
 * ```
 */
export function generateCounty(options: CountyOptions = {}): DemoDataset {
  const o = parseInput(countyOptionsSchema, options);
  const geo = findCounty(o.county);
  const dataset = emptyDataset(lishuiCity);
  dataset.counties.push(countyRecord(geo, lishuiCity.id));
  const target = Math.round(cityStudents * geo.weight * o.scale);
  for (const batch of countyBatches(geo, lishuiCity, target, o.date, createRng(o.seed))) addBatch(dataset, batch);
  return dataset;
}

/**
 * Generates the whole city of Lishui: nine counties, about 700 schools, 25,000 teachers and
 * 300,000 students at scale 1, in a few seconds. Defaults: seed 1, date 2026-10-15, scale 1.
 *
 * @example
 * ```ts
 * const city = generateCity({ seed: 1 });
 * city.counties.map((c) => c.name); // ["莲都区", "龙泉市", "青田县", …, "景宁畲族自治县"]
 * city.students.length; // about 300,000
 * const small = generateCity({ scale: 0.05 }); // about 15,000 students, for quick tests
 * ```
 */
export function generateCity(options: CityOptions = {}): DemoDataset {
  const o = parseInput(cityOptionsSchema, options);
  const root = createRng(o.seed);
  const dataset = emptyDataset(lishuiCity);
  for (const geo of lishuiCounties) {
    dataset.counties.push(countyRecord(geo, lishuiCity.id));
    const target = Math.round(cityStudents * geo.weight * o.scale);
    for (const batch of countyBatches(geo, lishuiCity, target, o.date, root)) addBatch(dataset, batch);
  }
  return dataset;
}

/**
 * Streams a Zhejiang-like province (eleven cities, about ninety counties, ten million students
 * by default) one school at a time, so the whole never sits in memory: each batch is built
 * only when the consumer asks for the next. Each batch carries its city and county records
 * (the same objects for every school of a county). Defaults: seed 1, date 2026-10-15,
 * 10,000,000 students.
 *
 * @example
 * ```ts
 * let students = 0;
 * for (const batch of streamProvince({ students: 50_000 })) students += batch.students.length;
 * students; // about 50,000
 *
 * const first = streamProvince().next().value; // builds one school only
 * first?.city.name; // "杭州市"
 * ```
 */
export function* streamProvince(options: ProvinceOptions = {}): Generator<SchoolBatch, void, undefined> {
  const o = parseInput(provinceOptionsSchema, options);
  const root = createRng(o.seed);
  const cities = zhejiangCities();
  // Lishui's weights are shares of its city; the others' are per-county weights around 1.
  const weightOf = (cityId: string, geo: CountyGeography, count: number): number =>
    cityId === lishuiCityId ? geo.weight * count : geo.weight;
  let totalWeight = 0;
  for (const c of cities) for (const geo of c.counties) totalWeight += weightOf(c.id, geo, c.counties.length);
  for (const c of cities) {
    const city: City = { id: c.id, name: c.name };
    for (const geo of c.counties) {
      const target = Math.round((o.students * weightOf(c.id, geo, c.counties.length)) / totalWeight);
      yield* countyBatches(geo, city, target, o.date, root);
    }
  }
}
