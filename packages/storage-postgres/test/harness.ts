// The database the PostgreSQL suites run on: the real server named by HOMEVISIT_PG_URL (CI
// sets it), else PGlite, so the README's test command passes on a fresh machine. Each store
// gets its own freshly named schema, dropped afterwards.
import { PGlite } from "@electric-sql/pglite";
import { type PgPool, type PostgresStorage, pglitePool, postgresStorage } from "@homevisit/storage-postgres";
import pg from "pg";

/** The backend of this test file. */
export interface TestBackend {
  kind: "postgres" | "pglite";
  pool: PgPool;
  /** Runs one statement outside any store (schema set-up and tear-down). */
  exec(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  end(): Promise<void>;
}

let backend: Promise<TestBackend> | undefined;

/** The backend, started once per test file; prints one line saying which. */
export function testBackend(): Promise<TestBackend> {
  backend ??= (async () => {
    const url = process.env.HOMEVISIT_PG_URL;
    if (url) {
      const pool = new pg.Pool({ connectionString: url, max: 12 });
      const where = new URL(url);
      console.log(`storage-postgres: PostgreSQL server at ${where.hostname}:${where.port || 5432}${where.pathname}`);
      return {
        kind: "postgres",
        pool: pool as unknown as PgPool,
        exec: async (text, values) => (await pool.query(text, values)).rows,
        end: () => pool.end(),
      };
    }
    console.log("storage-postgres: PGlite (in-process WASM PostgreSQL), because HOMEVISIT_PG_URL is not set");
    const pool = pglitePool(await PGlite.create());
    return {
      kind: "pglite",
      pool,
      async exec(text, values) {
        const client = await pool.connect();
        try {
          return (await client.query(text, values)).rows;
        } finally {
          client.release();
        }
      },
      end: () => pool.end(),
    };
  })();
  return backend;
}

let counter = 0;

/** A fresh, uniquely named schema name. */
export function freshSchemaName(): string {
  counter++;
  return `hv_test_${process.pid}_${counter}_${Math.floor(Math.random() * 1e6)}`;
}

/** A store in a fresh schema, and how to drop it. */
export async function freshStore(
  options: { retries?: number } = {},
): Promise<{ storage: PostgresStorage; schema: string; backend: TestBackend; cleanup(): Promise<void> }> {
  const b = await testBackend();
  const schema = freshSchemaName();
  const storage = postgresStorage({ pool: b.pool, schema, ...options });
  return {
    storage,
    schema,
    backend: b,
    async cleanup() {
      await storage.close();
      await b.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}
