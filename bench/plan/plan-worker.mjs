// The entry of a planning thread: worker threads do not inherit the main thread's TypeScript
// loader, so this plain module registers tsx (with the repository's path aliases) first.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) });
await import("./plan-worker.ts");
