import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Action } from '../../platform/access.js';
import type { Db } from '../../platform/db.js';
import { forbidden, notFound } from '../../platform/http.js';
import { getDossierOfStructure, type Dossier } from '../dossiers.js';

export const resourceOf = (d: Dossier) => ({ kind: 'dossier' as const, structureId: d.structureId, departement: d.departement, statut: d.statut });

/**
 * Loads the file of the structure named in the URL and checks `action` on it. A file the caller may
 * not read answers 404 (it does not exist for them); one they may read but not change answers 403.
 */
export async function loadDossier(db: Db, request: FastifyRequest, reply: FastifyReply, action: Action): Promise<Dossier | undefined> {
  const d = await getDossierOfStructure(db, (request.params as { id: string }).id);
  if (!d || !can(request.user, 'programme:consulter', resourceOf(d))) {
    notFound(request, reply);
    return undefined;
  }
  if (action !== 'programme:consulter' && !can(request.user, action, resourceOf(d))) {
    forbidden(request, reply);
    return undefined;
  }
  return d;
}

/** A bounded, trimmed query-string value. */
export function q(request: FastifyRequest, name: string, max = 100): string {
  const v = (request.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}
