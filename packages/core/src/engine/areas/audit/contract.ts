import * as z from "zod";
import { auditChainProblems, auditRecordSchema, auditVerifyModes } from "../../../ports/audit-chain.js";
import { withLabel } from "../../../shared/field-labels.js";
import { idSchema } from "../../../shared/primitives.js";
import { defineContract } from "../../contract.js";
import { pageSizeLabel } from "../contract-kit.js";

/** One break of a chain: its kind and the rows it covers. */
const auditBreakSchema = z.strictObject({ problem: z.enum(auditChainProblems), seq: z.int(), lastSeq: z.int() });
/** The anchored head a verification checked. */
const anchoredSchema = z.strictObject({ seq: z.int(), at: z.string() });

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
      entity: withLabel(z.string().min(1).max(64).optional(), { "zh-CN": "记录类型", en: "Record type" }),
      entityId: idSchema.optional(),
      actorId: idSchema.optional(),
      fromSeq: withLabel(z.int().min(1).default(1), { "zh-CN": "起始序号", en: "From row" }),
      limit: withLabel(z.int().min(1).max(1000).default(100), pageSizeLabel),
    }),
    output: z.strictObject({ rows: z.array(auditRecordSchema), nextSeq: z.int().optional() }),
    targetKind: "collection",
    http: { method: "GET", path: "/audit" },
  }),

  /**
   * Verifies the actor's school chain end to end against its head (and its MAC, under the
   * engine's chain keys) and, where the host configured an anchor, against the latest head
   * anchored outside the database: any edited, deleted, inserted, reordered, re-signed or cut-off
   * row is reported. `mode` says what was checked (`anchored`, `keyed` or `unkeyed`): without an
   * anchor, a chain cut back to an older head replayed with its old valid MAC still verifies.
   * Every break is listed as data — its kind (`problem`), its first bad row
   * (`seq`) and its last (`lastSeq`) — and `seq`/`problem` repeat the first. It never fails
   * because of what the chain holds. The chain is read a page at a time, each page its own
   * short read, yielding between pages, so other requests go on while a long chain is checked.
   *
   * @example
   * ```ts
   * await engine.audit.verify(principal, {});
   * // { ok: true, mode: "anchored", count: 128, head: "9f86d0…", anchored: { seq: 100, at: "…" } }
   * await engine.audit.verify(principal, {});
   * // { ok: false, mode: "keyed", count: 130, seq: 129, problem: "hash_mismatch",
   * //   breaks: [{ problem: "hash_mismatch", seq: 129, lastSeq: 129 }, { problem: "segment_restart", seq: 129, lastSeq: 129 }] }
   * ```
   */
  verify: defineContract({
    action: "audit.read",
    entity: "schools",
    description: { "zh-CN": "校验审计日志", en: "Verify the audit chain" },
    input: z.strictObject({
      /** Check against the latest anchored head too (default: whenever the engine has an anchor). */
      anchor: withLabel(z.boolean().optional(), { "zh-CN": "核对锚点", en: "Check the anchor" }),
    }),
    output: z.union([
      z.strictObject({
        ok: z.literal(true),
        mode: z.enum(auditVerifyModes),
        count: z.int(),
        head: z.string(),
        anchored: anchoredSchema.optional(),
      }),
      z.strictObject({
        ok: z.literal(false),
        mode: z.enum(auditVerifyModes),
        count: z.int(),
        head: z.string().optional(),
        seq: z.int(),
        problem: z.enum(auditChainProblems),
        breaks: z.array(auditBreakSchema).optional(),
        moreBreaks: z.int().optional(),
        anchored: anchoredSchema.optional(),
      }),
    ]),
    targetKind: "collection",
    http: { method: "POST", path: "/audit/verify" },
  }),
};
