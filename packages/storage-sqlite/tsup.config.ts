import { packageConfig } from "../../tsup.shared.ts";

// `shims`: the CommonJS build gets `import.meta.url` (the checkpoint worker resolves
// better-sqlite3 from this package's own location).
export default packageConfig(import.meta.url, { shims: true });
