/**
 * # The clock port
 *
 * The engine never reads the system time itself: every "now" (audit rows, consent dates,
 * retention, overdue check-ins) comes from the `Clock` the host passes to `createEngine`, so
 * tests and replays are exact.
 *
 * ## Implementing this port
 *
 * A clock MUST:
 * - return the current instant as ISO 8601 text with `Z` or an offset
 *   (`2026-10-08T09:30:00.000Z`);
 * - never go backwards within one process (audit rows are ordered by chain, but people read
 *   their times).
 *
 * A clock MUST NOT:
 * - return local wall-clock text without an offset, or a `Date` object.
 */

/** Where the engine gets the time from. */
export interface Clock {
  /** The current instant, ISO 8601 with an offset or `Z`. */
  now(): string;
}

/**
 * The system clock: `new Date().toISOString()`. The default for hosts; tests use
 * {@link fixedClock}.
 *
 * @example
 * ```ts
 * systemClock.now(); // "2026-10-08T01:30:00.000Z"
 * ```
 */
export const systemClock: Clock = {
  now: () => new Date().toISOString(),
};

/** A clock for tests: fixed at an instant until moved with `set` or `advance`. */
export interface FixedClock extends Clock {
  /** Moves the clock to an instant. */
  set(instant: string): void;
  /** Moves the clock forward by a number of milliseconds. */
  advance(milliseconds: number): void;
}

/**
 * A clock that stands still at an instant until told to move; for tests and replays.
 *
 * @example
 * ```ts
 * const clock = fixedClock("2026-10-08T09:00:00+08:00");
 * clock.now(); // "2026-10-08T01:00:00.000Z"
 * clock.advance(60_000);
 * clock.now(); // "2026-10-08T01:01:00.000Z"
 * ```
 */
export function fixedClock(instant: string): FixedClock {
  let at = parseInstant(instant);
  return {
    now: () => new Date(at).toISOString(),
    set(next) {
      at = parseInstant(next);
    },
    advance(milliseconds) {
      at += milliseconds;
    },
  };
}

function parseInstant(instant: string): number {
  const at = Date.parse(instant);
  if (Number.isNaN(at)) throw new RangeError("fixedClock needs an ISO 8601 instant");
  return at;
}
