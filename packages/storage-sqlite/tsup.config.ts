import { packageConfig } from "../../tsup.shared.ts";

// The CommonJS build's `import.meta.url` (the checkpoint worker resolves better-sqlite3 from
// this package's own location) comes from the shared config.
export default packageConfig(import.meta.url);
