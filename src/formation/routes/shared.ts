import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Action } from '../../platform/access.js';
import type { Db } from '../../platform/db.js';
import { forbidden, notFound } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { conseillerRecrute, getSession, organismesDe, ressourceFormation, ressourceOrganisme, type ConseillerRecrute, type Session } from '../formation.js';

/**
 * The conseiller named in the URL (`moi`: oneself), if the caller may read their training record:
 * one outside the caller's scope answers 404 (it does not exist for them); one they may read but not
 * act on answers 403.
 */
export async function loadConseiller(db: Db, request: FastifyRequest, reply: FastifyReply, action: Action = 'formation:consulter'): Promise<ConseillerRecrute | undefined> {
  const raw = (request.params as { id?: string; userId?: string }).id ?? (request.params as { userId?: string }).userId ?? '';
  const id = raw === 'moi' ? (request.user?.id ?? '') : raw;
  const c = await conseillerRecrute(db, id);
  const r = c ? await ressourceFormation(db, request.user, c, parisCalendarDate()) : undefined;
  if (!c || !r || !can(request.user, 'formation:consulter', r)) {
    notFound(request, reply);
    return undefined;
  }
  if (action !== 'formation:consulter' && !can(request.user, action, r)) {
    forbidden(request, reply);
    return undefined;
  }
  return c;
}

/** The session named in the URL, if it belongs to one of the caller's providers (404 otherwise). */
export async function loadSessionDuPersonnel(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<Session | undefined> {
  const s = await getSession(db, (request.params as { id: string }).id);
  if (!s || !can(request.user, 'formation:organisme', await ressourceOrganisme(db, { id: s.organismeId }))) {
    notFound(request, reply);
    return undefined;
  }
  return s;
}

/** The provider the caller acts for: their first one (a staff member usually belongs to one). */
export async function organismeDuPersonnel(db: Db, request: FastifyRequest) {
  const [o] = await organismesDe(db, request.user!);
  return o;
}

export const body = (request: FastifyRequest) => (request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {});
