import {
  type CategoryFlag,
  type City,
  type County,
  type Grade,
  gradesOf,
  type Mentorship,
  type School,
  type SchoolClass,
  type SchoolKind,
  type Student,
  schoolYearOf,
  type Teacher,
} from "@homevisit/core";
import { createDateCache, flat } from "./flat.js";
import { mobileNumber, pickGivenName, pickSurname } from "./names.js";
import { classIdOf, type SchoolPlan } from "./plan.js";
import type { Rng } from "./rng.js";
import { generateStudent, type StudentContext } from "./students.js";

/** One school with everything in it: what `streamProvince` yields, and what a city is made of. */
export interface SchoolBatch {
  city: City;
  county: County;
  school: School;
  /** The school's classes: this school year's, then earlier years' that students passed through. */
  classes: SchoolClass[];
  teachers: Teacher[];
  students: Student[];
  categoryFlags: CategoryFlag[];
  mentorships: Mentorship[];
}

const zhNumbers = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
const kindergartenNames: Record<number, string> = { [-2]: "小", [-1]: "中", 0: "大" };

function classKey(schoolYear: number, grade: Grade, index: number): number {
  return (schoolYear * 16 + grade + 2) * 1000 + index;
}

/** The class name as schools write it: `小(2)班`, `三(1)班`, `七(3)班`, `高一(4)班`. */
function className(grade: Grade, index: number): string {
  const stem = grade <= 0 ? kindergartenNames[grade] : grade >= 10 ? `高${zhNumbers[grade - 9]}` : zhNumbers[grade];
  return `${stem}(${index})班`;
}

// Pupils per class by kind and setting; hill schools run smaller classes.
const classSizes: Record<SchoolKind, Record<School["setting"], number>> = {
  kindergarten: { urban: 32, town: 30, rural: 25 },
  primary: { urban: 45, town: 42, rural: 36 },
  junior: { urban: 48, town: 46, rural: 42 },
  senior: { urban: 50, town: 48, rural: 46 },
  nine_year: { urban: 45, town: 42, rural: 36 },
  twelve_year: { urban: 45, town: 44, rural: 42 },
};

// Students per teacher: kindergartens run two teachers a class.
const studentsPerTeacher: Record<SchoolKind, number> = {
  kindergarten: 13,
  primary: 12.5,
  junior: 12.5,
  senior: 11.5,
  nine_year: 12.5,
  twelve_year: 12,
};

const subjectsByStage = {
  kindergarten: ["学前教育"],
  primary: ["语文", "数学", "英语", "科学", "道德与法治", "音乐", "体育", "美术", "信息技术"],
  secondary: ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "体育", "音乐", "美术"],
} as const;

function subjectsOf(kind: SchoolKind): readonly string[] {
  if (kind === "kindergarten") return subjectsByStage.kindergarten;
  if (kind === "primary") return subjectsByStage.primary;
  return subjectsByStage.secondary;
}

const femaleShare: Record<SchoolKind, number> = {
  kindergarten: 0.95,
  primary: 0.75,
  junior: 0.6,
  senior: 0.5,
  nine_year: 0.65,
  twelve_year: 0.6,
};

/** A class of this school year with its planned size. */
interface CurrentClass {
  cls: SchoolClass;
  grade: Grade;
  index: number;
  size: number;
  inGrade: number;
}

/**
 * Expands a school plan into its classes, teachers, students, category flags and mentors.
 * Everything is drawn from `rng`, which the caller forks for this school alone; the steps run
 * in a fixed order (classes, teachers, students) because each draws from the same stream.
 */
