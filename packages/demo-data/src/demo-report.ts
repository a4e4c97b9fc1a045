import {
  type CategoryFlag,
  categoriesAt,
  currentEnrolment,
  derivePersonalisedPlan,
  gradeLabel,
  type LocalizedText,
  maskAddress,
  maskPhone,
  newStudentStatus,
  type PersonalisedPlan,
  priorityCategories,
  priorityCategoryLabels,
  type Student,
  schoolYearOf,
} from "@homevisit/core";
import type { DemoDataset } from "./generate.js";

/**
 * The demo's printout: what core derives from one generated school. Private by default
 * (RELIABILITY.md promise 3): phones are masked and addresses stop at the village.
 */

const kindLabels: Record<string, LocalizedText> = {
  kindergarten: { "zh-CN": "幼儿园", en: "kindergarten" },
  primary: { "zh-CN": "小学", en: "primary school" },
  junior: { "zh-CN": "初级中学", en: "junior secondary school" },
  senior: { "zh-CN": "高级中学", en: "senior secondary school" },
  nine_year: { "zh-CN": "九年一贯制学校", en: "nine-year school" },
  twelve_year: { "zh-CN": "十二年一贯制学校", en: "twelve-year school" },
};

const settingLabels: Record<string, LocalizedText> = {
  urban: { "zh-CN": "城区", en: "urban" },
  town: { "zh-CN": "城镇", en: "town" },
  rural: { "zh-CN": "农村", en: "rural" },
};

const relationLabels: Record<string, LocalizedText> = {
  father: { "zh-CN": "父亲", en: "father" },
  mother: { "zh-CN": "母亲", en: "mother" },
  paternal_grandfather: { "zh-CN": "祖父", en: "grandfather" },
  paternal_grandmother: { "zh-CN": "祖母", en: "grandmother" },
  maternal_grandfather: { "zh-CN": "外祖父", en: "grandfather" },
  maternal_grandmother: { "zh-CN": "外祖母", en: "grandmother" },
  sibling: { "zh-CN": "兄姐", en: "sibling" },
  other_relative: { "zh-CN": "其他亲属", en: "relative" },
  foster_parent: { "zh-CN": "寄养家长", en: "foster parent" },
  other: { "zh-CN": "其他", en: "other" },
};

function both(text: LocalizedText): string {
  return `${text["zh-CN"]} / ${text.en}`;
}

/** A student picked for the sample plans, and why. */
interface Sample {
  student: Student;
  why: LocalizedText;
}

function pickSamples(data: DemoDataset, flags: Map<string, CategoryFlag[]>, date: string): Sample[] {
  const school = data.schools[0];
  if (!school) return [];
  const samples: Sample[] = [];
  const taken = new Set<string>();
  const take = (why: LocalizedText, test: (s: Student, active: string[]) => boolean): void => {
    const found = data.students.find(
      (s) =>
        !taken.has(s.id) &&
        test(
          s,
          categoriesAt(flags.get(s.id) ?? [], date).map((a) => a.category),
        ),
    );
    if (found) {
      taken.add(found.id);
      samples.push({ student: found, why });
    }
  };
  const grade = (s: Student): number => currentEnrolment(s, date)?.grade ?? 0;
  take(
    { "zh-CN": "留守儿童，与祖父母同住", en: "left-behind child living with grandparents" },
    (s, active) =>
      grade(s) >= 3 &&
      s.livingSituation.livesWith === "grandparents" &&
      active.includes("left_behind_or_single_parent"),
  );
  take(
    { "zh-CN": "本学年转入的新生", en: "new student who transferred in this year" },
    (s) => newStudentStatus(s, school, date).isNew && s.enrolments[0]?.startReason === "transfer_in",
  );
  take({ "zh-CN": "家庭突发重大变故", en: "family hit by a sudden major event" }, (_s, active) =>
    active.includes("family_crisis"),
  );
  take(
    { "zh-CN": "多个类别的重点学生", en: "priority student in several categories" },
    (_s, active) => active.length >= 2,
  );
  take(
    { "zh-CN": "入学年级的新生", en: "new student in the entry grade" },
    (s) => newStudentStatus(s, school, date).isNew,
  );
  return samples.slice(0, 3);
}

function planLines(plan: PersonalisedPlan): string[] {
  const lines: string[] = [];
  // The first items of each section, in both languages; the full plan has many more.
  const section = (title: LocalizedText, items: readonly { text: LocalizedText }[], shown: number): void => {
    if (items.length === 0) return;
    const more = items.length > shown ? ` (${shown}/${items.length})` : "";
    lines.push(`     ${both(title)}${more}:`);
    for (const item of items.slice(0, shown)) lines.push(`       - ${item.text["zh-CN"]}`, `         ${item.text.en}`);
  };
  lines.push(
    `     ${both({ "zh-CN": "触发原因", en: "Triggers" })}: ${plan.triggers.map((t) => t.label["zh-CN"]).join("、")}`,
  );
  section({ "zh-CN": "家访目标", en: "Goals" }, plan.goals, 3);
  section({ "zh-CN": "谈话要点", en: "Talking points" }, plan.talkingPoints, 3);
  section({ "zh-CN": "访前准备", en: "Prepare" }, plan.prepare, 2);
  section({ "zh-CN": "注意事项", en: "Cautions" }, plan.cautions, 2);
  if (plan.mentorNeeded) lines.push(`     ! ${both({ "zh-CN": "尚需指定德育导师", en: "a mentor is still needed" })}`);
  return lines;
}

