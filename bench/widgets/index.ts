// Benchmark `widgets`: each widget's min+gzip size without Lit, the client and core (issue 16's
// budget: ≤ 25 kB), and the first render of <hv-visit-record-form> with a 30-field custom
// template in headless Chromium beside inserting the very same DOM as plain HTML in the same run
// (target ≤ 50 ms). Figures, not asserts: these machines are noisy.
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleBrowserEntry } from "../../examples/shared/src/widgets/bundle.ts";
import { chromiumPath, launchChromium } from "../../examples/shared/src/widgets/chromium.ts";
import {
  widgetBudget as budget,
  firstRenderInPage,
  median,
  widgetModules as modules,
  widgetSize,
} from "../../packages/widgets/test/support/measure.ts";
import type { BenchSection } from "../src/harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const widgetsDir = join(root, "packages/widgets");
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** The first-render figures in Debian's Chromium (HOMEVISIT_CHROMIUM to point elsewhere). */
async function firstRender(runs: number): Promise<{ widget: number; plain: number; customInputs: number } | string> {
  if (!existsSync(chromiumPath)) return `no Chromium at ${chromiumPath}: first render not measured`;
  // The plain-HTML example's page script: the widgets from the workspace sources, registered
  // under their default names.
  const script = await bundleBrowserEntry(join(root, "examples/widgets-html/src/page.ts"));
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
  const { context, close } = await launchChromium();
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url);
    await page.waitForFunction(() => customElements.get("hv-visit-record-form") !== undefined);
    const r = await page.evaluate(firstRenderInPage, { runs, baseUrl: "/api" });
    return { widget: median(r.widget), plain: median(r.plain), customInputs: r.customInputs };
  } finally {
    await close();
    server.close();
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