export function expandSchool(plan: SchoolPlan, city: City, county: County, date: string, rng: Rng): SchoolBatch {
  const schoolYear = schoolYearOf(date);
  const school: School = {
    id: plan.id,
    cityId: city.id,
    countyId: county.id,
    name: plan.name,
    kind: plan.kind,
    setting: plan.setting,
    town: plan.town.name,
  };
  if (plan.entryGrades) school.entryGrades = plan.entryGrades;
  const grades = gradesOf(plan.kind);
  const firstGrade = grades[0] ?? 1;
  const current = currentClasses(plan, grades, schoolYear, rng);
  const { teachers, mentors } = staffSchool(plan, current, schoolYear, rng);
  const classes = [...current.map((c) => c.cls), ...earlierClasses(plan, current, schoolYear, firstGrade)];
  const context: StudentContext = {
    classId: classIdLookup(plan, classes),
    dates: createDateCache(),
    plan,
    school,
    date,
    schoolYear,
    firstGrade,
    entryGrades: plan.entryGrades ?? [firstGrade],
    rng,
    mentors,
  };
  const fallbackTeacherId = teachers[0]?.id ?? plan.id;
  return { city, county, school, classes, teachers, ...seatStudents(plan, current, context, fallbackTeacherId) };
}

/** Classes of this school year, with their planned sizes. */
function currentClasses(plan: SchoolPlan, grades: readonly Grade[], schoolYear: number, rng: Rng): CurrentClass[] {
  const perGradeTarget = plan.size / grades.length;
  const classSize = classSizes[plan.kind][plan.setting];
  const current: CurrentClass[] = [];
  for (const grade of grades) {
    const students = Math.max(4, Math.round(perGradeTarget * (0.9 + rng.next() * 0.2)));
    const count = Math.max(1, Math.round(students / classSize));
    const base = Math.floor(students / count);
    for (let index = 1; index <= count; index++) {
      const size = base + (index <= students - base * count ? 1 : 0);
      const cls: SchoolClass = {
        id: classIdOf(plan.id, schoolYear, grade, index),
        schoolId: plan.id,
        grade,
        name: className(grade, index),
        schoolYear,
      };
      current.push({ cls, grade, index, size, inGrade: count });
    }
  }
  return current;
}

/**
 * Teachers: the principal, an administrator in larger schools, a class teacher per class,
 * then subject teachers up to the staffing ratio; some of them mentors (德育导师).
 */
function staffSchool(
  plan: SchoolPlan,
  current: readonly CurrentClass[],
  schoolYear: number,
  rng: Rng,
): { teachers: Teacher[]; mentors: string[] } {
  const plannedStudents = current.reduce((sum, c) => sum + c.size, 0);
  const adminCount = plannedStudents >= 400 ? 1 : 0;
  const teacherCount = Math.max(
    Math.round(plannedStudents / studentsPerTeacher[plan.kind]),
    current.length + 1 + adminCount + 1,
  );
  const subjects = subjectsOf(plan.kind);
  const teachers: Teacher[] = [];
  const mentors: string[] = [];
  for (let i = 0; i < teacherCount; i++) {
    const female = rng.chance(femaleShare[plan.kind]);
    const id = flat(`${plan.id}-t${String(i + 1).padStart(3, "0")}`);
    const teacher: Teacher = {
      id,
      schoolId: plan.id,
      name:
        pickSurname(rng, plan.town.name.includes("畲族") || plan.county.name.includes("畲族")) +
        pickGivenName(rng, female ? "woman" : "man"),
      roles: ["teacher"],
      subjects: [],
      classIds: [],
      phone: mobileNumber(rng),
      joinedOn: `${rng.int(i === 0 ? 1995 : 2000, schoolYear)}-08-${rng.int(20, 31)}`,
    };
    assignDuties(teacher, i, adminCount, plan, current, subjects, schoolYear, rng);
    if (teacher.leftOn === undefined && rng.chance(i === 0 ? 0.5 : 0.3)) {
      teacher.roles = [...teacher.roles, "mentor"];
      mentors.push(id);
    }
    teachers.push(teacher);
  }
  const principal = teachers[0];
  if (mentors.length === 0 && principal) {
    principal.roles = [...principal.roles, "mentor"];
    mentors.push(principal.id);
  }
  return { teachers, mentors };
}

