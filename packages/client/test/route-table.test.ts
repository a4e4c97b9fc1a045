import { clientRoutes, engineRoutes } from "@homevisit/client";
import { engineContracts, useCaseRegistry } from "@homevisit/core";
import { describe, expect, it } from "vitest";

describe("the generated route table", () => {
  it("is what core's route rule derives from the engine's contracts (run `pnpm generate:routes` when this fails)", () => {
    expect(engineRoutes).toEqual(clientRoutes(engineContracts));
  });

  it("has one route per use case of the engine, each named area.method", () => {
    const names = useCaseRegistry(engineContracts).map((u) => u.name);
    expect(engineRoutes.map((r) => r.name)).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
  });
});
