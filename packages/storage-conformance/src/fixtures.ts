import { conductRuleIds } from "@homevisit/core";
import { type EntityInput, type Storage, type StoredEntityName, sha256Hex } from "@homevisit/core/storage";

/**
 * A small, hand-built world for the suites: two cities, three counties, four schools, and
 * record makers for every entity whose index values vary with `i`, so that filters and
 * paging have something to find. Deterministic: the same `i` always gives the same record.
 */

/** The tenants every suite seeds before it starts. */
export const fixtureTenants = {
  cities: [
    { id: "city-1", name: "丽水市" },
    { id: "city-2", name: "温州市" },
  ],
  counties: [
    { id: "k-1", cityId: "city-1", name: "莲都区", setting: "urban" },
    { id: "k-2", cityId: "city-1", name: "遂昌县", setting: "rural" },
    { id: "k-3", cityId: "city-2", name: "文成县", setting: "rural" },
  ],
  schools: [
    { id: "sch-1", cityId: "city-1", countyId: "k-1", name: "莲都实验中学", kind: "junior", setting: "urban" },
    { id: "sch-2", cityId: "city-1", countyId: "k-1", name: "莲都小学", kind: "primary", setting: "urban" },
    { id: "sch-3", cityId: "city-1", countyId: "k-2", name: "遂昌县城关中学", kind: "junior", setting: "town" },
    { id: "sch-4", cityId: "city-2", countyId: "k-3", name: "文成县珊溪中学", kind: "junior", setting: "rural" },
  ],
} as const satisfies {
  cities: EntityInput<"cities">[];
  counties: EntityInput<"counties">[];
  schools: EntityInput<"schools">[];
};

/** The schools records cycle through, with their tenant keys. */
export const fixtureSchools = fixtureTenants.schools;

/**
 * The school record `i` belongs to.
 *
 * @example
 * ```ts
 * schoolOf(0).id; // the first fixture school
 * ```
 */
export function schoolOf(i: number): (typeof fixtureSchools)[number] {
  return fixtureSchools[i % fixtureSchools.length] as (typeof fixtureSchools)[number];
}

/**
 * One base student per school: the parent of category flags in the suites.
 *
 * @example
 * ```ts
 * baseStudentId(0); // "stu-base-<first fixture school>"
 * ```
 */
export function baseStudentId(i: number): string {
  return `stu-base-${schoolOf(i).id}`;
}

const pad = (i: number) => String(i).padStart(4, "0");
const surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "䶮", "𠀀"];
const day = (offset: number) => {
  const d = new Date(Date.UTC(2026, 8, 1 + offset));
  return d.toISOString().slice(0, 10);
};

/**
 * A valid student record. `grade` cycles 7–9, `classId` through three classes per grade.
 *
 * @example
 * ```ts
 * makeStudent(5).schoolId; // "sch-2"
 * ```
 */
export function makeStudent(i: number, overrides: Partial<EntityInput<"students">> = {}): EntityInput<"students"> {
  const school = schoolOf(i);
  const grade = 7 + (i % 3);
  return {
    id: `stu-${pad(i)}`,
    schoolId: school.id,
    name: `${surnames[i % surnames.length]}同学${i}`,
    gender: i % 2 ? "female" : "male",
    dateOfBirth: `${2026 - grade - 6}-0${1 + (i % 9)}-1${i % 10}`,
    enrolments: [
      {
        schoolId: school.id,
        classId: `${school.id}-c${grade}-${1 + (i % 3)}`,
        grade,
        from: "2026-09-01",
        startReason: "entry",
      },
    ],
    guardians: [
      {
        id: `g-${pad(i)}`,
        name: `${surnames[(i + 3) % surnames.length]}家长`,
        relation: i % 2 ? "mother" : "father",
        phone: `138${String(10_000_000 + i).slice(-8)}`,
        primary: true,
        livesWithStudent: true,
        worksAway: i % 5 === 0,
      },
    ],
    address: { county: "莲都区", town: "碧湖镇", village: `村${i % 7}`, detail: `${i}号`, remote: i % 11 === 0 },
    livingSituation: {
      livesWith: i % 5 === 0 ? "grandparents" : "both_parents",
      parentsAway: i % 5 === 0 ? "both" : "none",
    },
    availability: [],
    ...overrides,
  };
}