/** The `i`-th teacher's roles, subjects and classes, by their place in the staff list. */
function assignDuties(
  teacher: Teacher,
  i: number,
  adminCount: number,
  plan: SchoolPlan,
  current: readonly CurrentClass[],
  subjects: readonly string[],
  schoolYear: number,
  rng: Rng,
): void {
  const classIndex = i - 1 - adminCount;
  if (i === 0) {
    teacher.roles = ["principal", "teacher"];
    teacher.subjects = [rng.pick(subjects)];
    teacher.termCapacity = 8;
    teacher.joinedOn = `${rng.int(1995, schoolYear - 3)}-08-${rng.int(20, 31)}`;
  } else if (i <= adminCount) {
    teacher.roles = ["school_admin", "teacher"];
    teacher.subjects = [rng.pick(subjects)];
  } else if (classIndex < current.length) {
    const own = current[classIndex];
    if (own) {
      own.cls.classTeacherId = teacher.id;
      teacher.roles = ["class_teacher", "teacher"];
      teacher.subjects = [plan.kind === "kindergarten" ? "学前教育" : rng.pick(["语文", "数学", "语文", "英语"])];
      teacher.classIds = [own.cls.id];
      if (own.inGrade > 1 && rng.chance(0.5)) {
        const other = current[classIndex + (own.index < own.inGrade ? 1 : -1)];
        if (other) teacher.classIds.push(other.cls.id);
      }
    }
  } else {
    teacher.subjects = [rng.pick(subjects)];
    const taught = plan.kind === "kindergarten" ? 1 : rng.int(1, Math.min(4, current.length));
    const classIds = new Set<string>();
    for (let k = 0; k < taught; k++) classIds.add(rng.pick(current).cls.id);
    teacher.classIds = [...classIds];
    // A few subject teachers have left during the year: they stay in the records.
    const joinedYear = Number(teacher.joinedOn?.slice(0, 4));
    if (joinedYear < schoolYear - 1 && rng.chance(0.01)) {
      teacher.leftOn = `${schoolYear}-${rng.chance(0.5) ? "07-15" : "08-31"}`;
      teacher.classIds = [];
    }
  }
}

/** Earlier years' classes of each cohort, led by the cohort's class teacher. */
function earlierClasses(
  plan: SchoolPlan,
  current: readonly CurrentClass[],
  schoolYear: number,
  firstGrade: number,
): SchoolClass[] {
  const classes: SchoolClass[] = [];
  for (const c of current) {
    for (let back = 1; back <= c.grade - firstGrade; back++) {
      const cls: SchoolClass = {
        id: classIdOf(plan.id, schoolYear - back, c.grade - back, c.index),
        schoolId: plan.id,
        grade: c.grade - back,
        name: className(c.grade - back, c.index),
        schoolYear: schoolYear - back,
      };
      if (c.cls.classTeacherId !== undefined) cls.classTeacherId = c.cls.classTeacherId;
      classes.push(cls);
    }
  }
  return classes;
}

/** Finds a cohort's class id in a year, shared with the class records. */
function classIdLookup(plan: SchoolPlan, classes: readonly SchoolClass[]): StudentContext["classId"] {
  const classIds = new Map<number, string>();
  for (const cls of classes)
    classIds.set(classKey(cls.schoolYear, cls.grade, Number(cls.id.slice(cls.id.lastIndexOf("-") + 1))), cls.id);
  return (year, grade, index) => classIds.get(classKey(year, grade, index)) ?? classIdOf(plan.id, year, grade, index);
}

/** The students of each class of this year, seated in class order. */
function seatStudents(
  plan: SchoolPlan,
  current: readonly CurrentClass[],
  context: StudentContext,
  fallbackTeacherId: string,
): Pick<SchoolBatch, "students" | "categoryFlags" | "mentorships"> {
  const students: Student[] = [];
  const categoryFlags: CategoryFlag[] = [];
  const mentorships: Mentorship[] = [];
  let seq = 0;
  for (const c of current) {
    for (let k = 0; k < c.size; k++) {
      seq++;
      const generated = generateStudent(context, {
        id: flat(`${plan.id}-n${String(seq).padStart(4, "0")}`),
        grade: c.grade,
        classIndex: c.index,
        classesInGrade: c.inGrade,
        classTeacherId: c.cls.classTeacherId ?? fallbackTeacherId,
      });
      students.push(generated.student);
      for (const f of generated.flags) categoryFlags.push(f);
      if (generated.mentorship) mentorships.push(generated.mentorship);
    }
  }
  return { students, categoryFlags, mentorships };
}
