// The demo page's CSP has no 'unsafe-eval'. zod compiles fast parsers with `new Function` unless
// told not to; under this CSP each attempt fails (zod falls back) and the browser logs a
// violation. Imported first by widgets-entry.ts, so it runs before any module defines a schema.
import { config } from "zod";

config({ jitless: true });
