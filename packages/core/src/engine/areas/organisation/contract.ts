import * as z from "zod";
import {
  citySchema,
  countySchema,
  schoolClassSchema,
  schoolSchema,
  teacherRoleSchema,
} from "../../../domain/organisation.js";
import { withLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema } from "../../../shared/primitives.js";
import { defineContract } from "../../contract.js";

/** Rows per level: cities, counties, schools, classes. */
export const organisationCountsSchema = z.strictObject({
  cities: z.int(),
  counties: z.int(),
  schools: z.int(),
  classes: z.int(),
});
/** How many rows of each kind a sync added, updated or left alone. */
export type OrganisationCounts = z.infer<typeof organisationCountsSchema>;

/** What `organisation.sync` takes: the host's current rows, any subset, parents before children or not. */
export const organisationSyncInputSchema = z.strictObject({
  /** The city itself (city bureau only). */
  city: withLabel(citySchema.optional(), { "zh-CN": "市", en: "City" }),
  counties: withLabel(z.array(countySchema).max(200).default([]), { "zh-CN": "区县", en: "Counties" }),
  schools: withLabel(z.array(schoolSchema).max(2_000).default([]), { "zh-CN": "学校", en: "Schools" }),
  classes: withLabel(z.array(schoolClassSchema).max(10_000).default([]), { "zh-CN": "班级", en: "Classes" }),
});

/** What `organisation.sync` answers. */
export const organisationSyncOutputSchema = z.strictObject({
  added: organisationCountsSchema,
  updated: organisationCountsSchema,
  unchanged: organisationCountsSchema,
});

/** A teacher as the organisation read shows them to colleagues: name, roles, classes; no phone. */
export const teacherSummarySchema = z
  .strictObject({
    id: idSchema,
    schoolId: idSchema,
    name: z.string(),
    roles: z.array(teacherRoleSchema),
    classIds: z.array(idSchema),
    leftOn: isoDateSchema.optional(),
  })
  .meta({ id: "TeacherSummary", description: "A teacher as colleagues see them: no phone" });

/** What `organisation.read` answers: the rows of the caller's reach. */
export const organisationReadOutputSchema = z.strictObject({
  counties: z.array(countySchema),
  schools: z.array(schoolSchema),
  classes: z.array(schoolClassSchema),
  teachers: z.array(teacherSummarySchema),
});

/**
 * The organisation area: the host keeps the hierarchy of R1 (city → counties → schools →
 * classes) in its own systems and syncs it here. Who may sync what follows the matrix entry
 * `organisation.sync`: the city bureau its whole city, a county bureau its county, a school admin
 * (also what a host's platform admin acts as, school by school) its school and classes.
 */
export const organisationContracts = {
  /**
   * The organisation as the caller reaches it, for names in pickers and tables: school staff get
   * their school, its classes (with class teachers) and its teachers (names, roles, classes; no
   * phones); a county bureau its county and schools; a city bureau its counties and schools.
   * No child's data.
   *
   * @example
   * ```ts
   * await engine.organisation.read(teacher, {});
   * // { counties: [], schools: [{ id: "sch-1", name: "莲都实验中学", … }], classes: [{ id: "cls-1", name: "9(1)班", classTeacherId: "t-c1", … }], teachers: [{ id: "t-c1", name: "…", roles: [...] }] }
   * ```
   */
  read: defineContract({
    action: "organisation.read",
    entity: "organisation",
    description: { "zh-CN": "查看学校、班级与教师名录", en: "Read schools, classes and teachers" },
    input: z.strictObject({}),
    output: organisationReadOutputSchema,
    targetKind: "collection",
    http: { method: "GET", path: "/organisation" },
  }),

  /**
   * Syncs cities, counties, schools and classes from the host (R1) in one transaction: new rows
   * are added, changed rows replaced, unchanged rows left alone; nothing is deleted (a closed
   * school stays for its history). Like the roster import, the host's copy wins: no
   * `expectedVersion` is needed, since the host's registry is the system of record.
   *
   * Every row must lie in the actor's reach (`organisation_out_of_scope`, checked before any
   * read); each row's parent must exist, stored or in the same call
   * (`organisation_parent_missing`); a row may not move to another parent
   * (`organisation_parent_change`). Audited with the changed fields; emits `organisation.synced`
   * with the counts when anything was added or updated.
   *
   * @example
   * ```ts
   * await engine.organisation.sync(cityBureau, {
   *   counties: [{ id: "liandu", cityId: "lishui", name: "莲都区", setting: "urban" }],
   *   schools: [{ id: "sch-1", cityId: "lishui", countyId: "liandu", name: "丽水市第一中学", kind: "junior", setting: "urban" }],
   * });
   * // { added: { cities: 0, counties: 1, schools: 1, classes: 0 }, updated: { …0 }, unchanged: { …0 } }
   * await engine.organisation.sync(schoolAdmin, {
   *   classes: [{ id: "c-7-1", schoolId: "sch-1", grade: 7, name: "七(1)班", schoolYear: 2026 }],
   * });
   * // { added: { cities: 0, counties: 0, schools: 0, classes: 1 }, … }
   * ```
   */
  sync: defineContract({
    action: "organisation.sync",
    entity: "organisation",
    description: {
      "zh-CN": "同步市、县区、学校与班级",
      en: "Sync the city, counties, schools and classes",
    },
    input: organisationSyncInputSchema,
    output: organisationSyncOutputSchema,
    targetKind: "collection",
    idempotent: true,
    errors: [
      "organisation_out_of_scope",
      "organisation_duplicate_id",
      "organisation_parent_change",
      "organisation_parent_missing",
    ],
    http: { method: "POST", path: "/organisation/sync" },
  }),
};
