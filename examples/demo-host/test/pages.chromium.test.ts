// The demo host's pages in real Chromium: each persona's workspace loads its widgets with no
// console error, the teacher opens the record form headed by the student's name and saves a
// draft (the server holds it), the county officer's page shows no child's name and reads this
// term's coverage by school name, and the API panel pages through the whole list.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deepText, ensureChromium, launchChromium, widgetRendered } from "@homevisit-examples/shared/widgets-test";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoHost, personaCookie, startDemoHost } from "../src/host.js";
import type { PersonaKey } from "../src/seed.js";

const available = ensureChromium();
if (!available) console.log("SKIPPED demo host pages in Chromium: no Chromium at /usr/bin/chromium");

describe.skipIf(!available)("the demo host's pages in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "homevisit-demo-pages-"));
  let host: DemoHost;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;
  /** Every child's name in the school, from the principal's view of the API. */
  const childNames: string[] = [];

  beforeAll(async () => {
    host = await startDemoHost({ filename: join(dir, "demo.db"), port: 0, students: 200 });
    ({ context, close: closeBrowser } = await launchChromium());
    const cookie = `${personaCookie}=principal`;
    let cursor: string | undefined;
    do {
      const url = new URL(`/api/students?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, host.url);
      const page = (await (await fetch(url, { headers: { Cookie: cookie } })).json()) as {
        items: { name: string }[];
        nextCursor?: string;
      };
      childNames.push(...page.items.map((s) => s.name));
      cursor = page.nextCursor;
    } while (cursor);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await host?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens `/` as a persona; waits for every widget and the API panel; collects errors. */
  async function open(persona: PersonaKey): Promise<{ page: Page; errors: string[]; tags: string[] }> {
    await context.clearCookies();
    await context.addCookies([{ name: personaCookie, value: persona, url: host.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // The API panel shows scoping by asking, on purpose, for what the persona may not see: the
    // browser logs those denials (and its own favicon probe); anything else is an error.
    const world = host.world;
    const principal = world.personas.find((p) => p.key === "principal");
    const deliberate = [
      `/api/students/${world.otherStudentId}`,
      ...(persona === "county_bureau"
        ? ["/api/students?limit=100", `/api/students/${principal?.sampleStudentId}/archive`]
        : []),
      "/favicon.ico",
    ].map((path) => new URL(path, host.url).href);
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const url = message.location().url;
      const denied =
        deliberate.includes(url) ||
        // Coverage is a principal's and a bureau's: the panel shows the others being refused.
        (!["principal", "county_bureau"].includes(persona) && url.startsWith(`${host.url}api/reports/coverage?`));
      if (message.text().startsWith("Failed to load resource") && denied) return;
      errors.push(`${message.text()} ${url}`);
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(host.url);
    const tags = await page.evaluate(() =>
      [...document.querySelectorAll("section.widgets > *")].map((el) => el.localName),
    );
    for (const tag of tags) await widgetRendered(page, tag);
    await page.waitForFunction(() => !document.getElementById("calls")?.textContent?.startsWith("Loading"));
    return { page, errors, tags };
  }

  const expected: Record<PersonaKey, string[]> = {
    teacher: ["hv-my-visits", "hv-visit-record-form"],
    class_teacher: ["hv-my-visits", "hv-student-archive"],
    mentor: ["hv-my-visits", "hv-visit-record-form", "hv-student-archive"],
    principal: ["hv-term-plan", "hv-safety-board", "hv-coverage", "hv-form-designer"],
    county_bureau: ["hv-coverage", "hv-form-designer"],
  };
  for (const [persona, widgets] of Object.entries(expected) as [PersonaKey, string[]][]) {
    it(`${persona}: the workspace loads its widgets with no console error`, async () => {
      const { page, errors, tags } = await open(persona);
      expect(tags).toEqual(widgets);
      for (const tag of tags) {
        // Rendered past loading, and not an error banner.
        const text = await page.locator(tag).evaluate((el) => el.shadowRoot?.textContent ?? "");
        expect(text.length).toBeGreaterThan(0);
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it("the teacher's appointments read in time order, today's visit first (the API pages them by id)", async () => {
    const { page } = await open("teacher");
    const cards = page.locator("hv-my-visits section[aria-labelledby='all'] li[data-appointment]");
    await cards.first().waitFor();
    const ids = await cards.evaluateAll((els) => els.map((el) => el.getAttribute("data-appointment")));
    expect(ids).toEqual(["demo-ap-today", "demo-ap-2", "demo-ap-3"]);
    await page.close();
  });

  it("the teacher's 提交记录 on today's visit opens the form for that student and appointment", async () => {
    const { page, errors } = await open("teacher");
    const today = page.locator("hv-my-visits section[aria-labelledby='today'] li").first();
    const name = (await today.locator("strong").textContent())?.split(" · ").pop();
    await today.getByRole("button", { name: "提交记录" }).click();
    const form = page.locator("hv-visit-record-form");
    await expect.poll(() => form.locator("legend").first().textContent()).toBe(name);
    expect(await form.getAttribute("appointment-id")).toBe("demo-ap-today");
    await page.evaluate(() => {
      document.addEventListener("hv-record-saved", (e) => {
        (window as unknown as { saved: unknown }).saved = (e as CustomEvent).detail;
      });
    });
    await form.locator('input[name="arrivedAt"]').fill("2026-11-10T16:30");
    await form.getByRole("button", { name: "保存草稿" }).click();
    await form.getByText("草稿已保存").waitFor();
    const saved = (await page.evaluate(() => (window as unknown as { saved: unknown }).saved)) as { recordId: string };
    const stored = await fetch(new URL(`/api/visit-records/${saved.recordId}`, host.url), {
      headers: {
        Cookie: `${personaCookie}=teacher`,
        "Homevisit-Purpose": encodeURIComponent("核对草稿 check the draft"),
      },
    });
    const body = (await stored.json()) as { record: { appointmentId?: string } };
    expect(body.record.appointmentId).toBe("demo-ap-today");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the teacher opens the record form and saves a draft: the server holds it", async () => {
    const { page, errors } = await open("teacher");
    const form = page.locator("hv-visit-record-form");
    // Headed by the student's name, which the host's roster knows (the API carries ids).
    const sample = host.world.personas.find((p) => p.key === "teacher")?.sampleStudentName;
    expect(sample).toBeTruthy();
    await expect.poll(() => form.locator("legend").first().textContent()).toBe(sample);
    await page.evaluate(() => {
      document.addEventListener("hv-record-saved", (e) => {
        (window as unknown as { saved: unknown }).saved = (e as CustomEvent).detail;
      });
    });
    await form.locator('input[name="arrivedAt"]').fill("2026-11-10T16:30");
    await form.locator('textarea[name="familySituation.notes"]').fill("与祖母同住，学习角整洁");
    await form.getByRole("button", { name: "保存草稿" }).click();
    await form.getByText("草稿已保存").waitFor();
    const saved = (await page.evaluate(() => (window as unknown as { saved: unknown }).saved)) as {
      recordId?: string;
      onDevice: boolean;
    };
    expect(saved.onDevice).toBe(false);
    const teacher = host.world.personas.find((p) => p.key === "teacher");
    const stored = await fetch(new URL(`/api/visit-records/${saved.recordId}`, host.url), {
      headers: {
        Cookie: `${personaCookie}=teacher`,
        "Homevisit-Purpose": encodeURIComponent("核对草稿 check the draft"),
      },
    });
    expect(stored.status).toBe(200);
    const body = (await stored.json()) as { record: { status: string; studentId: string } };
    expect([body.record.status, body.record.studentId]).toEqual(["draft", teacher?.sampleStudentId]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the county officer's page has no child's name anywhere in the DOM", async () => {
    const { page } = await open("county_bureau");
    await page.locator("hv-coverage").locator("tbody tr").first().waitFor();
    expect(childNames.length).toBeGreaterThanOrEqual(host.world.students);
    const text = await deepText(page);
    expect(childNames.filter((name) => text.includes(name))).toEqual([]);
    // The school by its name, as the host knows it, not by its id.
    const heads = await page.locator("hv-coverage").locator("tbody th").allTextContents();
    expect(heads).toEqual([host.world.schoolName]);
    // No school of its own: GET /terms gives the calendar's terms of this school year and the
    // last (the host passes none), this term is read first, and a pick is sent.
    const asked: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/reports/coverage")) asked.push(new URL(r.url()).searchParams.get("termId") ?? "");
    });
    const select = page.locator("hv-coverage").locator('select[name="term"]');
    const terms = await select.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(terms.length).toBe(5);
    const first = await select.inputValue();
    expect(terms).toContain(first);
    expect(first).not.toBe("");
    const other = terms.find((t) => t !== "" && t !== first) ?? "";
    await select.selectOption(other);
    await expect.poll(() => asked).toContain(other);
    // "By date range" reads the period it names, and stays chosen.
    await select.selectOption("");
    await expect.poll(() => asked).toContain("");
    expect(await select.inputValue()).toBe("");
    await page.close();
  });

  it("the county officer's form designer continues from the county's published form", async () => {
    const bureau = host.world.personas.find((p) => p.key === "county_bureau");
    const countyId = bureau?.actor.countyId ?? "";
    const send = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(new URL(`/api${path}`, host.url), {
        method: "POST",
        headers: { Cookie: `${personaCookie}=county_bureau`, "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      expect(response.status).toBeLessThan(300);
      return (await response.json()) as { form: { id: string }; version: number };
    };
    const drafted = await send("/forms", {
      level: "county",
      scopeId: countyId,
      name: { "zh-CN": "县级家访补充项" },
      fields: [{ type: "boolean", key: "hasStudyDesk", label: { "zh-CN": "有固定书桌" }, required: false }],
    });
    await send(`/forms/${drafted.form.id}/publish`, {}, { "If-Match": `"${drafted.version}"` });
    const { page, errors } = await open("county_bureau");
    const designer = page.locator("hv-form-designer");
    await expect.poll(() => designer.locator('input[name="key"]').first().inputValue()).toBe("hasStudyDesk");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the API panel pages through the whole school, past the first page", async () => {
    const { page } = await open("principal");
    const rows = page.locator("#calls table tr:has(td)");
    expect(await rows.count()).toBe(host.world.students);
    await expect
      .poll(() => page.locator("#calls").textContent())
      .toContain(`共 ${host.world.students} 名，${Math.ceil(host.world.students / 100)} 页`);
    await page.close();
  });

  it("the API reference filters its routes and schemas as one types, and a schema reference opens the schema", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(new URL("/reference", host.url).href);
    const all = await page.locator("#reference details").count();
    expect(all).toBeGreaterThan(100);
    await page.getByLabel("筛选 · Filter").fill("visit-records submit");
    await expect.poll(() => page.locator("#reference-count").textContent()).toMatch(/^\d+ \/ \d+$/);
    const shown = page.locator("#reference details:not([hidden])");
    const texts = await shown.evaluateAll((els) => els.map((el) => (el.textContent ?? "").toLowerCase()));
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.length).toBeLessThan(all);
    for (const text of texts) expect(text.includes("visit-records") && text.includes("submit")).toBe(true);
    expect(await page.locator("#reference-count").textContent()).toBe(`${texts.length} / ${all}`);
    // Cleared, everything is back.
    await page.getByLabel("筛选 · Filter").fill("");
    await expect.poll(() => shown.count()).toBe(all);
    // A schema's reference links to the schema, which opens.
    const link = page.locator('#reference a[href="#schema-PlanSummary"]').first();
    await link.evaluate((a) => (a.closest("details") as HTMLDetailsElement).setAttribute("open", ""));
    await link.click();
    await expect
      .poll(() => page.locator("#schema-PlanSummary").evaluate((d) => (d as HTMLDetailsElement).open))
      .toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
