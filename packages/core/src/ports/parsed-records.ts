/**
 * Records that were just parsed by their entity's own schema, inside core, and not yet handed
 * to anyone else: {@link prepareRecord} may skip parsing them a second time. Internal to
 * core's storage helpers (never exported from the package), so a caller cannot mark its own
 * objects as valid; marks are removed as soon as the store has taken the records.
 */
const parsed = new WeakSet<object>();

/**
 * Runs `fn` with `records` marked as parsed, and unmarks them afterwards whatever happens.
 *
 * @example
 * ```ts
 * await withParsedRecords(roster.students, () => tx.students.createMany(roster.students));
 * ```
 */
export async function withParsedRecords<T>(records: readonly object[], fn: () => Promise<T>): Promise<T> {
  for (const record of records) parsed.add(record);
  try {
    return await fn();
  } finally {
    for (const record of records) parsed.delete(record);
  }
}

/**
 * Whether a record is marked as parsed by its entity's schema.
 *
 * @example
 * ```ts
 * isParsedRecord(input); // true only inside withParsedRecords
 * ```
 */
export function isParsedRecord(record: unknown): boolean {
  return typeof record === "object" && record !== null && parsed.has(record);
}
