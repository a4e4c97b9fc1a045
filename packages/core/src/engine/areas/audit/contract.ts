import * as z from "zod";
import { auditRecordSchema } from "../../../ports/audit-chain.js";
import { idSchema } from "../../../shared/primitives.js";
import { defineContract } from "../../contract.js";

/** The audit area: query the actor's school chain and verify it end to end. */
export const auditContracts = {
  /**
   * Rows of the actor's school audit chain in order, from `fromSeq` (default 1), filtered by
   * entity, record or actor, at most `limit` (default 100) rows scanned per call; `nextSeq` is
   * where to continue. Reading the log is itself audited.
   *
   * @example
   * ```ts
   * await engine.audit.query(principal, { entityId: "stu-0001" });
   * // { rows: [{ seq: 4, action: "students.read", actorId: "t-0001", purpose: "准备家访", result: "ok", … }], nextSeq: undefined }
   * ```
   */
  query: defineContract({
    action: "audit.read",
    entity: "schools",
    description: { "zh-CN": "查询审计日志", en: "Query the audit log" },
    input: z.strictObject({
      entity: z.string().min(1).max(64).optional(),
      entityId: idSchema.optional(),
      actorId: idSchema.optional(),
      fromSeq: z.int().min(1).default(1),
      limit: z.int().min(1).max(1000).default(100),
    }),
    output: z.strictObject({ rows: z.array(auditRecordSchema), nextSeq: z.int().optional() }),
    targetKind: "collection",
    http: { method: "GET", path: "/audit" },
  }),

  /**
   * Verifies the actor's school chain end to end against its head: any edited, deleted,
   * inserted, reordered or cut-off row is reported with the first `seq` at fault.
   *
   * @example
   * ```ts
   * await engine.audit.verify(principal, {}); // { ok: true, count: 128, head: "9f86d0…" }
   * ```
   */
  verify: defineContract({
    action: "audit.read",
    entity: "schools",
    description: { "zh-CN": "校验审计日志", en: "Verify the audit chain" },
    input: z.strictObject({}),
    output: z.union([
      z.strictObject({ ok: z.literal(true), count: z.int(), head: z.string() }),
      z.strictObject({
        ok: z.literal(false),
        count: z.int(),
        seq: z.int(),
        problem: z.enum([
          "wrong_chain",
          "sequence_gap",
          "link_broken",
          "hash_mismatch",
          "head_mismatch",
          "invalid_row",
        ]),
      }),
    ]),
    targetKind: "collection",
    http: { method: "POST", path: "/audit/verify" },
  }),
};
