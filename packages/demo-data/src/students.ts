import {
  addDays,
  type CategoryFlag,
  daysBetween,
  type Enrolment,
  type HomeAddress,
  type PriorityCategory,
  previousDay,
  type Setting,
  type Student,
} from "@homevisit/core";
import { availabilityFor, type FamilyShape, familyShapes, guardiansFor, livingSituation } from "./families.js";
import { flat } from "./flat.js";
import type { TownGeography } from "./geography.js";
import { pickGivenName, pickSurname } from "./names.js";
import type { Rng } from "./rng.js";
import type { GeneratedStudent, StudentContext, StudentSeat } from "./student-context.js";

export type { GeneratedStudent, StudentContext, StudentSeat } from "./student-context.js";

// Children of migrant workers (进城务工随迁子女) study where their parents work: in town.
const migrantShare: Record<Setting, number> = { urban: 0.16, town: 0.08, rural: 0.015 };

const baseCategoryRates: Record<
  Setting,
  Record<"economic_hardship" | "learning_difficulty" | "major_change" | "disability" | "family_crisis", number>
> = {
  urban: {
    economic_hardship: 0.03,
    learning_difficulty: 0.05,
    major_change: 0.02,
    disability: 0.008,
    family_crisis: 0.005,
  },
  town: {
    economic_hardship: 0.055,
    learning_difficulty: 0.06,
    major_change: 0.02,
    disability: 0.008,
    family_crisis: 0.005,
  },
  rural: {
    economic_hardship: 0.085,
    learning_difficulty: 0.075,
    major_change: 0.02,
    disability: 0.009,
    family_crisis: 0.006,
  },
};

const homeProvinces = [
  "江西省",
  "安徽省",
  "贵州省",
  "四川省",
  "河南省",
  "湖南省",
  "云南省",
  "福建省",
  "湖北省",
  "广西",
];

const evidenceTexts: Record<
  Exclude<PriorityCategory, "left_behind_or_single_parent" | "migrant_worker_child">,
  string[]
> = {
  economic_hardship: [
    "家庭享受最低生活保障",
    "低收入农户家庭，已纳入帮扶名单",
    "父亲因病失去劳动能力，家庭收入微薄",
    "母亲长期患病，医疗支出大",
    "家庭为特困供养户",
  ],
  learning_difficulty: [
    "语文、数学连续两次期末考试不及格",
    "阅读理解困难，作业完成率低",
    "注意力难以集中，学业明显落后",
    "基础薄弱，跟不上课堂进度",
  ],
  major_change: [
    "近一学期成绩明显下滑，情绪低落",
    "与同学关系紧张，沉迷手机游戏",
    "近期厌学，多次迟到旷课",
    "性格变得孤僻，不愿与人交流",
  ],
  disability: ["听力残疾，持残疾人证", "肢体残疾（下肢），行动不便", "视力残疾（低视力）", "轻度智力残疾，随班就读"],
  family_crisis: [
    "父亲突发重病住院",
    "家中房屋遭遇火灾",
    "母亲因交通事故去世",
    "家庭遭遇洪灾，房屋受损",
    "父母突然离异，孩子情绪波动大",
  ],
};

const revokeReasons: Record<"economic_hardship" | "learning_difficulty" | "major_change", string> = {
  economic_hardship: "家庭经济状况好转",
  learning_difficulty: "学业已赶上，期末成绩合格",
  major_change: "情绪与学业恢复稳定",
};

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/** Where the student lives: mostly near the school, further for secondary schools. */
function pickHomeTown(context: StudentContext): TownGeography {
  const { plan, rng } = context;
  const stay =
    plan.kind === "senior" || plan.kind === "twelve_year"
      ? 0.2
      : plan.kind === "junior"
        ? plan.town.type === "street"
          ? 0.5
          : 0.8
        : plan.kind === "nine_year"
          ? 0.85
          : 0.88;
  if (rng.chance(stay)) return plan.town;
  // Elsewhere in the county, weighted towards the populous subdistricts.
  const towns = plan.towns;
  for (let tries = 0; tries < 4; tries++) {
    const t = rng.pick(towns);
    if (t.type === "street" || rng.chance(t.type === "town" ? 0.5 : 0.25)) return t;
  }
  return plan.town;
}

function homeAddress(context: StudentContext, migrant: boolean): HomeAddress {
  const { plan, rng } = context;
  const town = pickHomeTown(context);
  // Migrant families rent in the town's community, not in its villages.
  const village =
    migrant && town.type !== "street" ? (town.villages[0] ?? rng.pick(town.villages)) : rng.pick(town.villages);
  const travel =
    town === plan.town
      ? village.minutes + rng.int(2, 8)
      : Math.round((plan.town.minutes + town.minutes) * 0.7) + village.minutes + rng.int(2, 10);
  const travelMinutes = clamp(travel, 3, 600);
  const detail =
    town.type === "street" || village.name.endsWith("社区")
      ? flat(`${rng.int(1, 40)}幢${rng.int(1, 3)}单元${rng.int(1, 18)}0${rng.int(1, 4)}室`)
      : `${rng.int(1, 150)}号`;
  const remote = village.far || travelMinutes >= 75;
  if (!rng.chance(0.6)) {
    return { county: plan.county.name, town: town.name, village: village.name, detail, travelMinutes, remote };
  }
  const coordinates = {
    lat: Math.round((town.center.lat + (rng.next() - 0.5) * 0.04) * 1e5) / 1e5,
    lng: Math.round((town.center.lng + (rng.next() - 0.5) * 0.04) * 1e5) / 1e5,
  };
  return {
    county: plan.county.name,
    town: town.name,
    village: village.name,
    detail,
    coordinates,
    travelMinutes,
    remote,
  };
}
/**
 * The enrolment history at this school: one period per school year from entry or transfer,
 * promotions between them, and now and then a change of class this year.
 */
