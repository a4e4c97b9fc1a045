// Runs in the browser: the plain-HTML campus page, no framework. The same screens as the React
// and Vue examples (visits, record, coverage, safety), built with the DOM: the widgets are
// registered, given their API as a property and their strings as attributes, and the page
// listens to their typed events with addEventListener.
import {
  type AppointmentChangedEvent,
  defineHomevisitWidgets,
  type RecordRequestedEvent,
  type RecordSubmittedEvent,
  type WidgetApi,
} from "@homevisit/widgets";
import type { CampusConfig } from "@homevisit-examples/shared/widgets";

defineHomevisitWidgets();

const config = JSON.parse(document.getElementById("campus")?.textContent ?? "{}") as CampusConfig;
const root = document.getElementById("app") as HTMLElement;
// The REST handler is on this origin and the login is the host's cookie: a base URL is all.
const api: WidgetApi = { baseUrl: config.apiBase };
const en = config.locale === "en";

/** A widget element with its API, locale and string attributes set. */
function widget<E extends HTMLElement>(tag: string, attributes: Record<string, string | undefined>): E {
  const el = document.createElement(tag) as E & { api: WidgetApi };
  el.api = api;
  el.setAttribute("locale", config.locale);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) el.setAttribute(name, value);
  return el;
}

function heading(text: string, level = "h1"): HTMLElement {
  const h = document.createElement(level);
  h.textContent = text;
  return h;
}

/** The visit a record is written for: its appointment (linked, so submitting completes it) and the student's name. */
interface Visit {
  appointmentId: string;
  studentName?: string;
}

function show(view: string, studentId = config.params["student-id"], visit?: Visit): void {
  root.replaceChildren(heading(en ? "Campus (plain HTML)" : "智慧校园（HTML）"));
  if (view === "visits") {
    const visits = widget("hv-my-visits", { today: config.params.today });
    const changes = document.createElement("ul");
    changes.dataset.testid = "changes";
    visits.addEventListener("hv-appointment-changed", (e) => {
      const { appointmentId, status } = (e as AppointmentChangedEvent).detail;
      changes.append(Object.assign(document.createElement("li"), { textContent: `${appointmentId} ${status}` }));
    });
    visits.addEventListener("hv-record-requested", (e) => {
      const { studentId: id, appointmentId, studentName } = (e as RecordRequestedEvent).detail;
      show("record", id, { appointmentId, ...(studentName ? { studentName } : {}) });
    });
    root.append(visits, heading(en ? "Changes on this page" : "本页的变更", "h2"), changes);
  } else if (view === "record") {
    const form = widget("hv-visit-record-form", {
      "student-id": studentId,
      "appointment-id": visit?.appointmentId,
      "student-name": visit?.studentName,
      term: config.params.term ?? config.term,
    });
    form.addEventListener("hv-record-submitted", (e) => {
      const { recordId } = (e as RecordSubmittedEvent).detail;
      const done = Object.assign(document.createElement("p"), {
        textContent: `${en ? "Submitted: " : "已提交："}${recordId}`,
      });
      done.dataset.testid = "submitted";
      done.dataset.recordId = recordId;
      done.setAttribute("role", "status");
      root.querySelector('[data-testid="submitted"]')?.remove();
      root.append(done);
    });
    root.append(form);
  } else if (view === "coverage") {
    const coverage = widget<HTMLElement & { labels: Record<string, string> }>("hv-coverage", {
      "group-by": config.params["group-by"] ?? "school",
      to: config.params.to,
    });
    coverage.labels = config.classNames;
    root.append(coverage);
  } else if (view === "safety") {
    root.append(widget("hv-safety-board", { today: config.params.today, now: config.params.now }));
  }
}

show(config.view);
