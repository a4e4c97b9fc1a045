// The demo page's browser script: registers @homevisit/widgets and hands them the names the
// host knows (schools, classes, teachers) from a JSON block — the page's CSP allows no inline
// script — and opens the record form for a visit the teacher picks.
import "./zod-no-eval.js";
import { defineHomevisitWidgets, type RecordRequestedEvent } from "@homevisit/widgets";

defineHomevisitWidgets();
const block = document.getElementById("hv-names");
const names = block
  ? (JSON.parse(block.textContent ?? "{}") as {
      schools?: Record<string, string>;
      classes?: Record<string, string>;
      teachers?: Record<string, string>;
    })
  : {};
for (const el of document.querySelectorAll("hv-coverage")) {
  // The terms come from the server (GET /terms), for a bureau too: one calendar for every part.
  el.labels = { ...names.schools, ...names.classes, ...names.teachers };
}
for (const el of document.querySelectorAll("hv-safety-board")) el.teacherNames = names.teachers ?? {};
// "提交记录" on a visit: a fresh record form for that student and appointment (a new element,
// so nothing typed for another child carries over), scrolled into view.
for (const visits of document.querySelectorAll("hv-my-visits")) {
  visits.addEventListener("hv-record-requested", (event) => {
    const { studentId, appointmentId, studentName } = (event as RecordRequestedEvent).detail;
    const old = document.querySelector("hv-visit-record-form");
    if (!old) return;
    const form = document.createElement("hv-visit-record-form");
    for (const name of ["base-url", "term", "locale"]) {
      const value = old.getAttribute(name);
      if (value !== null) form.setAttribute(name, value);
    }
    form.setAttribute("student-id", studentId);
    form.setAttribute("appointment-id", appointmentId);
    if (studentName) form.setAttribute("student-name", studentName);
    old.replaceWith(form);
    form.scrollIntoView({ block: "start" });
  });
}
