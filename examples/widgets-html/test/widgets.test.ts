// The widgets in real Chromium, over real HTTP, against the real REST handler and engine, seeded
// mid-term. The plain-HTML app passes the scenarios every host page must (host-case.ts, as the
// React and Vue examples do); below them what only this example covers, on its one-widget pages:
// photos stripped of metadata, the archive, class names in coverage, the render figure and the
// screenshots. Each scenario checks what the server stored, not only what the page says.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstRenderInPage, median } from "../../../packages/widgets/test/support/measure.js";
import { startWidgetsHost, type WidgetsHost } from "../src/server.js";
import { campusDay, campusTerm, type PersonaKey } from "../src/world.js";
import { axeProblems, ensureChromium, fillVisitRecord, frameworkHostCase, launchChromium } from "./chromium.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const screenshots = process.env.HOMEVISIT_SCREENSHOTS === "1";

frameworkHostCase("plain HTML", () => startWidgetsHost());

const available = ensureChromium();
if (!available)
  console.log("SKIPPED widgets browser tests: no Chromium at /usr/bin/chromium and none could be installed");

describe.skipIf(!available)("widgets in Chromium", () => {
  let host: WidgetsHost;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    host = await startWidgetsHost();
    ({ context, close: closeBrowser } = await launchChromium());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await host?.close();
  });

  async function open(
    persona: PersonaKey,
    tag: string,
    query: Record<string, string> = {},
    width = 360,
  ): Promise<Page> {
    await context.clearCookies();
    await context.addCookies([{ name: "hv_persona", value: persona, url: host.url }]);
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    const url = new URL(`w/${tag}`, host.url);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    await page.goto(url.href);
    // Rendered: the shadow root holds something other than the loading line.
    await page.waitForFunction((t) => {
      const el = document.querySelector(t);
      return (
        el?.shadowRoot &&
        !el.shadowRoot.querySelector('[role="status"]:only-child') &&
        el.shadowRoot.children.length > 0
      );
    }, tag);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    if (!screenshots) return;
    mkdirSync(join(root, "docs/screenshots"), { recursive: true });
    await page.screenshot({ path: join(root, "docs/screenshots", `${name}.png`), fullPage: true });
  }

  it("a photo is resized and stripped of its metadata on the phone; offline, it is sent once", async () => {
    const student = host.world.assigned[0];
    if (!student) throw new Error("no assigned student");
    const page = await open("teacher", "hv-visit-record-form", { "student-id": student.id, term: campusTerm });
    const form = page.locator("hv-visit-record-form");
    expect(await axeProblems(page)).toEqual([]);
    await fillVisitRecord(form, campusDay);
    // A photo with a GPS marker in an EXIF segment: the phone must not send it.
    const jpeg = await page.evaluate(async () => {
      const c = document.createElement("canvas");
      c.width = 2400;
      c.height = 1800;
      const g = c.getContext("2d") as CanvasRenderingContext2D;
      g.fillStyle = "#3a7";
      g.fillRect(0, 0, 2400, 1800);
      const blob = await new Promise<Blob>((r) => c.toBlob((b) => r(b as Blob), "image/jpeg", 0.9));
      return [...new Uint8Array(await blob.arrayBuffer())];
    });
    const marker = Buffer.from("Exif\0\0GPS-MARKER-28.4513N-119.9141E", "latin1");
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, marker.length + 2]), marker]);
    const photo = Buffer.concat([Buffer.from(jpeg.slice(0, 2)), app1, Buffer.from(jpeg.slice(2))]);
    await form.locator('input[type="file"]').setInputFiles({ name: "home.jpg", mimeType: "image/jpeg", buffer: photo });
    await form.locator(".photo").waitFor();

    await context.setOffline(true);
    await form.getByRole("button", { name: "提交记录" }).click();
    await form.getByText("已保存在本机").waitFor();
    expect(await axeProblems(page)).toEqual([]);
    const before = await host.world.storage.visitRecords.list({ where: { studentId: student.id } });
    expect(before.items).toHaveLength(0);

    await context.setOffline(false);
    await form.getByText("记录已提交").waitFor();
    // A second "back online" on the same page and a fresh page flushing its drafts: still one.
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    const again = await open("teacher", "hv-visit-record-form", { "student-id": student.id, term: campusTerm });
    await again.evaluate(() =>
      (document.querySelector("hv-visit-record-form") as unknown as { sendPending(): Promise<unknown> }).sendPending(),
    );
    const after = await host.world.storage.visitRecords.list({ where: { studentId: student.id } });
    expect(after.items).toHaveLength(1);
    const record = after.items[0]?.record;
    expect(record?.status).toBe("submitted");
    expect(record?.photos).toHaveLength(1);
    const bytes = await host.world.blobs.raw(record?.photos[0]?.blobId ?? "");
    expect(bytes).toBeDefined();
    expect(Buffer.from(bytes ?? []).includes("GPS-MARKER")).toBe(false);
    await again.close();
    await page.close();
  });

  it("the student archive asks for a purpose, then shows the timeline", async () => {
    const student = host.world.assigned[0];
    const page = await open("teacher", "hv-student-archive", { "student-id": student?.id ?? "" });
    expect(await axeProblems(page)).toEqual([]);
    const archive = page.locator("hv-student-archive");
    await archive.locator('input[name="purpose"]').fill("家访准备");
    await archive.getByRole("button", { name: "打开档案" }).click();
    await archive.locator('[part="timeline"] li').first().waitFor();
    expect(await archive.locator('[part="timeline"] li').count()).toBe(1);
    // The record's state in words, not the value the API carries.
    const state = await archive.locator('[part="timeline"] li p.muted').first().textContent();
    expect(["草稿", "已提交", "已修订"]).toContain(state?.split(" · ")[0]);
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
  });

  it("the principal's coverage by class shows classes by their Chinese names", async () => {
    const page = await open("principal", "hv-coverage", { "group-by": "class", to: campusDay });
    const coverage = page.locator("hv-coverage");
    await coverage.locator("tbody tr").first().waitFor();
    const heads = await coverage.locator("tbody th").allTextContents();
    expect(heads.some((h) => /班/.test(h))).toBe(true);
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
  });

  it("the principal's coverage opens on the school's term of today; 'by date range' reads the period it names", async () => {
    const page = await open("principal", "hv-coverage", { "group-by": "class" });
    const coverage = page.locator("hv-coverage");
    await coverage.locator("tbody tr").first().waitFor();
    const select = coverage.locator('select[name="term"]');
    const caption = async () => (await coverage.locator("figcaption").textContent()) ?? "";
    const period = async (value: string) => {
      const text = (await select.locator(`option[value="${value}"]`).textContent()) ?? "";
      return /（(\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2})）/.exec(text)?.[1] ?? "no period in the option";
    };
    // A term is chosen before the first report is read: its days are the report's period.
    const term = await select.inputValue();
    expect(term).not.toBe("");
    expect(await caption()).toContain(await period(term));
    // "By date range" names its period, reads it, and stays chosen.
    await select.selectOption("");
    const range = await period("");
    await expect.poll(caption).toContain(range);
    expect(await select.inputValue()).toBe("");
    await page.close();
  });

  it("a bureau's coverage offers the calendar's terms, on the days its schools are offered", async () => {
    // The host passes no terms: GET /terms gives bureau staff this school year's and the last.
    const page = await open("county_bureau", "hv-coverage", { "group-by": "school" });
    const coverage = page.locator("hv-coverage");
    const select = coverage.locator('select[name="term"]');
    await select.waitFor();
    const offered = await select
      .locator("option")
      .evaluateAll((options) => options.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? ""]));
    const school = await host.world.engine.me.terms(host.world.actors.principal, {});
    const terms = offered.filter(([value]) => value !== "");
    expect(terms.length).toBe(4);
    for (const [id, text] of terms) {
      // The school's days for the same term, where the school has not planned it otherwise.
      const same = school.items.find((i) => i.term.id === id && i.source === "calendar");
      if (same) expect(text).toContain(`${same.term.start} – ${same.term.end}`);
    }
    expect(terms.some(([id]) => school.items.some((i) => i.term.id === id && i.source === "calendar"))).toBe(true);
    await page.close();
  });

  it("the record form numbers the six tasks once each; task 6's second half says it continues", async () => {
    const student = host.world.assigned[1]?.id ?? "";
    const page = await open("teacher", "hv-visit-record-form", { "student-id": student, term: campusTerm }, 1280);
    const legends = await page.locator("hv-visit-record-form fieldset[id^='section-'] > legend").allTextContents();
    expect(legends.map((l) => l.trim()).filter((l) => /^\d/.test(l))).toEqual([
      "1. 了解家庭情况",
      "2. 反馈在校表现",
      "3. 介绍学校及教育政策",
      "4. 健康成长指导",
      "5. 重点学生帮扶",
      "6. 家长意见和建议",
      "6（续） 反思与评价",
    ]);
    await page.close();
  });

  it("an appointment whose day has gone, and that nothing closed, says so", async () => {
    const later = "2026-12-20"; // same term, after every seeded appointment
    const page = await open("teacher", "hv-my-visits", { today: later }, 1280);
    const cards = page.locator("hv-my-visits li[data-appointment]");
    await cards.first().waitFor();
    const shown = await cards.evaluateAll((els) =>
      els.map((el) => ({
        status: el.getAttribute("data-status"),
        past: el.querySelector("[data-past]")?.textContent,
      })),
    );
    const closed = ["refused", "completed", "missed", "cancelled"];
    expect(shown.some((c) => !closed.includes(c.status ?? ""))).toBe(true);
    for (const card of shown) {
      expect(card.past).toBe(closed.includes(card.status ?? "") ? undefined : "约定时间已过，请改约或补录记录");
    }
    await page.close();
  });

  // A figure for docs/benchmarks.md, not a pass/fail limit: these machines are noisy.
  it("measures the first render of the record form with a 30-field template beside plain HTML", async () => {
    const page = await open("teacher", "hv-my-visits", { today: campusDay }, 1280);
    const runs = await page.evaluate(firstRenderInPage, { runs: 15 });
    const figures = { widget: median(runs.widget), plain: median(runs.plain), customInputs: runs.customInputs };
    console.log(
      `hv-visit-record-form first render, 30 custom fields: median ${figures.widget.toFixed(1)} ms; same DOM as plain HTML: ${figures.plain.toFixed(1)} ms`,
    );
    expect(figures.customInputs).toBeGreaterThanOrEqual(30);
    await page.close();
  });

  it("a principal plans mid-term: from the day after the server's clock, owed visits placed late, late crisis visits called out", async () => {
    // The campus clock says 2026-11-10: the new students' and September's crisis windows have ended.
    const page = await open("principal", "hv-term-plan", { term: campusTerm, today: campusDay }, 1280);
    const planner = page.locator("hv-term-plan");
    await planner.getByRole("button", { name: "生成计划" }).click();
    const section = planner.locator('section[data-status="draft"]');
    await section.waitFor();
    const planId = (await section.getAttribute("data-plan")) ?? "";
    const q = await host.world.engine.plans.quality(host.world.actors.principal, { planId });
    expect(q.scheduleFrom).toBe("2026-11-11");
    await section.locator('[data-schedule-from="2026-11-11"]').getByText("计划自 2026-11-11 起排期").waitFor();
    expect(await section.locator('[data-figure="overdue"] dd').textContent()).toBe(String(q.placement.overdueSlots));
    expect(q.placement.overdueSlots).toBeGreaterThan(0);
    expect(await section.locator('[data-figure="arranged"] dd').textContent()).toBe(String(q.placement.arrangedSlots));
    const late = q.placement.crisis.afterDeadline;
    // The seeded campus has crises flagged in October whose deadlines have passed.
    expect(late).toBeGreaterThan(0);
    await section.locator(`[data-late-crisis="${late}"][role="alert"]`).getByText("请校长亲自督促").waitFor();
    // No visit of the draft on a day gone, but the ones kept from the teachers' appointments.
    const plan = await host.world.engine.plans.get(host.world.actors.principal, { planId, limit: 200 });
    expect(plan.plan.slots.every((s) => s.date >= "2026-11-11" || s.appointmentId !== undefined)).toBe(true);
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
  });

  it.runIf(screenshots)("writes screenshots at 360 and 1280 px, zh-CN and en", { timeout: 600_000 }, async () => {
    const student = host.world.assigned[1]?.id ?? "";
    const pages: [PersonaKey, string, Record<string, string>][] = [
      ["teacher", "hv-visit-record-form", { "student-id": student, term: campusTerm }],
      ["teacher", "hv-my-visits", { today: campusDay }],
      ["principal", "hv-safety-board", { today: campusDay, now: `${campusDay}T19:30:00+08:00` }],
      ["county_bureau", "hv-coverage", { "group-by": "school", to: campusDay }],
      ["principal", "hv-coverage", { "group-by": "class", to: campusDay }],
      ["teacher", "hv-student-archive", { "student-id": host.world.assigned[0]?.id ?? "" }],
      ["principal", "hv-term-plan", { term: campusTerm, today: campusDay }],
      ["school_admin", "hv-form-designer", { "scope-id": host.world.schoolId }],
    ];
    for (const [persona, tag, query] of pages) {
      for (const locale of ["zh-CN", "en"]) {
        for (const width of [360, 1280]) {
          const page = await open(persona, tag, { ...query, locale }, width);
          await page.waitForTimeout(300);
          await shot(page, `${tag.slice(3)}${persona === "county_bureau" ? "-bureau" : ""}-${locale}-${width}`);
          await page.close();
        }
      }
    }
  });
});
