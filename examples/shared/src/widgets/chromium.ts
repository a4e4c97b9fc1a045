// Real Chromium for the widget tests: Debian's package, driven by playwright-core (never
// `npx playwright install`, whose downloads fail on these machines). scripts/ensure-chromium.sh
// installs it when it is missing and this process may use apt (root, or CI); otherwise the
// tests skip with one line saying so.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
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
