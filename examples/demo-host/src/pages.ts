import type { DemoWorld, Persona } from "./seed.js";

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b title="x">'); // "&#60;b title=&#34;x&#34;&#62;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a `<script type="application/json">` block. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

const style = `
  :root { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2933; background: #f7f7f2; }
  body { max-width: 1080px; margin: 0 auto; padding: 1.5rem; line-height: 1.5; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { margin-top: 2rem; font-size: 1.2rem; }
  .note { background: #fff8e1; border-left: 4px solid #f0b429; padding: 0.6rem 0.9rem; }
  .personas { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 0.7rem; }
  .persona { background: #fff; border: 1px solid #d9dde3; border-radius: 8px; padding: 0.8rem; }
  .persona.active { border: 2px solid #2f6fde; box-shadow: 0 0 0 3px #dbe7fb; }
  .persona button { margin-top: 0.5rem; width: 100%; padding: 0.4rem; cursor: pointer; }
  .persona small { color: #52606d; display: block; }
  .call { background: #fff; border: 1px solid #d9dde3; border-radius: 8px; margin: 0.8rem 0; padding: 0.8rem; }
  .call code { font-size: 0.9rem; } .status { font-weight: bold; padding: 0 0.4rem; border-radius: 4px; }
  .ok { background: #e3f9e5; color: #207227; } .denied { background: #ffe3e3; color: #a61b1b; }
  pre { background: #f0f4f8; padding: 0.6rem; overflow: auto; max-height: 22rem; font-size: 0.82rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; } td, th { border-bottom: 1px solid #e4e7eb; padding: 0.25rem 0.4rem; text-align: left; }
  .method { display: inline-block; min-width: 4.2rem; font-weight: bold; font-family: monospace; }
  .GET { color: #207227; } .POST { color: #2f6fde; } .PUT, .PATCH { color: #b25e09; } .DELETE { color: #a61b1b; }
  details { background: #fff; border: 1px solid #d9dde3; border-radius: 6px; margin: 0.4rem 0; padding: 0.4rem 0.7rem; }
  summary { cursor: pointer; }
`;

