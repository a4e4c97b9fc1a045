import type * as z from "zod";
import {
  appointmentCancellationSchema,
  appointmentChannelSchema,
  appointmentEventSchema,
  appointmentLocationSchema,
  appointmentRruleSchema,
  appointmentSchema,
  appointmentStatusSchema,
  appointmentTransitionRecordSchema,
} from "../domain/appointment/index.js";
import { categoryFlagSchema, priorityCategorySchema } from "../domain/categories.js";
import { conductAttestationSchema, conductReportSchema, conductRuleIdSchema } from "../domain/conduct.js";
import { consentSchema, storedMentorshipSchema, tombstoneSchema } from "../domain/consent.js";
import { customFieldValueSchema, photoRefSchema } from "../domain/custom-fields/fields.js";
import {
  citySchema,
  countySchema,
  gradeSchema,
  schoolClassSchema,
  schoolSchema,
  teacherSchema,
} from "../domain/organisation.js";
import {
  dateWindowSchema,
  mentorshipSchema,
  proposedSlotSchema,
  termSchema,
  visitKindSchema,
} from "../domain/planning.js";
import {
  postVisitCheckInSchema,
  preVisitSafetyReportSchema,
  safetyDestinationSchema,
  safetyIncidentSchema,
  safetyZeroReportSchema,
  transportModeSchema,
} from "../domain/safety.js";
import {
  availabilityWindowSchema,
  enrolmentSchema,
  guardianSchema,
  homeAddressSchema,
  livingSituationSchema,
  studentSchema,
} from "../domain/student.js";
import {
  attendeesSchema,
  customFieldValuesRefSchema,
  followUpActionSchema,
  outreachGoalSchema,
  visitChannelSchema,
  visitPhotoSchema,
  visitRecordDraftSchema,
} from "../domain/visit-record.js";
import {
  familySituationSectionSchema,
  healthyGrowthSectionSchema,
  parentOpinionsSectionSchema,
  prioritySupportSectionSchema,
  schoolFeedbackSectionSchema,
  schoolPolicySectionSchema,
  teacherReflectionSectionSchema,
} from "../domain/visit-sections.js";
import {
  assignmentSnapshotSchema,
  feedbackItemSchema,
  obligationSnapshotSchema,
  planGapSchema,
  planQualitySnapshotSchema,
  storedConductReportSchema,
  supportFollowUpSchema,
  supportPlanSchema,
  termPlanSchema,
} from "../domain/workflow-records.js";
import { auditRecordSchema } from "../ports/audit-chain.js";
import { appointmentSummarySchema } from "./areas/appointments/contract.js";
import { coverageReportRowSchema, reportSectionOutputSchema } from "./areas/reports/contract.js";
import { rosterClassRowSchema, rosterStudentRowSchema, rosterTeacherRowSchema } from "./areas/roster/contract.js";
import { overdueItemSchema } from "./areas/safety/contract.js";
import { studentSummarySchema } from "./areas/students/contract.js";
import { actorSchema, roleSchema } from "./policy/actor.js";

/**
 * The domain schemas by the name they carry in an OpenAPI document's `components.schemas`
 * (and so in a client generated from it): the REST adapter registers each, and every use of the
 * same schema in a route becomes a `$ref` to it. Names are stable API, like error codes: rename
 * one only with a major release. Schemas that carry their own `.meta({ id })` (the "me" area's,
 * the safety report state) are named there and not repeated here.
 *
 * @example
 * ```ts
 * schemaComponents.Student === studentSchema; // true
 * // in the document: "student": { "$ref": "#/components/schemas/StudentOutput" }
 * ```
 */
