/**
 * Test helpers: every test file gets its own database — an in-memory PGlite by default, or a fresh
 * schema on the server named by TEST_DATABASE_URL — migrated from the committed SQL.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from './config.js';
import { pgPoolConfig, wrapPglite, wrapPool, type Database } from './db.js';
import { migrate } from './migrate.js';
import { buildApp } from '../app.js';
import { seedDemo } from '../demo/seed.js';
import type { ProgrammeOptions } from '../programme/routes.js';

/** The schema of each PostgreSQL test database, so that a second connection can join it. */
const schemaOf = new WeakMap<Database, string>();

export async function createTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const database = wrapPglite(await PGlite.create());
    await migrate(database);
    return database;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(pgPoolConfig(url));
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const pool = new pg.Pool(pgPoolConfig(url, { max: 5, options: `-c search_path=${schema}` }));
  const database = wrapPool(pool, async () => {
    await pool.query(`drop schema ${schema} cascade`);
  });
  schemaOf.set(database, schema);
  await migrate(database);
  return database;
}

/**
 * Another connection pool on the same test database, as a second instance of the application would
 * have (PostgreSQL only: null on the embedded database, which one process owns). Close it yourself.
 */
export function peerDatabase(database: Database): { database: Database; url: string; schema: string } | null {
  const url = process.env.TEST_DATABASE_URL;
  const schema = schemaOf.get(database);
  if (!url || !schema) return null;
  const pool = new pg.Pool(pgPoolConfig(url, { max: 5, options: `-c search_path=${schema}` }));
  return { database: wrapPool(pool), url, schema };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ SESSION_SECRET: 'secret-de-test-suffisamment-long', DATA_DIR: '/tmp/cn-test-unused', DEMO: '1', BAN_URL: 'off', ENTREPRISES_API_URL: 'off' });
  return { ...base, logLevel: 'silent', ...overrides };
}

export type TestApp = Awaited<ReturnType<typeof buildApp>>;

export interface TestContext {
  app: TestApp;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

export async function createTestApp(opts: { demo?: boolean; config?: Partial<Config>; programme?: ProgrammeOptions } = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  if (opts.demo ?? true) await seedDemo(database.db);
  const config = testConfig(opts.config);
  const app = await buildApp({ config, database, logger: false, ...(opts.programme ? { programme: opts.programme } : {}) });
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** A browser-like client over app.inject: keeps cookies, reads CSRF tokens from the pages it gets. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  lastCsrf = '';

  constructor(private readonly app: TestApp) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse): void {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.lastCsrf = m[1]!;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } });
    this.keep(res);
    return res;
  }

  /** Posts a form with the CSRF token of the last page read (unless one is given). */
  async post(url: string, form: Record<string, string | string[]> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (!('_csrf' in form)) body.append('_csrf', this.lastCsrf);
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
    this.keep(res);
    return res;
  }

  async login(email: string, password = 'demo-conseiller-numerique'): Promise<LightMyRequestResponse> {
    await this.get('/connexion');
    const res = await this.post('/connexion', { email, password });
    if (res.statusCode !== 303) throw new Error(`login failed for ${email}: ${res.statusCode}`);
    await this.get('/compte'); // fresh CSRF token bound to the new session
    return res;
  }
}
