/**
 * Today's date in China Standard Time (the programme's clock), as `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * shanghaiToday(new Date("2026-11-10T17:00:00Z")); // "2026-11-11"
 * ```
 */
export function shanghaiToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * A short China Standard Time "MM-DD HH:mm" of an instant, for lists; the text itself when it
 * is not an instant.
 *
 * @example
 * ```ts
 * shortTime("2026-11-10T16:30:00+08:00"); // "11-10 16:30"
 * ```
 */
export function shortTime(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return instant;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(5, 16).replace("T", " ");
}

/**
 * The China Standard Time date `YYYY-MM-DD` of an instant (a plan generated at 23:30 UTC was
 * made the next day in Lishui); the text itself when it is not an instant.
 *
 * @example
 * ```ts
 * shanghaiDay("2026-12-07T21:14:25Z"); // "2026-12-08"
 * ```
 */
export function shanghaiDay(instant: string): string {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? instant : shanghaiToday(new Date(ms));
}
