import type { FastifyInstance } from 'fastify';
import { searchCommunes } from './territoires.js';

export function registerTerritoiresRoutes(app: FastifyInstance): void {
  /** Commune lookup by name, postcode or INSEE code (accent- and case-insensitive). */
  app.get('/api/v1/communes', { config: { access: 'public' } }, async (request, reply) => {
    const q = (request.query as { q?: unknown }).q;
    if (typeof q !== 'string' || q.trim().length < 2 || q.length > 100) {
      return reply.problem(400, 'Paramètre q invalide', 'Le paramètre q (nom, code postal ou code INSEE) doit contenir de 2 à 100 caractères.', {
        invalid_params: [{ name: 'q', reason: 'entre 2 et 100 caractères' }],
      });
    }
    const communes = searchCommunes(q, 20).map((c) => ({
      code_insee: c.insee,
      nom: c.nom,
      codes_postaux: c.codesPostaux,
      departement: c.departement,
      region: c.region,
      population: c.population,
      latitude: c.lat,
      longitude: c.lng,
      centre_approximatif: c.centreApproximatif,
    }));
    return reply.header('cache-control', 'public, max-age=3600').send({ communes });
  });
}
