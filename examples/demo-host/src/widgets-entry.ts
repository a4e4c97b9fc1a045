// The demo page's browser script: registers @homevisit/widgets and hands them the names the
// host knows (schools, classes, teachers) from a JSON block — the page's CSP allows no inline script.
import "./zod-no-eval.js";
import { defineHomevisitWidgets } from "@homevisit/widgets";

defineHomevisitWidgets();
const block = document.getElementById("hv-names");
const names = block
  ? (JSON.parse(block.textContent ?? "{}") as {
      schools?: Record<string, string>;
      classes?: Record<string, string>;
      teachers?: Record<string, string>;
      terms?: { id: string; start: string; end: string }[];
    })
  : {};
for (const el of document.querySelectorAll("hv-coverage")) {
  el.labels = { ...names.schools, ...names.classes, ...names.teachers };
  // The bureau belongs to no school, so GET /terms lists none for it: the host names the terms.
  el.terms = names.terms ?? [];
}
for (const el of document.querySelectorAll("hv-safety-board")) el.teacherNames = names.teachers ?? {};
