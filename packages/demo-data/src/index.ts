/**
 * `@homevisit/demo-data`: a deterministic, seeded synthetic Lishui (丽水市) for tests, demos and
 * benchmarks — its nine real counties and their towns, schools of realistic kinds and sizes,
 * classes, teachers (one principal per school), students with guardians and Chinese names
 * (rare characters such as 䶮 and 𠀀 included), category flags whose prevalence differs between
 * urban and rural counties, and mentors. Every record is typed by, and validates against,
 * `@homevisit/core`'s schemas.
 *
 * @packageDocumentation
 */

export { renderDemoReport } from "./demo-report.js";
export {
  type CityOptions,
  type CountyOptions,
  cityOptionsSchema,
  cityStudents,
  countyOptionsSchema,
  type DemoDataset,
  defaultReferenceDate,
  generateCity,
  generateCounty,
  generateSchool,
  type ProvinceOptions,
  provinceOptionsSchema,
  type SchoolOptions,
  schoolOptionsSchema,
  streamProvince,
} from "./generate.js";
export { type CountyGeography, lishuiCounties } from "./geography.js";
export { rareNameCharacters } from "./names.js";
export { createRng, type Rng } from "./rng.js";
export type { SchoolBatch } from "./school.js";