/**
 * Renders what core derives from a generated school on a date: the school, its counts, students
 * per priority category, new students, and personalised visit plans for three sample students.
 * Phones are masked (`138****5678`) and addresses shown to the village only.
 *
 * @example
 * ```ts
 * const text = renderDemoReport(generateSchool({ seed: 1 }), "2026-10-15");
 * text.includes("七类学生"); // true
 * /1\d{10}/.test(text); // false: no full mobile number is printed
 * ```
 */
export function renderDemoReport(data: DemoDataset, date: string): string {
  const school = data.schools[0];
  const county = data.counties.find((c) => c.id === school?.countyId);
  if (!school) return "(no school)";
  const out: string[] = [];
  const schoolYear = schoolYearOf(date);
  const flags = new Map<string, CategoryFlag[]>();
  for (const f of data.categoryFlags) {
    const list = flags.get(f.studentId);
    if (list) list.push(f);
    else flags.set(f.studentId, [f]);
  }
  const currentClasses = data.classes.filter((c) => c.schoolId === school.id && c.schoolYear === schoolYear);
  const teachers = data.teachers.filter((t) => t.schoolId === school.id);
  const principal = teachers.find((t) => t.roles.includes("principal"));
  const students = data.students.filter((s) => s.schoolId === school.id);

  out.push("homevisit 演示 / demo — @homevisit/demo-data + @homevisit/core");
  out.push("");
  out.push(`学校 / School: ${school.name}`);
  out.push(
    `  ${both(kindLabels[school.kind] ?? { "zh-CN": school.kind, en: school.kind })}, ${both(settingLabels[school.setting] ?? { "zh-CN": school.setting, en: school.setting })}; ${data.city.name} ${county?.name ?? ""} ${school.town ?? ""}`,
  );
  out.push(`  参考日期 / Reference date: ${date} (${schoolYear}学年 / school year ${schoolYear}/${schoolYear + 1})`);
  out.push(
    `  班级 / Classes: ${currentClasses.length}   教师 / Teachers: ${teachers.length} (校长 / principal: ${principal?.name ?? "—"})   学生 / Students: ${students.length}`,
  );
  out.push("");

  out.push("七类学生 / Students per priority category (categoriesAt):");
  const counts = new Map<string, number>();
  let priority = 0;
  for (const s of students) {
    const active = categoriesAt(flags.get(s.id) ?? [], date);
    if (active.length > 0) priority++;
    for (const a of active) counts.set(a.category, (counts.get(a.category) ?? 0) + 1);
  }
  for (const category of priorityCategories) {
    const n = counts.get(category) ?? 0;
    out.push(`  ${String(n).padStart(5)}  ${both(priorityCategoryLabels[category])}`);
  }
  out.push(`  ${String(priority).padStart(5)}  重点学生（任一类）/ priority students (any category)`);
  out.push("");

  let entry = 0;
  let transfer = 0;
  for (const s of students) {
    const status = newStudentStatus(s, school, date);
    if (!status.isNew) continue;
    if (status.reason === "entry_grade") entry++;
    else transfer++;
  }
  out.push(`新生 / New students (newStudentStatus): ${entry + transfer}`);
  out.push(`  ${String(entry).padStart(5)}  入学年级 / joined in an entry grade`);
  out.push(`  ${String(transfer).padStart(5)}  转入 / transferred in`);
  out.push("");

  out.push("个性化家访方案 / Personalised visit plans (derivePersonalisedPlan):");
  pickSamples(data, flags, date).forEach(({ student, why }, i) => {
    const enrolment = currentEnrolment(student, date);
    const cls = currentClasses.find((c) => c.id === enrolment?.classId);
    const place = maskAddress(student.address);
    const primary = student.guardians.find((g) => g.primary);
    const relation = relationLabels[primary?.relation ?? "other"] ?? { "zh-CN": "", en: "" };
    out.push("");
    out.push(
      `  ${i + 1}. ${student.name} — ${cls?.name ?? ""} ${enrolment ? gradeLabel(enrolment.grade).en : ""}; ${both(why)}`,
    );
    out.push(
      `     ${place.town}${place.village}, ${student.address.travelMinutes ?? "?"} 分钟 / min${student.address.remote ? "（偏远 / remote）" : ""}; 首选联系人 / call first: ${relation["zh-CN"]} / ${relation.en} ${primary?.phone ? maskPhone(primary.phone) : "—"}`,
    );
    const plan = derivePersonalisedPlan({
      student,
      school,
      flags: flags.get(student.id) ?? [],
      mentorships: data.mentorships.filter((m) => m.studentId === student.id),
      date,
    });
    out.push(...planLines(plan));
  });
  out.push("");
  out.push("隐私 / Privacy: 电话已脱敏，地址仅到村（社区）/ phones masked, addresses to the village only.");
  return out.join("\n");
}
