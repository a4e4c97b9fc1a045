import type * as z from "zod";
import {
  type VisitRecordDraft,
  visitRecordDraftRuleIssues,
  visitRecordDraftSchema,
} from "../../../domain/visit-record.js";
import { idSchema } from "../../../shared/primitives.js";
import type { editableSchema } from "./contract.js";

/** The fields of a new draft the server owns: its id, where it belongs and who writes it. */
export interface NewDraftOwner {
  id: string;
  schoolId: string;
  studentId: string;
  teacherId: string;
}

/** The record's keys in its schema's order: the order a parse gives and the store keeps. */
const recordKeys = Object.keys(visitRecordDraftSchema.shape) as (keyof VisitRecordDraft)[];

/**
 * A new draft from a teacher's fields and the server's: the value
 * `visitRecordDraftSchema.parse({ ...fields, ...owner, status: "draft" })` gives, key order
 * included, without parsing every section a second time. The draft's input was parsed by the
 * contract's `editableSchema`, whose fields are the record schema's own, so only what joins
 * fields can still be wrong: the whole-record rules (a companion who is the visiting teacher)
 * and the server's new id (a host's id generator may break its contract). Then the record
 * schema parses the whole record, and its issues are the answer.
 *
 * @example
 * ```ts
 * const record = newVisitRecordDraft(input.record, { id: ctx.newId(), schoolId, studentId, teacherId: ctx.actor.id });
 * record.status; // "draft"
 * ```
 */
export function newVisitRecordDraft(fields: z.output<typeof editableSchema>, owner: NewDraftOwner): VisitRecordDraft {
  const given = fields as Record<string, unknown>;
  const own = owner as unknown as Record<string, unknown>;
  // Key by key in the schema's order, without spreading the parsed input into a new object
  // first: zod's outputs are built key by key, and copying one with `...` cost more than the
  // rest of this function together. The owner's fields and the defaults win over the input's,
  // as the parse's input below has them.
  const record: Record<string, unknown> = {};
  for (const key of recordKeys) {
    if (key in own) record[key] = own[key];
    // A new draft has no photos yet.
    else if (key === "photos") record[key] = [];
    else if (key === "status") record[key] = "draft";
    else if (key in given) record[key] = given[key];
  }
  const draft = record as VisitRecordDraft;
  if (visitRecordDraftRuleIssues(draft).length === 0 && idSchema.safeParse(owner.id).success) return draft;
  return visitRecordDraftSchema.parse({ ...fields, ...owner, photos: [], status: "draft" });
}
