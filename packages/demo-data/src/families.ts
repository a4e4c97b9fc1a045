// Families: who a child lives with, the guardians, and when the family is free (R12).
import type { AvailabilityWindow, Guardian, LivingSituation, Setting } from "@homevisit/core";
import { flat } from "./flat.js";
import { mobileNumber, type NameStyle, pickGivenName, pickSurname } from "./names.js";
import { createRng } from "./rng.js";
import type { StudentContext } from "./student-context.js";

/** Family shapes the living situation and the guardians follow from. */
export type FamilyShape =
  | "together"
  | "busy_parents"
  | "single_mother"
  | "single_father"
  | "father_away"
  | "mother_away"
  | "both_away_grandparents"
  | "both_away_relatives"
  | "foster";

// Who children live with, by setting: parents working away leave far more children with their
// grandparents in the hills (留守儿童) than in the city.
export const familyShapes: Record<Setting, readonly (readonly [FamilyShape, number])[]> = {
  urban: [
    ["together", 0.8],
    ["busy_parents", 0.03],
    ["single_mother", 0.06],
    ["single_father", 0.025],
    ["father_away", 0.04],
    ["mother_away", 0.005],
    ["both_away_grandparents", 0.035],
    ["both_away_relatives", 0.008],
    ["foster", 0.002],
  ],
  town: [
    ["together", 0.62],
    ["busy_parents", 0.02],
    ["single_mother", 0.05],
    ["single_father", 0.02],
    ["father_away", 0.1],
    ["mother_away", 0.02],
    ["both_away_grandparents", 0.14],
    ["both_away_relatives", 0.025],
    ["foster", 0.002],
  ],
  rural: [
    ["together", 0.44],
    ["busy_parents", 0.01],
    ["single_mother", 0.045],
    ["single_father", 0.02],
    ["father_away", 0.13],
    ["mother_away", 0.03],
    ["both_away_grandparents", 0.28],
    ["both_away_relatives", 0.04],
    ["foster", 0.003],
  ],
};

export function livingSituation(shape: FamilyShape, boarding: boolean): LivingSituation {
  const parentsAway: LivingSituation["parentsAway"] =
    shape === "father_away" || shape === "mother_away"
      ? "one"
      : shape === "both_away_grandparents" || shape === "both_away_relatives"
        ? "both"
        : "none";
  const livesWith: LivingSituation["livesWith"] = boarding
    ? "boarding_school"
    : shape === "single_mother" || shape === "father_away"
      ? "mother"
      : shape === "single_father" || shape === "mother_away"
        ? "father"
        : shape === "both_away_grandparents"
          ? "grandparents"
          : shape === "both_away_relatives"
            ? "other_relatives"
            : shape === "foster"
              ? "foster_family"
              : "both_parents";
  const notes: Partial<Record<FamilyShape, string>> = {
    single_mother: "父母离异，随母亲生活",
    single_father: "父母离异，随父亲生活",
    father_away: "父亲在外务工",
    mother_away: "母亲在外务工",
    both_away_grandparents: "父母均在外务工，由祖父母照料",
    both_away_relatives: "父母均在外务工，寄住亲戚家",
    busy_parents: "父母工作繁忙，祖父母协助接送",
  };
  const shapeNote = notes[shape];
  const note =
    shapeNote !== undefined
      ? boarding
        ? flat(`住校；${shapeNote}`)
        : shapeNote
      : boarding
        ? "住校，周末回家"
        : undefined;
  return note === undefined ? { livesWith, parentsAway } : { livesWith, parentsAway, note };
}