export function layout(title: string, body: string, script?: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
${body}
${script === undefined ? "" : `<script type="module" src="${script}"></script>`}
</body>
</html>`;
}

/**
 * The role switcher: the demo's personas as cards (a form each, posting to `/persona`), and a
 * panel where the browser calls the API as the chosen persona (`/demo.js`) so scoping shows.
 *
 * @example
 * ```ts
 * indexPage(world, world.personas[0]); // "<!doctype html>…<form class=\"persona active\" …"
 * ```
 */
export function indexPage(world: DemoWorld, current: Persona | undefined): string {
  const cards = world.personas
    .map(
      (p) => `<form class="persona${p.key === current?.key ? " active" : ""}" method="post" action="/persona">
  <strong>${escapeHtml(p.label["zh-CN"])} · ${escapeHtml(p.label.en)}</strong>
  <small>${escapeHtml(p.name)} <code>${escapeHtml(p.actor.id)}</code></small>
  <small>${escapeHtml(p.expect["zh-CN"])}</small>
  <small>${escapeHtml(p.expect.en)}</small>
  <input type="hidden" name="persona" value="${escapeHtml(p.key)}">
  <button type="submit">${p.key === current?.key ? "✓ 当前身份 · signed in" : "切换为此身份 · Sign in as"}</button>
</form>`,
    )
    .join("\n");
  const data = {
    current:
      current === undefined
        ? null
        : { key: current.key, label: current.label, sampleStudentId: current.sampleStudentId ?? null },
    otherStudentId: world.otherStudentId,
    anyStudentId: world.personas.find((p) => p.key === "principal")?.sampleStudentId ?? world.otherStudentId,
  };
  const body = `
<h1>homevisit 演示校园 · demo campus host</h1>
<p>${escapeHtml(world.countyName)} · ${escapeHtml(world.schoolName)} · ${world.students} 名学生（合成数据 synthetic data）</p>
<p class="note">这个角色切换器是<strong>演示主机自己的模拟登录</strong>：它把所选身份写入 cookie，主机的 <code>getActor(request)</code> 读取它。
homevisit 本身从不从请求中读取身份。<br>This role switcher is <strong>the demo host's own login mock</strong>: it puts the chosen persona in a
cookie that the host's <code>getActor(request)</code> reads. homevisit itself never reads identity from a request.</p>
<h2>选择身份 · Choose a persona</h2>
<div class="personas">${cards}</div>
${widgetsSection(world, current)}
<h2>API 返回了什么 · What the API returns${current === undefined ? "" : ` — ${escapeHtml(current.label["zh-CN"])} · ${escapeHtml(current.label.en)}`}</h2>
<div id="calls">${current === undefined ? "<p>先选择一个身份。Choose a persona first.</p>" : "<p>Loading…</p>"}</div>
<h2>接口文档 · API reference</h2>
<p><a href="/reference">API reference (HTML)</a> · <a href="/api/openapi.json">OpenAPI 3.1 document</a></p>
<script type="application/json" id="demo-data">${scriptJson(data)}</script>`;
  return layout("homevisit demo host", body, "/demo.js").replace(
    "</body>",
    `<script type="module" src="/widgets.js"></script>\n</body>`,
  );
}

/**
 * The browser side of the index page, plain fetch against `/api`: the masked list, one
 * student's archive (with a stated purpose), a record outside the persona's scope, and the
 * coverage report when the API offers one. Shows each call's status and body.
 */
export const demoScript = `
const data = JSON.parse(document.getElementById("demo-data").textContent);
const calls = document.getElementById("calls");
const escape = (t) => String(t).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");

async function call(title, path, init = {}) {
  const response = await fetch("/api" + path, { ...init, headers: { "Accept-Language": "zh-CN", ...(init.headers || {}) } });
  const text = await response.text();
  let body = text;
  try { body = JSON.parse(text); } catch {}
  return { title, path, status: response.status, etag: response.headers.get("etag"), body };
}

function render(result, extra = "") {
  const ok = result.status < 300;
  const shown = JSON.stringify(result.body, null, 2) || "";
  return '<div class="call"><div><span class="status ' + (ok ? "ok" : "denied") + '">' + result.status + "</span> <code>GET /api" +
    escape(result.path) + "</code>" + (result.etag ? " <small>ETag " + escape(result.etag) + "</small>" : "") + "</div><p>" + escape(result.title) + "</p>" +
    extra + '<pre tabindex="0">' + escape(shown.length > 6000 ? shown.slice(0, 6000) + "\\n…" : shown) + "</pre></div>";
}

// Page after page until the API says there is no more: the whole class (or school), not the first page.
async function callAll(title, path) {
  const items = [];
  let pages = 0;
  let cursor;
  let last;
  do {
    const sep = path.includes("?") ? "&" : "?";
    last = await call(title, path + (cursor ? sep + "cursor=" + encodeURIComponent(cursor) : ""));
    if (last.status !== 200) return last;
    pages += 1;
    items.push(...last.body.items);
    cursor = last.body.nextCursor;
  } while (cursor);
  return { ...last, path, pages, body: { items } };
}

// Classes by their Chinese names (the host knows them; the API carries ids).
const namesBlock = document.getElementById("hv-names");
const classNames = (namesBlock ? JSON.parse(namesBlock.textContent).classes : null) || {};

function studentTable(items) {
  if (!Array.isArray(items) || items.length === 0) return "";
  const rows = items.map((s) => "<tr><td>" + escape(s.name) + "</td><td>" + escape(classNames[s.classId] || s.classId || "") + "</td><td>" +
    escape((s.guardians || []).map((g) => g.phone || "").join(" ")) + "</td><td>" + escape(s.address.town + " " + s.address.village) +
    "</td><td>" + (s.priority ? "重点 priority" : "") + "</td></tr>").join("");
  return "<table><tr><th>姓名 name</th><th>班级 class</th><th>监护人电话 guardian phone</th><th>地址 address</th><th></th></tr>" + rows + "</table>";
}

async function main() {
  if (!data.current) return;
  const purpose = { "Homevisit-Purpose": encodeURIComponent("演示：家访准备 demo: visit preparation") };
  const out = [];
  const list = await callAll("学生列表（脱敏：电话打码、地址只到村）· Student list (masked: phones starred, addresses to the village)", "/students?limit=100");
  const count = list.status === 200 ? "<p>共 " + list.body.items.length + " 名，" + list.pages + " 页 · " + list.body.items.length + " students in " + list.pages + " page(s)</p>" : "";
  out.push(render(list, list.status === 200 ? count + studentTable(list.body.items) : ""));
  const sample = data.current.sampleStudentId || data.anyStudentId;
  out.push(render(await call("一名学生的家访档案（须说明用途，留痕）· A student's visit archive (needs a purpose; audited)", "/students/" + encodeURIComponent(sample) + "/archive", { headers: purpose })));
  if (data.current.key !== "principal") {
    out.push(render(await call("范围之外的学生：与不存在的记录回答一样（404）· A student outside the scope: answered like a missing record (404)", "/students/" + encodeURIComponent(data.otherStudentId), { headers: purpose })));
  }
  const doc = await (await fetch("/api/openapi.json")).json();
  const reports = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      if (method === "get" && op && typeof op.operationId === "string" && op.operationId.startsWith("reports.")) reports.push({ path, op });
    }
  }
  reports.sort((a, b) => (a.op.operationId === "reports.coverage" ? -1 : 0) - (b.op.operationId === "reports.coverage" ? -1 : 0));
  const report = reports.find((r) => !/[{]/.test(r.path));
  // Coverage needs a period and a grouping: this school year so far, by school.
  const now = new Date();
  const year = now.getMonth() >= 8 ? now.getFullYear() : now.getFullYear() - 1;
  const query = report && report.op.operationId === "reports.coverage"
    ? "?from=" + year + "-09-01&to=" + (year + 1) + "-08-31&groupBy=school"
    : "";
  if (report) out.push(render(await call("汇总报表 · " + (report.op.summary || report.op.operationId), report.path + query)));
  else out.push('<div class="call"><p>此版本的 API 尚无汇总报表接口。This API version has no aggregate report route yet.</p></div>');
  calls.innerHTML = out.join("");
}

