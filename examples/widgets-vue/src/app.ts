// Runs in the browser: a Vue 3 campus page made of @homevisit/widgets, written as a template
// (Vue's full build compiles it in the page). Vue is told the `hv-` tags are custom elements;
// objects go in as properties (`:api.prop`, `:labels.prop`), strings as attributes, and
// `@hv-…` listens to the widgets' typed events.

import {
  type AppointmentChangedEvent,
  defineHomevisitWidgets,
  type RecordRequestedEvent,
  type RecordSubmittedEvent,
  type WidgetApi,
} from "@homevisit/widgets";
import type { CampusConfig } from "@homevisit-examples/shared/widgets";
import { createApp, ref } from "vue";

defineHomevisitWidgets();

const config = JSON.parse(document.getElementById("campus")?.textContent ?? "{}") as CampusConfig;

const app = createApp({
  setup() {
    // The REST handler is on this origin and the login is the host's cookie: a base URL is all.
    const api: WidgetApi = { baseUrl: config.apiBase };
    const view = ref(config.view);
    const studentId = ref(config.params["student-id"]);
    // The visit the record is written for: its appointment (linked, so submitting completes it)
    // and the student's name for the form's heading.
    const visit = ref<{ appointmentId: string; studentName?: string }>();
    const submitted = ref<{ recordId: string; version: number }>();
    const changes = ref<string[]>([]);
    return {
      api,
      config,
      en: config.locale === "en",
      view,
      studentId,
      visit,
      submitted,
      changes,
      onChanged: (e: AppointmentChangedEvent) => changes.value.push(`${e.detail.appointmentId} ${e.detail.status}`),
      onRequested: (e: RecordRequestedEvent) => {
        studentId.value = e.detail.studentId;
        visit.value = { appointmentId: e.detail.appointmentId, studentName: e.detail.studentName };
        view.value = "record";
      },
      onSubmitted: (e: RecordSubmittedEvent) => {
        submitted.value = { recordId: e.detail.recordId, version: e.detail.version };
      },
    };
  },
  template: `
    <h1>{{ en ? "Campus (Vue)" : "智慧校园（Vue）" }}</h1>
    <template v-if="view === 'visits'">
      <hv-my-visits :api.prop="api" :locale="config.locale" :today="config.params.today"
        @hv-appointment-changed="onChanged" @hv-record-requested="onRequested"></hv-my-visits>
      <h2>{{ en ? "Changes on this page" : "本页的变更" }}</h2>
      <ul data-testid="changes"><li v-for="(line, i) in changes" :key="i">{{ line }}</li></ul>
    </template>
    <template v-else-if="view === 'record'">
      <hv-visit-record-form :api.prop="api" :locale="config.locale" :student-id="studentId"
        :appointment-id="visit?.appointmentId" :student-name="visit?.studentName"
        :term="config.params.term ?? config.term" @hv-record-submitted="onSubmitted"></hv-visit-record-form>
      <p v-if="submitted" data-testid="submitted" :data-record-id="submitted.recordId" role="status">
        {{ en ? "Submitted: " : "已提交：" }}{{ submitted.recordId }}
      </p>
    </template>
    <hv-safety-board v-else-if="view === 'safety'" :api.prop="api" :locale="config.locale"
      :today="config.params.today" :now="config.params.now"></hv-safety-board>
    <hv-coverage v-else-if="view === 'coverage'" :api.prop="api" :locale="config.locale"
      :group-by="config.params['group-by'] ?? 'school'" :to="config.params.to" :labels.prop="config.classNames"></hv-coverage>
  `,
});
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith("hv-");
app.mount("#app");
