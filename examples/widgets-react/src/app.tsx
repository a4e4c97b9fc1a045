// Runs in the browser: a React 19 campus page made of @homevisit/widgets. The widgets are
// registered before React renders, so React finds their properties on the element and sets
// `api` and `labels` as objects; `onhv-…` props listen to their typed events.

import { defineHomevisitWidgets, type WidgetApi } from "@homevisit/widgets";
import type { CampusConfig } from "@homevisit-examples/shared/widgets";
import { StrictMode, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import "./widgets-jsx.js";

defineHomevisitWidgets();

function Campus({ config }: { config: CampusConfig }) {
  // The REST handler is on this origin and the login is the host's cookie: a base URL is all.
  const api = useMemo<WidgetApi>(() => ({ baseUrl: config.apiBase }), [config.apiBase]);
  const en = config.locale === "en";
  const [view, setView] = useState(config.view);
  const [studentId, setStudentId] = useState(config.params["student-id"]);
  // The visit the record is written for: its appointment (linked, so submitting completes it)
  // and the student's name for the form's heading.
  const [visit, setVisit] = useState<{ appointmentId: string; studentName?: string }>();
  const [submitted, setSubmitted] = useState<{ recordId: string; version: number }>();
  const [changes, setChanges] = useState<{ n: number; text: string }[]>([]);

  return (
    <>
      <h1>{en ? "Campus (React)" : "智慧校园（React）"}</h1>
      {view === "visits" && (
        <>
          <hv-my-visits
            api={api}
            locale={config.locale}
            today={config.params.today}
            onhv-appointment-changed={(e) =>
              setChanges((list) => [...list, { n: list.length, text: `${e.detail.appointmentId} ${e.detail.status}` }])
            }
            onhv-record-requested={(e) => {
              setStudentId(e.detail.studentId);
              setVisit({ appointmentId: e.detail.appointmentId, studentName: e.detail.studentName });
              setView("record");
            }}
          />
          <h2>{en ? "Changes on this page" : "本页的变更"}</h2>
          <ul data-testid="changes">
            {changes.map((change) => (
              <li key={change.n}>{change.text}</li>
            ))}
          </ul>
        </>
      )}
      {view === "record" && (
        <>
          <hv-visit-record-form
            api={api}
            locale={config.locale}
            studentId={studentId}
            appointmentId={visit?.appointmentId}
            studentName={visit?.studentName}
            term={config.params.term ?? config.term}
            onhv-record-submitted={(e) => setSubmitted({ recordId: e.detail.recordId, version: e.detail.version })}
          />
          {submitted && (
            <p data-testid="submitted" data-record-id={submitted.recordId} role="status">
              {en ? "Submitted: " : "已提交："}
              {submitted.recordId}
            </p>
          )}
        </>
      )}
      {view === "safety" && (
        <hv-safety-board api={api} locale={config.locale} today={config.params.today} now={config.params.now} />
      )}
      {view === "coverage" && (
        <hv-coverage
          api={api}
          locale={config.locale}
          groupBy={(config.params["group-by"] ?? "school") as "school"}
          to={config.params.to}
          labels={config.classNames}
        />
      )}
    </>
  );
}

const config = JSON.parse(document.getElementById("campus")?.textContent ?? "{}") as CampusConfig;
const root = document.getElementById("app");
if (root)
  createRoot(root).render(
    <StrictMode>
      <Campus config={config} />
    </StrictMode>,
  );
