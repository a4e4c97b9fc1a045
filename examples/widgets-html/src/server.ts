import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  apiBase,
  bundleBrowserEntry,
  type FrameworkHost,
  startFrameworkHost,
} from "@homevisit-examples/shared/widgets";
import { type CampusWorld, campusDay, campusTerm } from "./world.js";

export { apiBase };
/** The cookie of this example's stand-in login. */
export const personaCookie = "hv_persona";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The widgets a persona's page shows, with their attributes. */
export function widgetPage(world: CampusWorld, tag: string, locale: string, attrs: Record<string, string>): string {
  const all = { "base-url": apiBase, locale, ...attrs };
  const attributes = Object.entries(all)
    .map(([k, v]) => `${k}="${escapeHtml(v)}"`)
    .join(" ");
  const lang = locale === "en" ? "en" : "zh-CN";
  // Class names for the coverage chart: the host knows them, the report carries only ids.
  const setup =
    tag === "hv-coverage" ? `document.querySelector("hv-coverage").labels = ${JSON.stringify(world.classNames)};` : "";
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(tag)} · homevisit</title>
<style>body{margin:0;padding:12px;font-family:system-ui,"Noto Sans CJK SC",sans-serif;background:#f5f6f7}main{max-width:960px;margin:0 auto}</style>
</head>
<body><main><h1>${lang === "en" ? "Campus" : "智慧校园"}</h1><${tag} ${attributes}></${tag}></main>
<script type="module" src="/widgets.js"></script>
<script type="module">${setup}</script>
</body></html>`;
}

/** A running example host. */
export type WidgetsHost = FrameworkHost;

/**
 * Starts the example on the framework examples' host: `/?view=visits|record|coverage|safety`
 * is the plain-HTML app (`app.ts`, the same screens as the React and Vue examples), the REST
 * handler is at {@link apiBase} (the login is the `hv_persona` cookie: the host's, never
 * homevisit's), and `/w/<tag>?locale=en&<attribute>=<value>` pages embed one widget each with
 * `/widgets.js` (the widgets bundled at start).
 *
 * @example
 * ```ts
 * const host = await startWidgetsHost({ port: 0 });
 * // open `${host.url}w/hv-my-visits` with the cookie hv_persona=teacher
 * await host.close();
 * ```
 */
export async function startWidgetsHost(options: { port?: number; world?: CampusWorld } = {}): Promise<WidgetsHost> {
  const here = dirname(fileURLToPath(import.meta.url));
  // page.ts registers the widgets for the one-widget pages; app.ts is the app.
  const [script, app] = await Promise.all([
    bundleBrowserEntry(join(here, "page.ts")),
    bundleBrowserEntry(join(here, "app.ts")),
  ]);
  const routes = (url: URL, world: CampusWorld): Response | undefined => {
    if (url.pathname === "/widgets.js")
      return new Response(script, { headers: { "content-type": "text/javascript; charset=utf-8" } });
    const page = /^\/w\/(hv-[a-z-]+)$/.exec(url.pathname);
    if (page?.[1]) {
      const attrs = Object.fromEntries([...url.searchParams].filter(([k]) => k !== "locale"));
      const html = widgetPage(world, page[1], url.searchParams.get("locale") ?? "zh-CN", attrs);
      return new Response(html, {
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      });
    }
    if (url.pathname === "/" && !url.searchParams.has("view")) {
      const links = ["hv-my-visits", "hv-safety-board", "hv-coverage"]
        .map((t) => `<li><a href="/w/${t}?today=${campusDay}">${t}</a></li>`)
        .join("");
      const form = `<li><a href="/w/hv-visit-record-form?term=${campusTerm}&student-id=${world.assigned[0]?.id}">hv-visit-record-form</a></li>`;
      const views = ["visits", "record", "coverage", "safety"]
        .map((v) => `<li><a href="/?view=${v}&today=${campusDay}">?view=${v}</a></li>`)
        .join("");
      return new Response(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>homevisit widgets</title></head><body><main><h1>homevisit widgets</h1><ul>${links}${form}</ul><h2>App</h2><ul>${views}</ul><p>Set the cookie hv_persona to teacher, class_teacher, principal, school_admin or county_bureau.</p></main></body></html>`,
        { headers: { "content-type": "text/html; charset=utf-8" } },
      );
    }
    return undefined;
  };
  return startFrameworkHost({ title: "HTML", script: app, routes, ...options });
}