/** Fixture makers for the entities every adapter stores. */
export const baseMakers = {
  cities: (i) => ({ id: `city-x${pad(i)}`, name: `城市${i}` }),
  counties: (i) => ({
    id: `k-x${pad(i)}`,
    cityId: i % 2 ? "city-1" : "city-2",
    name: `县${i}`,
    setting: (["urban", "town", "rural"] as const)[i % 3] ?? "urban",
  }),
  schools: (i) => {
    const county = [fixtureTenants.counties[0], fixtureTenants.counties[1], fixtureTenants.counties[2]][i % 3] ?? {
      id: "k-1",
      cityId: "city-1",
    };
    return {
      id: `sch-x${pad(i)}`,
      cityId: county.cityId,
      countyId: county.id,
      name: `学校${i}`,
      kind: (["primary", "junior", "kindergarten"] as const)[i % 3] ?? "primary",
      setting: (["urban", "town", "rural"] as const)[i % 3] ?? "urban",
    };
  },
  classes: (i) => ({
    id: `cls-${pad(i)}`,
    schoolId: schoolOf(i).id,
    grade: 7 + (i % 3),
    name: `${7 + (i % 3)}(${i})班`,
    schoolYear: 2026 + (i % 2),
    ...(i % 2 ? { classTeacherId: `t-${pad(i % 4)}` } : {}),
  }),
  teachers: (i) => ({
    id: `t-${pad(i)}`,
    schoolId: schoolOf(i).id,
    name: `${surnames[i % surnames.length]}老师`,
    roles: i % 7 === 0 ? ["principal", "teacher"] : ["teacher"],
    subjects: ["语文"],
    classIds: [],
    ...(i % 3 === 0 ? { leftOn: "2026-07-31" } : {}),
  }),
  students: (i) => makeStudent(i),
  categoryFlags: (i) => ({
    id: `flag-${pad(i)}`,
    studentId: baseStudentId(i),
    category: (["economic_hardship", "disability", "family_crisis"] as const)[i % 3] ?? "disability",
    validFrom: day(i % 30),
    ...(i % 4 === 0 ? { validTo: day(200) } : {}),
    evidence: "家访时了解到的情况",
    flaggedBy: "t-0001",
    flaggedAt: "2026-09-01T09:00:00+08:00",
  }),
  appointments: (i) => ({
    id: `apt-${pad(i)}`,
    schoolId: schoolOf(i).id,
    studentId: `stu-${pad(i)}`,
    teacherId: `t-${pad(i % 5)}`,
    kind: "universal",
    channel: i % 3 === 0 ? { type: "phone" } : { type: "in_home" },
    status: (["proposed", "confirmed"] as const)[i % 2] ?? "proposed",
    start: `${day(i % 40)}T19:00:00+08:00`,
    durationMinutes: 60,
  }),
  visitRecords: (i) => ({
    id: `visit-${pad(i)}`,
    schoolId: schoolOf(i).id,
    studentId: `stu-${pad(i % 12)}`,
    teacherId: `t-${pad(i % 5)}`,
    kind: "universal",
    term: "2026-2027-1",
    channel: (["in_home", "phone", "in_home", "video"] as const)[i % 4] ?? "in_home",
    ...(i % 3 === 0 ? {} : { status: "submitted", submittedAt: `${day(i % 60)}T21:00:00+08:00` }),
    arrivedAt: `${day(i % 60)}T19:00:00+08:00`,
  }),
  safetyReports: (i) => ({
    id: `safety-${pad(i)}`,
    schoolId: schoolOf(i).id,
    teacherId: `t-${pad(i % 5)}`,
    studentIds: [`stu-${pad(i)}`],
    destination: { county: "莲都区", town: "碧湖镇", village: `村${i % 7}` },
    plannedStart: `${day(i % 20)}T18:30:00+08:00`,
    expectedDurationMinutes: 90,
    transportMode: "walk",
    noUnlicensedVehicle: true,
    reachablePhone: "13800001111",
    reportedAt: `${day(i % 20)}T12:00:00+08:00`,
  }),
  consents: (i) => ({
    id: `consent-${pad(i)}`,
    schoolId: schoolOf(i).id,
    studentId: baseStudentId(i),
    guardianId: `g-${pad(i)}`,
    status: i % 3 === 0 ? "withdrawn" : "granted",
    grantedOn: "2026-09-01",
    ...(i % 3 === 0 ? { withdrawnOn: "2026-12-01", withdrawnBy: "t-0001", purgeAfter: day(120 + (i % 2)) } : {}),
    recordedBy: "t-0001",
    recordedAt: "2026-09-01T10:00:00+08:00",
  }),
  mentorships: (i) => ({
    id: `mentor-${pad(i)}`,
    schoolId: schoolOf(i).id,
    studentId: baseStudentId(i),
    mentorId: `t-${pad(i % 3)}`,
    since: "2026-09-01",
    ...(i % 2 ? { until: "2027-01-31" } : {}),
  }),
  tombstones: (i) => ({
    id: `tomb-${pad(i)}`,
    schoolId: schoolOf(i).id,
    scope: "student",
    subjectHash: sha256Hex(`subject-${i}`),
    reason: (["request", "retention", "consent_withdrawn"] as const)[i % 3] ?? "request",
    erasedAt: "2027-01-01T00:00:00Z",
    erasedBy: "t-0001",
    removed: { students: 1, visitRecords: i % 4 },
    pendingBlobIds: i % 2 ? [`photo-${i}`] : [],
  }),
  termPlans: (i) => {
    const school = schoolOf(i);
    const termIndex = (i % 2) + 1;
    const termId = `2026-2027-${termIndex}`;
    const status = (["draft", "committed", "superseded"] as const)[i % 3] ?? "draft";
    const studentId = baseStudentId(i);
    const teacherId = `t-${pad(i % 5)}`;
    const obligationId = `obl-${pad(i)}:${studentId}`;
    const from = termIndex === 1 ? "2026-09-01" : "2027-02-20";
    const to = termIndex === 1 ? "2027-01-20" : "2027-07-05";
    return {
      id: `plan-${pad(i)}`,
      schoolId: school.id,
      termId,
      term: { id: termId, schoolYear: 2026, index: termIndex === 1 ? 1 : 2, start: from, end: to },
      status,
      planNumber: 1 + (i % 3),
      obligations: [
        {
          id: obligationId,
          ruleId: "universal",
          schoolId: school.id,
          studentId,
          kind: "universal",
          channel: "in_home",
          window: { from, to },
          preferred: [],
          needsCompanion: false,
          urgency: 1,
          why: { "zh-CN": "每学期普访一次", en: "One universal visit a term" },
        },
      ],
      assignments: [{ obligationId, studentId, leadTeacherId: teacherId, reasons: [] }],
      mentorships: [],
      slots: [
        {
          obligationId,
          studentId,
          teacherId,
          date: day(i % 30),
          start: "19:00",
          end: "20:00",
          tripId: `trip-${teacherId}-${day(i % 30)}`,
        },
      ],
      unassigned: [],
      unscheduled: [],
      quality: {
        coverage: 1,
        uncoveredStudentIds: [],
        teachersWithZeroVisits: [],
        loadImbalance: 0,
        continuityRate: null,
        studentsWithoutMentor: [],
        loads: [{ teacherId, visits: 1, load: 1 }],
        ok: true,
      },
      generatedBy: "t-0001",
      generatedAt: "2026-08-25T09:00:00+08:00",
      ...(status === "draft" ? {} : { committedBy: "t-0001", committedAt: "2026-08-26T09:00:00+08:00" }),
    };
  },
  conductReports: (i) => {
    const ruleId = conductRuleIds[i % conductRuleIds.length] ?? "no_money_or_gifts";
    const visitId = `visit-${pad(i % 7)}`;
    const reviewed = i % 2 === 1;
    return {
      id: `${visitId}:${ruleId}:${pad(i)}`,
      schoolId: schoolOf(i).id,
      teacherId: `t-${pad(i % 5)}`,
      studentId: `stu-${pad(i)}`,
      visitId,
      ruleId,
      note: "家长坚持留饭，已婉拒后仍被留下",
      declaredAt: `${day(i % 30)}T20:00:00+08:00`,
      status: reviewed ? "reviewed" : "open",
      ...(reviewed
        ? { reviewedBy: "t-0007", reviewedAt: `${day(1 + (i % 30))}T10:00:00+08:00`, resolution: "已谈话提醒" }
        : {}),
    };
  },
  safetyCheckIns: (i) => {
    const id = `safety-${pad(i)}`;
    const teacherId = `t-${pad(i % 5)}`;
    return {
      id,
      schoolId: schoolOf(i).id,
      teacherId,
      ...(i % 2
        ? { checkIn: { reportId: id, teacherId, returnedSafelyAt: `${day(i % 20)}T20:30:00+08:00`, incident: false } }
        : i % 4 === 0
          ? { overdueRaisedAt: `${day(i % 20)}T22:00:00+08:00` }
          : {}),
    };
  },
  zeroReports: (i) => {
    const from = day((i % 6) * 7);
    const to = day((i % 6) * 7 + 6);
    const quiet = i % 3 !== 0;
    return {
      id: `zero-${pad(i)}`,
      schoolId: schoolOf(i).id,
      period: { from, to },
      visitCount: i % 9,
      nothingHappened: quiet,
      incidents: quiet
        ? []
        : [
            {
              occurredOn: from,
              teacherId: `t-${pad(i % 5)}`,
              kind: "other",
              note: "路上摔了一跤，无大碍",
            },
          ],
      submittedBy: "t-0007",
      submittedAt: `${to}T17:00:00+08:00`,
    };
  },
  supportPlans: (i) => ({
    id: `support-${pad(i)}`,
    schoolId: schoolOf(i).id,
    studentId: baseStudentId(i),
    mentorId: `t-${pad(i % 3)}`,
    status: i % 4 === 3 ? "closed" : "active",
    goals: ["按时完成作业", "每周与父母通话一次"],
    measures: i % 2 ? ["learning_tutoring"] : ["help", "psychological_counselling"],
    followUps: [
      { id: `fu-${pad(i)}-1`, action: "两周后电话回访", ownerId: `t-${pad(i % 3)}`, dueOn: day(14 + (i % 10)) },
    ],
    createdBy: "t-0001",
    createdAt: "2026-09-05T09:00:00+08:00",
    updatedAt: "2026-09-05T09:00:00+08:00",
    ...(i % 4 === 3 ? { closedOn: "2027-01-15" } : {}),
  }),
  feedbackItems: (i) => {
    const status = (["open", "analysed", "rectified"] as const)[i % 3] ?? "open";
    return {
      id: `fb-${pad(i)}`,
      schoolId: schoolOf(i).id,
      studentId: `stu-${pad(i % 12)}`,
      visitId: `visit-${pad(i % 7)}`,
      kind: i % 2 ? "suggestion" : "opinion",
      text: "希望减少周末作业量",
      ...(i % 2 ? { topic: "作业量" } : {}),
      status,
      ...(status === "open" ? {} : { analysis: "多个班级反映相同问题" }),
      ...(status === "rectified" ? { rectification: "已统一周末作业时长" } : {}),
      raisedBy: `t-${pad(i % 5)}`,
      raisedAt: `${day(i % 30)}T21:00:00+08:00`,
      updatedAt: `${day(i % 30)}T21:00:00+08:00`,
    };
  },
  formTemplates: (i) => {
    const school = schoolOf(i).id;
    return {
      id: `form-${pad(i)}`,
      schoolId: school,
      template: {
        id: `tpl-${school}`,
        version: 1 + (i % 3),
        scope: { level: "school", id: school },
        name: { "zh-CN": `家访补充${i}` },
        fields: [
          { type: "boolean", key: "hasStudyDesk", label: { "zh-CN": "有书桌" }, required: true },
          {
            type: "text",
            key: "deskNote",
            label: { "zh-CN": "书桌情况" },
            pattern: "^[^<>]*$",
            showIf: { field: "hasStudyDesk", equals: true },
          },
        ],
        status: (["draft", "published", "retired"] as const)[i % 3] ?? "draft",
        createdAt: `${day(i % 30)}T08:00:00+08:00`,
      },
      designedBy: `t-${pad(i % 5)}`,
      updatedAt: `${day(i % 30)}T08:00:00+08:00`,
    };
  },
} satisfies { [N in StoredEntityName]?: (i: number) => EntityInput<N> };

