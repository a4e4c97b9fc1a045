/**
 * V8 builds long concatenated strings as ropes (ConsString) that keep every piece alive; with
 * ten ids, dates and instants per student that doubles the city's memory and its garbage
 * collection time. Reading one character makes V8 flatten the rope into one plain string.
 */
export function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** Shares the date strings every student of a school repeats (`2026-09-01`, `2027-08-31`). */
export interface DateCache {
  /** 1 September of a school year. */
  yearStart(schoolYear: number): string;
  /** 31 August that ends a school year. */
  yearEnd(schoolYear: number): string;
}

/** A cache of school-year boundary dates. */
export function createDateCache(): DateCache {
  const starts = new Map<number, string>();
  const ends = new Map<number, string>();
  return {
    yearStart(year) {
      let s = starts.get(year);
      if (s === undefined) {
        s = `${year}-09-01`;
        starts.set(year, s);
      }
      return s;
    },
    yearEnd(year) {
      let s = ends.get(year);
      if (s === undefined) {
        s = `${year + 1}-08-31`;
        ends.set(year, s);
      }
      return s;
    },
  };
}
