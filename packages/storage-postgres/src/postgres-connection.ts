import type { PostgresPool } from "kysely";
import { translatePgError } from "./postgres-errors.js";
import type { PgPool, PgPoolClient } from "./postgres-pool.js";

/** Where the driver's connections come from: the host's pool, or one it makes and ends itself. */
export interface PoolSource {
  /** The pool, made on first call when the driver owns it. */
  pool(): Promise<PgPool>;
  /** Ends the pool if the driver made it; leaves a host's pool open. */
  end(): Promise<void>;
}

/**
 * The pool a driver borrows connections from: the host's own `pool` as it is, or one made from
 * `connectionString` on first use. `pg` is loaded only in the second case, so hosts that pass a
 * pool (or PGlite in a browser) never load it.
 *
 * @example
 * ```ts
 * const source = poolSource({ connectionString: process.env.DATABASE_URL, max: 10 });
 * const client = await (await source.pool()).connect();
 * await source.end(); // ends the pool it made
 * ```
 */
export function poolSource(options: { pool?: PgPool; connectionString?: string; max?: number }): PoolSource {
  const host = options.pool;
  let own: Promise<PgPool> | undefined;
  return {
    pool() {
      if (host) return Promise.resolve(host);
      own ??= import("pg").then((pg) => {
        const Pool = (pg.default ?? pg).Pool;
        return new Pool({ connectionString: options.connectionString, max: options.max ?? 10 }) as unknown as PgPool;
      });
      return own;
    },
    async end() {
      if (host === undefined && own !== undefined) {
        const made = await own;
        own = undefined;
        await made.end();
      }
    },
  };
}

/**
 * Wraps a pool so that every error of a query or of a connection attempt reaches the shared
 * layer (and the caller) as a `HomevisitError`, never as a driver error. With `searchPath`,
 * each borrowed connection sees only homevisit's schema until it goes back to the pool — the
 * host's connections leave with the search path they came with.
 *
 * @example
 * ```ts
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: translatingPool(source.pool, '"homevisit"') }) });
 * ```
 */
export function translatingPool(pool: () => Promise<PgPool>, searchPath?: string): PostgresPool {
  return {
    async connect() {
      let client: PgPoolClient;
      try {
        client = await (await pool()).connect();
      } catch (error) {
        throw translatePgError(error);
      }
      if (searchPath !== undefined) {
        try {
          await client.query(`SET search_path TO ${searchPath}`);
        } catch (error) {
          client.release(true);
          throw translatePgError(error);
        }
      }
      let released = false;
      const wrapped = {
        async query(text: string, values?: readonly unknown[]) {
          try {
            return await client.query(text, values === undefined ? undefined : [...values]);
          } catch (error) {
            throw translatePgError(error);
          }
        },
        release(destroy?: boolean) {
          if (released) return;
          released = true;
          if (searchPath === undefined || destroy) {
            client.release(destroy);
            return;
          }
          client.query("RESET search_path").then(
            () => client.release(),
            (error: unknown) => client.release(error instanceof Error ? error : true),
          );
        },
      };
      return wrapped as unknown as Awaited<ReturnType<PostgresPool["connect"]>>;
    },
    async end() {
      // Never ends the underlying pool: the storage decides that on close().
    },
  };
}
