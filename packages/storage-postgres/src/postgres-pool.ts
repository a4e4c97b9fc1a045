/** A query result, as `pg` returns it. */
export interface PgQueryResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
  command: string;
}

/** A connection checked out of a pool: the part of `pg.PoolClient` the adapter uses. */
export interface PgPoolClient {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
  /** Returns the connection; with an error, the pool discards it instead. */
  release(error?: Error | boolean): void;
}

/**
 * A connection pool: the part of `pg.Pool` the adapter uses. A host's own `pg.Pool` fits as
 * it is; {@link pglitePool} makes one from PGlite.
 */
export interface PgPool {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

/** A PGlite query result. */
export interface PGliteResult {
  rows: unknown[];
  affectedRows?: number;
  command?: string;
  rowCount?: number;
}

/** The part of a PGlite instance {@link pglitePool} uses. */
export interface PGliteLike {
  query(text: string, params?: unknown[]): Promise<PGliteResult>;
  /** Runs several statements without parameters. */
  exec(text: string): Promise<PGliteResult[]>;
  close(): Promise<void>;
}

/**
 * A pool over one PGlite database (WASM PostgreSQL, one connection): `connect()` hands the
 * connection to one caller at a time, so transactions never interleave. For tests, demos and
 * browsers; use a server for real work.
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite";
 * const storage = postgresStorage({ pool: pglitePool(await PGlite.create()) });
 * await storage.migrations.migrate(); // [1, 2]
 * ```
 */
export function pglitePool(db: PGliteLike): PgPool {
  let tail: Promise<void> = Promise.resolve();
  return {
    async connect() {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => turn);
      await previous;
      let released = false;
      return {
        async query(text, values) {
          // Without parameters the text may hold several statements (BEGIN; SET LOCAL …),
          // which only PGlite's simple-query path accepts.
          const result =
            values === undefined || values.length === 0
              ? ((await db.exec(text)).at(-1) ?? { rows: [] })
              : await db.query(text, values);
          return {
            rows: result.rows as Record<string, unknown>[],
            rowCount: result.affectedRows ?? result.rowCount ?? result.rows.length,
            command: result.command ?? "",
          };
        },
        release() {
          if (released) return;
          released = true;
          release();
        },
      };
    },
    async end() {
      await db.close();
    },
  };
}
