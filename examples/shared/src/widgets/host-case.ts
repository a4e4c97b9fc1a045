// The scenarios every framework host page (React, Vue) must pass, in real Chromium over real
// HTTP against the real REST handler and engine. Each checks what the server stored, not only
// what the page says, and that the app heard the widgets' typed events through its framework.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeProblems, deepText, ensureChromium, launchChromium, widgetRendered } from "./chromium.js";
import { fillVisitRecord } from "./fill-record.js";
import type { FrameworkHost } from "./host.js";
import { campusDay, campusTerm, type PersonaKey } from "./world.js";

/**
 * Declares the Chromium suite of one framework host. The host's app must render, by `view`:
 * `record` a `<hv-visit-record-form>` and, on `hv-record-submitted`, `[data-testid="submitted"]`
 * holding the record id; `visits` a `<hv-my-visits>` and, on `hv-appointment-changed`, an
 * `[data-testid="changes"] li` reading `<appointmentId> <status>`; `coverage` a `<hv-coverage>`;
 * `safety` a `<hv-safety-board>` with the `today` and `now` it is given.
 *
 * @example
 * ```ts
 * frameworkHostCase("React 19", () => startReactHost());
 * ```
 */
export function frameworkHostCase(name: string, start: () => Promise<FrameworkHost>): void {
  const available = ensureChromium();
  if (!available) console.log(`SKIPPED ${name} widgets host in Chromium: no Chromium at /usr/bin/chromium`);

  describe.skipIf(!available)(`${name} host page in Chromium`, () => {
    let host: FrameworkHost;
    let context: BrowserContext;
    let closeBrowser: () => Promise<void>;
    const errors: string[] = [];

    beforeAll(async () => {
      host = await start();
      ({ context, close: closeBrowser } = await launchChromium());
    });
    afterAll(async () => {
      await closeBrowser?.();
      await host?.close();
    });

    async function open(persona: PersonaKey, tag: string, query: Record<string, string>): Promise<Page> {
      await context.clearCookies();
      await context.addCookies([{ name: "hv_persona", value: persona, url: host.url }]);
      const page = await context.newPage();
      page.on("pageerror", (error) => errors.push(`${tag}: ${error.message}`));
      page.on("console", (message) => {
        // The offline scenario's failed requests are expected; anything else is not.
        if (message.type() === "error" && !message.text().includes("ERR_INTERNET_DISCONNECTED"))
          errors.push(`${tag}: ${message.text()} ${message.location().url}`);
      });
      await page.setViewportSize({ width: 360, height: 900 });
      const url = new URL(host.url);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      await page.goto(url.href);
      await widgetRendered(page, tag);
      return page;
    }

    it("a teacher records a visit offline, comes back online, and it is submitted once", async () => {
      const student = host.world.assigned[0];
      if (!student) throw new Error("no assigned student");
      const page = await open("teacher", "hv-visit-record-form", {
        view: "record",
        "student-id": student.id,
        term: campusTerm,
      });
      const form = page.locator("hv-visit-record-form");
      expect(await axeProblems(page)).toEqual([]);
      await fillVisitRecord(form, campusDay);

      await context.setOffline(true);
      await form.getByRole("button", { name: "提交记录" }).click();
      await form.getByText("已保存在本机").waitFor();
      expect(await axeProblems(page)).toEqual([]);
      const before = await host.world.storage.visitRecords.list({ where: { studentId: student.id } });
      expect(before.items).toHaveLength(0);

      await context.setOffline(false);
      await form.getByText("记录已提交").waitFor();
      // The app heard `hv-record-submitted` through its framework's event binding.
      const submitted = page.getByTestId("submitted");
      await submitted.waitFor();
      // A second "back online" must not send it again.
      await page.evaluate(() => window.dispatchEvent(new Event("online")));
      await page.evaluate(async () => {
        await (
          document.querySelector("hv-visit-record-form") as unknown as { sendPending(): Promise<unknown> }
        ).sendPending();
      });
      const after = await host.world.storage.visitRecords.list({ where: { studentId: student.id } });
      expect(after.items).toHaveLength(1);
      const record = after.items[0]?.record;
      expect(record?.status).toBe("submitted");
      expect(await submitted.getAttribute("data-record-id")).toBe(record?.id);
      expect(await axeProblems(page)).toEqual([]);
      await page.close();
    });

    visitsCases({ open, host: () => host });

    it("the bureau's page shows coverage and no child's name anywhere in the DOM", async () => {
      const page = await open("county_bureau", "hv-coverage", {
        view: "coverage",
        "group-by": "school",
        to: campusDay,
      });
      await page.locator("hv-coverage").locator("tbody tr").first().waitFor();
      expect(await page.locator("hv-coverage").locator("tbody tr").count()).toBeGreaterThan(0);
      const text = await deepText(page);
      expect(host.world.studentNames.filter((n) => text.includes(n))).toEqual([]);
      expect(await axeProblems(page)).toEqual([]);
      await page.close();
    });

    it("logged no console error or uncaught exception on any page", () => {
      expect(errors).toEqual([]);
    });
  });
}

