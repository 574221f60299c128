import type { Config } from './config.js';
import type { Database, Db } from './db.js';
import type { Mailer } from './mail.js';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.js';

/** What every context's routes receive. */
export interface AppDeps {
  config: Config;
  database: Database;
  db: Db;
  mailer: Mailer;
}

export function actorOf(request: FastifyRequest): Actor {
  const u = request.user;
  return u
    ? { userId: u.id, label: `${u.firstName} ${u.lastName} <${u.email}>`, requestId: request.id }
    : { userId: null, label: 'anonyme', requestId: request.id };
}

/** A same-site path to go back to after sign-in; anything else becomes the dashboard. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return '/tableau-de-bord';
  }
  return value;
}
