import type { FastifyInstance } from 'fastify';
import { addApiPaths } from '../platform/openapi.js';
import { searchCommunes } from './territoires.js';

const commune = {
  type: 'object',
  properties: {
    code_insee: { type: 'string' },
    nom: { type: 'string' },
    codes_postaux: { type: 'array', items: { type: 'string' } },
    departement: { type: 'string' },
    region: { type: 'string' },
    population: { type: ['integer', 'null'] },
    latitude: { type: 'number' },
    longitude: { type: 'number' },
    centre_approximatif: { type: 'boolean', description: "Vrai quand le centre est celui du chef-lieu du département (aucun centre importé pour la commune)." },
  },
};

export function registerTerritoiresRoutes(app: FastifyInstance): void {
  addApiPaths(
    {
      '/api/v1/communes': {
        get: {
          tags: ['Territoires'],
          operationId: 'chercherCommunes',
          summary: 'Chercher une commune par nom, code postal ou code INSEE (20 au plus)',
          parameters: [{ name: 'q', in: 'query', required: true, description: 'De 2 à 100 caractères ; accents et casse indifférents.', schema: { type: 'string', minLength: 2, maxLength: 100 }, example: 'Forbach' }],
          responses: {
            '200': { description: 'Les communes trouvées', content: { 'application/json': { schema: { type: 'object', properties: { communes: { type: 'array', items: commune } } } } } },
            '400': { description: 'Paramètre q invalide', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
          },
        },
      },
    },
    {},
    { Territoires: 'Communes, départements et régions (code officiel géographique).' },
  );
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