/**
 * Record makers by entity: valid records whose index values vary with `i`. An entity without
 * a maker shows as a skipped "needs a fixture" test in every adapter's run.
 */
export const makers: typeof baseMakers & { readonly [N in StoredEntityName]?: (i: number) => EntityInput<N> } =
  baseMakers;

/**
 * A changed but still valid version of a record (same id, same tenant), for update tests.
 *
 * @example
 * ```ts
 * change("students", makers.students(1)).name; // "李同学1（改）"
 * ```
 */
export function change<N extends StoredEntityName>(entity: N, record: EntityInput<N>): EntityInput<N> {
  const r = { ...(record as Record<string, unknown>) };
  switch (entity) {
    case "students":
      r.name = `${String(r.name)}改`;
      break;
    case "teachers":
      r.subjects = ["数学"];
      break;
    case "categoryFlags":
      r.reviewOn = "2027-01-15";
      break;
    case "appointments":
      r.durationMinutes = 45;
      break;
    case "visitRecords":
      r.companionIds = ["t-9999"];
      break;
    case "safetyReports":
      r.expectedDurationMinutes = 120;
      break;
    case "consents":
      r.evidence = "家长会签字";
      break;
    case "mentorships":
      r.until = "2027-06-30";
      break;
    case "tombstones":
      r.pendingBlobIds = [];
      break;
    case "termPlans":
      r.appointmentIds = ["apt-0001"];
      break;
    case "conductReports":
      r.status = "reviewed";
      r.reviewedBy = "t-0007";
      r.reviewedAt = "2026-12-01T10:00:00+08:00";
      break;
    case "safetyCheckIns":
      r.overdueRaisedAt = "2026-12-01T22:00:00+08:00";
      break;
    case "zeroReports":
      r.visitCount = 42;
      break;
    case "supportPlans":
      r.goals = ["提高数学成绩"];
      break;
    case "feedbackItems":
      r.topic = "食堂";
      break;
    case "formTemplates":
      r.updatedAt = "2026-12-01T10:00:00+08:00";
      break;
    default:
      r.name = `${String(r.name)}（改）`;
  }
  return r as EntityInput<N>;
}

