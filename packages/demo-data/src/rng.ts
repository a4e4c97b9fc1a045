/**
 * A small seeded pseudo-random generator (sfc32, seeded through a string hash), so that the
 * same seed gives the same city on every machine and every Node version. `Math.random` is
 * never used: its sequence cannot be seeded.
 */

/** A seeded source of pseudo-random numbers. */
export interface Rng {
  /** The seed text this generator was created from. */
  readonly seed: string;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** One value of a list of `[value, weight]` pairs, by weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /**
   * An independent generator derived from this one's seed and a label. It depends only on the
   * seed and the label, not on how many numbers were drawn before, so a school's data stays
   * the same whether it is generated alone or as part of the city.
   */
  fork(label: string | number): Rng;
}

// murmur3's finaliser: spreads every input bit over the whole word.
function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Four 32-bit words from a text, for sfc32's state. */
function hashWords(text: string): [number, number, number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  let h3 = 0x85ebca6b;
  let h4 = 0xc2b2ae35;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h3 = Math.imul(h3 ^ c, 0x27d4eb2f);
    h4 = Math.imul(h4 ^ c, 0x165667b1);
  }
  return [fmix32(h1), fmix32(h2 ^ h1), fmix32(h3 ^ h2), fmix32(h4 ^ h3 ^ text.length)];
}

class Sfc32 implements Rng {
  readonly seed: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    this.seed = seed;
    [this.a, this.b, this.c, this.d] = hashWords(seed);
    // The first outputs of sfc32 still echo the seed words; discard them.
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new RangeError("weighted pick from an empty list");
    return last[0];
  }

  fork(label: string | number): Rng {
    return new Sfc32(`${this.seed}/${label}`);
  }
}

/**
 * Creates a seeded generator. The same seed always gives the same sequence, on every platform.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.int(1, 6); // the same die roll on every run with seed 42
 * createRng(42).next() === createRng(42).next(); // true
 * createRng(42).fork("school-1").next(); // independent of how much the parent has drawn
 * ```
 */
export function createRng(seed: number | string): Rng {
  return new Sfc32(String(seed));
}
