import type * as z from "zod";
import type { AuditChange } from "../ports/audit-chain.js";
import { type StoredEntityName, storedEntities } from "../ports/entities.js";
import { canonicalJson } from "../shared/canonical-json.js";
import { type Sensitivity, sensitivityOf } from "../shared/sensitivity.js";
import type { ChangeSet } from "./use-case.js";

const maxClear = 200;

/**
 * Sensitivities already looked up, by entity and field: walking a field's schema (optional,
 * pipe, array wrappers) for every field of every write showed in profiles of a draft. The
 * entity schemas are fixed when core loads, so an answer never changes. Bounded: field names
 * of an unknown shape must not grow it without end.
 */
const knownSensitivity = new Map<string, Sensitivity>();
const maxKnown = 10_000;

function fieldSensitivity(entity: string, field: string): Sensitivity {
  const key = `${entity}\u0000${field}`;
  let sensitivity = knownSensitivity.get(key);
  if (sensitivity === undefined) {
    sensitivity = lookUpSensitivity(entity, field);
    if (knownSensitivity.size < maxKnown) knownSensitivity.set(key, sensitivity);
  }
  return sensitivity;
}

function lookUpSensitivity(entity: string, field: string): Sensitivity {
  if (!Object.hasOwn(storedEntities, entity)) return "sensitive";
  const schema = storedEntities[entity as StoredEntityName].schema as unknown as { shape?: Record<string, z.ZodType> };
  const fieldSchema = schema.shape?.[field];
  // A field the schema does not describe is treated as the most sensitive class.
  return fieldSchema === undefined ? "sensitive" : sensitivityOf(fieldSchema);
}

/**
 * The audit log's "changed fields" of a write: each top-level field whose value differs, with
 * before and after. Personal and sensitive values, and every structured value (an address, a
 * guardian list: personal data nests), appear only as `hmac:<hex>` under the host's key; plain
 * internal values (ids, dates, statuses) appear in clear, cut to 200 characters.
 *
 * @example
 * ```ts
 * auditChanges({ entity: "categoryFlags", before: undefined, after: flag }, (v) => hmacSha256Hex(key, v));
 * // [{ field: "category", after: "hmac:5f0c…" }, { field: "evidence", after: "hmac:…" }, { field: "validFrom", after: "2026-10-08" }, …]
 * ```
 */
export function auditChanges(change: ChangeSet, hmac: (value: string) => string): AuditChange[] {
  const before = flattenCustomFields(change.before ?? {});
  const after = flattenCustomFields(change.after ?? {});
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: AuditChange[] = [];
  for (const field of fields) {
    const a = before[field];
    const b = after[field];
    // Each side's canonical text once: it decides "changed" and is what the HMAC covers.
    // An absent field reads as null, as canonicalJson(undefined) does.
    const textA = a === undefined ? undefined : canonicalJson(a);
    const textB = b === undefined ? undefined : canonicalJson(b);
    if ((textA ?? "null") === (textB ?? "null")) continue;
    const sensitivity = field.startsWith(customPrefix)
      ? customSensitivity(field)
      : fieldSensitivity(change.entity, field);
    const render = (value: unknown, text: string | undefined): string | undefined => {
      if (value === undefined || text === undefined) return undefined;
      const scalar = value === null || typeof value !== "object";
      if (scalar && (sensitivity === "internal" || sensitivity === "public")) return String(value).slice(0, maxClear);
      return `hmac:${hmac(text)}`;
    };
    const rendered: AuditChange = { field: `${change.entity}.${field}`.slice(0, maxClear) };
    const beforeText = render(a, textA);
    const afterText = render(b, textB);
    if (beforeText !== undefined) rendered.before = beforeText;
    if (afterText !== undefined) rendered.after = afterText;
    out.push(rendered);
  }
  return out;
}

const customPrefix = "customFields.";

/**
 * A record's custom fields as one audit field per answer (`customFields.values.<key>`), as
 * built-in fields are: a change to one answer is logged as that answer, its value as a keyed
 * HMAC (answers are personal or sensitive unless a school said otherwise, and the template is
 * not at hand here), the template id and version in clear.
 */
function flattenCustomFields(record: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const custom = record.customFields as
    | { templateId?: unknown; templateVersion?: unknown; values?: unknown }
    | undefined;
  if (custom === null || typeof custom !== "object") return record;
  const { customFields: _whole, ...rest } = record;
  const out: Record<string, unknown> = { ...rest };
  out[`${customPrefix}templateId`] = custom.templateId;
  out[`${customPrefix}templateVersion`] = custom.templateVersion;
  const values = custom.values;
  if (values !== null && typeof values === "object") {
    for (const [key, value] of Object.entries(values)) out[`${customPrefix}values.${key}`] = value;
  }
  return out;
}

function customSensitivity(field: string): Sensitivity {
  return field === `${customPrefix}templateId` || field === `${customPrefix}templateVersion` ? "internal" : "sensitive";
}
