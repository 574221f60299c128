import type { Config } from './config.js';
import type { Database, Db } from './db.js';
import type { Mailer } from './mail.js';
import type { JobRegistry } from './jobs/jobs.js';
import type { Notifier } from '../notifications/notifications.js';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.js';

/** What every context's routes receive. */
export interface AppDeps {
  config: Config;
  database: Database;
  db: Db;
  mailer: Mailer;
  /** Background job kinds and schedules: each context defines its own (src/platform/jobs). */
  jobs: JobRegistry;
  /** In-app notifications and their mails (src/notifications): `deps.notifier.notify(tx, to, kind, data)`. */
  notifier: Notifier;
}

export function actorOf(request: FastifyRequest): Actor {
  const u = request.user;
  return u
    ? { userId: u.id, label: `${u.firstName} ${u.lastName} <${u.email}>`, requestId: request.id }
    : { userId: null, label: 'anonyme', requestId: request.id };
}

/**
 * A same-site path to go back to after sign-in; anything else becomes the dashboard. Only printable
 * ASCII without spaces is kept (browsers drop tabs and line breaks, turning `/\t/x` into `//x`), and
 * the path must resolve to this site.
 */
export function safeReturnPath(value: unknown): string {
  const fallback = '/tableau-de-bord';
  if (typeof value !== 'string' || value.length > 2000 || !/^\/[\x21-\x7e]*$/.test(value)) return fallback;
  if (value.startsWith('//') || value.includes('\\')) return fallback;
  const base = 'http://site.invalid';
  const url = new URL(value, base);
  return url.origin === base ? url.pathname + url.search : fallback;
}