function enrolmentsFor(context: StudentContext, seat: StudentSeat, migrant: boolean): Enrolment[] {
  const { rng, school, schoolYear, firstGrade, entryGrades, date } = context;
  const grade = seat.grade;
  const yearStart = context.dates.yearStart(schoolYear);
  const daysIntoYear = daysBetween(yearStart, date);

  let startYear = schoolYear;
  let startFrom = yearStart;
  let startReason: Enrolment["startReason"] = "entry";
  const transferShare = migrant ? 0.3 : 0.04;
  if (grade === firstGrade || (entryGrades.includes(grade) && rng.chance(0.6))) {
    // New students this year: most joined on the first day, a few transferred in later.
    if (rng.chance(0.02) && daysIntoYear > 0) {
      startFrom = addDays(yearStart, rng.int(1, daysIntoYear));
      startReason = "transfer_in";
    }
  } else if (rng.chance(transferShare)) {
    startYear = schoolYear - rng.int(0, grade - firstGrade - 1);
    startReason = "transfer_in";
    if (startYear === schoolYear) startFrom = addDays(yearStart, rng.int(0, Math.max(0, daysIntoYear)));
    else if (rng.chance(0.5)) startFrom = context.dates.yearStart(startYear);
    else startFrom = `${startYear + 1}-02-${rng.int(20, 28)}`;
  } else {
    // Joined at the latest entry grade at or below today's grade, or at the first grade.
    const later = entryGrades.filter((g) => g <= grade && g !== firstGrade);
    const entryGrade = later.length > 0 && rng.chance(0.6) ? Math.max(...later) : firstGrade;
    startYear = schoolYear - (grade - entryGrade);
    startFrom = context.dates.yearStart(startYear);
  }

  const enrolments: Enrolment[] = [];
  for (let year = startYear; year <= schoolYear; year++) {
    const g = grade - (schoolYear - year);
    const classId = context.classId(year, g, seat.classIndex);
    const from = year === startYear ? startFrom : context.dates.yearStart(year);
    const startedBy = year === startYear ? startReason : "promotion";
    // One literal per shape: properties added later would cost every record a property array.
    enrolments.push(
      year < schoolYear
        ? {
            schoolId: school.id,
            classId,
            grade: g,
            from,
            to: context.dates.yearEnd(year),
            startReason: startedBy,
            endReason: "promotion",
          }
        : { schoolId: school.id, classId, grade: g, from, startReason: startedBy },
    );
  }

  // About one in a hundred moved to another class of the grade this year.
  const last = enrolments[enrolments.length - 1];
  if (last && seat.classesInGrade > 1 && daysIntoYear > 14 && rng.chance(0.01)) {
    const changeOn = addDays(yearStart, rng.int(8, daysIntoYear));
    if (last.from < changeOn) {
      const otherIndex = (seat.classIndex % seat.classesInGrade) + 1;
      last.classId = context.classId(schoolYear, grade, otherIndex);
      last.to = previousDay(changeOn);
      last.endReason = "class_change";
      enrolments.push({
        schoolId: school.id,
        classId: context.classId(schoolYear, grade, seat.classIndex),
        grade,
        from: changeOn,
        startReason: "class_change",
      });
    }
  }
  // Exact-length copy: arrays grown by push keep spare capacity.
  return enrolments.slice();
}

function instantOn(date: string, rng: Rng): string {
  return flat(`${date}T${String(rng.int(8, 17)).padStart(2, "0")}:${String(rng.int(0, 59)).padStart(2, "0")}:00+08:00`);
}