export function guardiansFor(
  context: StudentContext,
  id: string,
  shape: FamilyShape,
  surname: string,
  she: boolean,
): Guardian[] {
  const { rng } = context;
  const motherSurname = pickSurname(rng, she);
  const list: Guardian[] = [];
  // One literal per shape (with or without a phone) keeps every guardian a compact object.
  const add = (
    relation: Guardian["relation"],
    name: string,
    phone: string | undefined,
    livesWithStudent: boolean,
    worksAway: boolean,
  ): void => {
    const gid = flat(`${id}-g${list.length + 1}`);
    list.push(
      phone === undefined
        ? { id: gid, name, relation, primary: false, livesWithStudent, worksAway }
        : { id: gid, name, relation, phone, primary: false, livesWithStudent, worksAway },
    );
  };
  const father = (lives: boolean, away: boolean): void =>
    add("father", surname + pickGivenName(rng, "man"), mobileNumber(rng), lives, away);
  const mother = (lives: boolean, away: boolean): void =>
    add("mother", motherSurname + pickGivenName(rng, "woman"), mobileNumber(rng), lives, away);
  // Elders often have no mobile of their own; a foster parent always has one.
  const elder = (relation: Guardian["relation"], family: string, style: NameStyle, phoneShare = 0.7): void =>
    add(
      relation,
      family + pickGivenName(rng, style),
      rng.chance(phoneShare) ? mobileNumber(rng) : undefined,
      true,
      false,
    );
  switch (shape) {
    case "together":
      mother(true, false);
      father(true, false);
      break;
    case "busy_parents":
      mother(true, false);
      father(true, false);
      elder("maternal_grandmother", motherSurname, "old_woman");
      break;
    case "single_mother":
      mother(true, false);
      if (rng.chance(0.7)) father(false, false);
      break;
    case "single_father":
      father(true, false);
      if (rng.chance(0.6)) mother(false, false);
      break;
    case "father_away":
      mother(true, false);
      father(false, true);
      break;
    case "mother_away":
      father(true, false);
      mother(false, true);
      break;
    case "both_away_grandparents":
      elder("paternal_grandmother", pickSurname(rng, she), "old_woman");
      if (rng.chance(0.7)) elder("paternal_grandfather", surname, "old_man");
      father(false, true);
      mother(false, true);
      break;
    case "both_away_relatives":
      elder("other_relative", pickSurname(rng, she), rng.chance(0.5) ? "woman" : "man");
      father(false, true);
      mother(false, true);
      break;
    case "foster":
      elder("foster_parent", pickSurname(rng, she), "woman", 1);
      break;
  }
  // The guardian to call first (R12): someone at home with a phone, else a parent away.
  const primary = list.find((g) => g.livesWithStudent && g.phone !== undefined) ?? list.find((g) => g.phone);
  if (primary) primary.primary = true;
  return list.slice();
}

/**
 * What a family says about its time (R12), as the teacher notes it when phoning. Most families
 * are free on weekday evenings or weekend mornings; some are not, as in life: grandparents who
 * keep a left-behind child are at home all day; shift workers are free only late at night or on
 * weekday mornings (their hours never meet the allowed visiting hours, so the planner proposes
 * the nearest lawful time and says so). Parents who work away come home at the Spring Festival:
 * that is the obligations' R13 window, not a weekday pattern. The main stream draws exactly as it
 * always did (every other record of a seed stays the same); the patterns above come from a
 * stream of the student's own.
 */
export function availabilityFor(context: StudentContext, shape: FamilyShape, id: string): AvailabilityWindow[] {
  const stated = statedAvailability(context, shape);
  const own = createRng(`${context.rng.seed}/${id}/availability`);
  if (shape === "both_away_grandparents" && own.chance(0.8)) {
    return [
      { weekdays: [1, 2, 3, 4, 5], from: "08:00", to: "20:00" },
      { weekdays: [6, 7], from: "08:00", to: "18:00" },
    ];
  }
  const working = shape !== "both_away_relatives" && shape !== "foster" && shape !== "both_away_grandparents";
  if (working && own.chance(0.08)) {
    // Shift work: after a late shift, or mornings after a night shift.
    return own.chance(0.5)
      ? [{ weekdays: [1, 2, 3, 4, 5], from: "21:00", to: "22:30" }]
      : [{ weekdays: [1, 2, 3, 4, 5], from: "09:00", to: "15:00" }];
  }
  return stated;
}

function statedAvailability(context: StudentContext, shape: FamilyShape): AvailabilityWindow[] {
  const { rng } = context;
  // Some families have said nothing yet: the teacher asks when phoning (R12).
  if (rng.chance(0.15)) return [];
  const windows: AvailabilityWindow[] = [];
  if (shape === "both_away_grandparents" || shape === "both_away_relatives" || shape === "foster") {
    if (rng.chance(0.7)) windows.push({ weekdays: [1, 2, 3, 4, 5], from: "14:00", to: "17:00" });
    if (rng.chance(0.5) || windows.length === 0) windows.push({ weekdays: [6, 7], from: "09:00", to: "11:30" });
    return windows.slice();
  }
  if (rng.chance(0.65)) windows.push({ weekdays: [1, 2, 3, 4, 5], from: "19:00", to: "21:00" });
  if (rng.chance(0.5)) windows.push({ weekdays: [6, 7], from: "09:00", to: "11:30" });
  if (rng.chance(0.35) || windows.length === 0) windows.push({ weekdays: [6, 7], from: "14:00", to: "17:00" });
  return windows.slice();
}