/** What a scenario needs from its suite: a page opener and the running host. */
interface CaseContext {
  open(persona: PersonaKey, tag: string, query: Record<string, string>): Promise<Page>;
  host(): FrameworkHost;
}

/** The teacher's visits on the campus day, and today's first visit (ap-1) in it. */
async function todaysVisit(ctx: CaseContext) {
  const page = await ctx.open("teacher", "hv-my-visits", { view: "visits", today: campusDay });
  const today = page.locator('hv-my-visits section[aria-labelledby="today"] li[data-appointment="ap-1"]');
  return { page, today };
}

/** The teacher's list of visits: a refusal, a record written from a visit, a check-in gone overdue. */
function visitsCases(ctx: CaseContext): void {
  it("a refusal is recorded with its reason", async () => {
    const page = await ctx.open("teacher", "hv-my-visits", { view: "visits", today: campusDay });
    expect(await axeProblems(page)).toEqual([]);
    const card = page.locator('hv-my-visits li[data-appointment="ap-2"]');
    await card.getByRole("button", { name: /家长拒绝/ }).click();
    await card.locator('input[name="reason"]').fill("家长近期外出务工");
    expect(await axeProblems(page)).toEqual([]);
    await card.getByRole("button", { name: "提交" }).click();
    await page.locator('hv-my-visits li[data-appointment="ap-2"][data-status="refused"]').waitFor();
    const stored = await ctx.host().world.storage.appointments.get("ap-2");
    expect(stored?.record.status).toBe("refused");
    expect(stored?.record.refusalReason).toBe("家长近期外出务工");
    // The app's own log, fed by `hv-appointment-changed`.
    await page.getByTestId("changes").getByText("ap-2 refused").waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
  });

  it("提交记录 on today's visit opens the record form for that student and appointment", async () => {
    const { page, today } = await todaysVisit(ctx);
    await today.getByRole("button", { name: "提交记录" }).click();
    const form = page.locator("hv-visit-record-form");
    await form.waitFor();
    // The app passed what the event carries through its framework's own binding.
    const passed = await form.evaluate((el) => {
      const f = el as unknown as { studentId?: string; appointmentId?: string; studentName?: string };
      return { studentId: f.studentId, appointmentId: f.appointmentId, studentName: f.studentName };
    });
    const student = ctx.host().world.assigned[0];
    expect(passed).toEqual({ studentId: student?.id, appointmentId: "ap-1", studentName: student?.name });
    await expect.poll(() => form.locator("legend").first().textContent()).toBe(student?.name);
    await page.close();
  });

  it("a check-in goes overdue and shows on the principal's safety board", async () => {
    const { page, today } = await todaysVisit(ctx);
    await today.getByRole("button", { name: "出发前安全报告" }).click();
    const form = today.locator("form");
    await form.locator('input[name="phone"]').fill("13800001111");
    await form.locator('input[name="noUnlicensed"]').check();
    expect(await axeProblems(page)).toEqual([]);
    await form.getByRole("button", { name: "提交安全报告" }).click();
    await today.getByRole("button", { name: "报平安" }).waitFor();
    await page.close();
    // The report is the server's (GET /safety-reports), not the phone's: a fresh page with
    // its storage cleared still offers the check-in.
    const again = await ctx.open("teacher", "hv-my-visits", { view: "visits", today: campusDay });
    await again.evaluate(() => localStorage.clear());
    await again.reload();
    await widgetRendered(again, "hv-my-visits");
    await again
      .locator('hv-my-visits section[aria-labelledby="today"] li[data-appointment="ap-1"]')
      .getByRole("button", { name: "报平安" })
      .waitFor();
    await again.close();
    // 16:30 + 90 minutes + 30 minutes' grace: at 19:30 the check-in is an hour overdue.
    const now = `${campusDay}T19:30:00+08:00`;
    ctx.host().world.clock.set(now);
    const board = await ctx.open("principal", "hv-safety-board", { view: "safety", today: campusDay, now });
    await board.locator("hv-safety-board li[data-overdue]").waitFor();
    expect(await board.locator("hv-safety-board li[data-overdue]").count()).toBe(1);
    expect(await axeProblems(board)).toEqual([]);
    await board.close();
  });
}
