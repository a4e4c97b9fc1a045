import type { LocalizedText, VisitKind } from "@homevisit/core";

/**
 * Kinds of visit (R5). Core names them (`visitKinds`) but has no labels for them yet; these
 * follow the guidance's words.
 */
export const kindLabels: Readonly<Record<VisitKind, LocalizedText>> = {
  universal: { "zh-CN": "普访", en: "Universal round" },
  new_student: { "zh-CN": "新生家访", en: "New student" },
  priority: { "zh-CN": "重点家访", en: "Priority student" },
  crisis: { "zh-CN": "突发变故家访", en: "Family crisis" },
  mentor_contact: { "zh-CN": "德育导师联系", en: "Mentor contact" },
};