/**
 * An invalid input for each entity (a required field emptied).
 *
 * @example
 * ```ts
 * await expect(storage.students.create(invalid("students", makers.students(0)) as never)).rejects.toThrow();
 * ```
 */
export function invalid<N extends StoredEntityName>(entity: N, record: EntityInput<N>): unknown {
  const r = { ...(record as Record<string, unknown>) };
  // Storage accepts any well-formed category key (plugin categories); a malformed one is invalid.
  if (entity === "categoryFlags") r.category = "Not-A-Category";
  else if (entity === "appointments" || entity === "visitRecords" || entity === "safetyReports") r.teacherId = "";
  else if (entity === "consents" || entity === "mentorships") r.studentId = "";
  else if (entity === "tombstones") r.subjectHash = "not-a-hash";
  else if (entity === "termPlans") r.termId = "2026";
  else if (entity === "conductReports" || entity === "safetyCheckIns") r.teacherId = "";
  else if (entity === "zeroReports") r.nothingHappened = !r.nothingHappened;
  else if (entity === "supportPlans") r.goals = [];
  else if (entity === "feedbackItems") r.text = "   ";
  else if (entity === "formTemplates") r.designedBy = "";
  else if (entity === "teachers") r.roles = [];
  else if (entity === "students") r.guardians = [];
  else r.name = "";
  return r;
}

/**
 * Creates the fixture tenants and one base student per school.
 *
 * @example
 * ```ts
 * await seedTenants(storage); // cities, counties, schools and stu-base-<school> rows
 * ```
 */
export async function seedTenants(storage: Storage): Promise<void> {
  await storage.transaction(async (tx) => {
    await tx.cities.createMany(fixtureTenants.cities);
    await tx.counties.createMany(fixtureTenants.counties);
    await tx.schools.createMany(fixtureTenants.schools);
    await tx.students.createMany(
      fixtureTenants.schools.map((s, i) => makeStudent(i, { id: baseStudentId(i), schoolId: s.id })),
    );
  });
}
