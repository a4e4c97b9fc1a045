// A campus as a vendor meets it: an empty store, the real engine and REST handler, and a host
// login by bearer token (the host's getActor). Everything else — the organisation, the roster,
// the plan — comes in through the API, the way a vendor's system would send it.
import { type Actor, createEngine, fixedClock, sequentialIds } from "@homevisit/core";
import { createRestHandler } from "@homevisit/rest";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import type { components, paths } from "./generated/homevisit-api.js";

type RosterBody = paths["/roster"]["post"]["requestBody"]["content"]["application/json"];
type EditableRecord =
  paths["/students/{studentId}/visit-records"]["post"]["requestBody"]["content"]["application/json"]["record"];

export const origin = "http://campus.test";
export const basePath = "/api/homevisit";

export const people = {
  cityBureau: { id: "b-city", roles: ["city_bureau"], cityId: "lishui" },
  countyBureau: { id: "b-liandu", roles: ["county_bureau"], cityId: "lishui", countyId: "liandu" },
  schoolAdmin: { id: "t-admin", roles: ["school_admin"], cityId: "lishui", countyId: "liandu", schoolId: "sch-1" },
  principal: { id: "t-p1", roles: ["principal", "teacher"], cityId: "lishui", countyId: "liandu", schoolId: "sch-1" },
  classTeacher: {
    id: "t-c1",
    roles: ["teacher", "class_teacher"],
    cityId: "lishui",
    countyId: "liandu",
    schoolId: "sch-1",
  },
  teacher: { id: "t-t1", roles: ["teacher"], cityId: "lishui", countyId: "liandu", schoolId: "sch-1" },
  otherPrincipal: {
    id: "t-p2",
    roles: ["principal", "teacher"],
    cityId: "lishui",
    countyId: "suichang",
    schoolId: "sch-2",
  },
} satisfies Record<string, Actor>;
export type Person = keyof typeof people;

/** The host's login: an opaque session token per person. */
export const tokenOf = (who: Person) => `session-${who}`;

export function makeVendorWorld() {
  const storage = memoryStorage();
  const engine = createEngine({
    storage,
    blobs: memoryBlobStore(),
    clock: fixedClock("2026-10-08T09:00:00+08:00"),
    ids: sequentialIds("v"),
    config: { audit: { hmacKey: "vendor-tests-hmac-key-0001" } },
  });
  const byToken = new Map(Object.keys(people).map((p) => [tokenOf(p as Person), people[p as Person]]));
  const handler = createRestHandler(engine, {
    basePath,
    getActor: (request) => {
      const auth = request.headers.get("authorization") ?? "";
      return auth.startsWith("Bearer ") ? (byToken.get(auth.slice(7)) ?? null) : null;
    },
  });
  return { handler, engine, storage };
}

/** Roster rows of school 1: one class of six 12-year-olds (consent needed), three teachers. */
export function rosterOfSchool1(): RosterBody {
  const classes = [
    { id: "cls-1", schoolId: "sch-1", grade: 7, name: "七(1)班", schoolYear: 2026, classTeacherId: "t-c1" },
  ];
  const teachers: RosterBody["teachers"] = [
    { id: "t-p1", schoolId: "sch-1", name: "张校长", roles: ["principal", "teacher"], classIds: [] },
    {
      id: "t-c1",
      schoolId: "sch-1",
      name: "李老师",
      roles: ["teacher", "class_teacher"],
      classIds: ["cls-1"],
    },
    { id: "t-t1", schoolId: "sch-1", name: "王老师", roles: ["teacher"], classIds: ["cls-1"] },
  ];
  const students: RosterBody["students"] = Array.from({ length: 6 }, (_, i) => {
    const n = i + 1;
    return {
      id: `stu-${n}`,
      schoolId: "sch-1",
      name: `陈同学${n}`,
      gender: n % 2 ? "female" : "male",
      dateOfBirth: `2014-0${n}-15`,
      enrolments: [{ schoolId: "sch-1", classId: "cls-1", grade: 7, from: "2026-09-01", startReason: "entry" }],
      guardians: [
        {
          id: `g-${n}`,
          name: `陈家长${n}`,
          relation: "mother",
          phone: `1390000${String(1000 + n)}`,
          primary: true,
          livesWithStudent: true,
          worksAway: false,
        },
      ],
      address: { county: "莲都区", town: "碧湖镇", village: "平原村", detail: `${n}号`, remote: false },
      livingSituation: { livesWith: "both_parents", parentsAway: "none" },
      availability: [],
    };
  });
  return { asOf: "2026-09-01", classes, teachers, students };
}

/** A visit record ready for submission (R4): every section, the six conduct rules attested. */
export const fullRecord: EditableRecord = {
  kind: "universal",
  term: "2026-2027-1",
  channel: "in_home",
  arrivedAt: "2026-10-08T07:30:00+08:00",
  departedAt: "2026-10-08T08:30:00+08:00",
  attendees: { student: true },
  outreachGoals: ["care"],
  familySituation: { notes: "家中情况良好" },
  schoolFeedback: { notes: "在校表现积极" },
  parentOpinions: { opinions: "希望减少作业量", suggestions: "增加体育活动" },
  teacherReflection: { reflection: "沟通顺畅" },
  conduct: {
    items: {
      no_money_or_gifts: { kept: true },
      no_meals_or_reimbursement: { kept: true },
      no_transport_from_family: { kept: true },
      no_private_requests: { kept: true },
      no_entertainment: { kept: true },
      no_paid_tutoring: { kept: true },
    },
    attestedAt: "2026-10-08T08:50:00+08:00",
  },
};

export const term: components["schemas"]["Term"] = {
  id: "2026-2027-1",
  schoolYear: 2026,
  index: 1,
  start: "2026-09-01",
  end: "2027-01-22",
};
