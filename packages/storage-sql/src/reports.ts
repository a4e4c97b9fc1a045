import type { CoverageQuery, CoverageRow } from "@homevisit/core/storage";
import { inHomeChannel } from "@homevisit/core/storage";
import { type Kysely, type RawBuilder, sql } from "kysely";

/**
 * The coverage report in SQL: GROUP BY over the indexed enrolment, flag and visit columns, in
 * the database. The figures are defined by core's `computeCoverage`; the conformance suite
 * checks both agree on every grouping and scope.
 */

function scopeOf(query: CoverageQuery, alias: string): RawBuilder<unknown> {
  const s = query.scope;
  if ("cityId" in s) return sql`${sql.ref(`${alias}.city_id`)} = ${s.cityId}`;
  if ("countyId" in s) return sql`${sql.ref(`${alias}.county_id`)} = ${s.countyId}`;
  return sql`${sql.ref(`${alias}.school_id`)} = ${s.schoolId}`;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/**
 * The coverage query as SQL, for {@link coverageSql} and for checking its plan (`EXPLAIN
 * QUERY PLAN`) in tests.
 *
 * @example
 * ```ts
 * const { sql: text, parameters } = coverageStatement(query).compile(db);
 * db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters); // "… USING COVERING INDEX …"
 * ```
 */
export function coverageStatement(
  query: CoverageQuery,
): RawBuilder<{ key: unknown; enrolled: unknown; visited: unknown; visits: unknown }> {
  const { from, to } = query;
  const visitsInScope = sql`
    SELECT v.student_id, v.teacher_id, v.channel FROM hv_visit_records v
    WHERE ${scopeOf(query, "v")} AND v.completed = 1 AND v.visited_on >= ${from} AND v.visited_on <= ${to}`;

  let statement: RawBuilder<{ key: unknown; enrolled: unknown; visited: unknown; visits: unknown }>;
  if (query.groupBy === "teacher" || query.groupBy === "channel") {
    const key = query.groupBy === "teacher" ? sql.ref("vi.teacher_id") : sql.ref("vi.channel");
    const visited =
      query.groupBy === "channel"
        ? sql`COUNT(DISTINCT vi.student_id)`
        : sql`COUNT(DISTINCT CASE WHEN vi.channel = ${inHomeChannel} THEN vi.student_id END)`;
    statement = sql`
      SELECT ${key} AS key, NULL AS enrolled, ${visited} AS visited, COUNT(*) AS visits
      FROM (${visitsInScope}) vi
      GROUP BY ${key}`;
  } else {
    const enrolmentsInScope = sql`
      FROM hv_enrolments e
      WHERE ${scopeOf(query, "e")} AND e.date_from <= ${to} AND (e.date_to IS NULL OR e.date_to >= ${from})`;
    let enrolled: RawBuilder<unknown>;
    if (query.groupBy === "category") {
      enrolled = sql`
        SELECT DISTINCT f.student_id, f.category AS k
        FROM hv_category_flags f
        JOIN (SELECT DISTINCT e.student_id ${enrolmentsInScope}) es ON es.student_id = f.student_id
        WHERE f.valid_from <= ${to} AND (f.valid_until IS NULL OR f.valid_until >= ${from})`;
    } else {
      const key =
        query.groupBy === "school"
          ? sql.ref("e.school_id")
          : query.groupBy === "class"
            ? sql.ref("e.class_id")
            : sql`CAST(e.grade AS TEXT)`;
      enrolled = sql`SELECT DISTINCT e.student_id, ${key} AS k ${enrolmentsInScope}`;
    }
    // Visits are first reduced to one row per student (how many, and whether one was in the
    // home), then joined to the enrolled students: the join sees ~1 row per student instead
    // of every visit, and with the covering indexes of schema version 3 both sides are read
    // from index pages alone (EXPLAIN QUERY PLAN: "USING COVERING INDEX").
    statement = sql`
      WITH en AS (${enrolled}),
      vs AS MATERIALIZED (
        SELECT vi.student_id, COUNT(*) AS n,
          MAX(CASE WHEN vi.channel = ${inHomeChannel} THEN 1 ELSE 0 END) AS home
        FROM (${visitsInScope}) vi
        GROUP BY vi.student_id)
      SELECT en.k AS key, COUNT(*) AS enrolled,
        COALESCE(SUM(vs.home), 0) AS visited,
        COALESCE(SUM(vs.n), 0) AS visits
      FROM en LEFT JOIN vs ON vs.student_id = en.student_id
      GROUP BY en.k`;
  }
  return statement;
}

/**
 * Runs the coverage query on a connection; rows ordered by key.
 *
 * @example
 * ```ts
 * await coverageSql(db, { scope: { cityId: "lishui" }, from: "2026-09-01", to: "2027-01-31", groupBy: "school" });
 * // [{ key: "sch-001", enrolled: 1204, visited: 1187, visits: 1400 }, …]
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the schema is dynamic
export async function coverageSql(db: Kysely<any>, query: CoverageQuery): Promise<CoverageRow[]> {
  const result = await coverageStatement(query).execute(db);
  // Sorted here, not in SQL: binary text order regardless of the database's collation.
  return result.rows
    .map((r) => ({
      key: String(r.key),
      enrolled: r.enrolled === null || r.enrolled === undefined ? null : num(r.enrolled),
      visited: num(r.visited),
      visits: num(r.visits),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
