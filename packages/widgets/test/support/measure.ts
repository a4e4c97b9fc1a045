// How the widgets are measured, in one place for the budget test, the benchmark and the plain
// HTML example: each widget module's bundle size with the shared libraries external, and the
// first render of <hv-visit-record-form> with a 30-field template beside the same DOM inserted
// as plain HTML in the same page.
import { gzipSync } from "node:zlib";
import { type BuildOptions, build } from "esbuild";

/** Each widget's tag and its module in `packages/widgets/src` (and `dist`), without extension. */
export const widgetModules = {
  "hv-visit-record-form": "visit-record-form",
  "hv-my-visits": "my-visits",
  "hv-student-archive": "student-archive",
  "hv-safety-board": "safety-board",
  "hv-coverage": "coverage",
  "hv-term-plan": "term-plan",
  "hv-form-designer": "form-designer",
} as const;

/** Issue 16's budget: each widget ≤ 25 kB min+gzip without Lit, the client, core and zod. */
export const widgetBudget = 25 * 1024;

/** How a widget is bundled for a browser: minified ESM, in memory. */
const browserBundle = {
  bundle: true,
  write: false,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  logLevel: "silent",
} as const satisfies BuildOptions;

/**
 * min and min+gzip (level 9) bytes of one widget module bundled with its own imports, Lit, the
 * client, core and zod external: what a host's bundler adds for one widget when it already
 * ships those.
 *
 * @example
 * ```ts
 * const { gzip } = await widgetSize("packages/widgets/src/coverage.ts");
 * gzip <= widgetBudget; // true
 * ```
 */
export async function widgetSize(entry: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    ...browserBundle,
    entryPoints: [entry],
    external: ["lit", "lit/*", "@lit/*", "@homevisit/client", "@homevisit/core", "zod"],
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** The timings of {@link firstRenderInPage}, one per counted run, in milliseconds. */
export interface FirstRenderRuns {
  /** <hv-visit-record-form> created → `updateComplete` → layout. */
  widget: number[];
  /** The same markup inserted as plain HTML → layout. */
  plain: number[];
  /** Custom-field inputs the form rendered (30 expected). */
  customInputs: number;
}

/**
 * Runs in the page (pass it to Playwright's `page.evaluate`, so it closes over nothing):
 * `runs` first renders of the record form with a 30-field published template, each followed
 * by the same DOM inserted as plain HTML, after one warm-up run that is not counted. The page
 * must have registered the widgets.
 *
 * @example
 * ```ts
 * const runs = await page.evaluate(firstRenderInPage, { runs: 15, baseUrl: "/api" });
 * median(runs.widget); // ms
 * ```
 */
export function firstRenderInPage(options: { runs: number; baseUrl?: string }): Promise<FirstRenderRuns> {
  return (async () => {
    const fields = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? {
            type: "select",
            key: `f${i}`,
            label: { "zh-CN": `项目${i}` },
            options: [
              { value: "a", label: { "zh-CN": "是" } },
              { value: "b", label: { "zh-CN": "否" } },
            ],
          }
        : { type: i % 3 === 1 ? "text" : "textarea", key: `f${i}`, label: { "zh-CN": `项目${i}` } },
    );
    const template = {
      id: "tpl-30",
      version: 1,
      scope: { level: "school", id: "sch-bench" },
      name: { "zh-CN": "三十项", en: "Thirty fields" },
      status: "published",
      createdAt: "2026-09-01T00:00:00Z",
      fields,
    };
    const widget: number[] = [];
    const plain: number[] = [];
    let customInputs = 0;
    for (let run = 0; run < options.runs + 1; run++) {
      const t0 = performance.now();
      const form = document.createElement("hv-visit-record-form") as HTMLElement & {
        template: unknown;
        updateComplete: Promise<unknown>;
      };
      form.template = template;
      form.setAttribute("student-id", "stu-x");
      if (options.baseUrl !== undefined) form.setAttribute("base-url", options.baseUrl);
      document.body.append(form);
      await form.updateComplete;
      form.getBoundingClientRect();
      const t1 = performance.now();
      const markup = form.shadowRoot?.innerHTML ?? "";
      customInputs = form.shadowRoot?.querySelectorAll('[name^="custom."]').length ?? 0;
      form.remove();
      const t2 = performance.now();
      const div = document.createElement("div");
      div.innerHTML = markup;
      document.body.append(div);
      div.getBoundingClientRect();
      const t3 = performance.now();
      div.remove();
      // The first run warms the engine up and is not counted.
      if (run > 0) {
        widget.push(t1 - t0);
        plain.push(t3 - t2);
      }
    }
    return { widget, plain, customInputs };
  })();
}

/**
 * The median of some timings (the mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 2, 3]); // 2.5
 * ```
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
