// Benchmark `widgets`: each widget's min+gzip size without Lit, the client and core (issue 16's
// budget: ≤ 25 kB), and the first render of <hv-visit-record-form> with a 30-field custom
// template in headless Chromium beside inserting the very same DOM as plain HTML in the same run
// (target ≤ 50 ms). Figures, not asserts: these machines are noisy.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { workspacePackages } from "../../scripts/workspace.ts";
import type { BenchSection } from "../src/harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const widgetsDir = join(root, "packages/widgets");
const modules = {
  "hv-visit-record-form": "visit-record-form",
  "hv-my-visits": "my-visits",
  "hv-student-archive": "student-archive",
  "hv-safety-board": "safety-board",
  "hv-coverage": "coverage",
  "hv-term-plan": "term-plan",
  "hv-form-designer": "form-designer",
};
const budget = 25 * 1024;
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** min and min+gzip bytes of one widget module, Lit, the client, core and zod external. */
async function widgetSize(entry: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["lit", "lit/*", "@lit/*", "@homevisit/client", "@homevisit/core", "zod"],
    logLevel: "silent",
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** The widgets for the page, from the workspace sources (registered under their default names). */
async function pageScript(): Promise<string> {
  const alias: Record<string, string> = {};
  for (const p of workspacePackages(root))
    for (const [sub, file] of Object.entries(p.entries))
      alias[sub === "." ? p.name : `${p.name}${sub.slice(1)}`] = file;
  const result = await build({
    stdin: {
      contents: 'import { defineHomevisitWidgets } from "@homevisit/widgets"; defineHomevisitWidgets();',
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    alias,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

/** Runs in the page: `runs` first renders of the form and of the same DOM as plain HTML. */
function measureInPage(runs: number) {
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
    const template = { id: "tpl-30", version: 1, fields };
    const widget: number[] = [];
    const plain: number[] = [];
    let customInputs = 0;
    for (let run = 0; run < runs + 1; run++) {
      const t0 = performance.now();
      const form = document.createElement("hv-visit-record-form") as HTMLElement & {
        template: unknown;
        updateComplete: Promise<unknown>;
      };
      form.template = template;
      form.setAttribute("student-id", "stu-x");
      form.setAttribute("base-url", "/api");
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** The first-render figures in Debian's Chromium (HOMEVISIT_CHROMIUM to point elsewhere). */
async function firstRender(runs: number): Promise<{ widget: number; plain: number; customInputs: number } | string> {
  const executablePath = process.env.HOMEVISIT_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) return `no Chromium at ${executablePath}: first render not measured`;
  const script = await pageScript();
  const server = createServer((req, res) => {
    if (req.url === "/widgets.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script);
    } else if (req.url === "/") {
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script type="module" src="/widgets.js"></script></body></html>',
        );
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const profile = mkdtempSync(join(tmpdir(), "hv-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => customElements.get("hv-visit-record-form") !== undefined);
    const r = await page.evaluate(measureInPage, runs);
    return { widget: median(r.widget), plain: median(r.plain), customInputs: r.customInputs };
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function runWidgetsBench(options: { runs?: number } = {}): Promise<BenchSection> {
  const runs = options.runs ?? 15;
  const fromDist = existsSync(join(widgetsDir, "dist/visit-record-form.js"));
  const sizes: string[][] = [];
  for (const [tag, name] of Object.entries(modules)) {
    const { min, gzip } = await widgetSize(join(widgetsDir, fromDist ? `dist/${name}.js` : `src/${name}.ts`));
    sizes.push([tag, kB(min), kB(gzip), kB(budget), gzip <= budget ? "within" : `**over** by ${kB(gzip - budget)}`]);
  }
  const render = await firstRender(runs);
  const rows =
    typeof render === "string"
      ? []
      : [
          {
            name: "first render of <hv-visit-record-form>, 30 custom fields (created → updateComplete → layout)",
            medianMs: render.widget,
            baselineName: "the same DOM inserted as plain HTML",
            baselineMedianMs: render.plain,
            notes: `target ≤ 50 ms: ${render.widget <= 50 ? "within" : "**over**"}; median of ${runs} runs after one warm-up, headless Chromium; ${render.customInputs} custom inputs rendered`,
          },
        ];
  return {
    title: "widgets: bundle size and first render",
    description: `Each widget module bundled by esbuild from ${fromDist ? "the built `packages/widgets/dist` (one file per module)" : "the widget sources (no dist built)"}, minified, gzip level 9 (kB = 1,024 bytes), with Lit, @homevisit/client, @homevisit/core and zod external: what a host adds for one widget when it ships those already (budget 25 kB each). The first render is measured in the same page as its baseline.${typeof render === "string" ? ` ${render}.` : ""}`,
    rows,
    tables: [{ columns: ["widget", "min", "min + gzip", "budget", "result"], rows: sizes }],
  };
}
