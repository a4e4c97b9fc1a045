// TEMPORARY: until core exports createEngine, a stand-in with the same shape (areas of bound
// use cases and a `useCases` registry) built on the engine's runner.
import { policyMatrix } from "@homevisit/core";
import type { BlobStore, Storage } from "@homevisit/core/storage";
import type { Clock } from "../../core/src/engine/clock.js";
import { type EngineConfigInput, parseEngineConfig } from "../../core/src/engine/config.js";
import type { IdGenerator } from "../../core/src/engine/ids.js";
import { runUseCase } from "../../core/src/engine/runner.js";
import type { AnyUseCase, UseCaseInfo, UseCaseOptions } from "../../core/src/engine/use-case.js";

export function createEngine(deps: {
  storage: Storage;
  blobs: BlobStore;
  clock: Clock;
  newId: IdGenerator;
  config: EngineConfigInput;
  useCases: Record<string, Record<string, AnyUseCase>>;
}) {
  const config = parseEngineConfig(deps.config);
  const plugins = { categories: [], customFields: {}, reportSections: [] } as never;
  const runner = { ...deps, config, plugins };
  const useCases: UseCaseInfo[] = [];
  const engine: Record<string, unknown> = { useCases };
  for (const [area, cases] of Object.entries(deps.useCases)) {
    const bound: Record<string, unknown> = {};
    for (const [method, uc] of Object.entries(cases)) {
      const name = `${area}.${method}`;
      const entry = policyMatrix[uc.action as keyof typeof policyMatrix];
      useCases.push({
        name,
        area,
        method,
        action: uc.action,
        description: uc.description,
        input: uc.input,
        output: uc.output,
        http: uc.http,
        targetKind: uc.targetKind,
        idempotent: uc.idempotent === true,
        purposeRequired: entry.purposeRequired,
        write: entry.write,
      });
      bound[method] = (actor: unknown, input: unknown, options?: UseCaseOptions) =>
        runUseCase(runner, name, uc, actor, input, options);
    }
    engine[area] = bound;
  }
  return engine as { useCases: UseCaseInfo[] };
}