/** Generates one student with guardians, address, history, category flags and mentor. */
export function generateStudent(context: StudentContext, seat: StudentSeat): GeneratedStudent {
  const { rng, plan, date, schoolYear } = context;
  const setting = plan.setting;
  const she = plan.town.name.includes("畲族") || plan.county.name.includes("畲族");
  const migrant = rng.chance(migrantShare[setting]);
  const shape: FamilyShape = migrant
    ? rng.chance(0.9)
      ? "together"
      : "single_mother"
    : rng.weighted(familyShapes[setting]);
  const boarding =
    (plan.kind === "senior" && setting !== "urban" && rng.chance(0.7)) || (plan.kind === "senior" && rng.chance(0.2));

  const female = rng.chance(0.48);
  // Most children carry the father's surname, some the mother's.
  const surname = pickSurname(rng, she);
  const name = surname + pickGivenName(rng, female ? "girl" : "boy");

  // Born in the year that puts the child in this grade on 1 September; a few are a year older.
  const birthStartYear = schoolYear - 6 - seat.grade - (rng.chance(0.04) ? 1 : 0);
  const dateOfBirth = addDays(`${birthStartYear}-09-01`, rng.int(0, 364));

  const enrolments = enrolmentsFor(context, seat, migrant);
  const student: Student = {
    id: seat.id,
    schoolId: context.school.id,
    name,
    gender: female ? "female" : "male",
    dateOfBirth,
    enrolments,
    guardians: guardiansFor(context, seat.id, shape, surname, she),
    address: homeAddress(context, migrant),
    livingSituation: livingSituation(shape, boarding),
    availability: availabilityFor(context, shape, seat.id),
  };

  // Category flags: the living situation and origin decide two of them; the others by rate.
  const firstFrom = enrolments[0]?.from ?? context.dates.yearStart(schoolYear);
  const span = Math.max(0, daysBetween(firstFrom, date));
  const flags: CategoryFlag[] = [];
  const addFlag = (category: PriorityCategory, evidence: string, recentDays?: number): CategoryFlag => {
    const validFrom =
      recentDays !== undefined
        ? addDays(date, -rng.int(0, Math.min(span, recentDays)))
        : rng.chance(0.7)
          ? addDays(firstFrom, rng.int(0, Math.min(span, 30)))
          : addDays(firstFrom, rng.int(0, span));
    const id = flat(`${seat.id}-f${flags.length + 1}`);
    const flaggedAt = instantOn(validFrom, rng);
    const flaggedBy = seat.classTeacherId;
    const flag: CategoryFlag = rng.chance(0.5)
      ? {
          id,
          studentId: seat.id,
          category,
          validFrom,
          evidence,
          flaggedBy,
          flaggedAt,
          reviewOn: addDays(validFrom, 180),
        }
      : { id, studentId: seat.id, category, validFrom, evidence, flaggedBy, flaggedAt };
    flags.push(flag);
    return flag;
  };

  const young = seat.grade <= 0 ? 0.2 : 1;
  const rates = baseCategoryRates[setting];
  const awayOrSingle =
    shape === "both_away_grandparents" ||
    shape === "both_away_relatives" ||
    shape === "single_mother" ||
    shape === "single_father";
  if (awayOrSingle && rng.chance(0.92)) {
    addFlag("left_behind_or_single_parent", student.livingSituation.note?.replace(/^住校；/, "") ?? "单亲家庭");
  }
  if (migrant && rng.chance(0.9)) {
    addFlag("migrant_worker_child", flat(`父母从${rng.pick(homeProvinces)}来${plan.county.name}务工，随迁入学`));
  }
  if (rng.chance(rates.economic_hardship + (awayOrSingle ? 0.05 : 0))) {
    const flag = addFlag("economic_hardship", rng.pick(evidenceTexts.economic_hardship));
    if (rng.chance(0.2)) flag.validTo = context.dates.yearEnd(schoolYear);
  }
  if (rng.chance(rates.learning_difficulty * young)) {
    addFlag("learning_difficulty", rng.pick(evidenceTexts.learning_difficulty));
  }
  if (rng.chance(rates.major_change * young)) {
    addFlag("major_change", rng.pick(evidenceTexts.major_change), 300);
  }
  if (rng.chance(rates.disability)) addFlag("disability", rng.pick(evidenceTexts.disability));
  if (rng.chance(rates.family_crisis)) {
    const flag = addFlag("family_crisis", rng.pick(evidenceTexts.family_crisis), 120);
    if (rng.chance(0.4)) flag.validTo = addDays(flag.validFrom, 365);
  }
  const active = flags.slice();

  // History: an earlier flag that was withdrawn once the situation improved.
  if (span > 60 && rng.chance(0.04)) {
    const category = rng.pick(["economic_hardship", "learning_difficulty", "major_change"] as const);
    const validFrom = addDays(firstFrom, rng.int(0, Math.floor(span / 2)));
    const room = daysBetween(validFrom, date);
    if (room > 30) {
      const flag = addFlag(category, rng.pick(evidenceTexts[category]));
      flag.validFrom = validFrom;
      flag.flaggedAt = instantOn(validFrom, rng);
      delete flag.validTo;
      if (flag.reviewOn !== undefined) flag.reviewOn = addDays(validFrom, 180);
      flag.revokedOn = addDays(validFrom, rng.int(30, room));
      flag.revokedBy = seat.classTeacherId;
      flag.revokeReason = revokeReasons[category];
    }
  }

  const generated: GeneratedStudent = { student, flags };
  // Priority students get a moral-education mentor (R4.5); a few are still waiting for one.
  if (active.length > 0 && context.mentors.length > 0 && rng.chance(0.85)) {
    const earliest = active.reduce((min, f) => (f.validFrom < min ? f.validFrom : min), date);
    const since = addDays(earliest, rng.int(0, 14));
    generated.mentorship = {
      studentId: seat.id,
      mentorId: rng.pick(context.mentors),
      since: since > date ? date : since,
    };
  }
  return generated;
}
