// Real Chromium for the widget tests: Debian's package, driven by playwright-core (never
// `npx playwright install`, whose downloads fail on these machines). scripts/ensure-chromium.sh
// installs it when it is missing and this process may use apt (root, or CI); otherwise the
// tests skip with one line saying so.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const chromiumPath = process.env.HOMEVISIT_CHROMIUM ?? "/usr/bin/chromium";

/** Whether Chromium is there, installing it first when we may. */
export function ensureChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  const mayInstall = process.env.CI === "true" || process.getuid?.() === 0;
  if (mayInstall && existsSync("/usr/bin/apt-get")) {
    try {
      execFileSync("bash", [join(root, "scripts/ensure-chromium.sh")], { stdio: "inherit" });
    } catch {
      // The script printed why; the check below decides.
    }
  }
  return existsSync(chromiumPath);
}

/**
 * Launches headless Chromium with a fresh profile (its own `--user-data-dir`, removed on close)
 * and returns its one browser context.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "hv-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
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
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Serious and critical axe-core violations on the page, shadow roots included. */
export async function axeProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string; nodes: { target: unknown }[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<Result> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.targets.join(" ")}`);
}

/** Every text and attribute value in the page, through every shadow root. */
export function deepText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walk = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) out.push(node.textContent ?? "");
      if (node instanceof Element) {
        for (const a of node.attributes) out.push(a.value);
        if (node.shadowRoot) walk(node.shadowRoot);
      }
      for (const child of node.childNodes) walk(child);
    };
    walk(document.documentElement);
    return out.join("\n");
  });
}

/** Waits until the widget `tag` has rendered: its shadow root holds more than the loading line. */
export async function widgetRendered(page: Page, tag: string): Promise<void> {
  await page.waitForFunction((t) => {
    const el = document.querySelector(t);
    return (
      el?.shadowRoot && !el.shadowRoot.querySelector('[role="status"]:only-child') && el.shadowRoot.children.length > 0
    );
  }, tag);
}
