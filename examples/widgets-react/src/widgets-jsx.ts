// JSX types for the widgets in React 19. React 19 sets a custom element's known properties as
// properties (objects included: `api`, `labels`) and turns `on<event-name>` props into event
// listeners, so the typed `HTMLElementEventMap` of @homevisit/widgets is all the events need.
import type {
  HomevisitElement,
  HvCoverage,
  HvFormDesigner,
  HvMyVisits,
  HvSafetyBoard,
  HvStudentArchive,
  HvTermPlan,
  HvVisitRecordForm,
} from "@homevisit/widgets";
import type { Ref } from "react";

/** `onhv-record-submitted` … for every `hv-*` event, typed by its detail. */
export type WidgetEventProps = {
  [K in keyof HTMLElementEventMap as K extends `hv-${string}` ? `on${K}` : never]?: (
    event: HTMLElementEventMap[K],
  ) => void;
};

/** A widget's JSX props: the properties named, its events, and what any element takes. */
export type WidgetJsx<E extends HomevisitElement, P extends keyof E> = Partial<
  Pick<E, P | "api" | "baseUrl" | "locale">
> &
  WidgetEventProps & { id?: string; className?: string; ref?: Ref<E>; hidden?: boolean };

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "hv-visit-record-form": WidgetJsx<
        HvVisitRecordForm,
        "studentId" | "studentName" | "term" | "kind" | "appointmentId" | "companions" | "template"
      >;
      "hv-my-visits": WidgetJsx<HvMyVisits, "teacherId" | "today" | "term">;
      "hv-student-archive": WidgetJsx<HvStudentArchive, "studentId" | "studentName">;
      "hv-safety-board": WidgetJsx<HvSafetyBoard, "today" | "now" | "teacherNames">;
      "hv-coverage": WidgetJsx<
        HvCoverage,
        "from" | "to" | "groupBy" | "groups" | "labels" | "schoolId" | "countyId" | "term" | "terms" | "customFields"
      >;
      "hv-term-plan": WidgetJsx<HvTermPlan, "term" | "today">;
      "hv-form-designer": WidgetJsx<HvFormDesigner, "level" | "scopeId" | "formId">;
    }
  }
}
