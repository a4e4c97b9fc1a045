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
 * and returns its one browser context. `bypassCSP` lets a test inject axe-core into a page whose
 * CSP forbids inline scripts (the demo host's); a test of the CSP itself leaves it off.
 */
export async function launchChromium(
  options: { bypassCSP?: boolean } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "hv-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    bypassCSP: options.bypassCSP === true,
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

/**
 * Touch targets smaller than 44 × 44 px (WCAG 2.5.5) in every shadow root: buttons, links,
 * fields and selects by their own box, a checkbox or radio by its label's (the label is what a
 * finger hits). Each as `tag[name]: width×height`.
 */
export function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const visit = (root: ShadowRoot) => {
      const targets = root.querySelectorAll<HTMLElement>("button, a[href], select, input, textarea");
      for (const el of targets) {
        const type = el.getAttribute("type") ?? "";
        if (type === "hidden" || type === "file") continue;
        const box = (
          type === "checkbox" || type === "radio" ? (el.closest("label") ?? el) : el
        ).getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (box.height < 44 || box.width < 44)
          small.push(
            `${el.localName}[${el.getAttribute("name") ?? el.textContent?.trim() ?? ""}]: ${Math.round(box.width)}×${Math.round(box.height)}`,
          );
      }
      for (const el of root.querySelectorAll("*")) if (el.shadowRoot) visit(el.shadowRoot);
    };
    for (const el of document.querySelectorAll("*")) if (el.shadowRoot) visit(el.shadowRoot);
    return small;
  });
}
