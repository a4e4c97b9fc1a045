import { entityIndexNames, type StoredEntityName, storedEntityNames } from "@homevisit/core/storage";

/**
 * The SQL schema homevisit keeps, for SQLite and PostgreSQL alike: one table per entity (the
 * record as JSON text, its version, its tenant keys and its indexed columns), a side table of
 * enrolment periods for the coverage report, and the audit, outbox, idempotency, blob and
 * schema-version tables. Migrations are plain SQL text generated per dialect from the frozen
 * descriptions below, so school IT can read exactly what will run.
 */

/** The SQL dialects the shared layer speaks. */
export type SqlDialectName = "sqlite" | "postgres";

/** The type of an indexed column. */
export type ColumnType = "text" | "integer";

/** How one entity is laid out in SQL. */
export interface EntityTable {
  table: string;
  /** Indexed columns: camelCase index name → SQL column name and type. */
  columns: Record<string, { column: string; type: ColumnType }>;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function table(name: string, columns: Record<string, ColumnType>): EntityTable {
  return {
    table: `hv_${snake(name)}`,
    columns: Object.fromEntries(Object.entries(columns).map(([k, type]) => [k, { column: snake(k), type }])),
  };
}

/**
 * Indexed columns that hold integers; every other indexed column is text. A new integer index
 * must be listed here (the conformance suite's raw read-back catches a missing entry).
 */
const integerIndexes = new Set(["grade", "schoolYear", "completed", "blobsPending", "checkedIn"]);

/**
 * The table of each entity: `hv_` and the entity name in snake_case, one column per index. A
 * new entity needs a migration that creates its table (see {@link sqlMigrations}); a new index
 * needs one that adds its column — never a change to a migration that has shipped.
 */
export const entityTables: Record<StoredEntityName, EntityTable> = Object.fromEntries(
  storedEntityNames.map((entity) => [
    entity,
    table(
      entity,
      Object.fromEntries(
        entityIndexNames(entity).map((name): [string, ColumnType] => [
          name,
          integerIndexes.has(name) ? "integer" : "text",
        ]),
      ),
    ),
  ]),
) as Record<StoredEntityName, EntityTable>;

/** The entities whose tables each migration creates, frozen per version. */
const tablesByVersion: Record<number, readonly string[]> = {
  1: [
    "cities",
    "counties",
    "schools",
    "classes",
    "teachers",
    "students",
    "categoryFlags",
    "appointments",
    "visitRecords",
    "safetyReports",
  ],
  2: [
    "consents",
    "mentorships",
    "tombstones",
    "termPlans",
    "conductReports",
    "safetyCheckIns",
    "zeroReports",
    "supportPlans",
    "feedbackItems",
  ],
  6: ["formTemplates"],
};

/**
 * Checks that every stored entity has a table whose columns match its indexes, so a new entity
 * or index in core without a migration fails loudly at start-up, not with a wrong answer.
 *
 * @example
 * ```ts
 * checkEntityTables(); // throws, naming schema.ts, when an entity has no table
 * ```
 */
export function checkEntityTables(): void {
  for (const entity of storedEntityNames) {
    if (!Object.values(tablesByVersion).some((list) => list.includes(entity))) {
      throw new Error(
        `homevisit: no migration creates the table of entity "${entity}"; add one to @homevisit/storage-sql (schema.ts)`,
      );
    }
  }
}

/** One migration: a version, a name and its statements per dialect. */
export interface SqlMigration {
  version: number;
  name: string;
  statements(dialect: SqlDialectName): string[];
}

function sqlType(type: ColumnType): string {
  return type === "integer" ? "INTEGER" : "TEXT";
}

function entityDdl(entity: StoredEntityName): string[] {
  const spec = entityTables[entity];
  const cols = Object.values(spec.columns);
  const t = spec.table;
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${t} (`,
      "  id TEXT NOT NULL PRIMARY KEY,",
      "  city_id TEXT NOT NULL,",
      "  county_id TEXT,",
      "  school_id TEXT,",
      "  version INTEGER NOT NULL,",
      ...cols.map((c) => `  ${c.column} ${sqlType(c.type)},`),
      "  data TEXT NOT NULL",
      ")",
    ].join("\n"),
    // Tenant-first indexes serve every scoped list and let PostgreSQL shard by school.
    `CREATE INDEX IF NOT EXISTS ${t}_school ON ${t} (school_id, id)`,
    `CREATE INDEX IF NOT EXISTS ${t}_county ON ${t} (county_id, id)`,
    `CREATE INDEX IF NOT EXISTS ${t}_city ON ${t} (city_id, id)`,
    ...cols.map((c) => `CREATE INDEX IF NOT EXISTS ${t}_${c.column} ON ${t} (${c.column}, id)`),
  ];
}

function entityTablesDdl(version: number): string[] {
  // Entities of a version that core no longer defines are skipped: their old tables stay.
  return (tablesByVersion[version] ?? [])
    .filter((e): e is StoredEntityName => (storedEntityNames as string[]).includes(e))
    .flatMap(entityDdl);
}

/**
 * The entity tables that exist at a version, by their frozen names: a later migration alters
 * these, whatever entities core defines by then.
 */
function entityTableNamesUpTo(version: number): string[] {
  return Object.entries(tablesByVersion)
    .filter(([v]) => Number(v) <= version)
    .flatMap(([, names]) => names.map((name) => `hv_${snake(name)}`));
}

/**
 * Version 3. PostgreSQL: record ids compare byte by byte (`COLLATE "C"`), so that cursor
 * pages come in JavaScript's string order on a database whose default collation is a
 * language's (en_US, zh_CN sort "a-b" and "ab" differently), and the key indexes skip the
 * locale's slow comparisons. SQLite compares text byte by byte already. Both: covering indexes
 * for the coverage report, so it reads only index pages (checked with EXPLAIN QUERY PLAN in
 * the SQLite suite).
 *
 * Primary keys stay `(id)`, not `(school_id, id)`: the port promises `conflict` for an id that
 * exists anywhere and finds records by id alone (`get(id)`), which needs a unique index on the
 * id by itself — and Citus allows a unique index on a distributed table only when it holds the
 * distribution column. The tenant-first `(school_id, id)` indexes of version 1 already serve
 * every school-scoped query, and `school_id` is on every school-owned row, so a bureau can
 * distribute by it once ids are unique per school by construction (see the PostgreSQL
 * README).
 */
function keysAndCoverageDdl(dialect: SqlDialectName): string[] {
  const collate =
    dialect === "postgres"
      ? entityTableNamesUpTo(2).map((t) => `ALTER TABLE ${t} ALTER COLUMN id TYPE TEXT COLLATE "C"`)
      : [];
  return [
    ...collate,
    // Per scope (city, county, school): the enrolments in school and student order (distinct
    // per school without a sort), with the columns the report groups by; and the completed
    // visits in student order (grouped per student without a sort), with the columns it
    // counts. The period is checked on the index entries.
    "CREATE INDEX IF NOT EXISTS hv_enrolments_city_cover ON hv_enrolments (city_id, school_id, student_id, date_from, date_to, class_id, grade)",
    "CREATE INDEX IF NOT EXISTS hv_enrolments_county_cover ON hv_enrolments (county_id, school_id, student_id, date_from, date_to, class_id, grade)",
    "CREATE INDEX IF NOT EXISTS hv_enrolments_school_cover ON hv_enrolments (school_id, student_id, date_from, date_to, class_id, grade)",
    ...(["city", "county", "school"] as const).map(
      (level) =>
        `CREATE INDEX IF NOT EXISTS hv_visit_records_${level}_cover ON hv_visit_records (${level}_id, completed, student_id, visited_on, channel, teacher_id)`,
    ),
  ];
}

/**
 * Version 4. Fewer indexes on visit records, the table every draft, submission and amendment
 * writes: each index is another b-tree page dirtied per write and written to the WAL at COMMIT.
 * Dropped: the single-column indexes of `term`, `kind`, `channel`, `status`, `completed` and
 * `visitedOn`, and version 1's `(completed, visited_on, student_id)`. No query of this library
 * uses them: its lists are scoped by a tenant, a student or a teacher (whose indexes stay), and
 * the coverage report reads version 3's covering indexes per scope. Most have two to four
 * values, so they could not narrow a read much anyway (figures: docs/benchmarks.md). Dropping an
 * index drops no data; a host that lists visit records by one of these columns alone, with no
 * tenant, student or teacher key, now reads the whole table.
 */
const droppedVisitIndexes = ["term", "kind", "channel", "status", "completed", "visited_on", "coverage"] as const;

/** Every migration, oldest first. Never edit one that has shipped: add the next. */
export const sqlMigrations: readonly SqlMigration[] = [
  {
    version: 1,
    name: "organisation, rosters, visits, audit, outbox, idempotency, blobs",
    statements: (dialect) => [
      ...entityTablesDdl(1),
      [
        "CREATE TABLE IF NOT EXISTS hv_enrolments (",
        "  student_id TEXT NOT NULL,",
        "  seq INTEGER NOT NULL,",
        "  city_id TEXT NOT NULL,",
        "  county_id TEXT,",
        "  school_id TEXT NOT NULL,",
        "  class_id TEXT NOT NULL,",
        "  grade INTEGER NOT NULL,",
        "  date_from TEXT NOT NULL,",
        "  date_to TEXT,",
        "  PRIMARY KEY (student_id, seq)",
        ")",
      ].join("\n"),
      "CREATE INDEX IF NOT EXISTS hv_enrolments_school ON hv_enrolments (school_id, date_from)",
      "CREATE INDEX IF NOT EXISTS hv_enrolments_county ON hv_enrolments (county_id, date_from)",
      "CREATE INDEX IF NOT EXISTS hv_enrolments_city ON hv_enrolments (city_id, date_from)",
      "CREATE INDEX IF NOT EXISTS hv_visit_records_coverage ON hv_visit_records (completed, visited_on, student_id)",
      [
        "CREATE TABLE IF NOT EXISTS hv_audit (",
        "  chain_id TEXT NOT NULL,",
        "  seq INTEGER NOT NULL,",
        "  at TEXT NOT NULL,",
        "  hash TEXT NOT NULL,",
        "  data TEXT NOT NULL,",
        "  PRIMARY KEY (chain_id, seq)",
        ")",
      ].join("\n"),
      [
        "CREATE TABLE IF NOT EXISTS hv_audit_heads (",
        "  chain_id TEXT NOT NULL PRIMARY KEY,",
        "  count INTEGER NOT NULL,",
        "  hash TEXT NOT NULL",
        ")",
      ].join("\n"),
      [
        "CREATE TABLE IF NOT EXISTS hv_outbox (",
        dialect === "sqlite"
          ? "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
          : "  seq INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,",
        "  id TEXT NOT NULL UNIQUE,",
        "  topic TEXT NOT NULL,",
        "  school_id TEXT,",
        "  at TEXT NOT NULL,",
        "  data TEXT NOT NULL,",
        "  attempts INTEGER NOT NULL,",
        "  leased_until TEXT NOT NULL,",
        "  acked INTEGER NOT NULL",
        ")",
      ].join("\n"),
      "CREATE INDEX IF NOT EXISTS hv_outbox_pending ON hv_outbox (acked, leased_until, seq)",
      [
        "CREATE TABLE IF NOT EXISTS hv_idempotency (",
        "  actor_id TEXT NOT NULL,",
        "  idem_key TEXT NOT NULL,",
        "  request_hash TEXT NOT NULL,",
        "  status TEXT NOT NULL,",
        "  response TEXT,",
        "  created_at TEXT NOT NULL,",
        "  PRIMARY KEY (actor_id, idem_key)",
        ")",
      ].join("\n"),
      "CREATE INDEX IF NOT EXISTS hv_idempotency_created ON hv_idempotency (created_at)",
      [
        "CREATE TABLE IF NOT EXISTS hv_blobs (",
        "  id TEXT NOT NULL PRIMARY KEY,",
        "  content_type TEXT NOT NULL,",
        "  size INTEGER NOT NULL,",
        "  sha256 TEXT NOT NULL,",
        `  bytes ${dialect === "sqlite" ? "BLOB" : "BYTEA"} NOT NULL`,
        ")",
      ].join("\n"),
    ],
  },
  {
    version: 2,
    name: "engine records: consents, mentorships, tombstones, term plans, conduct, safety, support, feedback",
    statements: () => entityTablesDdl(2),
  },
  {
    version: 3,
    name: "ids in byte order (PostgreSQL), covering indexes for the coverage report",
    statements: keysAndCoverageDdl,
  },
  {
    version: 4,
    name: "fewer visit-record indexes: only those the library's queries use",
    statements: () => droppedVisitIndexes.map((name) => `DROP INDEX IF EXISTS hv_visit_records_${name}`),
  },
  {
    version: 5,
    name: "keyed audit chains: the head's key id and MAC",
    // A table beside the heads (not new columns: CREATE TABLE IF NOT EXISTS keeps the reviewed
    // script re-runnable). Chains written before keys have no row here until their next keyed
    // append. Stored audit rows are never rewritten: their format version is in their JSON.
    statements: () => [
      [
        "CREATE TABLE IF NOT EXISTS hv_audit_head_macs (",
        "  chain_id TEXT NOT NULL PRIMARY KEY,",
        "  key_id TEXT NOT NULL,",
        "  mac TEXT NOT NULL",
        ")",
      ].join("\n"),
    ],
  },
  {
    version: 6,
    name: "form templates: schools, counties and cities extend the visit form",
    // Ids in byte order on PostgreSQL, as version 3 made them for the tables before.
    statements: (dialect) => [
      ...entityTablesDdl(6),
      ...(dialect === "postgres" ? ['ALTER TABLE hv_form_templates ALTER COLUMN id TYPE TEXT COLLATE "C"'] : []),
    ],
  },
];

/** The newest schema version this library knows. */
export const latestSchemaVersion = sqlMigrations[sqlMigrations.length - 1]?.version ?? 0;

/** The statement that creates the schema-version table (run before any migration). */
export const schemaTableDdl =
  "CREATE TABLE IF NOT EXISTS hv_schema (\n  version INTEGER NOT NULL PRIMARY KEY,\n  name TEXT NOT NULL\n)";

/**
 * The SQL of the migrations after `from` up to `to`, as one reviewable script with a comment
 * heading each version. Each version runs in its own transaction.
 *
 * @example
 * ```ts
 * migrationScript("sqlite", { from: 0, to: 1 });
 * // "-- homevisit schema version 1: organisation, …\nBEGIN;\nCREATE TABLE IF NOT EXISTS hv_cities (…"
 * ```
 */
export function migrationScript(dialect: SqlDialectName, options: { from?: number; to?: number } = {}): string {
  const from = options.from ?? 0;
  const to = options.to ?? latestSchemaVersion;
  const parts: string[] = [];
  if (from === 0) parts.push(`${schemaTableDdl};\n`);
  for (const m of sqlMigrations) {
    if (m.version <= from || m.version > to) continue;
    parts.push(
      [
        `-- homevisit schema version ${m.version}: ${m.name}`,
        "BEGIN;",
        ...m.statements(dialect).map((s) => `${s};`),
        `INSERT INTO hv_schema (version, name) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}');`,
        "COMMIT;",
        "",
      ].join("\n"),
    );
  }
  return parts.join("\n");
}
