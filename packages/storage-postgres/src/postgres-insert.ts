import { HomevisitError } from "@homevisit/core";
import { type Db, latestSchemaVersion, type SqlStorageDriver } from "@homevisit/storage-sql";
import { CompiledQuery, sql } from "kysely";

// Multi-row inserts as one `INSERT … SELECT * FROM unnest($1::text[], …)`: one parameter per
// column whatever the row count, one plan, no 65,535-parameter ceiling.
const unnestBatch = 2_000;
const valuesBatch = 1_000;

/** How `createMany` sends rows (see `PostgresStorageOptions.bulkInsert`). */
export type BulkInsertMode = "values" | "unnest";

/**
 * Makes the driver's bulk insert: multi-row `VALUES` (statement texts reused per table, columns
 * and row count) or `unnest` of one array per column (column types read once per table). With
 * `skipExisting`, `ON CONFLICT DO NOTHING RETURNING` tells which keys were already there.
 *
 * @example
 * ```ts
 * const { insertRows, insertChunkRows } = bulkInserter("values", '"homevisit"');
 * await insertRows(conn, "hv_students", ["tenant", "id", "doc"], rows, { skipExisting: true });
 * ```
 */
export function bulkInserter(
  mode: BulkInsertMode,
  quotedSchema: string,
): Required<Pick<SqlStorageDriver, "insertRows" | "insertChunkRows">> {
  const columnTypes = new Map<string, Promise<Map<string, string>>>();
  const valuesTexts = new Map<string, string>();
  const typesOf = (conn: Db, table: string) => {
    let types = columnTypes.get(table);
    if (!types) {
      types = sql<{ name: string; type: string }>`
        SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
        FROM pg_attribute a
        WHERE a.attrelid = to_regclass(${`${quotedSchema}."${table}"`}) AND a.attnum > 0 AND NOT a.attisdropped`
        .execute(conn)
        .then((r) => new Map(r.rows.map((row) => [row.name, row.type])));
      types.catch(() => columnTypes.delete(table));
      columnTypes.set(table, types);
    }
    return types;
  };

  return {
    // One chunk of createMany per multi-row statement (fewer when a table has many columns).
    insertChunkRows: mode === "unnest" ? unnestBatch : valuesBatch,
    async insertRows(conn, table, columns, rows, options = {}) {
      const list = columns.map((c) => `"${c}"`).join(", ");
      // With skipExisting, rows whose key exists are skipped and the others' keys come back,
      // so the shared layer learns of a clash without aborting the transaction.
      const skip = options.skipExisting === true;
      const suffix = skip ? ` ON CONFLICT DO NOTHING RETURNING "${columns[0]}" AS k` : "";
      const skipped: unknown[] = [];
      const collect = (batch: readonly unknown[][], result: { rows: Record<string, unknown>[] }) => {
        if (!skip || result.rows.length === batch.length) return;
        const fresh = new Set(result.rows.map((r) => r.k));
        for (const row of batch) if (!fresh.has(row[0])) skipped.push(row[0]);
      };
      if (mode === "unnest") {
        // Read on the transaction's own connection: PGlite has only one.
        const types = await typesOf(conn, table);
        const casts = columns.map((c) => {
          const type = types.get(c);
          if (type === undefined) {
            throw new HomevisitError("storage_schema_outdated", {
              params: { found: "?", supported: latestSchemaVersion },
            });
          }
          return type;
        });
        const unnest = casts.map((type, i) => `$${i + 1}::${type}[]`).join(", ");
        const text = `INSERT INTO "${table}" (${list}) SELECT * FROM unnest(${unnest})${suffix}`;
        for (let start = 0; start < rows.length; start += unnestBatch) {
          const batch = rows.slice(start, start + unnestBatch);
          const params = columns.map((_, j) => batch.map((row) => row[j] ?? null));
          collect(batch, await conn.executeQuery(CompiledQuery.raw(text, params)));
        }
        return skipped;
      }
      // Multi-row VALUES, as many rows per statement as the 65,535-parameter limit allows. The
      // statement text depends only on the table, the columns and the row count, so a full
      // batch's text is built once and reused.
      const perStatement = Math.max(1, Math.min(valuesBatch, Math.floor(65_535 / columns.length)));
      for (let start = 0; start < rows.length; start += perStatement) {
        const batch = rows.slice(start, start + perStatement);
        const textKey = `${table}(${list})${suffix}×${batch.length}`;
        let text = valuesTexts.get(textKey);
        if (text === undefined) {
          const tuples = batch.map(
            (_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(", ")})`,
          );
          text = `INSERT INTO "${table}" (${list}) VALUES ${tuples.join(", ")}${suffix}`;
          if (valuesTexts.size > 200) valuesTexts.clear();
          valuesTexts.set(textKey, text);
        }
        const params: unknown[] = new Array(batch.length * columns.length);
        let p = 0;
        for (const row of batch) for (let j = 0; j < columns.length; j++) params[p++] = row[j] ?? null;
        const result = await conn.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
        collect(batch, result);
      }
      return skipped;
    },
  };
}
