import type { NormalisedWhere } from "@homevisit/core/storage";
import { CompiledQuery } from "kysely";
import type { EntityTable, SqlDialectName } from "./schema.js";

/**
 * The hot queries of the shared layer — read by id, list a page, count — as SQL text kept per
 * query shape, with parameters bound at call time. Building them through Kysely's builder costs
 * more than running them does on SQLite (each call builds and compiles an operation tree), and a
 * request makes a dozen of them; the text depends only on the table, which filters are present
 * and how many values each has, so it is built once per shape. Values are always parameters,
 * never text; identifiers come from the frozen schema description, never from input.
 */

const texts = new Map<string, string>();
/** Most shapes kept: `IN` lists of many lengths must not grow the cache without bound. */
const maxShapes = 2000;

function remember(key: string, build: () => string): string {
  let text = texts.get(key);
  if (text === undefined) {
    text = build();
    if (texts.size >= maxShapes) texts.delete(texts.keys().next().value as string);
    texts.set(key, text);
  }
  return text;
}

/** Numbers placeholders as each dialect wants them: `?` on SQLite, `$1`, `$2`… on PostgreSQL. */
function placeholders(dialect: SqlDialectName): () => string {
  let n = 0;
  return dialect === "postgres" ? () => `$${++n}` : () => "?";
}

const quote = (identifier: string) => `"${identifier}"`;

/** What a stored record is read back from: the record's JSON, its version and its tenant keys. */
export const storedColumnNames = ["version", "city_id", "county_id", "school_id", "data"] as const;
const storedColumns = storedColumnNames.map(quote).join(", ");

/**
 * One stored record by id: its JSON, version and tenant keys (not its index columns, which
 * only the database reads).
 *
 * @example
 * ```ts
 * await conn.executeQuery(selectById("sqlite", entityTables.students, "s-1"));
 * // rows: [{ version: 1, city_id: "lishui", county_id: "liandu", school_id: "sch-1", data: "{…}" }]
 * ```
 */
export function selectById(dialect: SqlDialectName, spec: EntityTable, id: string): CompiledQuery {
  const text = remember(`${dialect}|${spec.table}|byId`, () => {
    const next = placeholders(dialect);
    return `select ${storedColumns} from ${quote(spec.table)} where "id" = ${next()}`;
  });
  return CompiledQuery.raw(text, [id]);
}

/**
 * `SELECT id, city_id, county_id, school_id FROM <parent> WHERE id IN (…)`: the tenant keys a
 * new record takes from its parent, asked on every create.
 *
 * @example
 * ```ts
 * await conn.executeQuery(selectTenantKeys("sqlite", entityTables.schools, ["sch-1"]));
 * // rows: [{ id: "sch-1", city_id: "lishui", county_id: "suichang", school_id: "sch-1" }]
 * ```
 */
export function selectTenantKeys(dialect: SqlDialectName, spec: EntityTable, ids: readonly string[]): CompiledQuery {
  const text = remember(`${dialect}|${spec.table}|tenantKeys:${ids.length}`, () => {
    const next = placeholders(dialect);
    const list = ids.length === 0 ? "null" : Array.from(ids, () => next()).join(", ");
    return `select "id", "city_id", "county_id", "school_id" from ${quote(spec.table)} where "id" in (${list})`;
  });
  return CompiledQuery.raw(text, [...ids]);
}

/** What a list query asks beyond its filter. */
export type ListShape = { kind: "page"; after: string | undefined; limit: number } | { kind: "count" };

/**
 * A page of a table in id order (`limit` rows after the cursor id), or the count of the rows a
 * filter matches: tenant keys by equality, ids and indexed columns by `IN`, `null` among an
 * index's values by `IS NULL`, an empty list matching nothing.
 *
 * @example
 * ```ts
 * const where = normaliseWhere("appointments", { studentId: "s-1" });
 * await conn.executeQuery(selectWhere("sqlite", entityTables.appointments, where, { kind: "page", after: undefined, limit: 101 }));
 * // select "version", "city_id", "county_id", "school_id", "data" from "hv_appointments" where "student_id" in (?) order by "id" limit 101
 * ```
 */
export function selectWhere(
  dialect: SqlDialectName,
  spec: EntityTable,
  where: NormalisedWhere,
  shape: ListShape,
): CompiledQuery {
  const parameters: unknown[] = [];
  // The key names every choice that changes the text; the parameters follow the same order.
  let key = `${dialect}|${spec.table}|${shape.kind}`;
  const tenant = Object.entries(where.tenant);
  for (const [field, value] of tenant) {
    key += `|t:${field}`;
    parameters.push(value);
  }
  if (where.ids) {
    key += `|ids:${where.ids.length}`;
    parameters.push(...where.ids);
  }
  const indexes = Object.entries(where.indexes).map(([name, values]) => {
    const present = values.filter((v) => v !== null);
    const wantsNull = values.includes(null);
    key += `|i:${name}:${present.length}:${wantsNull ? 1 : 0}`;
    parameters.push(...present);
    return { column: spec.columns[name]?.column as string, present: present.length, wantsNull };
  });
  // SQLite gets the page size as text: a bound LIMIT makes these small queries several times
  // dearer there (docs/benchmarks.md), so the limit is part of the shape. It is an integer checked here, never input text;
  // page sizes are bounded, so the shapes stay few.
  const literalLimit = dialect === "sqlite" && shape.kind === "page" ? integerLimit(shape.limit) : undefined;
  if (shape.kind === "page") {
    if (shape.after !== undefined) {
      key += "|after";
      parameters.push(shape.after);
    }
    if (literalLimit === undefined) parameters.push(shape.limit);
    else key += `|limit:${literalLimit}`;
  }
  const text = remember(key, () => {
    const next = placeholders(dialect);
    const conditions: string[] = [];
    for (const [field] of tenant) {
      conditions.push(
        `${quote(field === "cityId" ? "city_id" : field === "countyId" ? "county_id" : "school_id")} = ${next()}`,
      );
    }
    if (where.ids) {
      conditions.push(where.ids.length === 0 ? "1 = 0" : `"id" in (${Array.from(where.ids, () => next()).join(", ")})`);
    }
    for (const index of indexes) {
      const ors: string[] = [];
      if (index.present > 0) {
        ors.push(`${quote(index.column)} in (${Array.from({ length: index.present }, () => next()).join(", ")})`);
      }
      if (index.wantsNull) ors.push(`${quote(index.column)} is null`);
      conditions.push(ors.length === 0 ? "1 = 0" : ors.length === 1 ? (ors[0] as string) : `(${ors.join(" or ")})`);
    }
    if (shape.kind === "page" && shape.after !== undefined) conditions.push(`"id" > ${next()}`);
    const filter = conditions.length > 0 ? ` where ${conditions.join(" and ")}` : "";
    return shape.kind === "count"
      ? `select count(*) as "n" from ${quote(spec.table)}${filter}`
      : `select ${storedColumns} from ${quote(spec.table)}${filter} order by "id" limit ${literalLimit ?? next()}`;
  });
  return CompiledQuery.raw(text, parameters);
}

/** A page size as SQL text: only a non-negative safe integer is ever written into a query. */
function integerLimit(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`page limit ${limit} is not a count`);
  return String(limit);
}
