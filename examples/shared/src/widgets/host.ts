// The page host of the framework examples (React, Vue): the seeded campus, the REST handler
// mounted at /api/homevisit behind a stand-in login (the `hv_persona` cookie: the host's, never
// homevisit's), the app's script bundled at start, and one page shell the app renders into.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRestHandler } from "@homevisit/rest";
import { getRequestListener } from "@hono/node-server";
import { type CampusWorld, campusDay, campusTerm, type PersonaKey, seedCampus } from "./world.js";

/** Where the REST handler is mounted. */
export const apiBase = "/api/homevisit";

/** What the page hands the app in its `#campus` JSON block. */
export interface CampusConfig {
  apiBase: string;
  /** Which screen: `visits`, `record`, `coverage`, `safety`. */
  view: string;
  /** The query string's other entries (`student-id`, `today`, `group-by` …). */
  params: Record<string, string>;
  locale: string;
  day: string;
  term: string;
  /** Class ids to their Chinese names: the host knows them, the coverage report carries ids. */
  classNames: Record<string, string>;
}

/** A running framework host. */
export interface FrameworkHost {
  url: string;
  world: CampusWorld;
  close(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

function personaOf(request: Request): PersonaKey | undefined {
  const match = /(?:^|;\s*)hv_persona=([a-z_]+)/.exec(request.headers.get("cookie") ?? "");
  return match?.[1] as PersonaKey | undefined;
}

/**
 * Starts a framework example: `/?view=visits|record|coverage|safety&…` serves the page shell with the
 * config block, `/app.js` the bundled app, `/api/homevisit/*` the REST handler.
 *
 * @example
 * ```ts
 * const host = await startFrameworkHost({ title: "React", script: await bundleBrowserEntry(entry, { jsx: "automatic" }) });
 * // open `${host.url}?view=visits&today=2026-11-10` with the cookie hv_persona=teacher
 * await host.close();
 * ```
 */
export async function startFrameworkHost(options: {
  title: string;
  script: string;
  port?: number;
  world?: CampusWorld;
  /** The host's own pages beside the app (answer undefined for a path that is not theirs). */
  routes?: (url: URL, world: CampusWorld) => Response | undefined;
}): Promise<FrameworkHost> {
  const world = options.world ?? (await seedCampus());
  const rest = createRestHandler(world.engine, {
    basePath: apiBase,
    getActor: (request) => {
      const key = personaOf(request);
      return key ? world.actors[key] : null;
    },
  });
  const app = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname.startsWith(`${apiBase}/`)) return rest(request);
    if (url.pathname === "/app.js")
      return new Response(options.script, { headers: { "content-type": "text/javascript; charset=utf-8" } });
    const own = options.routes?.(url, world);
    if (own) return own;
    if (url.pathname !== "/") return new Response("not found", { status: 404 });
    const locale = url.searchParams.get("locale") === "en" ? "en" : "zh-CN";
    const config: CampusConfig = {
      apiBase,
      view: url.searchParams.get("view") ?? "visits",
      params: Object.fromEntries([...url.searchParams].filter(([k]) => k !== "view" && k !== "locale")),
      locale,
      day: campusDay,
      term: campusTerm,
      classNames: world.classNames,
    };
    const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · homevisit</title><link rel="icon" href="data:,">
<style>body{margin:0;padding:12px;font-family:system-ui,"Noto Sans CJK SC",sans-serif;background:#f5f6f7}main{max-width:960px;margin:0 auto}nav a{display:inline-block;min-height:44px;line-height:44px;margin-right:12px}</style>
</head>
<body><main id="app"></main>
<script type="application/json" id="campus">${scriptJson(config)}</script>
<script type="module" src="/app.js"></script>
</body></html>`;
    return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
  };
  const server = createServer(getRequestListener(app, { overrideGlobalObjects: false }));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    world,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
