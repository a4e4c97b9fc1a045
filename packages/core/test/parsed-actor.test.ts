import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  actorSchema,
  createEngine,
  isHomevisitError,
  isParsedActor,
  parseActor,
  safeParseActor,
} from "../src/index.js";
import { actors, seedWorld } from "./engine-suite.js";

const hmacKey = "test-audit-key-0123456789";

async function engineWithWorld() {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  await seedWorld(storage);
  return createEngine({ storage, blobs: memoryBlobStore(), config: { audit: { hmacKey } } });
}

describe("an actor is parsed once", () => {
  afterEach(() => vi.restoreAllMocks());

  it("parseActor answers a frozen, marked copy; a plain object is not one", () => {
    const plain = { ...actors.principal, roles: [...actors.principal.roles] };
    const parsed = parseActor(plain);
    expect(isParsedActor(parsed)).toBe(true);
    expect(isParsedActor(plain)).toBe(false);
    expect(Object.isFrozen(parsed) && Object.isFrozen(parsed.roles)).toBe(true);
    expect(Object.isFrozen(plain)).toBe(false);
    // The mark is not data: a copy, JSON or a spread carries none of it.
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(plain);
    expect(isParsedActor({ ...parsed })).toBe(false);
    expect(parseActor(parsed)).toBe(parsed);
  });

  it("refuses an invalid actor: validation_failed from parseActor, undefined from safeParseActor", () => {
    const invalid = { id: "t-1", roles: ["teacher"], cityId: "city-1" }; // a school role without a school
    expect(safeParseActor(invalid)).toBeUndefined();
    try {
      parseActor(invalid);
      expect.unreachable();
    } catch (error) {
      expect(isHomevisitError(error) && error.code).toBe("validation_failed");
      expect(isHomevisitError(error) && error.issues.map((i) => i.path.join("."))).toContain("actor.schoolId");
    }
  });

  it("the runner takes a parsed actor without checking it again, and checks a plain one", async () => {
    const engine = await engineWithWorld();
    const parsed = parseActor(actors.principal);
    const spy = vi.spyOn(actorSchema, "safeParse");
    const once = await engine.callJson("me.get", parsed, {});
    expect(spy).not.toHaveBeenCalled();
    expect((once.value as { id: string }).id).toBe(actors.principal.id);
    const plain = await engine.callJson("me.get", { ...actors.principal }, {});
    expect(spy).toHaveBeenCalledTimes(1);
    expect(plain.text).toBe(once.text);
  });

  it("a plain object from a script is still validated, a copy of a parsed actor too", async () => {
    const engine = await engineWithWorld();
    const forged = { ...parseActor(actors.teacher), schoolId: undefined };
    await expect(engine.me.get(forged as never, {})).rejects.toMatchObject({ code: "validation_failed" });
    await expect(
      engine.callJson("me.get", { id: "t-1", roles: ["rector"], cityId: "city-1" }, {}),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });
});
