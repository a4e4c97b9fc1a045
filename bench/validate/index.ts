// Benchmark `validate`: generate the Lishui city (~300,000 students) and validate every record
// against core's schemas. The baseline is generating the same data without validating, timed
// in the same run, because these machines are noisy and only same-run ratios compare.
import { performance } from "node:perf_hooks";
import {
  categoryFlagSchema,
  citySchema,
  countySchema,
  mentorshipSchema,
  schoolClassSchema,
  schoolSchema,
  studentSchema,
  teacherSchema,
} from "@homevisit/core";
import { type CityOptions, type DemoDataset, generateCity } from "@homevisit/demo-data";
import { median } from "../src/harness.ts";

/** Options of {@link runValidateBench}. */
export interface ValidateBenchOptions {
  /** Measured runs; the median is reported. Default 3. */
  runs?: number;
  /** Passed to `generateCity`; default the whole city (scale 1, seed 1). */
  city?: CityOptions;
}

/** The result of {@link runValidateBench}. */
export interface ValidateBenchResult {
  name: string;
  /** Records validated per run: city, counties, schools, classes, teachers, students, flags, mentorships. */
  records: number;
  /** Median of generate + validate, in ms. */
  medianMs: number;
  /** Median of generating the same data alone, in ms (same runs). */
  baselineMedianMs: number;
  /** Median of the validation part alone, in ms. */
  validateMedianMs: number;
  /** Records validated per second, from the validation part alone. */
  recordsPerSecond: number;
  /** Records that failed validation (must be 0). */
  failures: number;
}

/** Validates every record of a data set; returns how many were checked and how many failed. */
export function validateDataset(data: DemoDataset): { records: number; failures: number } {
  let records = 0;
  let failures = 0;
  const check = (schema: { safeParse(value: unknown): { success: boolean } }, items: readonly unknown[]): void => {
    for (const item of items) {
      records++;
      if (!schema.safeParse(item).success) failures++;
    }
  };
  check(citySchema, [data.city]);
  check(countySchema, data.counties);
  check(schoolSchema, data.schools);
  check(schoolClassSchema, data.classes);
  check(teacherSchema, data.teachers);
  check(studentSchema, data.students);
  check(categoryFlagSchema, data.categoryFlags);
  check(mentorshipSchema, data.mentorships);
  return { records, failures };
}

/**
 * Generates the city and validates every record, `runs` times after one unmeasured warm-up.
 *
 * @example
 * ```ts
 * const result = await runValidateBench({ runs: 3 });
 * // { name: "validate city (305,580 students)", records: 600000, medianMs: 14000,
 * //   baselineMedianMs: 6000, validateMedianMs: 8000, recordsPerSecond: 75000, failures: 0 }
 * ```
 */
export async function runValidateBench(options: ValidateBenchOptions = {}): Promise<ValidateBenchResult> {
  const runs = Math.max(1, options.runs ?? 3);
  const generateTimes: number[] = [];
  const validateTimes: number[] = [];
  const totalTimes: number[] = [];
  let records = 0;
  let failures = 0;
  let students = 0;
  for (let run = 0; run <= runs; run++) {
    const start = performance.now();
    let data: DemoDataset | undefined = generateCity(options.city ?? {});
    const generated = performance.now();
    const result = validateDataset(data);
    const validated = performance.now();
    students = data.students.length;
    // Drop the data before the next run so two cities never sit in memory together.
    data = undefined;
    // Let pending work (and the garbage collector) settle between runs.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (run === 0) continue;
    generateTimes.push(generated - start);
    validateTimes.push(validated - generated);
    totalTimes.push(validated - start);
    records = result.records;
    failures = Math.max(failures, result.failures);
  }
  const validateMedianMs = median(validateTimes);
  return {
    name: `validate city (${students.toLocaleString("en-US")} students)`,
    records,
    medianMs: median(totalTimes),
    baselineMedianMs: median(generateTimes),
    validateMedianMs,
    recordsPerSecond: Math.round(records / (validateMedianMs / 1000)),
    failures,
  };
}
