import { categoriesAt, type StoredCategoryFlag } from "../../domain/categories.js";
import type { Grade } from "../../domain/organisation.js";
import { currentEnrolment, type HomeAddress, type Student } from "../../domain/student.js";

/**
 * Masks a phone number for lists (RELIABILITY.md promise 3): the first three and the last four
 * digits of a mobile stay, the rest become `*`; other numbers keep only their last four.
 *
 * @example
 * ```ts
 * maskPhone("13812345678"); // "138****5678"
 * maskPhone("0578-2123456"); // "********3456"
 * ```
 */
export function maskPhone(phone: string): string {
  if (/^1\d{10}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  const keep = 4;
  return phone.length <= keep ? "*".repeat(phone.length) : "*".repeat(phone.length - keep) + phone.slice(-keep);
}

/**
 * An address reduced to county, town and village: no house number, no coordinates.
 *
 * @example
 * ```ts
 * maskAddress({ county: "莲都区", town: "老竹畲族镇", village: "沙溪村", detail: "12号", remote: false });
 * // { county: "莲都区", town: "老竹畲族镇", village: "沙溪村" }
 * ```
 */
export function maskAddress(address: HomeAddress): Pick<HomeAddress, "county" | "town" | "village"> {
  return { county: address.county, town: address.town, village: address.village };
}

/** What a list shows of a student: no birth date, no category detail, masked contacts. */
export interface StudentSummary {
  id: string;
  schoolId: string;
  name: string;
  classId: string | undefined;
  grade: Grade | undefined;
  address: Pick<HomeAddress, "county" | "town" | "village">;
  guardians: { relation: Student["guardians"][number]["relation"]; phone: string | undefined; primary: boolean }[];
  /** Whether the student is a priority student, without saying which category. */
  priority: boolean;
}

/**
 * The masked list view of a student on a date: phones masked, address to the village, and
 * only "priority or not" instead of the categories themselves. Full views go through the
 * engine, which asks for a purpose and audits.
 *
 * @example
 * ```ts
 * toStudentSummary(student, flags, "2026-10-15");
 * // { id: "s-001", name: "李䶮", classId: "7-3", grade: 7, priority: true,
 * //   guardians: [{ relation: "paternal_grandfather", phone: "138****5678", primary: false }], … }
 * ```
 */
export function toStudentSummary(student: Student, flags: readonly StoredCategoryFlag[], date: string): StudentSummary {
  const enrolment = currentEnrolment(student, date);
  return {
    id: student.id,
    schoolId: student.schoolId,
    name: student.name,
    classId: enrolment?.classId,
    grade: enrolment?.grade,
    address: maskAddress(student.address),
    guardians: student.guardians.map((g) => ({
      relation: g.relation,
      phone: g.phone === undefined ? undefined : maskPhone(g.phone),
      primary: g.primary,
    })),
    priority: categoriesAt(flags, date).length > 0,
  };
}