export const schemaComponents = {
  Actor: actorSchema,
  Role: roleSchema,
  City: citySchema,
  County: countySchema,
  School: schoolSchema,
  SchoolClass: schoolClassSchema,
  Teacher: teacherSchema,
  Grade: gradeSchema,
  Student: studentSchema,
  StudentSummary: studentSummarySchema,
  Guardian: guardianSchema,
  HomeAddress: homeAddressSchema,
  Enrolment: enrolmentSchema,
  LivingSituation: livingSituationSchema,
  AvailabilityWindow: availabilityWindowSchema,
  PriorityCategory: priorityCategorySchema,
  CategoryFlag: categoryFlagSchema,
  Consent: consentSchema,
  Mentorship: storedMentorshipSchema,
  PlannedMentorship: mentorshipSchema,
  Tombstone: tombstoneSchema,
  Appointment: appointmentSchema,
  AppointmentSummary: appointmentSummarySchema,
  AppointmentChannel: appointmentChannelSchema,
  AppointmentLocation: appointmentLocationSchema,
  AppointmentStatus: appointmentStatusSchema,
  AppointmentEvent: appointmentEventSchema,
  AppointmentTransition: appointmentTransitionRecordSchema,
  AppointmentCancellation: appointmentCancellationSchema,
  AppointmentRrule: appointmentRruleSchema,
  VisitKind: visitKindSchema,
  VisitChannel: visitChannelSchema,
  VisitRecord: visitRecordDraftSchema,
  VisitAttendees: attendeesSchema,
  VisitPhoto: visitPhotoSchema,
  OutreachGoal: outreachGoalSchema,
  FollowUpAction: followUpActionSchema,
  FamilySituationSection: familySituationSectionSchema,
  SchoolFeedbackSection: schoolFeedbackSectionSchema,
  SchoolPolicySection: schoolPolicySectionSchema,
  HealthyGrowthSection: healthyGrowthSectionSchema,
  PrioritySupportSection: prioritySupportSectionSchema,
  ParentOpinionsSection: parentOpinionsSectionSchema,
  TeacherReflectionSection: teacherReflectionSectionSchema,
  ConductAttestation: conductAttestationSchema,
  ConductRuleId: conductRuleIdSchema,
  ConductReport: conductReportSchema,
  StoredConductReport: storedConductReportSchema,
  CustomFieldValues: customFieldValuesRefSchema,
  CustomFieldValue: customFieldValueSchema,
  PhotoRef: photoRefSchema,
  DateWindow: dateWindowSchema,
  Term: termSchema,
  TermPlan: termPlanSchema,
  ObligationSnapshot: obligationSnapshotSchema,
  AssignmentSnapshot: assignmentSnapshotSchema,
  ProposedSlot: proposedSlotSchema,
  PlanGap: planGapSchema,
  PlanQuality: planQualitySnapshotSchema,
  PreVisitSafetyReport: preVisitSafetyReportSchema,
  PostVisitCheckIn: postVisitCheckInSchema,
  SafetyDestination: safetyDestinationSchema,
  TransportMode: transportModeSchema,
  SafetyIncident: safetyIncidentSchema,
  SafetyZeroReport: safetyZeroReportSchema,
  OverdueCheckIn: overdueItemSchema,
  SupportPlan: supportPlanSchema,
  SupportFollowUp: supportFollowUpSchema,
  FeedbackItem: feedbackItemSchema,
  CoverageRow: coverageReportRowSchema,
  ReportSection: reportSectionOutputSchema,
  AuditRecord: auditRecordSchema,
} as const satisfies Record<string, z.ZodType>;

/** A component's name. */
export type SchemaComponentName = keyof typeof schemaComponents;

/** How a field is shown in documents instead of its own schema: see {@link documentedAs}. */
export type DocumentedShape =
  | { readonly form: "one"; readonly component: SchemaComponentName }
  | {
      readonly form: "values";
      readonly component: SchemaComponentName;
      /** What the values are and where their exact schema is, for the document's reader. */
      readonly description?: string;
      /** The operation that answers the exact JSON Schema of these values. */
      readonly schemaOperation?: { readonly operationId: string; readonly path: string };
    }
  | { readonly form: "string" };

/**
 * Fields whose own schema says less than they accept, with the shape documents show instead:
 * a roster's rows take anything at the boundary and are checked one by one against their
 * schema (so one bad row is reported with its index); a visit record's custom field values are
 * checked against the school's published template, each one a `CustomFieldValue`; a recurrence
 * rule is normalised text, a string either way.
 */
export const documentedAs: ReadonlyMap<z.ZodType, DocumentedShape> = new Map<z.ZodType, DocumentedShape>([
  [rosterClassRowSchema, { form: "one", component: "SchoolClass" }],
  [rosterTeacherRowSchema, { form: "one", component: "Teacher" }],
  [rosterStudentRowSchema, { form: "one", component: "Student" }],
  [
    customFieldValuesRefSchema.shape.values,
    {
      form: "values",
      component: "CustomFieldValue",
      description:
        "The answers to the school's own fields (custom fields), by field key. Which fields, types, options, patterns and show-if conditions apply depends on the form version named by customFields.templateId and templateVersion: its exact JSON Schema is answered by GET /forms/{formId}/schema (operation forms.schema; the form in force at a school and its id by GET /visit-form). A draft may leave required fields out; a submission must answer every required field that is shown.",
      schemaOperation: { operationId: "forms.schema", path: "/forms/{formId}/schema" },
    },
  ],
  [appointmentRruleSchema, { form: "string" }],
]);
