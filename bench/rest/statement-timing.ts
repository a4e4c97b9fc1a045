// CPU and wall time per SQL text, for bench/rest/inprocess.ts with STMT_TIMING=1: wraps the
// better-sqlite3 statement methods (on their prototype, so cached statements are covered too)
// and `exec`. The timers add a few µs to every statement; compare statements with each other,
// not with the un-instrumented CPU per request.

/** Time spent per SQL text since the last report. */
export const stats = new Map<string, { n: number; cpu: number; wall: number }>();

function record(source: string, c0: NodeJS.CpuUsage, t0: number): void {
  const c = process.cpuUsage(c0);
  const s = stats.get(source) ?? { n: 0, cpu: 0, wall: 0 };
  s.n++;
  s.cpu += c.user + c.system;
  s.wall += (performance.now() - t0) * 1000;
  stats.set(source, s);
}

/**
 * Wraps the statements of a better-sqlite3 database (all databases share the prototypes).
 *
 * @example
 * ```ts
 * patch(storage.database);
 * ```
 */
export function patch(database: { prepare(source: string): object; exec(source: string): unknown }): void {
  const proto = Object.getPrototypeOf(database.prepare("select 1")) as Record<string, unknown>;
  for (const method of ["run", "all", "get", "iterate"]) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        record(this.source, c0, t0);
      }
    };
  }
  const dbProto = Object.getPrototypeOf(database) as Record<string, unknown>;
  const exec = dbProto.exec as (source: string) => unknown;
  dbProto.exec = function (this: unknown, source: string) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      return exec.call(this, source);
    } finally {
      record(`EXEC ${source}`, c0, t0);
    }
  };
}

/**
 * Prints the time per request of each statement, most CPU first, and starts over.
 *
 * @example
 * ```ts
 * report(3000); // "  311 µs cpu  2096 µs wall  1.00×  COMMIT" …
 * ```
 */
export function report(iterations: number): string {
  const rows = [...stats].sort((a, b) => b[1].cpu - a[1].cpu);
  let total = 0;
  for (const [source, s] of rows) {
    total += s.cpu;
    console.log(
      `${(s.cpu / iterations).toFixed(0).padStart(5)} µs cpu ${(s.wall / iterations).toFixed(0).padStart(5)} µs wall  ${(s.n / iterations).toFixed(2)}×  ${source.slice(0, 200)}`,
    );
  }
  stats.clear();
  return `total statement CPU ${(total / iterations).toFixed(0)} µs/req\n`;
}
