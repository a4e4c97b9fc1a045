// Bundle budgets (issue 12), measured from the built `dist` (run `pnpm run build` first) with
// esbuild minifying and tree-shaking for a browser, sizes gzipped. `pnpm run size` checks them;
// `node scripts/size-report.mjs` writes the figures into docs/benchmarks.md.
const core = "packages/core/dist/index.js";
const client = "packages/client/dist/index.js";

// gzip, as the issue states the budgets (size-limit's default is brotli); esbuild's warnings
// about rrule's missing default export are the interop module's known fallback (STACK.md).
const measured = { gzip: true, modifyEsbuildConfig: (config) => ({ ...config, logLevel: "error" }) };

const checks = [
  {
    name: "@homevisit/core: addDays alone",
    path: core,
    import: "{ addDays }",
    limit: "2 kB",
  },
  {
    name: "@homevisit/core: the README's example",
    path: core,
    import: "{ categoriesAt, newStudentStatus, parseInput, schoolSchema, studentSchema }",
    limit: "90 kB",
  },
  {
    // "≤ 20 kB plus zod": zod is left out of this figure (a host pays it once, for its own schemas too).
    name: "@homevisit/client: createClient, every route, without zod",
    path: client,
    import: "{ createClient }",
    ignore: ["zod"],
    limit: "20 kB",
  },
  { name: "@homevisit/client: createClient, every route, with zod", path: client, import: "{ createClient }" },
  { name: "context: zod, all of it", path: "scripts/size/zod.js" },
  { name: "context: hono/client hc()", path: "scripts/size/hono-client.js" },
];

export default checks.map((check) => ({ ...measured, ...check }));