const ready = main().catch((error) => { calls.textContent = String(error); });
`;

/** The term of a day: the first term runs from August, the second from February. */
function termOf(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month >= 8 ? `${year}-${year + 1}-1` : month >= 2 ? `${year - 1}-${year}-2` : `${year - 1}-${year}-1`;
}

/**
 * The persona's working screen, made of @homevisit/widgets: a teacher's visits and the record
 * form, the archive of a student in reach, a principal's term plan, safety board, coverage and
 * the school's own form fields, a bureau's coverage by school and its county's form fields.
 * Names the host knows (the school, classes, staff) go to the widgets as JSON; a child's name
 * only as the heading of that persona's own student.
 *
 * @example
 * ```ts
 * widgetsSection(world, world.personas[0]); // "<h2>工作台 · Workspace</h2>…<hv-my-visits …"
 * ```
 */
export function widgetsSection(world: DemoWorld, current: Persona | undefined): string {
  if (current === undefined) return "";
  const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const api = `base-url="/api"`;
  // The student's name is the host's to give (its roster): a heading, on this persona's page only.
  const named =
    current.sampleStudentName === undefined ? "" : ` student-name="${escapeHtml(current.sampleStudentName)}"`;
  const archive = (id: string | undefined) =>
    id === undefined ? "" : `<hv-student-archive ${api} student-id="${escapeHtml(id)}"${named}></hv-student-archive>`;
  const byPersona: Record<string, string> = {
    teacher: `<hv-my-visits ${api} teacher-id="${escapeHtml(current.actor.id)}"></hv-my-visits>
<hv-visit-record-form ${api} student-id="${escapeHtml(current.sampleStudentId ?? "")}"${named} term="${termOf(day)}"></hv-visit-record-form>`,
    class_teacher: `<hv-my-visits ${api}></hv-my-visits>${archive(current.sampleStudentId)}`,
    // A mentor's contacts are recorded like visits: 提交记录 opens the form for that mentee.
    mentor: `<hv-my-visits ${api}></hv-my-visits>
<hv-visit-record-form ${api} student-id="${escapeHtml(current.sampleStudentId ?? "")}"${named} term="${termOf(day)}"></hv-visit-record-form>${archive(current.sampleStudentId)}`,
    principal: `<hv-term-plan ${api} term="${termOf(day)}"></hv-term-plan><hv-safety-board ${api}></hv-safety-board><hv-coverage ${api} group-by="class"></hv-coverage>
<hv-form-designer ${api} scope-id="${escapeHtml(current.actor.schoolId ?? "")}"></hv-form-designer>`,
    // A bureau extends the form for every school of its county; its fields show after the school's.
    county_bureau: `<hv-coverage ${api} group-by="school" county-id="${escapeHtml(current.actor.countyId ?? "")}"></hv-coverage>
<hv-form-designer ${api} level="county" scope-id="${escapeHtml(current.actor.countyId ?? "")}"></hv-form-designer>`,
  };
  return `<h2>工作台 · Workspace — ${escapeHtml(current.label["zh-CN"])}</h2>
<section class="widgets">${byPersona[current.key] ?? ""}</section>
<script type="application/json" id="hv-names">${scriptJson(world.names)}</script>`;
}
