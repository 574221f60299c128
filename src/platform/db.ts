import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { is, Param, Placeholder, type Query, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgDialect, PgQueryResultHKT, PgSession } from 'drizzle-orm/pg-core';
import pg from 'pg';

/** The Drizzle handle every context receives; the same type for PGlite and PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT>;

export type DbKind = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  kind: DbKind;
  /** Runs raw SQL (several statements allowed, no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs raw SQL inside one transaction: all of it or nothing. */
  execInTransaction(sql: string): Promise<void>;
  /** Runs one raw query with parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function wrapPglite(client: PGlite): Database {
  return {
    db: drizzlePglite({ client }) as unknown as Db,
    kind: 'pglite',
    async exec(sql) {
      await client.exec(sql);
    },
    async execInTransaction(sql) {
      await client.transaction(async (tx) => {
        await tx.exec(sql);
      });
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await client.query<T>(sql, params);
      return r.rows;
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

export function wrapPool(pool: pg.Pool, onClose?: () => Promise<void>): Database {
  return {
    db: drizzlePg({ client: pool }) as unknown as Db,
    kind: 'postgres',
    async exec(sql) {
      await pool.query(sql);
    },
    async execInTransaction(sql) {
      const c = await pool.connect();
      try {
        await c.query('begin');
        await c.query(sql);
        await c.query('commit');
      } catch (e) {
        await c.query('rollback').catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await pool.query(sql, params);
      return r.rows as T[];
    },
    async close() {
      if (onClose) await onClose();
      await pool.end();
    },
  };
}

// Return DATE columns as plain 'YYYY-MM-DD' strings: a calendar date must never shift with time zones.
pg.types.setTypeParser(1082, (v: string) => v);

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Directory holding the embedded database (used when databaseUrl is unset). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

/**
 * Pool settings for a postgres:// URL. When the URL names no user and neither PGUSER nor USER is
 * set (as in some CI shells), the operating-system user is used, as psql would.
 */
export function pgPoolConfig(url: string, extra: pg.PoolConfig = {}): pg.PoolConfig {
  const parsed = new URL(url);
  if (!parsed.username && !process.env.PGUSER && !process.env.USER) parsed.username = userInfo().username;
  return { connectionString: parsed.href, ...extra };
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool(pgPoolConfig(opts.databaseUrl, { max: opts.poolSize ?? 10 }));
    pool.on('error', () => {
      /* idle client errors are reported on next use */
    });
    await pool.query('select 1');
    return wrapPool(pool);
  }
  if (!opts.dataDir) throw new Error('dataDir is required for the embedded database');
  const dir = join(opts.dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  return wrapPglite(client);
}

/** The rows of `db.execute(sql…)`: an array on one driver, `{ rows }` on the other. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * A hot statement built once and run many times: `build` writes it with Drizzle, `sql.placeholder(name)`
 * standing for each value that changes. Its text is computed on the first run per database (never again),
 * and on PostgreSQL it is a named prepared statement (parsed and planned once per connection). The rows
 * come back as the driver gives them to Drizzle (column names; timestamps and dates as text): map them
 * with the columns' `mapFromDriverValue`. Not for use inside a transaction (it runs on `db` itself).
 */
export function preparedStatement(name: string, build: (db: Db) => SQL): (db: Db, values: Record<string, unknown>) => Promise<Record<string, unknown>[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`nom de requête préparée invalide : ${name}`);
  const built = new WeakMap<Db, Query>();
  return async (db, values) => {
    let q = built.get(db);
    if (!q) {
      q = (db as unknown as { dialect: PgDialect }).dialect.sqlToQuery(build(db));
      built.set(db, q);
    }
    const params = q.params.map((p) => {
      const placeholder = is(p, Param) && is(p.value, Placeholder) ? p.value : is(p, Placeholder) ? p : null;
      if (!placeholder) return p;
      if (!(placeholder.name in values)) throw new Error(`requête ${name} : valeur manquante pour ${placeholder.name}`);
      const value = values[placeholder.name];
      // Drizzle's own filling would hand null to the column's encoder (an array's fails): null stays null.
      return value === null || value === undefined ? null : is(p, Param) ? (p as Param).encoder.mapToDriverValue(value) : value;
    });
    const session = (db as unknown as { _: { session: PgSession } })._.session;
    return rowsOf<Record<string, unknown>>(await session.prepareQuery({ sql: q.sql, params }, undefined, name, false).execute());
  };
}
