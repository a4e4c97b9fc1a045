// The React example's host: app.tsx bundled with esbuild at start (React's automatic JSX, no
// Vite), served beside the REST handler on the shared seeded campus.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bundleBrowserEntry,
  type CampusWorld,
  type FrameworkHost,
  startFrameworkHost,
} from "@homevisit-examples/shared/widgets";

/**
 * Bundles the React app and starts its host.
 *
 * @example
 * ```ts
 * const host = await startReactHost({ port: 0 });
 * // open `${host.url}?view=visits&today=2026-11-10` with the cookie hv_persona=teacher
 * await host.close();
 * ```
 */
export async function startReactHost(options: { port?: number; world?: CampusWorld } = {}): Promise<FrameworkHost> {
  const script = await bundleBrowserEntry(join(dirname(fileURLToPath(import.meta.url)), "app.tsx"), {
    jsx: "automatic",
  });
  return startFrameworkHost({ title: "React 19", script, ...options });
}
