// The client's opt-in store of GET results for conditional requests: what a 304 returns.
//
// Keyed by URL alone, which is safe because the server's GET tags are digests of the exact
// body: a 304 answers "the body you hold is byte for byte the one I would send you now", after
// the server authorized the read for THIS caller. A held body from another login or purpose
// only comes back if that caller would have received exactly it.

/** One held GET result: the body as text (parsed afresh for each caller) and its metadata. */
export interface HeldResponse {
  readonly etag: string;
  readonly text: string;
  readonly nextCursor: string | undefined;
}

/** Options of the client's response cache. */
export interface ResponseCacheOptions {
  /** How many GET results to hold; the least recently used goes first. Default 100. */
  maxEntries?: number;
}

/** The GET results a client holds, by URL, least recently used first out. */
export interface ResponseCache {
  get(url: string): HeldResponse | undefined;
  set(url: string, held: HeldResponse): void;
  delete(url: string): void;
  /** Forgets everything held (at logout, or when the user changes). */
  clear(): void;
  readonly size: number;
}

/**
 * Makes the bounded in-memory store behind the client's `cache` option. Nothing is written to
 * disk or browser storage: the bodies may hold personal data, and live only as long as the
 * client.
 *
 * @example
 * ```ts
 * const cache = createResponseCache({ maxEntries: 2 });
 * cache.set("https://campus.example/api/students/s-1", { etag: '"1.abc"', text: "{}", nextCursor: undefined });
 * cache.get("https://campus.example/api/students/s-1")?.etag; // '"1.abc"'
 * ```
 */
export function createResponseCache(options: ResponseCacheOptions = {}): ResponseCache {
  const maxEntries = options.maxEntries ?? 100;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(`cache.maxEntries must be a positive integer, got ${maxEntries}`);
  }
  const entries = new Map<string, HeldResponse>();
  return {
    get(url) {
      const held = entries.get(url);
      if (held !== undefined) {
        // Map keeps insertion order: re-inserting marks the entry as the most recently used.
        entries.delete(url);
        entries.set(url, held);
      }
      return held;
    },
    set(url, held) {
      entries.delete(url);
      entries.set(url, held);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    delete(url) {
      entries.delete(url);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
