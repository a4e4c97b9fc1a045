// Issue 17 end to end in real Chromium: a school administrator designs a form in
// <hv-form-designer> (a yes/no question, a follow-up shown only on "yes", a phone with the
// school's own pattern and message) and publishes it; a teacher fills it in
// <hv-visit-record-form> on a 360-px page; the invalid phone is refused with the school's message
// (on the phone and by the server); the stored record holds the custom values; the bureau's
// coverage shows the aggregate section suppressed and none of the child's answers.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWidgetsHost, type WidgetsHost } from "../src/server.js";
import { campusDay, campusTerm, completeRecord, type PersonaKey } from "../src/world.js";
import {
  axeProblems,
  deepText,
  ensureChromium,
  fillVisitRecord,
  launchChromium,
  smallTargets,
  widgetRendered,
} from "./chromium.js";

const available = ensureChromium();
if (!available) console.log("SKIPPED form designer in Chromium: no Chromium at /usr/bin/chromium");

const phoneMessage = "请填写11位手机号（以1开头）";
const petKind = "金毛寻回犬";

describe.skipIf(!available)("a school designs its form, a teacher fills it (Chromium)", () => {
  let host: WidgetsHost;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let published: { id: string; version: number } | undefined;

  beforeAll(async () => {
    host = await startWidgetsHost();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  async function open(persona: PersonaKey, tag: string, query: Record<string, string>, width: number): Promise<Page> {
    await browser.context.clearCookies();
    await browser.context.addCookies([{ name: "hv_persona", value: persona, url: host.url }]);
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 900 });
    const url = new URL(`w/${tag}`, host.url);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    await page.goto(url.href);
    await widgetRendered(page, tag);
    return page;
  }

  async function api(persona: PersonaKey, path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(new URL(`api/homevisit${path}`, host.url), {
      ...init,
      headers: { Cookie: `hv_persona=${persona}`, "Accept-Language": "zh-CN", ...(init.headers ?? {}) },
    });
  }

  it("a designer that may not read the form it continues says so, instead of starting empty", async () => {
    // A teacher reads her school's forms only: the county's list is refused.
    const page = await open("teacher", "hv-form-designer", { level: "county", "scope-id": "any-county" }, 1280);
    const alert = page.locator('hv-form-designer [role="alert"]');
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(0);
    await page.close();
  });

  it("the administrator adds a question with a show-if and a patterned phone, then publishes", async () => {
    const page = await open("school_admin", "hv-form-designer", { "scope-id": host.world.schoolId }, 1280);
    const designer = page.locator("hv-form-designer");
    const field = (i: number) => designer.locator("fieldset[data-key]").nth(i);
    await designer.locator('input[name="formName"]').fill("家访补充信息");

    await designer.locator('select[name="addType"]').selectOption("boolean");
    await field(0).locator('input[name="key"]').fill("hasPets");
    await field(0).locator('input[name="labelZh"]').fill("家中是否养宠物");

    await designer.locator('select[name="addType"]').selectOption("text");
    await field(1).locator('input[name="key"]').fill("petKind");
    await field(1).locator('input[name="labelZh"]').fill("宠物种类");
    await field(1).locator('input[name="required"]').check();
    await field(1).locator('select[name="showIfField"]').selectOption("hasPets");

    await designer.locator('select[name="addType"]').selectOption("text");
    await field(2).locator('input[name="key"]').fill("contactPhone");
    await field(2).locator('input[name="labelZh"]').fill("监护人常用电话");
    await field(2).locator('input[name="pattern"]').fill("^1[3-9][0-9]{9}$");
    await field(2).locator('input[name="patternMessage"]').fill(phoneMessage);

    // The live preview is the record form itself: the follow-up hidden until "yes".
    const preview = designer.locator("hv-visit-record-form");
    await preview.locator('input[name="custom.contactPhone"]').waitFor();
    expect(await preview.locator('input[name="custom.petKind"]').count()).toBe(0);
    expect(await axeProblems(page)).toEqual([]);

    await designer.locator('button[name="review"]').click();
    const summary = designer.getByRole("dialog");
    await summary.getByText("hasPets、petKind、contactPhone").waitFor();
    await summary.locator('button[name="confirm"]').click();
    await designer.getByText("已发布").waitFor();
    await page.close();

    const current = (await (await api("teacher", "/visit-form")).json()) as {
      template: { id: string; version: number; fields: { key: string; showIf?: unknown }[] } | null;
    };
    published = current.template ? { id: current.template.id, version: current.template.version } : undefined;
    expect(current.template?.fields.map((f) => f.key)).toEqual(["hasPets", "petKind", "contactPhone"]);
    expect(current.template?.fields[1]?.showIf).toEqual({ field: "hasPets", equals: true });
  });

  it("a teacher fills it on a phone: the bad phone is refused with the school's message, then stored", async () => {
    const student = host.world.assigned[0];
    if (!student) throw new Error("no assigned student");
    const page = await open("teacher", "hv-visit-record-form", { "student-id": student.id, term: campusTerm }, 360);
    const form = page.locator("hv-visit-record-form");
    await form.locator("#section-custom").waitFor();
    expect(await form.locator('input[name="custom.petKind"]').count()).toBe(0);
    await form.locator('input[name="custom.hasPets"]').check();
    await form.locator('input[name="custom.petKind"]').fill(petKind);
    await form.locator('input[name="custom.contactPhone"]').fill("0571-123");

    await fillVisitRecord(form, campusDay);

    await form.getByRole("button", { name: "提交记录" }).click();
    await form.locator("#problems").getByText(phoneMessage).waitFor();
    expect(await form.locator('input[name="custom.contactPhone"]').getAttribute("aria-invalid")).toBe("true");
    expect((await host.world.storage.visitRecords.list({ where: { studentId: student.id } })).items).toHaveLength(0);
    expect(await axeProblems(page)).toEqual([]);
    expect(await smallTargets(page)).toEqual([]);

    // The server refuses it too, with the same message: the phone's check is not the only one.
    const { customFields: _none, ...built } = completeRecord(
      `${campusDay}T16:30:00+08:00`,
      `${campusDay}T17:40:00+08:00`,
    ) as {
      customFields?: unknown;
    } & Record<string, unknown>;
    const refused = await api("teacher", `/students/${student.id}/visit-records`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": "designer-bad-phone" },
      body: JSON.stringify({
        record: {
          ...built,
          customFields: {
            templateId: published?.id,
            templateVersion: published?.version,
            values: { hasPets: false, contactPhone: "0571-123" },
          },
        },
      }),
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(phoneMessage);

    await form.locator('input[name="custom.contactPhone"]').fill("13800001111");
    await form.getByRole("button", { name: "提交记录" }).click();
    await form.getByText("记录已提交").waitFor();
    const stored = await host.world.storage.visitRecords.list({ where: { studentId: student.id } });
    expect(stored.items).toHaveLength(1);
    const record = stored.items[0]?.record as { status: string; customFields?: { values: Record<string, unknown> } };
    expect(record.status).toBe("submitted");
    expect(record.customFields?.values).toEqual({ hasPets: true, petKind, contactPhone: "13800001111" });
    await page.close();
  });

  it("the bureau sees the section over the school's question, suppressed, and no child's answer", async () => {
    const page = await open(
      "county_bureau",
      "hv-coverage",
      { "group-by": "school", to: campusDay, "custom-fields": "hasPets,petKind" },
      360,
    );
    const section = page.locator('hv-coverage section[data-custom-field="hasPets"]');
    await section.waitFor();
    await section.getByText("人数不足 5 人，不显示").first().waitFor();
    const text = await deepText(page);
    expect(text).not.toContain(petKind);
    expect(host.world.studentNames.filter((n) => text.includes(n))).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
  });
});
