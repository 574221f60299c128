import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Action } from '../../platform/access.js';
import type { Db } from '../../platform/db.js';
import { forbidden, notFound } from '../../platform/http.js';
import { getConvention, type Convention } from '../conventions.js';

export const resourceOf = (c: Pick<Convention, 'structureId' | 'departement'>) => ({ kind: 'convention' as const, structureId: c.structureId, departement: c.departement });

/**
 * Loads the agreement named in the URL and checks `action` on it: one the caller may not read answers
 * 404 (it does not exist for them), one they may read but not act on answers 403.
 */
export async function loadConvention(db: Db, request: FastifyRequest, reply: FastifyReply, action: Action): Promise<Convention | undefined> {
  const c = await getConvention(db, (request.params as { id: string }).id);
  if (!c || !can(request.user, 'conventions:consulter', resourceOf(c))) {
    notFound(request, reply);
    return undefined;
  }
  if (action !== 'conventions:consulter' && !can(request.user, action, resourceOf(c))) {
    forbidden(request, reply);
    return undefined;
  }
  return c;
}
