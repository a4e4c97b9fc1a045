// The demo host's API reference: one HTML page rendered on the server from the OpenAPI
// document, with a filter box and links from each schema reference to the schema
// (/reference.js: the page's CSP allows no inline script).
import { escapeHtml, layout } from "./pages.js";

// The OpenAPI document, loosely typed: the reference renders whatever the document holds.
type Json = Record<string, unknown>;

/** A schema as indented JSON, each `$ref` to a shared schema a link to it below. */
function schemaText(schema: unknown): string {
  return escapeHtml(JSON.stringify(schema, null, 2) ?? "").replace(
    /&#34;#\/components\/schemas\/([\w.-]+)&#34;/g,
    (_, name: string) => `<a href="#schema-${name}">&#34;#/components/schemas/${name}&#34;</a>`,
  );
}

function parameterRows(parameters: unknown): string {
  if (!Array.isArray(parameters) || parameters.length === 0) return "";
  const rows = parameters
    .map((p: Json) => {
      const schema = (p.schema ?? {}) as Json;
      const type =
        typeof schema.type === "string"
          ? schema.type
          : typeof schema.$ref === "string"
            ? schema.$ref.split("/").pop()
            : "";
      const description =
        typeof p.description === "string"
          ? p.description
          : typeof schema.description === "string"
            ? schema.description
            : "";
      return `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? "required" : ""}</td><td>${escapeHtml(String(type ?? ""))}</td><td>${escapeHtml(description)}</td></tr>`;
    })
    .join("");
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th></th><th>type</th><th>description</th></tr>${rows}</table>`;
}

function contentSchema(content: unknown): unknown {
  if (content === null || typeof content !== "object") return undefined;
  const first = Object.values(content as Json)[0] as Json | undefined;
  return first?.schema;
}

/**
 * The API reference as one HTML page, rendered on the server from the OpenAPI document: every
 * route with its method, summary, parameters, request body and responses, then the shared
 * schemas, each `$ref` a link to its schema; a filter box ({@link referenceScript}) keeps the
 * routes and schemas that hold a text. Nothing is fetched from the internet.
 *
 * @example
 * ```ts
 * referencePage({ openapi: "3.1.0", info: { title: "homevisit" }, paths: {} }); // "<!doctype html>…<h1>homevisit …"
 * ```
 */
export function referencePage(doc: Json): string {
  const info = (doc.info ?? {}) as Json;
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const servers = Array.isArray(doc.servers) ? (doc.servers as Json[]) : [];
  const base = typeof servers[0]?.url === "string" ? servers[0].url : "";
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const op = raw as Json;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === "string" ? op.tags[0] : "other";
      const upper = method.toUpperCase();
      const body = op.requestBody as Json | undefined;
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
        .map(([status, r]) => {
          const schema = contentSchema(r.content);
          const detail =
            schema === undefined || status !== String(Number(status)) || Number(status) >= 400
              ? ""
              : `<pre>${schemaText(schema)}</pre>`;
          return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(String(r.description ?? ""))}${detail}</li>`;
        })
        .join("");
      const html = `<details id="${escapeHtml(String(op.operationId ?? `${method}-${path}`))}">
<summary><span class="method ${upper}">${upper}</span> <code>${escapeHtml(base === "/" ? path : `${base}${path}`)}</code> — ${escapeHtml(String(op.summary ?? ""))} <small><code>${escapeHtml(String(op.operationId ?? ""))}</code></small></summary>
<p>${escapeHtml(String(op.description ?? ""))}</p>
${parameterRows(op.parameters)}
${body === undefined ? "" : `<h4>Request body (application/json)</h4><pre>${schemaText(contentSchema(body.content))}</pre>`}
<h4>Responses</h4><ul>${responses}</ul>
</details>`;
      const list = byTag.get(tag) ?? [];
      list.push(html);
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${ops.join("\n")}`)
    .join("\n");
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
  const components = Object.entries(schemas)
    .map(
      ([name, schema]) =>
        `<details id="schema-${escapeHtml(name)}"><summary><code>${escapeHtml(name)}</code></summary><pre>${schemaText(schema)}</pre></details>`,
    )
    .join("\n");
  const body = `<p><a href="/">← 演示首页 · demo home</a> · <a href="/api/openapi.json">openapi.json</a></p>
<h1>${escapeHtml(String(info.title ?? "API"))} <small>${escapeHtml(String(info.version ?? ""))}</small></h1>
<p>${escapeHtml(String(info.description ?? ""))}</p>
<p><label>筛选 · Filter <input type="search" id="reference-filter" placeholder="plans, /visit-records, PlanSummary …"></label>
<output id="reference-count" for="reference-filter"></output></p>
<div id="reference">
${sections}
${components === "" ? "" : `<h2>Schemas</h2>${components}`}
</div>`;
  return layout(`${String(info.title ?? "API")} reference`, body, "/reference.js");
}

/**
 * The reference page's script (served as `/reference.js`): the filter keeps the routes and
 * schemas whose text holds every word typed (case aside) and says how many; a link to a schema
 * opens it.
 */
export const referenceScript = `
const filter = document.getElementById("reference-filter");
const count = document.getElementById("reference-count");
const items = [...document.querySelectorAll("#reference details")];
const texts = items.map((d) => d.textContent.toLowerCase());
function apply() {
  const words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
  let shown = 0;
  items.forEach((item, i) => {
    const match = words.every((w) => texts[i].includes(w));
    item.hidden = !match;
    if (match) shown += 1;
  });
  for (const heading of document.querySelectorAll("#reference h2")) {
    let next = heading.nextElementSibling;
    let any = false;
    while (next && next.tagName !== "H2") {
      if (next.tagName === "DETAILS" && !next.hidden) any = true;
      next = next.nextElementSibling;
    }
    heading.hidden = !any;
  }
  count.textContent = words.length === 0 ? "" : shown + " / " + items.length;
}
function openTarget() {
  const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  if (target && target.tagName === "DETAILS") {
    target.hidden = false;
    target.open = true;
    target.scrollIntoView();
  }
}
filter.addEventListener("input", apply);
window.addEventListener("hashchange", openTarget);
openTarget();
`;
