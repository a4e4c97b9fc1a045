// The REST bench's load generator, run in its own process (never in the server's event loop).
// node:http with a keep-alive Agent, two modes:
// - "rate": open loop, requests scheduled at a fixed rate; each latency is measured from the
//   time the request was DUE, not when it was sent, so a stalled server shows up in the p99
//   (no coordinated omission);
// - "max": closed loop, `connections` requests in flight at all times, for throughput.
// Every loop is bounded in time and count. Input: one JSON LoadSpec in argv[2]. Output: one
// `RESULT <json>` line on stdout.
//
// Usage: node --import tsx bench/rest/load.ts '{"mode":"max",…}'
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import type { LoadResult, LoadSpec } from "./shared.ts";

/** Most samples kept: bounds memory even against a very fast server. */
const maxSamples = 2_000_000;
/** How long to wait for requests still in flight after the window closes. */
const drainMs = 10_000;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

async function run(spec: LoadSpec, seconds: number): Promise<LoadResult> {
  const url = new URL(spec.url);
  if (url.hostname !== "127.0.0.1") throw new Error("the REST bench runs on loopback only");
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const keyPrefix = randomUUID();
  const latencies = new Float64Array(maxSamples);
  let samples = 0;
  let answered = 0;
  let sent = 0;
  let inFlight = 0;
  let errors = 0;
  let firstError: string | undefined;
  const statuses: Record<string, number> = {};
  const count = (key: string) => {
    statuses[key] = (statuses[key] ?? 0) + 1;
  };
  const start = performance.now();
  const end = start + seconds * 1000;
  let finished: (() => void) | undefined;

  const send = (due: number, onDone: () => void) => {
    sent++;
    inFlight++;
    const headers: Record<string, string | number> = { ...spec.headers };
    if (body) headers["Content-Length"] = body.length;
    if (spec.idempotencyKeys) headers["Idempotency-Key"] = `bench-${keyPrefix}-${sent}`;
    const done = (key: string, ok: boolean) => {
      inFlight--;
      answered++;
      const now = performance.now();
      if (due < end) {
        count(key);
        if (!ok) errors++;
        if (samples < maxSamples) latencies[samples++] = now - due;
      }
      onDone();
      if (inFlight === 0 && finished) finished();
    };
    const req = request(url, { method: spec.method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => done(String(res.statusCode), (res.statusCode ?? 0) < 300));
      res.on("error", () => done("error", false));
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      firstError ??= error.code ?? error.message;
      done("error", false);
    });
    req.end(body);
  };

  await new Promise<void>((resolve) => {
    const stop = () => {
      if (inFlight === 0) return resolve();
      finished = resolve;
      setTimeout(resolve, drainMs).unref();
    };
    if (spec.mode === "max") {
      const next = () => {
        if (performance.now() < end) send(performance.now(), next);
        else if (inFlight === 0) stop();
      };
      for (let i = 0; i < spec.connections; i++) next();
      // The loop above ends itself; this only guards against a server that never answers.
      setTimeout(stop, seconds * 1000 + drainMs).unref();
    } else {
      const rate = spec.rate ?? 100;
      const interval = 1000 / rate;
      const total = Math.floor(seconds * rate);
      let scheduled = 0;
      const tick = () => {
        const now = performance.now();
        while (scheduled < total && start + scheduled * interval <= now) {
          send(start + scheduled * interval, () => {});
          scheduled++;
        }
        if (scheduled < total) setTimeout(tick, Math.max(0, Math.min(1, start + scheduled * interval - now)));
        else stop();
      };
      tick();
    }
  });
  const measured = (performance.now() - start) / 1000;
  if (inFlight > 0) statuses.timeout = inFlight;
  agent.destroy();
  const sorted = latencies.slice(0, samples).sort();
  const requests = samples;
  return {
    requests,
    answered,
    errors: errors + inFlight,
    statuses,
    seconds: Math.min(measured, seconds),
    throughput: requests / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/**
 * Runs one load spec (after its warm-up) and returns what the measured window saw.
 *
 * @example
 * ```ts
 * const r = await runLoad({ mode: "rate", url: "http://127.0.0.1:3000/x", method: "GET", headers: {}, rate: 500, connections: 64, seconds: 5 });
 * r.p99Ms; // e.g. 3.1
 * ```
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const warmup = spec.warmupSeconds ? await run(spec, spec.warmupSeconds) : undefined;
  const result = await run(spec, spec.seconds);
  return { ...result, answered: result.answered + (warmup?.answered ?? 0) };
}

if (process.argv[2]) {
  runLoad(JSON.parse(process.argv[2]) as LoadSpec).then(
    (result) => process.stdout.write(`RESULT ${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
