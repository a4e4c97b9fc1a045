import { conductRuleIds } from "@homevisit/core";
import type { Locator } from "playwright-core";

/**
 * Fills the standard sections of an `<hv-visit-record-form>` as a teacher would after a visit
 * on the campus day (16:30–17:40, the student present, the mother met, every conduct rule
 * kept), so that the record passes submission. Custom fields and photos are the caller's.
 *
 * @example
 * ```ts
 * const form = page.locator("hv-visit-record-form");
 * await fillVisitRecord(form, campusDay);
 * await form.getByRole("button", { name: "提交记录" }).click();
 * ```
 */
export async function fillVisitRecord(form: Locator, day: string): Promise<void> {
  await form.locator('input[name="arrivedAt"]').fill(`${day}T16:30`);
  await form.locator('input[name="departedAt"]').fill(`${day}T17:40`);
  await form.locator('input[name="studentPresent"]').check();
  await form.locator('input[name="guardians"][value="mother"]').check();
  await form.locator('input[name="outreachGoals"][value="care"]').check();
  await form.locator('textarea[name="familySituation.notes"]').fill("与祖母同住，学习角整洁");
  await form.locator('textarea[name="schoolFeedback.notes"]').fill("数学进步明显");
  await form.locator('textarea[name="parentOpinions.opinions"]').fill("希望增加课外阅读");
  await form.locator('textarea[name="teacherReflection.reflection"]').fill("约定每周电话沟通");
  for (const rule of conductRuleIds) await form.locator(`input[name="conduct.${rule}"][value="kept"]`).check();
}
