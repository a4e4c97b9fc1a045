// The Vue example's host: app.ts bundled with esbuild at start (Vue's full build, which compiles
// the template in the page; no Vite, no SFC plugin), served beside the REST handler on the
// shared seeded campus.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bundleBrowserEntry,
  type CampusWorld,
  type FrameworkHost,
  startFrameworkHost,
} from "@homevisit-examples/shared/widgets";

/**
 * Bundles the Vue app and starts its host.
 *
 * @example
 * ```ts
 * const host = await startVueHost({ port: 0 });
 * // open `${host.url}?view=visits&today=2026-11-10` with the cookie hv_persona=teacher
 * await host.close();
 * ```
 */
export async function startVueHost(options: { port?: number; world?: CampusWorld } = {}): Promise<FrameworkHost> {
  const script = await bundleBrowserEntry(join(dirname(fileURLToPath(import.meta.url)), "app.ts"), {
    alias: { vue: createRequire(import.meta.url).resolve("vue/dist/vue.esm-bundler.js") },
    // Vue's compile-time flags, as its bundler plugins would set them.
    define: {
      __VUE_OPTIONS_API__: "true",
      __VUE_PROD_DEVTOOLS__: "false",
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
    },
  });
  return startFrameworkHost({ title: "Vue 3", script, ...options });
}
