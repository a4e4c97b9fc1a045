// The benchmark families. Each returns a section of rows measured beside its baseline.
import type { BenchSection } from "./harness.ts";

export const families: Record<string, () => Promise<BenchSection>> = {};
