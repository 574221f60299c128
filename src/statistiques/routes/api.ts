/** The statistics' API (bearer tokens, problem+json): path and fields as the issue fixed them. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.js';
import { lireStatistiques } from './shared.js';
import { registerStatistiquesOpenApi } from './openapi.js';

export function registerStatistiquesApi(app: FastifyInstance, deps: AppDeps): void {
  registerStatistiquesOpenApi();
  app.get('/api/v1/statistiques', { config: { access: 'statistiques:consulter' } }, async (request, reply) => {
    const r = await lireStatistiques(deps.db, request);
    if (!r.ok) {
      const title = r.status === 403 ? 'Accès refusé' : 'Paramètres invalides';
      return reply.problem(r.status, title, Object.values(r.errors).join(' '), { invalid_params: Object.entries(r.errors).map(([name, reason]) => ({ name, reason })) });
    }
    return reply.header('cache-control', 'private, no-store').send(r.indicateurs);
  });
}
