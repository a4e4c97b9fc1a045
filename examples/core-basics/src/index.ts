// The README's "core in use" example, kept runnable and tested so the README never drifts.
import { categoriesAt, newStudentStatus, parseInput, schoolSchema, studentSchema } from "@homevisit/core";

export const school = parseInput(schoolSchema, {
  id: "ls-lianbei-zx",
  cityId: "lishui",
  countyId: "liandu",
  name: "莲北中学",
  kind: "junior",
  setting: "urban",
});

export const student = parseInput(studentSchema, {
  id: "s-001",
  schoolId: school.id,
  name: "李䶮",
  dateOfBirth: "2013-04-02",
  enrolments: [{ schoolId: school.id, classId: "7-3", grade: 7, from: "2026-09-01", startReason: "entry" }],
  guardians: [
    { id: "g-1", name: "李建国", relation: "paternal_grandfather", phone: "13812345678", livesWithStudent: true },
  ],
  address: { county: "莲都区", town: "老竹畲族镇", village: "沙溪村", travelMinutes: 40 },
  livingSituation: { livesWith: "grandparents", parentsAway: "both" },
});

export const flags = [
  {
    id: "f-1",
    studentId: student.id,
    category: "left_behind_or_single_parent" as const,
    validFrom: "2026-09-10",
    evidence: "父母均在外省务工",
    flaggedBy: "t-01",
    flaggedAt: "2026-09-10T10:00:00+08:00",
  },
];

export const status = newStudentStatus(student, school, "2026-10-15");
export const categories = categoriesAt(flags, "2026-10-15").map((c) => c.category);

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(status, categories);
}
