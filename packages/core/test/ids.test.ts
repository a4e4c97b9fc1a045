import { idSchema, timeOrderedIds } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** RFC 9562's layout of a version 7 UUID, lowercase. */
const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond time at the front of a version 7 UUID. */
const timeOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe("timeOrderedIds", () => {
  it("makes version 7 UUIDs that the id schema accepts, with the time in front", () => {
    const at = Date.UTC(2026, 11, 7, 6, 30);
    const id = timeOrderedIds({ now: () => at })();
    expect(id).toMatch(uuidV7);
    expect(idSchema.parse(id)).toBe(id);
    expect(timeOf(id)).toBe(at);
  });

  it("increases strictly, as text, whatever the clock does", () => {
    fc.assert(
      fc.property(
        // A clock that goes on, stands still or steps back, from any time a 48-bit field holds.
        fc.integer({ min: 0, max: 2 ** 48 - 10_000 }),
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 300 }),
        (start, steps) => {
          let now = start;
          let step = 0;
          const ids = timeOrderedIds({
            now: () => {
              now = Math.max(0, now + (steps[step++ % steps.length] as number));
              return now;
            },
          });
          let previous = "";
          for (let i = 0; i < steps.length * 2; i++) {
            const id = ids();
            expect(id).toMatch(uuidV7);
            expect(id > previous).toBe(true);
            previous = id;
          }
        },
      ),
    );
  });

  it("counts on within a millisecond and moves the time on when the counter runs out", () => {
    const ids = timeOrderedIds({ now: () => 1_000 });
    const made = Array.from({ length: 4096 + 3 }, () => ids());
    expect(made.slice(0, 4096).every((id) => timeOf(id) === 1_000)).toBe(true);
    expect(made[0]?.slice(14, 18)).toBe("7000");
    expect(made[4095]?.slice(14, 18)).toBe("7fff");
    expect(timeOf(made[4096] as string)).toBe(1_001);
    expect(made[4096]?.slice(14, 18)).toBe("7000");
    expect(new Set(made).size).toBe(made.length);
  });

  it("takes a clock answering nonsense as standing still", () => {
    const answers = [5_000, Number.NaN, -3, 5_000];
    let i = 0;
    const ids = timeOrderedIds({ now: () => answers[i++ % answers.length] as number });
    const made = Array.from({ length: 4 }, () => ids());
    expect(made.every((id) => uuidV7.test(id) && timeOf(id) === 5_000)).toBe(true);
    expect([...made].sort()).toEqual(made);
  });

  it("fills the 62 random bits from the random source", () => {
    const ids = timeOrderedIds({ now: () => 0 });
    // Same time, counters apart: the random tails of 2,000 ids are all different and every
    // hex digit turns up in them.
    const tails = Array.from({ length: 2000 }, () => ids().slice(19).replace("-", ""));
    expect(new Set(tails).size).toBe(tails.length);
    expect(new Set(tails.join("")).size).toBe(16);
  });
});
